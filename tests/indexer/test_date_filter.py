"""Date filters as year, month and day terms: exactly the documents published in the range, for ranges that
start and end anywhere; an index an older optout wrote (published indexed as numbers, no day terms) is
still filtered right."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest

from indexer import querylang as ql
from indexer.engine import DOCS
from indexer.whoosh_backend import WhooshBackend, _Collection, date_filter, document_fields

START = date(2014, 11, 20)
DAYS = 900


def _doc(n: int, day: date | None) -> SimpleNamespace:
    return SimpleNamespace(
        id=f"d{n}", url=f"https://news.example/{n}", title=f"Story {n}", text="parents and the spring test",
        organizations=[], states=[], tests=[], quotes=[], source="gazette", kind="news",
        near_duplicate_of=None, source_organization=None, position=None,
        published=day.isoformat() if day else None)


@pytest.fixture(scope="module")
def dated(tmp_path_factory):
    """An index of documents published on random days over about two and a half years (some undated)."""
    rng = random.Random(7)
    days = [START + timedelta(days=rng.randrange(DAYS)) if i % 9 else None for i in range(400)]
    days += [date(2015, 12, 30), date(2015, 12, 31), date(2016, 1, 1), date(2015, 2, 28), date(2015, 3, 31)]
    backend = WhooshBackend(tmp_path_factory.mktemp("dates"))
    backend.create()
    ix = backend.open(DOCS)
    with ix.writer() as w:
        for n, day in enumerate(days):
            w.add_document(**document_fields(_doc(n, day)))
    collection = _Collection(backend.open(DOCS), DOCS)
    by_num = {d: collection.reader.stored_fields(d)["id"] for d in collection.universe}
    yield collection, days, by_num
    collection.searcher.close()


def _expected(days: list[date | None], start: date | None, end: date | None) -> set[str]:
    return {f"d{n}" for n, day in enumerate(days)
            if day and (start is None or day >= start) and (end is None or day <= end)}


def _ranges(n: int) -> list[tuple[date | None, date | None]]:
    rng = random.Random(11)
    out: list[tuple[date | None, date | None]] = [
        (date(2015, 1, 1), date(2015, 12, 31)),  # a whole year
        (date(2015, 3, 1), date(2015, 3, 31)),  # a whole month
        (date(2015, 1, 1), date(2015, 12, 29)),  # a year but its last days
        (date(2015, 3, 1), date(2015, 3, 30)),  # a month but its last day
        (date(2015, 2, 27), date(2015, 3, 2)),  # across a month's end
        (date(2015, 12, 30), date(2016, 1, 2)),  # across a year's end
        (date(2016, 2, 29), date(2016, 2, 29)),  # one (leap) day
        (None, date(2015, 6, 14)), (date(2016, 6, 15), None), (None, None),
        (date(2016, 5, 1), date(2016, 4, 1)),  # backwards: nothing
    ]
    for _ in range(n):
        a = START - timedelta(days=40) + timedelta(days=rng.randrange(DAYS + 80))
        b = a + timedelta(days=rng.choice([0, 1, 5, 27, 31, 45, 200, 400, 800]))
        out.append((a, b))
    return out


@pytest.mark.parametrize(("start", "end"), _ranges(60))
def test_day_terms_match_exactly_the_range(dated, start, end):
    collection, days, by_num = dated
    node = ql.DateIn(start.isoformat() if start else None, end.isoformat() if end else None)
    found = {by_num[d] for d in collection.matched(node)}
    assert found == _expected(days, start, end)


def test_a_range_is_a_few_terms_not_one_per_day():
    query = date_filter(datetime(2013, 4, 17), datetime(2016, 9, 3, 23, 59, 59))
    names = [q.fieldname for q in query.subqueries]
    # April 17-30, May-December 2013, 2014, 2015, January-August 2016, September 1-3
    assert names.count("year") == 2 and names.count("month") == 8 + 8 and names.count("day") == 14 + 3


def test_a_start_later_in_its_day_begins_with_the_next_day():
    query = date_filter(datetime(2015, 3, 4, 12, 0), datetime(2015, 3, 5, 23, 59, 59))
    assert [q.text for q in getattr(query, "subqueries", [query])] == ["2015-03-05"]


def test_an_index_without_day_terms_is_filtered_by_date_numbers(tmp_path):
    """An index an older optout wrote: published indexed as Whoosh numbers, no day field. Until it is
    rebuilt, its date filters still hold exactly the range."""
    from whoosh import index as windex
    from whoosh.fields import DATETIME, ID, Schema

    folder = tmp_path / DOCS
    folder.mkdir()
    ix = windex.create_in(str(folder), Schema(id=ID(stored=True, unique=True), published=DATETIME(stored=True),
                                              year=ID(), month=ID()))
    days = [START + timedelta(days=17 * i) for i in range(50)]
    with ix.writer() as w:
        for n, day in enumerate(days):
            w.add_document(id=f"d{n}", published=datetime.combine(day, datetime.min.time()),
                           year=str(day.year), month=f"{day.year}-{day.month:02d}")
    collection = _Collection(windex.open_dir(str(folder)), DOCS)
    try:
        assert "day" not in collection.schema.names()
        for start, end in [(date(2015, 2, 3), date(2015, 8, 19)), (date(2015, 1, 1), date(2015, 12, 31))]:
            found = {collection.reader.stored_fields(d)["id"]
                     for d in collection.matched(ql.DateIn(start.isoformat(), end.isoformat()))}
            assert found == _expected(days, start, end) and found
    finally:
        collection.searcher.close()
