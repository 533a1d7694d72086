"""`optout org NAME`: an organization's statements and its people's quotes, by date, over the sample web."""

import json

import pytest

from archive import Archive
from indexer.timeline import timeline
from testsupport.cli import invoke


def org_json(data, *args):
    result = invoke("org", *args, "--format", "json", data_dir=data)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_quotes_of_an_organizations_people_with_counts_per_year(sample_archive):
    out = org_json(sample_archive, "NYSUT")
    assert out["organization"] == "NYSUT"
    entries = out["entries"]
    assert entries and all(e["kind"] in ("statement", "quote") for e in entries)
    dates = [e["date"] or "9999" for e in entries]
    assert dates == sorted(dates)
    counted = sum(n for year in out["per_year"].values() for n in year.values())
    assert counted == len(entries)
    for year, counts in out["per_year"].items():
        assert counts.get("quote", 0) == sum(1 for e in entries if e["kind"] == "quote" and e["date"][:4] == year)
    # Every quote listed is one the archive attributes to NYSUT.
    with Archive(sample_archive) as archive:
        for e in entries:
            if e["kind"] == "quote":
                doc = archive.get(e["doc_id"])
                assert any(q.text == e["text"] and q.speaker_org == "NYSUT" for q in doc.quotes), e


def test_aliases_resolve_to_the_canonical_name(sample_archive):
    assert org_json(sample_archive, "New York State United Teachers") == org_json(sample_archive, "NYSUT")


def test_since_until_and_limit(sample_archive):
    every = org_json(sample_archive, "NYSUT")["entries"]
    later = org_json(sample_archive, "NYSUT", "--since", "2016")["entries"]
    assert later and len(later) < len(every) and all(e["date"] >= "2016" for e in later)
    early = org_json(sample_archive, "NYSUT", "--until", "2015")["entries"]
    assert early and all(e["date"] < "2016" for e in early)
    assert len(early) + len(later) == len(every)
    assert org_json(sample_archive, "NYSUT", "--limit", "1")["entries"] == every[:1]


def test_table_output(sample_archive):
    result = invoke("org", "NJEA", data_dir=sample_archive)
    assert result.returncode == 0, result.stderr
    assert "NJEA: statements and quotes" in result.stdout and "2015" in result.stdout


def test_an_organization_with_nothing_archived_says_so(sample_archive):
    # CTU's people are quoted in the sample web, but not after 2030.
    result = invoke("org", "Chicago Teachers Union", "--since", "2030", data_dir=sample_archive)
    assert result.returncode == 0, result.stderr
    assert "nothing archived from or quoting CTU" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["Union Of Nowhere At All"], "unknown org"),
    (["NYSUT", "--since", "the day after never"], "cannot read the date"),
    (["NYSUT", "--limit", "0"], "--limit"),
])
def test_bad_input_is_a_one_line_usage_error(sample_archive, args, message):
    result = invoke("org", *args, data_dir=sample_archive)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_statements_of_the_organizations_own_source(sample_archive):
    # The sample union's source declares its organization: its five press statements are its statements.
    with Archive(sample_archive) as archive:
        result = timeline(archive, "Riverside Federation of Teachers")
        statements = [e for e in result.entries if e.kind == "statement"]
        assert len(statements) == 5
        assert all(archive.get(e.doc_id).source == "riverside-ft" for e in statements)
        assert all(e.text and e.title for e in statements)
        assert sum(c.get("statement", 0) for c in result.per_year.values()) == 5
