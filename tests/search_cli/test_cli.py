"""Every command over the crawled sample web, run in this process through click (as `main()` runs it);
`optout demo` runs as a fresh process because it crawls (Scrapy's reactor runs once per process)."""

import json
import shutil

import pytest

from testsupport.cli import invoke
from testsupport.forked import fork_optout


@pytest.fixture(scope="module")
def data(sample_archive, tmp_path_factory):
    """A private copy of the sample archive, so commands that write do not disturb other tests."""
    target = tmp_path_factory.mktemp("cli") / "data"
    shutil.copytree(sample_archive, target)
    return target


def test_help_lists_commands():
    result = invoke("--help")
    assert result.returncode == 0
    for command in ("demo", "crawl", "index", "search", "quotes", "show", "export", "import", "extract", "sources"):
        assert command in result.stdout


def test_unknown_command_and_format_are_errors(data):
    result = invoke("frobnicate", data_dir=data)
    assert result.returncode == 2 and "No such command" in result.stderr
    result = invoke("search", "opt out", "--format", "xml", data_dir=data)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_search_json_has_the_contract_fields(data):
    result = invoke("search", "opt out", "--format", "json", data_dir=data)
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert hits and {"id", "url", "title", "published", "score"} <= set(hits[0])


def test_search_table_and_other_formats(data):
    table = invoke("search", "opt out", data_dir=data)
    assert table.returncode == 0 and "documents" in table.stdout
    for fmt in ("jsonl", "csv", "md"):
        out = invoke("search", "PARCC", "--format", fmt, data_dir=data)
        assert out.returncode == 0 and out.stdout.strip(), (fmt, out.stderr)


def test_search_filters(data):
    result = invoke("search", "tests", "--org", "New Jersey Education Association", "--format", "json", data_dir=data)
    hits = json.loads(result.stdout)
    assert hits and all("NJEA" in h["organizations"] for h in hits)
    result = invoke("search", "tests", "--since", "2016", "--until", "2016", "--format", "json", data_dir=data)
    assert all(h["published"].startswith("2016") for h in json.loads(result.stdout))


@pytest.mark.parametrize("args, message", [
    (["search", "x", "--org", "Nonexistent Union Of Nowhere"], "unknown org"),
    (["search", "x", "--since", "the day after never"], "cannot read the date"),
    (["search", "x", "--limit", "-5"], "--limit"),
    (["search", "org:"], "needs a value"),
    (["search", "x" * 20000], "too long"),
])
def test_bad_queries_are_one_line_errors(data, args, message):
    result = invoke(*args, data_dir=data)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("query", ['"unbalanced', "((( opt", "opt out)) AND (", "😀 テスト", "NOT", "AND OR"])
def test_hostile_queries_never_crash(data, query):
    result = invoke("search", query, data_dir=data)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_quotes_json_and_citation(data):
    result = invoke("quotes", "opt out", "--format", "json", "--cite", "apa", data_dir=data)
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert hits and {"text", "speaker", "speaker_org", "url", "title", "published"} <= set(hits[0])
    # A citation a reporter can paste: no home-made parts, no host name as the publication (issue 10).
    assert all("Archived" not in h["citation"] and "[Quote" not in h["citation"] for h in hits)


def test_show_text_json_raw_and_unknown(data):
    export = invoke("export", "--format", "jsonl", data_dir=data)
    first = json.loads(export.stdout.splitlines()[0])
    shown = invoke("show", first["id"], data_dir=data)
    assert shown.returncode == 0 and first["title"] in shown.stdout and "captures:" in shown.stdout
    as_json = json.loads(invoke("show", first["url"], "--format", "json", data_dir=data).stdout)
    assert as_json["id"] == first["id"] and as_json["captures"]
    raw = invoke("show", first["id"], "--raw", data_dir=data)
    assert raw.returncode == 0 and "<html" in raw.stdout.lower()
    missing = invoke("show", "no-such-id", data_dir=data)
    assert missing.returncode == 1 and "no document" in missing.stderr and "Traceback" not in missing.stderr


def test_export_import_round_trip_through_the_cli(data, tmp_path):
    export = invoke("export", "--format", "jsonl", data_dir=data)
    lines = export.stdout.splitlines()
    assert len(lines) == 20
    doc = json.loads(lines[0])
    for key in ("id", "url", "canonical_url", "source", "kind", "title", "published", "authors", "language",
                "organizations", "states", "tests", "quotes", "captured_at", "text"):
        assert key in doc
    dump = tmp_path / "dump.jsonl"
    dump.write_text(export.stdout)
    fresh = tmp_path / "fresh"
    assert invoke("import", str(dump), data_dir=fresh).returncode == 0
    again = invoke("export", data_dir=fresh)
    assert [json.loads(x) for x in again.stdout.splitlines()] == [json.loads(x) for x in lines]
    assert invoke("index", data_dir=fresh).returncode == 0
    assert json.loads(invoke("search", "opt out", "--format", "json", data_dir=fresh).stdout)


def test_import_malformed_line_names_it_and_imports_nothing(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "a", "url": "http://x.example/a", "text": "t"}) + "\n{oops\n")
    result = invoke("import", str(bad), data_dir=tmp_path / "d")
    assert result.returncode == 1 and "line 2" in result.stderr and "nothing was imported" in result.stderr
    assert invoke("export", data_dir=tmp_path / "d").stdout == ""


def test_index_rebuild(data):
    result = invoke("index", "--rebuild", data_dir=data)
    assert result.returncode == 0 and "rebuilt the index: 20 tagged" in result.stdout


def test_extract_files_in_order(tmp_path, sample_web):
    from crawler.sample import sample_root

    pages = sorted((sample_root() / "radio" / "stories").glob("*.html"))[:2]
    missing = tmp_path / "missing.html"
    result = invoke("extract", str(pages[0]), str(missing), str(pages[1]), "--format", "jsonl")
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(rows) == 3 and rows[0]["input"] == str(pages[0]) and "error" in rows[1]
    assert rows[0]["title"] and rows[0]["published"] and rows[0]["text"]
    as_json = json.loads(invoke("extract", str(pages[0]), "--format", "json").stdout)
    assert as_json[0]["title"] == rows[0]["title"]
    base, _ = sample_web
    url = invoke("extract", f"{base}/radio/stories/{pages[1].name}")
    assert json.loads(url.stdout)["title"] == rows[2]["title"]


def test_sources_list_and_status(data):
    listed = invoke("sources", "list", "--format", "json", data_dir=data)
    assert listed.returncode == 0 and any(s["id"] == "nysut" for s in json.loads(listed.stdout))
    status = invoke("sources", "status", data_dir=data)
    assert status.returncode == 0 and "hudson-ledger" in status.stdout


def test_empty_archive_tells_user_what_to_do(tmp_path):
    result = invoke("search", "opt out", data_dir=tmp_path / "empty")
    assert result.returncode == 1 and "optout demo" in result.stderr


def test_unusable_data_dir(tmp_path):
    blocker = tmp_path / "f"
    blocker.write_text("x")
    result = invoke("search", "x", data_dir=blocker)
    assert result.returncode == 2 and "is a file" in result.stderr and "Traceback" not in result.stderr
    readonly = tmp_path / "ro"
    readonly.mkdir()
    readonly.chmod(0o500)
    result = invoke("search", "x", data_dir=readonly / "inner")
    import os

    if os.geteuid() != 0:  # root may write anywhere; the message is only reachable as a normal user
        assert result.returncode == 1 and "cannot create data dir" in result.stderr


def test_demo_runs_offline(tmp_path):
    result = fork_optout("demo", data_dir=tmp_path / "demo", timeout=120)
    assert result.returncode == 0, result.stderr
    assert "$ optout search" in result.stdout and "documents" in result.stdout
    assert f"optout --data-dir {tmp_path / 'demo'} serve" in result.stdout  # the hint names the demo archive
