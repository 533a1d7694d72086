"""Search behaviour over the crawled sample web: stemming, aliases, fields, filters, facets, suggestions."""

from datetime import datetime

import pytest

from archive import Archive
from indexer.searching import QueryError, Searcher, parse_date


@pytest.fixture(scope="module")
def searcher(sample_archive):
    archive = Archive(sample_archive)
    yield Searcher(archive)
    archive.close()


def ids(results):
    return {h.id for h in results.hits}


def test_free_text_is_not_a_strict_and(searcher):
    loose = searcher.search("parents refusing tests zebra", searcher.filters(), limit=50)
    assert loose.total > 0  # "zebra" matches nothing, the other words still rank documents


def test_stemming(searcher):
    a = ids(searcher.search("opting", searcher.filters(), limit=50))
    b = ids(searcher.search("opted", searcher.filters(), limit=50))
    assert a and a & b


def test_field_prefix_aliases_equal_canonical(searcher):
    full = searcher.search('org:"New Jersey Education Association"', searcher.filters(), limit=50)
    short = searcher.search("org:NJEA", searcher.filters(), limit=50)
    assert full.total and ids(full) == ids(short)
    assert all("NJEA" in h.organizations for h in full.hits)
    named = searcher.search('test:"Measures of Academic Progress"', searcher.filters(), limit=50)
    assert named.total and all("MAP" in h.tests for h in named.hits)
    state = searcher.search('state:"New York"', searcher.filters(), limit=50)
    assert state.total and all("NY" in h.states for h in state.hits)


def test_negated_field_excludes(searcher):
    without = searcher.search("tests -state:NY", searcher.filters(), limit=50)
    assert without.total and all("NY" not in h.states for h in without.hits)


def test_filters_and_dates(searcher):
    f = searcher.filters(kinds=["statement"], since="2015", until="2016")
    results = searcher.search("", f, sort="-date", limit=50)
    assert results.total and all(h.kind == "statement" and h.published[:4] in ("2015", "2016") for h in results.hits)
    dates = [h.published for h in results.hits]
    assert len(set(dates)) > 1 and dates == sorted(dates, reverse=True)
    oldest_first = [h.published for h in searcher.search("", f, sort="date", limit=50).hits]
    assert oldest_first == sorted(dates)


def test_facets_count_the_result_set(searcher):
    results = searcher.search("tests", searcher.filters(), limit=3)
    assert sum(results.facets["kind"].values()) == results.total


def test_did_you_mean(searcher):
    results = searcher.search("boycot teachrs", searcher.filters(), limit=5)
    assert results.total == 0 and results.suggestion


def test_names_and_years_in_text_help_ranking(searcher):
    results = searcher.search("NYSUT statements from 2020", searcher.filters(), limit=3)
    top = results.hits[0]
    assert top.published.startswith("2020") and top.kind == "statement"


def test_quotes_by_speaker_and_org(searcher):
    results = searcher.quotes("", searcher.filters(speakers=["Ostby"]), limit=10)
    assert results.total and all("Ostby" in h.speaker for h in results.hits)
    f = searcher.filters()
    f.speaker_orgs = ["NJEA"]
    assert all(h.speaker_org == "NJEA" for h in searcher.quotes("", f, limit=10).hits)


@pytest.mark.parametrize("bad", ["org:", "org:Nowhere Teachers Guild Of Mars", "x" * 3000])
def test_bad_queries_raise_query_errors(searcher, bad):
    with pytest.raises(QueryError):
        searcher.search(bad, searcher.filters())


def test_parse_date_forms():
    assert parse_date("2015") == datetime(2015, 1, 1)
    assert parse_date("2015", end=True).year == 2015 and parse_date("2015", end=True).month == 12
    assert parse_date("March 2015").month == 3
    assert parse_date("2 years ago").year == datetime.now().year - 2
    assert parse_date("last spring").month == 3
    with pytest.raises(QueryError):
        parse_date("the twelfth of never")
