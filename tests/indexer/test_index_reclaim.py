"""Deleted documents do not pile up: commits drop segments with nothing live and rewrite those mostly
deleted (indexer/whoosh_backend.py, ``_reclaim``), with every search giving what it gave before."""

from whoosh import index as windex

from indexer.engine import DOCS, QUOTES
from indexer.whoosh_backend import RECLAIM_SHARE, WhooshBackend

from .test_whoosh_segments import _Doc, _documents, _search_all


def _segments(backend, name=DOCS):
    ix = windex.open_dir(str(backend.directory / name))
    return [(s.doc_count_all(), s.deleted_count()) for s in ix._segments()]


def _adopt(backend, docs, replace=False):
    builder = backend.segment_builder(limitmb=1)
    builder.limit = 40_000  # bytes: a new segment every few dozen documents, as a large run's workers do
    for d in docs:
        builder.add(d)
    segments = builder.finish()
    with backend.writer() as w:
        if replace:
            for d in docs:
                w.delete(d.id)
        w.adopt(segments)


def _fresh(tmp_path):
    """200 documents adopted from a large run's segments, and what searches find in them."""
    docs = [_Doc(r) for r in _documents(200)]
    backend = WhooshBackend(tmp_path / "ix")
    backend.create()
    _adopt(backend, docs)
    return docs, backend, _search_all(backend)


def test_full_retags_do_not_grow_the_index(tmp_path):
    docs, backend, before = _fresh(tmp_path)
    first = _segments(backend)
    for _ in range(3):  # every document re-tagged: its old version deleted, the new one in new segments
        _adopt(backend, docs, replace=True)
    after = _segments(backend)
    assert len(after) == len(first)  # the old segments, all deleted, were dropped
    assert all(dead == 0 for _, dead in after)
    assert backend.doc_count() == 200
    assert _search_all(backend) == before
    quotes = windex.open_dir(str(backend.directory / QUOTES))
    assert quotes.doc_count() == quotes.doc_count_all()  # the quotes index too


def test_mostly_deleted_segments_are_rewritten_and_the_rest_kept(tmp_path):
    docs, backend, before = _fresh(tmp_path)
    # a small run (the locked writer) re-writes every third document: no segment reaches RECLAIM_SHARE
    with backend.writer() as w:
        for d in docs[::3]:
            w.add(d, update=True)
    some = _segments(backend)
    assert any(dead for _, dead in some) and all(dead < RECLAIM_SHARE * total for total, dead in some)
    # then most of the rest: every segment but the last small run's is past the share and rewritten
    _adopt(backend, [d for i, d in enumerate(docs) if i % 3], replace=True)
    after = _segments(backend)
    assert sum(dead for _, dead in after) < sum(dead for _, dead in some)
    assert all(dead < RECLAIM_SHARE * total for total, dead in after)
    assert backend.doc_count() == 200
    assert _search_all(backend) == before


def _matched_sets(backend):
    """What text, field, date and NOT queries match, by document id (facet counts with them)."""
    from indexer.engine import Request
    from indexer.querylang import And, DateIn, FieldTerm, Not, Or, Text

    queries = [Text("union"), FieldTerm("organizations", ("NEA",)), DateIn("2015-01-01", "2016-12-31"),
               Not(Text("parents")), And((Text("union"), Not(FieldTerm("organizations", ("AFT",))))),
               Or((Text("refusal"), FieldTerm("kind", ("statement",))))]
    out = []
    with backend.session() as session:
        for q in queries:
            r = session.search(DOCS, Request(match=q, window=1000, facets=("organizations", "kind")))
            out.append((r.total, sorted(h["id"] for h in r.hits), r.facets))
    return out


def test_queries_leave_out_deleted_documents_that_segments_still_hold(tmp_path):
    docs, backend, _ = _fresh(tmp_path)
    whole = _matched_sets(backend)
    with backend.writer() as w:  # every fourth document re-written: its old copy stays, deleted, in its segment
        for d in docs[::4]:
            w.add(d, update=True)
    assert any(dead for _, dead in _segments(backend))
    assert _matched_sets(backend) == whole
    assert all(total <= 200 for total, _, _ in whole) and any(0 < total < 200 for total, _, _ in whole)
