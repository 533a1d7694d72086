"""Evidence exports (issue 13, item 3): the chosen documents' captures as a WACZ package that py-wacz's
validator accepts, or as plain WARC; damaged captures and unknown ids fail without writing anything."""

import gzip
import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive import Archive
from archive.errors import ArchiveError, NotFound
from archive.evidence import check_ids, export_evidence, iter_pages, looks_like_ids, parse_ids

HEADERS = [("Content-Type", "text/html; charset=utf-8")]


def page(n: int, words: str = "families who refused the spring exams") -> bytes:
    return (f"<html><head><title>Board note {n}</title></head><body><p>Note {n} about {words}. "
            f"The district heard from parents at meeting number {n}.</p></body></html>").encode()


def fill(data: Path, n: int = 3) -> tuple[Archive, list[str]]:
    archive = Archive(data)
    ids = []
    for i in range(n):
        _, doc_id = archive.record_page(
            source="local", url=f"https://district.example/notes/{i}", status=200, body=page(i),
            response_headers=HEADERS, request_headers=[("User-Agent", "optout-test")],
            extracted={"title": f"Board note {i}", "text": f"Note {i} about families who refused the exams."})
        ids.append(doc_id)
    return archive, ids


def validate(path: Path) -> int:
    """py-wacz's own validator, as `wacz validate -f PATH` runs it (0: valid)."""
    from wacz.main import main as wacz_main

    return wacz_main(["validate", "-f", str(path)])


def records(path: Path) -> list[tuple[str, str, bytes]]:
    with open(path, "rb") as fh:
        return [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.content_stream().read())
                for r in ArchiveIterator(fh)]


def test_wacz_of_chosen_ids_validates_and_holds_exactly_their_captures(tmp_path):
    archive, ids = fill(tmp_path / "d")
    out = tmp_path / "evidence.wacz"
    report = export_evidence(archive, [ids[0], ids[2]], out, "wacz")
    assert (report.documents, report.captures, report.records) == (2, 2, 4)
    assert validate(out) == 0
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        assert {"archive/data.warc.gz", "indexes/index.cdx", "pages/pages.jsonl", "datapackage.json",
                "datapackage-digest.json"} <= names
        # Replay reads the WARC by offset: it must be stored, not deflated.
        assert zf.getinfo("archive/data.warc.gz").compress_type == zipfile.ZIP_STORED
        package = json.loads(zf.read("datapackage.json"))
        assert package["wacz_version"] == "1.1.1"
        for res in package["resources"]:
            assert res["hash"] == "sha256:" + hashlib.sha256(zf.read(res["path"])).hexdigest()
        index = zf.read("indexes/index.cdx").decode().splitlines()
        (tmp_path / "data.warc.gz").write_bytes(zf.read("archive/data.warc.gz"))
    assert sorted(json.loads(line.split(" ", 2)[2])["url"] for line in index) == [
        "https://district.example/notes/0", "https://district.example/notes/2"]
    assert [p["url"] for p in iter_pages(out)] == ["https://district.example/notes/0",
                                                   "https://district.example/notes/2"]
    assert [p["title"] for p in iter_pages(out)] == ["Board note 0", "Board note 2"]
    recs = records(tmp_path / "data.warc.gz")
    assert [r[0] for r in recs] == ["response", "request", "response", "request"]
    # The bytes are the archived ones, unchanged.
    assert recs[0][2] == archive.raw(ids[0]).body and recs[2][2] == archive.raw(ids[2]).body


def test_every_capture_of_a_document_is_exported(tmp_path):
    archive, ids = fill(tmp_path / "d", 1)
    archive.record_page(source="local", url="https://district.example/notes/0", status=200,
                        body=page(0, "a later edit about the refusal forms"), response_headers=HEADERS,
                        extracted={"title": "Board note 0", "text": "A later edit about the refusal forms."})
    assert len(archive.captures(ids[0])) == 2
    out = tmp_path / "both.wacz"
    report = export_evidence(archive, ids, out, "wacz")
    assert report.captures == 2 and report.records == 3  # the second capture had no request record
    assert validate(out) == 0
    assert len(list(iter_pages(out))) == 2


@pytest.mark.parametrize("name", ["out.warc.gz", "out.warc"])
def test_plain_warc_holds_the_records_gzipped_or_not(tmp_path, name):
    archive, ids = fill(tmp_path / "d")
    out = tmp_path / name
    export_evidence(archive, None, out, "warc")
    raw = out.read_bytes()
    assert (raw[:2] == b"\x1f\x8b") == name.endswith(".gz")
    recs = records(out)
    assert [r[1] for r in recs if r[0] == "response"] == [f"https://district.example/notes/{i}" for i in range(3)]
    assert [r[2] for r in recs if r[0] == "response"] == [archive.raw(i).body for i in ids]


def test_a_tampered_package_fails_the_validator(tmp_path):
    """The validator the tests rely on does catch a bad package (so its passing means something)."""
    archive, ids = fill(tmp_path / "d")
    good = tmp_path / "good.wacz"
    export_evidence(archive, ids, good, "wacz")
    bad = tmp_path / "bad.wacz"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "pages/pages.jsonl":
                data = data.replace(b"Board note 1", b"Board note 9")
            dst.writestr(info, data)
    assert validate(bad) == 1


def test_a_damaged_capture_fails_naming_the_document_and_writes_nothing(tmp_path):
    archive, ids = fill(tmp_path / "d")
    cap = archive.captures(ids[1])[0]
    warc = archive.warc.directory / cap.warc_file
    raw = bytearray(warc.read_bytes())
    member = gzip.decompress(bytes(raw[cap.warc_offset: cap.warc_offset + cap.warc_length]))
    damaged = gzip.compress(member.replace(b"meeting number 1", b"meeting number 7"))
    warc.write_bytes(bytes(raw[: cap.warc_offset]) + damaged + bytes(raw[cap.warc_offset + cap.warc_length:]))
    # (the offsets of later records moved: the catalog's length check or the digest catches it either way)
    out = tmp_path / "evidence.wacz"
    out.write_bytes(b"an older export the user keeps")
    with pytest.raises(ArchiveError) as err:
        export_evidence(archive, ids, out, "wacz")
    assert ids[1] in str(err.value) and "nothing was exported" in str(err.value)
    assert out.read_bytes() == b"an older export the user keeps"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d", "evidence.wacz"]  # no temp file left


def test_ids_or_query(tmp_path):
    archive, ids = fill(tmp_path / "d")
    assert looks_like_ids(f"{ids[0]}, {ids[1].upper()}")
    assert not looks_like_ids("opt out") and not looks_like_ids(f"{ids[0]},refusal")
    assert parse_ids(f"{ids[0]},{ids[0]},{ids[1]}") == [ids[0], ids[1]]
    assert check_ids(archive, ids) == ids
    with pytest.raises(NotFound, match="0123456789abcdef"):
        check_ids(archive, [ids[0], "0123456789abcdef"])


def test_documents_without_captures_are_reported(tmp_path):
    archive, ids = fill(tmp_path / "d", 1)
    line = {"id": "00000000000000aa", "url": "https://elsewhere.example/x", "text": "Imported text."}
    dump = tmp_path / "dump.jsonl"
    dump.write_text(json.dumps(line) + "\n")
    with dump.open() as fh:
        archive.import_jsonl(fh)
    report = export_evidence(archive, None, tmp_path / "e.warc.gz", "warc")
    assert report.documents == 1 and report.without_captures == ["00000000000000aa"]
    with pytest.raises(ArchiveError, match="imported"):
        export_evidence(archive, ["00000000000000aa"], tmp_path / "f.warc.gz", "warc")
    assert not (tmp_path / "f.warc.gz").exists()
