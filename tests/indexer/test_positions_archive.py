"""Positions through the archive: `optout index` stores them, export/show/org print them, --rebuild re-scores."""

from __future__ import annotations

import json

from testsupport.cli import invoke

STATEMENT = {
    "id": "st1", "url": "http://127.0.0.1/lakeside/statement", "kind": "statement", "source": "lakeside",
    "title": "CTU backs families who refuse the spring tests",
    "published": "2016-03-02",
    "text": "The Chicago Teachers Union supports every family that refuses the state tests this spring.\n"
            "\u201cWe are urging parents to opt out until the state listens,\u201d said Mara Quill, the union's "
            "president.\n\u201cThe exams eat up a month of teaching,\u201d Quill said.",
}
NEWS = {
    "id": "nw1", "url": "http://127.0.0.1/gazette/testing", "kind": "news", "source": "gazette",
    "title": "Superintendent asks families to test", "published": "2017-04-10",
    "text": "\u201cI am asking every family to make sure their children take the test,\u201d said Dale Orrin, the "
            "district superintendent.\n\u201cThe buses will leave at noon,\u201d Orrin added.",
}


def _archive(tmp_path):
    data = tmp_path / "data"
    lines = "\n".join(json.dumps(d) for d in (STATEMENT, NEWS)) + "\n"
    imported = invoke("import", data_dir=data, input=lines)
    assert imported.returncode == 0, imported.stderr
    index = invoke("index", data_dir=data)
    assert index.returncode == 0, index.stderr
    return data


def _export(data):
    out = invoke("export", data_dir=data)
    assert out.returncode == 0, out.stderr
    return {d["id"]: d for d in map(json.loads, out.stdout.splitlines())}


def test_index_positions_statements_and_quotes_and_export_carries_them(tmp_path):
    data = _archive(tmp_path)
    docs = _export(data)
    assert docs["st1"]["position"] == "supports"
    assert docs["nw1"]["position"] is None  # not a statement
    rebuilt = invoke("index", "--rebuild", data_dir=data)
    assert rebuilt.returncode == 0, rebuilt.stderr
    docs = _export(data)
    quotes = {q["text"][:20]: q["position"] for d in docs.values() for q in d["quotes"]}
    assert quotes["We are urging parent"] == "supports"
    assert quotes["I am asking every fa"] == "opposes"
    assert quotes["The buses will leave"] == "none"
    assert docs["st1"]["position"] == "supports"


def test_show_prints_the_evidence(tmp_path):
    data = _archive(tmp_path)
    invoke("index", "--rebuild", data_dir=data)
    shown = invoke("show", "nw1", data_dir=data)
    assert shown.returncode == 0, shown.stderr
    assert "position: opposes" in shown.stdout and "take the test" in shown.stdout
    as_json = json.loads(invoke("show", "st1", "--format", "json", data_dir=data).stdout)
    assert as_json["position"] == "supports"
    assert as_json["position_evidence"]["confidence"] > 0


def test_org_prints_positions_per_year(tmp_path):
    data = _archive(tmp_path)
    invoke("index", "--rebuild", data_dir=data)
    out = invoke("org", "CTU", "--format", "json", data_dir=data)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["positions"]["2016"]["statement"].get("supports") == 1
    table = invoke("org", "CTU", data_dir=data)
    assert "positions toward opting out" in table.stdout and "supports 1" in table.stdout


def test_import_keeps_exported_positions_and_rejects_unknown_ones(tmp_path):
    data = _archive(tmp_path)
    exported = invoke("export", data_dir=data).stdout
    fresh = tmp_path / "fresh"
    assert invoke("import", data_dir=fresh, input=exported).returncode == 0
    assert invoke("export", data_dir=fresh).stdout == exported
    bad = json.dumps({**STATEMENT, "id": "st9", "url": "http://127.0.0.1/x", "position": "maybe"}) + "\n"
    out = invoke("import", data_dir=tmp_path / "other", input=bad)
    assert out.returncode != 0 and "position must be one of" in out.stderr


def test_index_scores_imported_quotes_with_the_documents_tests(tmp_path):
    """Imported quotes without positions are scored by `optout index` (no re-tagging): the stored tests say
    whether the document is about testing."""
    quote = {"text": "He refused to apologize.", "speaker": "Rosa Quill"}
    city = {"id": "c1", "url": "http://127.0.0.1/harbor/rents", "kind": "news", "source": "harbor",
            "title": "Harbor board meets on rents", "published": "2016-05-02", "tests": [], "quotes": [quote],
            "text": "The board met.\n\u201cHe refused to apologize,\u201d said Rosa Quill."}
    testing = {**city, "id": "c2", "url": "http://127.0.0.1/harbor/parcc", "title": "Board meets", "tests": ["PARCC"]}
    data = tmp_path / "data"
    lines = json.dumps(city) + "\n" + json.dumps(testing) + "\n"
    assert invoke("import", data_dir=data, input=lines).returncode == 0
    index = invoke("index", data_dir=data)
    assert index.returncode == 0 and "0 tagged" in index.stdout, index.stderr
    docs = _export(data)
    assert docs["c1"]["quotes"][0]["position"] == "none"
    assert docs["c2"]["quotes"][0]["position"] != "none"
