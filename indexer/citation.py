"""Citations for quotes and documents: the APA 7, MLA 9 and Chicago 17 styles live in indexer.citations.

This module keeps the old entry point, ``citation(hit, style)``, for callers that only have a search hit.
With the archive at hand, build a Reference with ``indexer.citations.build.ReferenceBuilder`` instead: it
knows the authors and the publication's name.
"""

from __future__ import annotations

from typing import Any

from indexer.citations import STYLES, Reference, format_citation, reference_from_document

__all__ = ["STYLES", "Reference", "citation", "format_citation"]


def citation(item: Any, style: str, publication: str | None = None) -> str:
    """The citation of a Reference, a Document or a quote hit in ``style`` (apa, mla, chicago, chicago-note)."""
    if not isinstance(item, Reference):
        item = reference_from_document(_as_document(item), publication)
    return format_citation(item, style)


class _HitDocument:
    """A quote hit seen as the document it comes from (hits carry no authors)."""

    def __init__(self, hit: Any):
        self.id = getattr(hit, "doc_id", None) or getattr(hit, "id", "")
        self.url = getattr(hit, "url", "")
        self.canonical_url = getattr(hit, "canonical_url", None)
        self.kind = getattr(hit, "kind", None) or "news"
        self.title = getattr(hit, "title", None)
        self.authors = list(getattr(hit, "authors", None) or [])
        self.published = getattr(hit, "published", None)
        self.captured_at = getattr(hit, "captured_at", None)
        self.language = getattr(hit, "language", None)
        self.source_organization = getattr(hit, "source_organization", None)


def _as_document(item: Any) -> Any:
    return item if hasattr(item, "authors") and hasattr(item, "kind") else _HitDocument(item)
