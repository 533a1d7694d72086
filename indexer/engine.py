"""The search backend interface: what the rest of optout needs from a search engine, and nothing more.

An engine implements ``SearchBackend`` (create, write, open a session) and ``Session`` (run a request over
the "documents" or "quotes" collection, suggest spellings, list a keyword field's values, analyze text).
Requests carry trees from ``indexer.querylang``; the backend's only job is to return exactly the documents
the tree matches, ordered as asked. The Whoosh implementation is ``indexer.whoosh_backend``; nothing else
imports an engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from indexer.querylang import Node, Text

DOCS, QUOTES = "documents", "quotes"
# Keyword fields whose values are compared lowercased (names typed in any case).
FACETS = ("organizations", "states", "tests", "kind", "year")


class IndexBusy(RuntimeError):
    """Another process is writing the index."""


class IndexMissing(RuntimeError):
    """No index has been built yet (or it cannot be read: rebuild it)."""


@dataclass
class Request:
    """One search. ``match`` decides the matched set exactly; ``rank`` (free-text leaves) and ``boosts``
    ((field, value, weight): raise the score of matches having that value) only order it."""

    match: Node
    rank: list[Text] = field(default_factory=list)
    boosts: list[tuple[str, str, float]] = field(default_factory=list)
    sort: str = "relevance"  # relevance | date (oldest first) | -date (newest first)
    window: int = 10  # how many hits from the top of the order
    facets: tuple[str, ...] = ()


@dataclass
class Response:
    total: int  # size of the matched set
    hits: list[dict[str, Any]]  # stored fields, plus "score" (None unless sorted by relevance)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


class Session(Protocol):
    """An open, consistent view of the index for one command."""

    def search(self, collection: str, request: Request) -> Response: ...

    def suggest(self, collection: str, word: str) -> str | None: ...

    def values(self, collection: str, fieldname: str) -> list[str]: ...

    def analyze(self, collection: str, text: str, fieldname: str | None = None) -> list[str]: ...


class Writer(Protocol):
    def add(self, doc: Any, update: bool) -> None: ...


class SearchBackend(Protocol):
    directory: Path

    def exists(self) -> bool: ...

    def healthy(self) -> bool: ...

    def known_healthy(self) -> bool: ...

    def mark_healthy(self) -> None: ...

    def generation(self) -> Any: ...

    def create(self) -> None: ...

    def doc_count(self) -> int: ...

    def writer(self, timeout: float = 0.0, bulk: bool = False) -> AbstractContextManager[Writer]: ...

    def session(self) -> AbstractContextManager[Session]: ...


def open_backend(directory: Path) -> SearchBackend:
    """The configured search backend over ``directory`` (Whoosh; imported only when a command needs it)."""
    from indexer.whoosh_backend import WhooshBackend

    return WhooshBackend(Path(directory))


def add_all(writer: Writer, docs: Iterable[Any], update: bool) -> int:
    n = 0
    for doc in docs:
        writer.add(doc, update)
        n += 1
    return n
