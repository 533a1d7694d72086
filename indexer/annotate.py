"""One call that tags a document and extracts its quotes: what `optout index` stores per document."""

from __future__ import annotations

from typing import Any

from archive.model import Quote
from indexer import positions
from indexer.quotes import default_extractor
from indexer.tagger import Tags, default_tagger

# Texts beyond this many characters are tagged on their first part only: a 5 MB page is not an
# article, and tagging cost must stay bounded (a second per document at most).
MAX_CHARS = 200_000


def annotate(title: str | None, text: str, published: str | None = None, source_organization: str | None = None,
             kind: str = "news") -> tuple[Tags, list[Quote]]:
    """Tags (organizations, states, tests) and quotes of one document."""
    text = (text or "")[:MAX_CHARS]
    tags = default_tagger().tag(title, text, published, source_organization)
    quotes = default_extractor().extract(text, published, source_organization, kind, tags.primary_state or "")
    positions.position_quotes(quotes, on_topic=bool(tags.tests), title=title)
    return tags, quotes


def document_position(title: str | None, text: str, kind: str) -> tuple[str | None, dict[str, Any] | None]:
    """(position, evidence) of a statement-kind document; (None, None) for other kinds."""
    found = positions.document_position(title, (text or "")[:MAX_CHARS], kind)
    return (found.position, found.evidence()) if found else (None, None)


def store_positions(catalog: Any, conn: Any, doc_id: str, doc_position: tuple[str | None, dict[str, Any] | None],
                    quotes: list[Quote], unindexed: bool = True) -> None:
    """Write positions computed by annotate() and document_position() to the catalog (``unindexed``: and
    mark the document for re-indexing)."""
    catalog.set_positions(conn, doc_id, doc_position[0], doc_position[1],
                          [(q.position, q.position_evidence) for q in quotes], positions.lexicon_version(), unindexed)


def gazetteer_version() -> str:
    from indexer.gazetteer import default

    return default().version
