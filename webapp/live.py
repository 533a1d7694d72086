"""One searcher reused across requests, reopened when `optout index` commits a new version of the index.

Opening the index costs far more than a search, so the application keeps one ``Searcher`` and checks the
index's generation (a directory listing) before each search. When it changed, a new searcher is opened and
warmed; if that fails (a rebuild is swapping folders at that very moment) the old one goes on serving,
since its open files stay readable, and the next request tries again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from archive import Archive
from indexer.engine import DOCS, QUOTES, IndexMissing
from indexer.searching import Searcher


class LiveSearcher:
    """A thread-safe holder of the current searcher over ``archive`` (requests take turns: the catalog's
    connection and the index readers are used by one request at a time)."""

    def __init__(self, archive: Archive):
        self.archive = archive
        self.lock = threading.RLock()
        self._searcher: Searcher | None = None
        self._generation: Any = None
        self.reopened = 0  # how many times a new index version was picked up (tests and the bench read it)

    def _open(self) -> Searcher | None:
        searcher = Searcher(self.archive)
        try:
            # Warm both collections now, so a half-swapped index fails here and not inside a request.
            searcher.session.values(DOCS, "kind")
            searcher.session.values(QUOTES, "position")
        except (IndexMissing, OSError):
            searcher.close()
            return None
        return searcher

    def _refresh(self) -> None:
        backend = self._searcher.index if self._searcher else Searcher(self.archive).index
        generation = backend.generation()
        if generation is None or generation == self._generation:
            return
        fresh = self._open()
        if fresh is None:
            return  # keep serving the version we have; try again on the next request
        if self._searcher is not None:
            self._searcher.close()
            self.reopened += 1
        self._searcher, self._generation = fresh, generation

    @contextmanager
    def use(self) -> Iterator[Searcher | None]:
        """The current searcher (None when no index has been built yet), held for one request."""
        with self.lock:
            self._refresh()
            yield self._searcher

    @contextmanager
    def catalog(self) -> Iterator[Archive]:
        """The archive, held for one request's catalog and WARC reads."""
        with self.lock:
            yield self.archive

    def close(self) -> None:
        with self.lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None
