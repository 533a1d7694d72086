"""CSL-JSON (schema-valid, rendered by citeproc-py), BibTeX (parsed back) and RIS (read back) references."""

import io
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from indexer.citations import reference_from_document
from indexer.citations.exports import bibtex_key, to_csl, write_references

SCHEMA = Path(__file__).resolve().parent.parent / "fixtures" / "csl" / "csl-items.schema.json"


def doc(**over):
    base = dict(id="a1b2", url="https://hudsonledger.example/n/1.html", canonical_url=None, kind="news",
                title="Parents & teachers {weigh} 100% of the testing calendar", authors=["Odalys Castellano", "Bram Okafor"],
                published="2016-05-08", captured_at="2026-11-23T10:00:00Z", language="en", source_organization=None)
    base.update(over)
    return SimpleNamespace(**base)


def refs():
    return [
        reference_from_document(doc(), "The Hudson Ledger", ["“We will not give the test” (Bram Okafor)"]),
        reference_from_document(doc(id="s1", kind="statement", authors=[], title="On test refusal", published=None,
                                    url="https://rft.example/s.html", source_organization="RFT"),
                                "Riverside Federation of Teachers"),
        reference_from_document(doc(id="x1", title=None, authors=[], published=None, captured_at=None, language=None), None),
        reference_from_document(doc(id="x2", title="Long " * 400, published="2015"), "The Hudson Ledger"),
    ]


def export(fmt, items=None):
    out = io.StringIO()
    n = write_references(refs() if items is None else items, fmt, out)
    return n, out.getvalue()


def test_csl_json_is_valid_against_the_csl_schema():
    import jsonschema

    n, text = export("csl-json")
    data = json.loads(text)
    assert n == len(data) == 4
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
    news, statement = data[0], data[1]
    assert news["type"] == "article-newspaper" and news["container-title"] == "The Hudson Ledger"
    assert news["author"][0] == {"family": "Castellano", "given": "Odalys"}
    assert news["issued"] == {"date-parts": [[2016, 5, 8]]} and news["accessed"] == {"date-parts": [[2026, 11, 23]]}
    assert news["annote"].startswith("“We will not give the test”")
    assert statement["type"] == "webpage" and statement["author"] == [{"literal": "Riverside Federation of Teachers"}]
    assert "issued" not in statement


def test_the_schema_rejects_what_it_should():
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "news-story"}], schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "webpage", "site": "host"}], schema)


def test_empty_csl_export_is_an_empty_array():
    assert export("csl-json", [])[1].strip() == "[]"


def test_citeproc_renders_an_exported_item():
    import citeproc
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    item = to_csl(refs()[0])
    source = CiteProcJSON([item])
    style_file = sorted(Path(citeproc.STYLES_PATH).glob("*.csl"))[0]  # the style citeproc-py ships
    style = CitationStylesStyle(str(style_file), validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    bibliography.register(Citation([CitationItem(item["id"])]))
    text = str(bibliography.bibliography()[0])
    assert "Castellano" in text and "2016" in text and "Hudson Ledger" in text
    assert "testing calendar" in text and "hudsonledger.example" in text


def test_bibtex_parses_back():
    import bibtexparser

    n, text = export("bibtex")
    library = bibtexparser.parse_string(text)
    assert n == 4 and len(library.entries) == 4 and not library.failed_blocks
    news = library.entries[0]
    assert news.entry_type == "article" and news.key == "castellano2016parents"
    assert news["author"] == "Castellano, Odalys and Okafor, Bram"
    assert r"\&" in news["title"] and r"\{weigh\}" in news["title"] and r"100\%" in news["title"]
    assert news["journal"] == "The Hudson Ledger" and news["urldate"] == "2026-11-23"
    statement = library.entries[1]
    assert statement.entry_type == "online" and statement["author"] == "{Riverside Federation of Teachers}"
    assert len({e.key for e in library.entries}) == 4


def test_bibtex_keys_are_unique():
    taken: set[str] = set()
    ref = refs()[0]
    assert [bibtex_key(ref, taken) for _ in range(3)] == ["castellano2016parents", "castellano2016parents-2",
                                                          "castellano2016parents-3"]


def test_ris_reads_back():
    import rispy

    n, text = export("ris")
    records = rispy.loads(text)
    assert n == len(records) == 4 and not text.startswith("1.")
    news, statement = records[0], records[1]
    assert news["type_of_reference"] == "NEWS" and news["authors"] == ["Castellano, Odalys", "Okafor, Bram"]
    assert news["secondary_title"] == "The Hudson Ledger" and news["date"] == "2016/05/08/"
    assert news["access_date"] == "2026/11/23/" and news["urls"] == ["https://hudsonledger.example/n/1.html"]
    assert news["notes"] == ["“We will not give the test” (Bram Okafor)"]
    assert statement["type_of_reference"] == "ELEC" and statement["authors"] == ["Riverside Federation of Teachers"]
    assert all(line[:2].isupper() or not line for line in text.splitlines())


def test_unknown_format():
    with pytest.raises(ValueError, match="unknown reference format"):
        write_references([], "endnote-xml", io.StringIO())
