import gzip
import io
import json
import sqlite3

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive import Archive, ArchiveError, NotFound
from archive.errors import ImportFormatError

HTML = b"<html><head><title>A page</title></head><body><p>Body text of the page.</p></body></html>"


def extraction(text="Parents in the fictional town refused the tests this spring, organizers said." * 5, **kw):
    return {"title": "Fictional opt-out story", "published": "2015-04-03", "authors": ["Jane Roe"], "text": text,
            "language": "en", **kw}


def record(archive, url="https://example.org/story.html?utm_source=rss", text=None, **kw):
    return archive.record_page(source="ex", url=url, status=200, body=HTML,
                               response_headers=[("Content-Type", "text/html; charset=utf-8")],
                               request_headers=[("User-Agent", "optout-test")],
                               extracted=extraction(text) if text else extraction(), **kw)


def test_missing_data_dir_is_created(tmp_path):
    target = tmp_path / "a" / "b"
    with Archive(target) as archive:
        assert (target / "archive.sqlite3").exists()
        assert archive.catalog.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert archive.catalog.conn.execute("PRAGMA user_version").fetchone()[0] >= 1


def test_unusable_data_dir_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(ArchiveError, match="not a directory"):
        Archive(blocker)


def test_not_a_catalog_is_a_clear_error(tmp_path):
    (tmp_path / "archive.sqlite3").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ArchiveError, match="not a usable"):
        Archive(tmp_path)


def test_recapture_updates_instead_of_duplicating(tmp_path):
    with Archive(tmp_path) as archive:
        assert record(archive)[0] == "new"
        outcome, doc_id = record(archive, url="http://www.example.org/story.html?fbclid=zzz")
        assert outcome == "unchanged"
        outcome, doc_id2 = record(archive, text="A corrected text about the fictional boycott, longer now. " * 6)
        assert outcome == "updated" and doc_id2 == doc_id
        assert archive.catalog.count() == 1
        doc = archive.get(doc_id)
        assert doc.version == 2 and "corrected" in doc.text
        assert len(archive.captures(doc_id)) == 3
        assert doc.captured_at is not None


def test_page_canonical_link_decides_identity(tmp_path):
    with Archive(tmp_path) as archive:
        _, a = archive.record_page(source="ex", url="https://example.org/print/123", status=200, body=HTML,
                                   response_headers=[], extracted=extraction(canonical_url="https://example.org/story-123"))
        _, b = archive.record_page(source="ex", url="https://example.org/story-123?ref=home", status=200, body=HTML,
                                   response_headers=[], extracted=extraction())
        assert a == b and archive.catalog.count() == 1


def test_warc_records_read_back_with_warcio(tmp_path):
    with Archive(tmp_path) as archive:
        _, doc_id = record(archive)
        raw = archive.raw(doc_id)
        assert raw.body == HTML and raw.status == 200
        cap = archive.captures(doc_id)[0]
        with open(tmp_path / "warc" / cap.warc_file, "rb") as fh:
            types = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r in ArchiveIterator(fh)]
        assert ("response", "https://example.org/story.html?utm_source=rss") in types
        assert any(t == "request" for t, _ in types)


def test_get_by_url_and_unknown_id(tmp_path):
    with Archive(tmp_path) as archive:
        _, doc_id = record(archive)
        assert archive.get("https://example.org/story.html").id == doc_id
        with pytest.raises(NotFound):
            archive.get("nope")


def test_a_crash_mid_write_leaves_no_half_document(tmp_path, monkeypatch):
    with Archive(tmp_path) as archive:
        def boom(*args, **kwargs):
            raise KeyboardInterrupt

        monkeypatch.setattr(archive.catalog, "add_capture", boom)
        with pytest.raises(KeyboardInterrupt):
            record(archive)
        assert archive.catalog.count() == 0
    with Archive(tmp_path) as archive:  # still opens, still consistent
        assert archive.catalog.count() == 0
        assert record(archive)[0] == "new"


def test_near_duplicates_across_outlets_are_linked(tmp_path):
    text = ("The fictional state teachers union urged parents to refuse the spring tests, saying the exams "
            "took weeks of class time and told families little they did not already know. ") * 4
    with Archive(tmp_path) as archive:
        _, first = archive.record_page(source="a", url="http://a.example/x", status=200, body=HTML,
                                       response_headers=[], extracted=extraction(text))
        _, second = archive.record_page(source="b", url="http://b.example/y", status=200, body=HTML,
                                        response_headers=[], extracted=extraction(text + " Reprinted."))
        assert archive.get(second).near_duplicate_of == first
        _, third = archive.record_page(source="c", url="http://c.example/z", status=200, body=HTML, response_headers=[],
                                       extracted=extraction("A different story about budgets and buses entirely. " * 10))
        assert archive.get(third).near_duplicate_of is None


def test_export_import_round_trip(tmp_path):
    with Archive(tmp_path / "one") as archive:
        _, doc_id = record(archive)
        from archive.model import Quote

        with archive.catalog.transaction() as conn:
            archive.catalog.set_tags(conn, doc_id, {"organization": ["NYSUT"], "state": ["NY"], "test": ["PARCC"]},
                                     [Quote("We support the families who opt out", "Jane Roe", "president", "NYSUT", 3, 40)],
                                     "test")
        first = io.StringIO()
        archive.export_jsonl(first)
    with Archive(tmp_path / "two") as other:
        assert other.import_jsonl(io.StringIO(first.getvalue())) == 1
        second = io.StringIO()
        other.export_jsonl(second)
    a, b = json.loads(first.getvalue()), json.loads(second.getvalue())
    assert a == b
    assert a["organizations"] == ["NYSUT"] and a["quotes"][0]["speaker"] == "Jane Roe"


def test_import_with_a_bad_line_imports_nothing(tmp_path):
    good = json.dumps({"id": "abc", "url": "http://x.example/a", "text": "hello"})
    with Archive(tmp_path) as archive:
        with pytest.raises(ImportFormatError, match="line 2"):
            archive.import_jsonl(io.StringIO(good + "\n{not json\n" + good.replace("abc", "def") + "\n"))
        assert archive.catalog.count() == 0
        with pytest.raises(ImportFormatError, match="line 1: missing or invalid 'text'"):
            archive.import_jsonl(io.StringIO(json.dumps({"id": "x", "url": "http://x"})))
        with pytest.raises(ImportFormatError, match="kind"):
            archive.import_jsonl(io.StringIO(json.dumps({"id": "x", "url": "http://x", "text": "t", "kind": "rumour"})))


def test_newer_schema_is_refused(tmp_path):
    Archive(tmp_path).close()
    conn = sqlite3.connect(tmp_path / "archive.sqlite3")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(ArchiveError, match="newer"):
        Archive(tmp_path)


def test_capture_without_text_is_kept(tmp_path):
    with Archive(tmp_path) as archive:
        outcome, doc_id = archive.record_page(source="ex", url="http://x.example/s.pdf", status=200,
                                              body=b"%PDF-1.4 fictional", response_headers=[], extracted=None)
        assert outcome == "captured" and doc_id is None
        assert archive.catalog.count() == 0
        n = archive.catalog.conn.execute("SELECT count(*) FROM captures").fetchone()[0]
        assert n == 1


def test_warc_files_are_gzip_members(tmp_path):
    with Archive(tmp_path) as archive:
        record(archive)
        (warc,) = list((tmp_path / "warc").iterdir())
        assert gzip.open(warc).read(4) == b"WARC"
