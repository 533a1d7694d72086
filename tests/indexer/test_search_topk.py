"""The shortcuts that pick the top of a ranking (matches looked up in posting lists, terms added
rarest-first with a max-score bound, top-k on bare floats) and count facets over sets must give exactly
what scoring every document and counting every posting gives."""

import random

import pytest

from archive import Archive
from indexer import querylang as ql
from indexer.engine import DOCS, FACETS, Request
from indexer.searching import Searcher
from indexer.whoosh_backend import _best, _pruned_scores, _ScorePlan, _untie


def _reference(plans, matched, window):
    scores: dict[int, float] = {}
    for plan in plans:  # every posting, in the query's order, the plain way
        for d, c in zip(plan.ids, plan.parts, strict=True):
            if d in matched:
                scores[d] = scores.get(d, 0.0) + c
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:window]


def _random_plans(rng, n_docs):
    plans = []
    for _ in range(rng.randint(2, 5)):
        df = rng.choice([rng.randint(1, n_docs // 20), rng.randint(n_docs // 2, n_docs)])
        ids = sorted(rng.sample(range(n_docs), df))
        scale = 10.0 / max(1, df)  # rare terms weigh more, as idf makes them
        # Few distinct values, so ties (broken by document number) are common.
        parts = [scale * rng.choice([0.5, 1.0, 1.5, 2.0]) for _ in ids]
        plans.append(_ScorePlan(ids, parts))
    return plans


def test_pruned_scores_give_the_same_top_as_scoring_everything():
    rng = random.Random(7)
    pruned = 0
    for _ in range(300):
        n_docs = rng.randint(50, 2000)
        plans = _random_plans(rng, n_docs)
        matched = set(rng.sample(range(n_docs), rng.randint(1, n_docs)))
        window = rng.choice([1, 3, 10, 15])
        scores = _pruned_scores(plans, matched, window)
        if scores is None:
            continue
        pruned += 1
        assert _best(scores, window) == _reference(plans, matched, window)
    assert pruned > 20  # the shortcut was taken often enough to have been tested


def test_looked_up_scores_equal_scanned_scores():
    rng = random.Random(11)
    for _ in range(100):
        n_docs = rng.randint(20, 1000)
        plans = _random_plans(rng, n_docs)
        matched = set(rng.sample(range(n_docs), rng.randint(1, n_docs // 4 + 1)))
        looked_up: dict[int, float] = {}
        for plan in plans:
            plan.add_for(looked_up, matched)
        scanned: dict[int, float] = {}
        for plan in plans:
            plan.add(scanned, matched)
        assert looked_up == scanned
        assert _best(looked_up, 10) == _reference(plans, matched, 10)


@pytest.mark.parametrize("window", [0, 1, 2, 5, 50])
def test_best_orders_ties_by_document_number(window):
    scores = {d: float(d % 4) for d in range(200)}
    assert _best(scores, window) == sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:window]


@pytest.mark.parametrize("window", [0, 1, 2, 5, 50, 199, 250])
def test_best_orders_ties_by_the_tie_key_and_picks_the_cut_by_it(window):
    rng = random.Random(window)
    scores = {d: float(rng.choice([1, 2, 3, 4])) if d % 3 else 10.0 + d for d in range(200)}
    order = list(range(200))
    rng.shuffle(order)
    key = {d: k for k, d in enumerate(order)}.__getitem__  # an order unrelated to the document numbers
    expected = sorted(scores.items(), key=lambda kv: (-kv[1], key(kv[0])))[:window]
    assert _best(scores, window, key) == expected
    ordered = sorted(scores.items(), key=lambda kv: -kv[1])
    last = [kv for kv in ordered if kv[1] == ordered[-1][1]]
    assert _untie(ordered, last, key, reverse=True) == sorted(scores.items(), key=lambda kv: (-kv[1], key(kv[0])))


@pytest.fixture(scope="module")
def searcher(sample_archive):
    archive = Archive(sample_archive)
    s = Searcher(archive)
    yield s
    s.close()
    archive.close()


@pytest.mark.parametrize("text", ["opt out", "parents refuse tests", "NYSUT statements from 2020", "teachers union"])
@pytest.mark.parametrize("window", [1, 3, 10])
def test_top_of_the_archive_equals_full_scoring(searcher, text, window):
    collection = searcher.session.collection(DOCS)
    parsed = searcher.parse(text)
    request = Request(match=parsed.node, rank=list(ql.positive_text(parsed.node)), boosts=searcher._boosts(text))
    query = collection.rank_query(request)
    matched = collection.matched(parsed.node)
    plans = [p for p in (collection._score_plan(t) for t in _terms_of(query)) if p is not None]
    everything = _reference(plans, matched, len(matched))
    # equal scores: newest first, then by id
    everything.sort(key=lambda kv: (-kv[1], collection._tie_key(kv[0])))
    expected = [(d, round(v, 3)) for d, v in everything[:window]]
    assert expected and collection._top(query, matched, window) == expected


def _terms_of(query):
    from indexer.whoosh_backend import _terms

    return _terms(query)


@pytest.mark.parametrize("share", [0.0, 0.1, 0.5, 0.9, 1.0])
def test_facet_counts_equal_counting_every_posting(searcher, share):
    collection = searcher.session.collection(DOCS)
    universe = sorted(collection.universe)
    matched = set(random.Random(3).sample(universe, int(len(universe) * share)))
    counts = collection.facet_counts(FACETS, matched)
    for fieldname, values in collection.facet_postings().items():
        expected = {v: len(matched & set(ids)) for v, ids in values.items() if matched & set(ids)}
        assert counts[fieldname] == dict(sorted(expected.items(), key=lambda kv: (-kv[1], kv[0])))
