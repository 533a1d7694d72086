"""Choosing documents by a query in the search language (for evidence exports): every matching id."""

from __future__ import annotations

from archive import Archive
from indexer.engine import IndexMissing
from indexer.searching import MAX_LIMIT, MAX_PAGE, Searcher


def select_ids(archive: Archive, query: str) -> list[str]:
    """The ids of every document ``query`` matches (near-duplicates not folded), oldest first.

    Raises QueryError for a malformed query and IndexMissing when there is no search index yet."""
    searcher = Searcher(archive)
    try:
        if not searcher.index.exists():
            raise IndexMissing("no search index yet: run `optout index` (or choose documents by id)")
        ids: list[str] = []
        filters = searcher.filters()
        for page in range(1, MAX_PAGE + 1):
            results = searcher.search(query, filters, sort="date", limit=MAX_LIMIT, page=page, fold=False,
                                      facets=False, suggest=False)
            ids.extend(hit.id for hit in results.hits)
            if len(ids) >= results.total or not results.hits:
                break
        return list(dict.fromkeys(ids))
    finally:
        searcher.close()
