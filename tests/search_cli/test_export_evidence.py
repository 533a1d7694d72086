"""`optout export --format wacz|warc --select IDS_OR_QUERY OUT` (issue 13, item 3): ids or a search query,
one-line errors, nothing written on failure."""

import json
import zipfile

from warcio.archiveiterator import ArchiveIterator

from archive import Archive
from testsupport.cli import invoke

HEADERS = [("Content-Type", "text/html; charset=utf-8")]


def fill(data, n=3):
    archive = Archive(data)
    ids = []
    for i in range(n):
        body = f"<html><body><p>Note {i} about families who refused the spring exams.</p></body></html>".encode()
        _, doc_id = archive.record_page(
            source="local", url=f"https://district.example/notes/{i}", status=200, body=body,
            response_headers=HEADERS, request_headers=[("User-Agent", "optout-test")],
            extracted={"title": f"Board note {i}", "text": f"Note {i} about families who refused the exams."})
        ids.append(doc_id)
    return archive, ids


def validate(path):
    from wacz.main import main as wacz_main

    return wacz_main(["validate", "-f", str(path)])


def page_urls(path):
    with zipfile.ZipFile(path) as zf:
        return [json.loads(line)["url"] for line in zf.read("pages/pages.jsonl").decode().splitlines()[1:]]


def responses(path):
    with open(path, "rb") as fh:
        return [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh) if r.rec_type == "response"]


def test_cli_wacz_by_ids_and_by_query(tmp_path):
    data = tmp_path / "d"
    archive, ids = fill(data)
    archive.record_page(source="local", url="https://district.example/other", status=200,
                        body=b"<html><body><p>The budget vote and the new gym.</p></body></html>",
                        response_headers=HEADERS,
                        extracted={"title": "Budget vote", "text": "The budget vote and the new gym floor."})
    archive.close()
    out = tmp_path / "by-id.wacz"
    run = invoke("export", "--format", "wacz", "--select", f"{ids[1]},{ids[2]}", str(out), data_dir=data)
    assert run.returncode == 0, run.stderr
    assert "2 captures of 2 documents" in run.stderr and validate(out) == 0
    assert page_urls(out) == ["https://district.example/notes/1", "https://district.example/notes/2"]
    assert invoke("index", data_dir=data).returncode == 0
    out = tmp_path / "by-query.wacz"
    run = invoke("export", "--format", "wacz", "--select", "budget", str(out), data_dir=data)
    assert run.returncode == 0, run.stderr
    assert page_urls(out) == ["https://district.example/other"]
    run = invoke("export", "--format", "warc", "--select", "refused", "-o", str(tmp_path / "q.warc.gz"),
                 data_dir=data)
    assert run.returncode == 0, run.stderr
    assert sorted(responses(tmp_path / "q.warc.gz")) == [f"https://district.example/notes/{i}" for i in range(3)]
    run = invoke("export", "--format", "wacz", "--select", "nosuchwordanywhere", str(tmp_path / "n.wacz"),
                 data_dir=data)
    assert run.returncode == 2 and "no document matches" in run.stderr
    assert not (tmp_path / "n.wacz").exists()


def test_cli_bad_selections_are_one_line_errors_and_write_nothing(tmp_path):
    data = tmp_path / "d"
    archive, ids = fill(data)
    archive.close()
    out = tmp_path / "x.wacz"
    run = invoke("export", "--format", "wacz", "--select", f"{ids[0]},ffffffffffffffff", str(out), data_dir=data)
    assert run.returncode == 1 and "ffffffffffffffff" in run.stderr and "Traceback" not in run.stderr
    run = invoke("export", "--format", "wacz", "--select", "refused", str(out), data_dir=data)
    assert run.returncode == 1 and "optout index" in run.stderr  # a query needs the search index
    run = invoke("export", "--format", "warc", data_dir=data)
    assert run.returncode == 2 and "needs a file" in run.stderr
    run = invoke("export", "--select", ids[0], data_dir=data)
    assert run.returncode == 2 and "--select works with --format wacz or warc" in run.stderr
    assert not out.exists()


def test_jsonl_export_can_name_its_file_as_an_argument(tmp_path):
    data = tmp_path / "d"
    fill(data).__getitem__(0).close()
    out = tmp_path / "all.jsonl"
    run = invoke("export", str(out), data_dir=data)
    assert run.returncode == 0 and "exported 3 documents" in run.stderr
    assert [json.loads(line)["title"] for line in out.read_text().splitlines()] == [
        f"Board note {i}" for i in range(3)]
