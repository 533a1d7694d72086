"""Results that tie (equal scores, one publication date, undated) come in the same order whatever order the
documents were written to the index in: a parallel `optout index` writes them in the order its workers
finish, so document numbers differ from one build of an archive to the next."""

from __future__ import annotations

import random
from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from indexer import querylang as ql
from indexer.engine import DOCS, Request
from indexer.whoosh_backend import WhooshBackend, _Collection, document_fields


def _doc(n: int) -> SimpleNamespace:
    # Four texts only, so that many documents score exactly alike; a few days only, so that many share one.
    day = None if n % 7 == 0 else date(2016, 3, 1) + timedelta(days=n % 3)
    text = ["parents refuse the spring test", "the union backs families who opt out",
            "teachers speak about the state test", "a board meeting on the budget"][n % 4]
    return SimpleNamespace(
        id=f"d{n:03d}", url=f"https://news.example/{n}", title="Spring testing", text=text,
        organizations=[], states=[], tests=[], quotes=[], source="gazette", kind="news",
        near_duplicate_of=None, source_organization=None, position=None,
        published=day.isoformat() if day else None)


def _collection(folder, order: list[int]) -> _Collection:
    backend = WhooshBackend(folder)
    backend.create()
    ix = backend.open(DOCS)
    with ix.writer() as w:
        for n in order:
            w.add_document(**document_fields(_doc(n)))
    return _Collection(backend.open(DOCS), DOCS)


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The same 120 documents written in two different orders."""
    forward = list(range(120))
    shuffled = forward[:]
    random.Random(5).shuffle(shuffled)
    pair = [_collection(tmp_path_factory.mktemp(name), order) for name, order in (("a", forward), ("b", shuffled))]
    yield pair
    for c in pair:
        c.searcher.close()


def _ids(collection: _Collection, request: Request) -> list[tuple[str, float | None]]:
    matched = collection.matched(request.match)
    return [(collection.reader.stored_fields(d)["id"], s) for d, s in collection.ranked(request, matched)]


def _request(text: str, sort: str = "relevance", window: int = 10) -> Request:
    node = ql.parse(text, lambda name, value, quoted: pytest.fail("no fields here")).node
    return Request(match=node, rank=list(ql.positive_text(node)), sort=sort, window=window)


@pytest.mark.parametrize("window", [1, 5, 10, 45])
@pytest.mark.parametrize(("text", "sort"), [
    ("test", "relevance"), ("parents OR union", "relevance"),  # equal scores
    ("test", "date"), ("test", "-date"), ("spring", "-date"),  # one date, and undated ones last
    ("NOT budget", "relevance"),  # nothing to score: newest first, then the undated
])
def test_tied_results_are_in_the_same_order_in_both_builds(builds, text, sort, window):
    a, b = builds
    request = _request(text, sort, window)
    first, second = _ids(a, request), _ids(b, request)
    assert len(first) == window
    assert first == second


def test_equal_scores_are_newest_first_then_by_id(builds):
    a, _ = builds
    hits = _ids(a, _request("refuse", window=30))
    assert len({s for _, s in hits}) == 1  # one text: one score
    days = {d: _doc(int(d[1:])).published for d, _ in hits}
    keys = [(-(date.fromisoformat(days[d]).toordinal()) if days[d] else 0, d) for d, _ in hits]
    assert keys == sorted(keys)


def test_one_days_documents_are_in_id_order_and_the_undated_follow(builds):
    a, _ = builds
    hits = [d for d, _ in _ids(a, _request("spring", "-date", window=120))]
    dates = [_doc(int(d[1:])).published for d in hits]
    dated = [x for x in dates if x]
    assert dated == sorted(dated, reverse=True) and dates[len(dated):] == [None] * (len(dates) - len(dated))
    for day in set(dated) | {None}:
        run = [d for d, x in zip(hits, dates, strict=True) if x == day]
        assert run == sorted(run)
