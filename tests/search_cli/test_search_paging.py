"""`optout search` / `quotes` / `org` in process (click's CliRunner): paging summary, --with-total, sorting,
year facet, resolved dates, --by versus --org, and hostile input as one-line errors or sane results."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from indexer.dates import parse_span
from search_cli.cli import cli


@pytest.fixture(scope="module")
def optout(sample_archive):
    runner = CliRunner()

    def run(*args):
        return runner.invoke(cli, ["--data-dir", str(sample_archive), *args], env={"COLUMNS": "200"})

    return run


def as_json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_summary_line_and_pages(optout):
    everything = as_json(optout("search", "tests", "--format", "json", "--with-total", "--limit", "1000"))
    total = everything["total"]
    assert total == len(everything["hits"]) > 5
    table = optout("search", "tests", "--limit", "5", "--no-fold")
    assert table.exit_code == 0
    pages = -(-total // 5)
    assert f"1-5 of {total} documents (page 1 of {pages})" in table.stdout
    assert "next page: --page 2" in table.stdout
    last = optout("search", "tests", "--limit", "5", "--page", str(pages), "--no-fold")
    first_on_last = (pages - 1) * 5 + 1
    assert f"{first_on_last}-{total} of {total} documents (page {pages} of {pages})" in last.stdout
    beyond = optout("search", "tests", "--limit", "5", "--page", str(pages + 1))
    assert beyond.exit_code == 0 and f"({total} documents, {pages} page(s))" in beyond.stdout


def test_pages_do_not_overlap(optout):
    one = as_json(optout("search", "tests", "--format", "json", "--limit", "4", "--no-fold"))
    two = as_json(optout("search", "tests", "--format", "json", "--limit", "4", "--page", "2", "--no-fold"))
    assert one and two and not {h["id"] for h in one} & {h["id"] for h in two}


def test_json_stays_an_array_and_with_total_is_an_envelope(optout):
    hits = as_json(optout("search", "PARCC", "--format", "json"))
    assert isinstance(hits, list) and {"id", "url", "title", "published", "score"} <= set(hits[0])
    envelope = as_json(optout("search", "PARCC", "--format", "json", "--with-total", "--limit", "2"))
    assert set(envelope) >= {"total", "page", "pages", "limit", "sort", "hits"}
    assert envelope["limit"] == 2 and len(envelope["hits"]) <= 2 and envelope["total"] >= len(envelope["hits"])
    bad = optout("search", "PARCC", "--format", "csv", "--with-total")
    assert bad.exit_code == 2 and "--with-total needs --format json" in bad.output


def test_sort_orders_and_score_only_for_relevance(optout):
    oldest = as_json(optout("search", "", "--sort", "date", "--format", "json", "--limit", "100", "--no-fold"))
    newest = as_json(optout("search", "", "--sort", "-date", "--format", "json", "--limit", "100", "--no-fold"))
    dates = [h["published"] for h in oldest if h["published"]]
    assert len(set(dates)) > 3 and dates == sorted(dates)
    assert [h["published"] for h in newest if h["published"]] == sorted(dates, reverse=True)
    assert all(h["score"] is None for h in oldest + newest)
    ranked = as_json(optout("search", "opt out", "--format", "json"))
    assert all(isinstance(h["score"], float) for h in ranked)
    assert [h["score"] for h in ranked] == sorted((h["score"] for h in ranked), reverse=True)


def test_year_facet_and_resolved_dates_are_printed(optout):
    table = optout("search", "tests")
    assert "year: " in table.stdout
    spring = optout("search", "", "--during", "spring 2015")
    assert spring.exit_code == 0 and "dates: published 2015-03-01 to 2015-05-31" in spring.stdout
    school = as_json(optout("search", "", "--during", "2015-16", "--format", "json", "--limit", "100"))
    assert school and all("2015-07-01" <= h["published"] <= "2016-06-30" for h in school)
    relative = optout("search", "tests", "--since", "last spring")
    assert relative.exit_code == 0
    assert f"dates: published from {parse_span('last spring').start.isoformat()}" in relative.stdout


def test_by_versus_org(optout):
    union = "Riverside Federation of Teachers"
    by = as_json(optout("search", "--by", union, "--format", "json", "--limit", "100"))
    assert by and {h["source"] for h in by} == {"riverside-ft"}
    mentions = as_json(optout("search", "--org", union, "--format", "json", "--limit", "100"))
    assert mentions
    nysut_by = as_json(optout("search", "--by", "NYSUT", "--format", "json"))
    nysut_mentions = as_json(optout("search", "--org", "NYSUT", "--format", "json", "--limit", "100"))
    assert nysut_by == [] and nysut_mentions and all("NYSUT" in h["organizations"] for h in nysut_mentions)


def test_org_command_knows_the_declared_union(optout):
    result = optout("org", "Riverside Federation of Teachers", "--format", "json")
    data = as_json(result)
    assert data["organization"] == "Riverside Federation of Teachers"
    assert any(e["kind"] == "statement" for e in data["entries"])
    assert optout("org", "Nowhere Guild of Mars").exit_code == 2


def test_quotes_not_and_by(optout):
    parents = as_json(optout("quotes", "parents", "--format", "json", "--with-total", "--limit", "1000"))
    fewer = as_json(optout("quotes", "parents NOT tests", "--format", "json", "--with-total", "--limit", "1000"))
    assert parents["total"] and fewer["total"] <= parents["total"]
    assert {h["text"] for h in fewer["hits"]} <= {h["text"] for h in parents["hits"]}
    by = as_json(optout("quotes", "--by", "NJEA", "--format", "json"))
    assert by and all(h["speaker_org"] == "NJEA" for h in by)
    keane = as_json(optout("quotes", "--speaker", "Keane", "--format", "json"))
    assert keane and all("Keane" in h["speaker"] for h in keane)


@pytest.mark.parametrize("query, message", [
    ("(" * 1000 + "opt" + ")" * 1000, "too long"),
    ("(" * 200 + "opt", "nested more than"),
    ('title:""', "needs a value"),
    (" OR ".join(f"word{i}" for i in range(10_000)), "too long"),
    ("kind:statment", "unknown kind"),
    ("year:sometime", "cannot read the date"),
])
def test_hostile_queries_are_one_line_errors(optout, query, message):
    result = optout("search", query)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("query", ["NOT", "AND AND", "AND OR", '"unbalanced', "opt out)) AND ("])
def test_dangling_operators_give_sane_results_and_a_note(optout, query):
    result = optout("search", query, "--format", "json")
    assert result.exit_code == 0, result.output
    assert isinstance(json.loads(result.stdout), list)
    assert "note:" in result.stderr
