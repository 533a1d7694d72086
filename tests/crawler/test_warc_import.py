"""`optout import-warc`: WARC files written here with warcio (gzip and not, request/response pairs, revisits,
truncated files, other record types) become captures and documents, idempotently, with bad records counted."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive import Archive
from crawler.warcimport import WarcImportError, import_warcs
from testsupport.cli import invoke
from testsupport.faultserver import make_article

SITE = "https://www.harbor-teachers.example"


def _response(writer: WARCWriter, url: str, date: str, body: bytes, ctype: str = "text/html; charset=utf-8",
              status: str = "200 OK", request: bool = True):
    http = StatusAndHeaders(status, [("Content-Type", ctype), ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
    rec = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http,
                                    warc_headers_dict={"WARC-Date": date})
    writer.write_record(rec)
    if request:
        req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "www.harbor-teachers.example")], is_http_request=True)
        writer.write_record(writer.create_warc_record(url, "request", http_headers=req, warc_headers_dict={
            "WARC-Date": date, "WARC-Concurrent-To": rec.rec_headers.get_header("WARC-Record-ID")}))
    return rec


def _write(path: Path, gzip: bool, build) -> Path:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "a test"}))
        build(writer)
    return path


def _article(seed: int, path: str) -> bytes:
    return make_article(seed, path, words=220).html(SITE).encode("utf-8")


def _site_warc(path: Path, gzip: bool = True) -> Path:
    def build(w):
        a = _response(w, SITE + "/news/strike-vote.html", "2014-10-02T08:00:00Z", _article(11, "/news/strike-vote.html"))
        _response(w, SITE + "/news/board-meeting.html", "2014-10-03T08:00:00.123456Z", _article(12, "/news/board-meeting.html"))
        _response(w, SITE + "/", "2014-10-02T08:00:01Z", b"<html><head><title>Harbor</title></head><body>"
                  + b"".join(b'<p><a href="/news/%d.html">A headline that is long enough %d</a></p>' % (i, i) for i in range(20))
                  + b"</body></html>")
        _response(w, SITE + "/logo.png", "2014-10-02T08:00:02Z", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "image/png")
        _response(w, SITE + "/news/old.html", "2014-10-02T08:00:03Z", b"<html><body>gone</body></html>",
                  status="404 Not Found")
        _response(w, SITE + "/letters/spring.pdf", "2014-10-02T08:00:04Z", b"%PDF-1.4\n% a made-up letter\n%%EOF\n",
                  "application/pdf")
        # Revisit: the strike-vote page again a month later, identical payload (as Heritrix writes it).
        w.write_record(w.create_revisit_record(
            SITE + "/news/strike-vote.html", digest=a.rec_headers.get_header("WARC-Payload-Digest"),
            refers_to_uri=SITE + "/news/strike-vote.html", refers_to_date="2014-10-02T08:00:00Z",
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": "2014-11-02T08:00:00Z"}))
        w.write_record(w.create_revisit_record(
            SITE + "/news/unknown.html", digest="sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            refers_to_uri=SITE + "/news/unknown.html", refers_to_date="2014-01-01T00:00:00Z",
            warc_headers_dict={"WARC-Date": "2014-11-02T08:00:00Z"}))
    return _write(path, gzip, build)


@pytest.mark.parametrize("gzip", [True, False])
def test_responses_become_captures_and_articles_documents(tmp_path, gzip):
    warc = _site_warc(tmp_path / ("site.warc.gz" if gzip else "site.warc"), gzip)
    with Archive(tmp_path / "d") as archive:
        report = import_warcs([warc], archive, [])
        assert report.counts["new"] == 2
        assert report.counts["request records"] == 6 and report.counts["warcinfo records"] == 1
        assert report.unusable["not HTML or PDF (image/png)"] == 1
        assert report.unusable["HTTP 404 response"] == 1
        assert report.unusable["revisit of a record not read from these files"] == 1
        assert report.file_problems == []
        doc = archive.get(SITE + "/news/strike-vote.html")
        caps = archive.captures(doc.id)
        # The response and its revisit a month later: one document, two captures, each at its WARC-Date.
        assert [c.captured_at for c in caps] == ["2014-10-02T08:00:00Z", "2014-11-02T08:00:00Z"]
        assert all(c.origin_type == "warc" and c.origin.startswith(warc.name + "#<urn:uuid:") for c in caps)
        assert doc.captured_at == "2014-10-02T08:00:00Z"
        assert archive.get(SITE + "/news/board-meeting.html").captured_at == "2014-10-03T08:00:00Z"
        every = list(archive.catalog.iter_captures())
        assert {c.url for c in every} == {SITE + "/news/strike-vote.html", SITE + "/news/board-meeting.html", SITE + "/",
                                          SITE + "/letters/spring.pdf"}
        assert archive.catalog.count() == 2  # the home page and the PDF without text are captures only


def test_importing_twice_adds_nothing(tmp_path):
    warc = _site_warc(tmp_path / "site.warc.gz")
    first = invoke("import-warc", str(warc), data_dir=tmp_path / "d")
    assert first.returncode == 0, first.stderr
    with Archive(tmp_path / "d") as archive:
        before = (archive.catalog.count(), archive.catalog.capture_count())
    second = invoke("import-warc", str(warc), data_dir=tmp_path / "d")
    assert second.returncode == 0
    assert "0 new and 0 updated documents, 0 captures archived" in second.stdout
    with Archive(tmp_path / "d") as archive:
        assert (archive.catalog.count(), archive.catalog.capture_count()) == before
    shown = invoke("show", SITE + "/news/strike-vote.html", data_dir=tmp_path / "d")
    assert "via an imported WARC: site.warc.gz#<urn:uuid:" in shown.stdout


def test_records_are_given_the_source_whose_site_they_are_on(tmp_path):
    warc = _site_warc(tmp_path / "site.warc.gz")
    (tmp_path / "s.toml").write_text(f'[[sources]]\nid = "harbor"\nname = "Harbor Teachers"\nkind = "statement"\n'
                                     f'organization = "Harbor Teachers Union"\nfeeds = ["{SITE}/feed/"]\n')
    run = invoke("import-warc", str(warc), "--sources", str(tmp_path / "s.toml"), data_dir=tmp_path / "d")
    assert run.returncode == 0, run.stderr
    with Archive(tmp_path / "d") as archive:
        doc = archive.get(SITE + "/news/board-meeting.html")
        assert doc.source == "harbor" and doc.source_organization == "Harbor Teachers Union"
    unknown = invoke("import-warc", str(warc), "--source", "nope", data_dir=tmp_path / "d")
    assert unknown.returncode == 2 and "unknown source id 'nope'" in unknown.stderr


@pytest.mark.parametrize("gzip", [True, False])
def test_a_truncated_file_keeps_what_came_before_the_cut(tmp_path, gzip):
    def build(w):
        for i in range(4):
            _response(w, SITE + f"/news/item-{i}.html", f"2015-01-0{i + 1}T00:00:00Z", _article(40 + i, f"/news/item-{i}.html"))
    whole = _write(tmp_path / "whole.warc", gzip, build)
    data = whole.read_bytes()
    cut = tmp_path / ("cut.warc.gz" if gzip else "cut.warc")
    cut.write_bytes(data[: int(len(data) * 0.8)])
    run = invoke("import-warc", str(cut), data_dir=tmp_path / "d")
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    with Archive(tmp_path / "d") as archive:
        urls = {c.url for c in archive.catalog.iter_captures()}
    assert {SITE + "/news/item-0.html", SITE + "/news/item-1.html"} <= urls
    assert SITE + "/news/item-3.html" not in urls  # the cut record is reported, never archived half
    assert "truncated or damaged" in run.stderr


def test_a_file_that_is_not_a_warc_imports_nothing(tmp_path):
    good = _site_warc(tmp_path / "site.warc.gz")
    notes = tmp_path / "notes.warc"
    notes.write_text("these are meeting notes, not a web archive\n")
    run = invoke("import-warc", str(good), str(notes), data_dir=tmp_path / "d")
    assert run.returncode == 1
    assert run.stderr.strip().splitlines()[-1].endswith("not a WARC file (it does not start with a WARC record) "
                                                       "(nothing was imported)")
    with Archive(tmp_path / "d") as archive:
        assert archive.catalog.capture_count() == 0
    fake_gz = tmp_path / "fake.warc.gz"
    fake_gz.write_bytes(b"\x1f\x8b\x08\x00garbage that is not deflate")
    with Archive(tmp_path / "d") as archive, pytest.raises(WarcImportError, match="damaged gzip|not a WARC"):
        import_warcs([fake_gz], archive, [])
    missing = invoke("import-warc", str(tmp_path / "nowhere.warc"), data_dir=tmp_path / "d")
    assert missing.returncode == 1 and "cannot read" in missing.stderr


def test_a_big_file_is_streamed_record_by_record(tmp_path):
    blob = bytes(range(256)) * 4096  # 1 MB of bytes no page has

    def build(w):
        for i in range(40):
            _response(w, SITE + f"/media/clip-{i}.bin", "2015-02-01T00:00:00Z", blob, "application/octet-stream", request=False)
        _response(w, SITE + "/news/last.html", "2015-02-02T00:00:00Z", _article(77, "/news/last.html"))
    warc = _write(tmp_path / "big.warc", False, build)
    assert warc.stat().st_size > 40 << 20
    with Archive(tmp_path / "d") as archive:
        import_warcs([warc], archive, [])  # warm up imports (trafilatura, lxml) outside the measurement
        tracemalloc.start()
        try:
            report = import_warcs([warc], archive, [])
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert report.unusable["not HTML or PDF (application/octet-stream)"] == 40
    assert report.counts["archived before"] == 1
    assert peak < 8 << 20  # far below the file's 40 MB: never read whole


_BODIES = {f"{SITE}/news/cut-{i}.html": _article(90 + i, f"/news/cut-{i}.html") for i in range(3)}


def _cut_source(gzip: bool) -> bytes:
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip)
    for i, (url, body) in enumerate(_BODIES.items()):
        _response(writer, url, f"2016-02-0{i + 1}T00:00:00Z", body)
    return out.getvalue()


_WHOLE = {True: _cut_source(True), False: _cut_source(False)}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(gzip=st.booleans(), fraction=st.floats(0.05, 1.0))
def test_a_file_cut_anywhere_imports_only_whole_records(tmp_path, gzip, fraction):
    data = _WHOLE[gzip]
    work = tmp_path / f"cut-{gzip}-{fraction}"
    work.mkdir(exist_ok=True)
    path = work / "cut.warc"
    path.write_bytes(data[: max(20, int(len(data) * fraction))])
    with Archive(work / "d") as archive:
        try:
            import_warcs([path], archive, [])
        except WarcImportError:
            return  # cut inside the very first record's head: refused before anything is written
        for cap in archive.catalog.iter_captures():
            assert archive.warc.read(cap.warc_file, cap.warc_offset).body == _BODIES[cap.url]
