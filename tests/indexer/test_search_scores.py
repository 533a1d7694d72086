"""Ranking computes BM25F from the posting lists itself (faster than Whoosh's matchers); its scores must be
Whoosh's own, so the relevance measured with Whoosh still holds."""

import pytest

from archive import Archive
from indexer import querylang as ql
from indexer.engine import DOCS, Request
from indexer.searching import Searcher


@pytest.fixture(scope="module")
def searcher(sample_archive):
    archive = Archive(sample_archive)
    s = Searcher(archive)
    yield s
    s.close()
    archive.close()


@pytest.mark.parametrize("text", ["opt out", "parents refuse tests", "NYSUT statements from 2020", '"state tests" boycott',
                                  "title:PARCC teachers"])
def test_scores_equal_whooshs(searcher, text):
    collection = searcher.session.collection(DOCS)
    parsed = searcher.parse(text)
    request = Request(match=parsed.node, rank=list(ql.positive_text(parsed.node)), boosts=searcher._boosts(text),
                      window=1000)
    matched = collection.matched(parsed.node)
    ours = dict(collection._top(collection.rank_query(request), matched, 1000))
    theirs = {hit.docnum: hit.score for hit in collection.searcher.search(collection.rank_query(request), limit=None)
              if hit.docnum in matched}
    assert ours and set(ours) == set(theirs)
    for docnum, score in theirs.items():
        assert ours[docnum] == pytest.approx(score, abs=2e-3)
