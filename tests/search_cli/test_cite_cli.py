"""`optout quotes --cite` and the reference-manager formats of `quotes` and `export`, run in process."""

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from search_cli.cli import cli

SCHEMA = Path(__file__).resolve().parent.parent / "fixtures" / "csl" / "csl-items.schema.json"


@pytest.fixture(scope="module")
def run(sample_archive):
    runner = CliRunner()

    def invoke(*args):
        result = runner.invoke(cli, ["--data-dir", str(sample_archive), *args], catch_exceptions=False)
        return result

    return invoke


def quotes_json(run, *args):
    result = run("quotes", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("style", ["apa", "mla", "chicago", "chicago-note"])
def test_citations_name_the_publication_and_the_authors(run, style):
    hits = quotes_json(run, "", "--limit", "50", "--cite", style)
    assert hits
    for hit in hits:
        cite = hit["citation"]
        assert "[Quote" not in cite and "Archived" not in cite and "Quoting" not in cite
        # The host is part of the URL, never the publication.
        assert not re.search(r"127\.0\.0\.1[.,]( |$)", cite), cite
    ledger = [h["citation"] for h in hits if "/ledger/" in h["url"]]
    assert ledger and all("Ledger*" in c for c in ledger)


def test_apa_news_and_statement_forms(run, sample_archive):
    from archive import Archive

    hits = quotes_json(run, "", "--limit", "50", "--cite", "apa")
    with Archive(sample_archive) as archive:
        for hit in hits:
            doc = archive.get(hit["doc_id"])
            cite = hit["citation"]
            if doc.kind == "news" and doc.authors:
                surname = doc.authors[0].split()[-1]
                assert cite.startswith(f"{surname}, {doc.authors[0][0]}."), cite
                assert f"({doc.published[:4]}, " in cite
            if doc.kind == "statement" and not doc.authors:
                assert cite.startswith("Riverside Federation of Teachers. ("), cite


def test_table_prints_the_citations(run):
    result = run("quotes", "PARCC", "--cite", "mla", "--limit", "3")
    assert result.exit_code == 0
    assert "Accessed" in result.stdout and "“" in result.stdout


def test_quotes_as_csl_json_bibtex_and_ris(run):
    import bibtexparser
    import jsonschema
    import rispy

    hits = quotes_json(run, "opt out", "--limit", "20")
    docs = list(dict.fromkeys(h["doc_id"] for h in hits))
    csl = run("quotes", "opt out", "--limit", "20", "--format", "csl-json")
    assert csl.exit_code == 0, csl.output
    items = json.loads(csl.stdout)
    jsonschema.validate(items, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert [i["id"] for i in items] == docs and all(i.get("annote") for i in items)
    bib = run("quotes", "opt out", "--limit", "20", "--format", "bibtex")
    assert len(bibtexparser.parse_string(bib.stdout).entries) == len(docs)
    ris = run("quotes", "opt out", "--limit", "20", "--format", "ris")
    assert [r["id"] for r in rispy.loads(ris.stdout)] == docs


def test_export_references_cover_every_document(run, sample_archive, tmp_path):
    import jsonschema
    import rispy

    from archive import Archive

    with Archive(sample_archive) as archive:
        count = archive.catalog.count()
    result = run("export", "--format", "csl-json")
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    jsonschema.validate(items, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert len(items) == count
    assert all(i.get("container-title") and "127.0.0.1" not in i["container-title"] for i in items)
    out = tmp_path / "refs.ris"
    result = run("export", "--format", "ris", "-o", str(out))
    assert result.exit_code == 0
    assert len(rispy.loads(out.read_text(encoding="utf-8"))) == count


def test_bad_format_and_style_are_usage_errors(run):
    assert run("quotes", "x", "--format", "endnote").exit_code == 2
    assert run("quotes", "x", "--cite", "harvard").exit_code == 2
    assert run("export", "--format", "bibtex-ish").exit_code == 2
