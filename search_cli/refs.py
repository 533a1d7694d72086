"""Citations and reference-manager formats for the `quotes` and `export` commands (thin: the work is in
indexer.citations)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import IO, Any

# Formats a reference manager imports (Zotero: File > Import).
REF_FORMATS = ("csl-json", "bibtex", "ris")
CITE_STYLES = ("apa", "mla", "chicago", "chicago-note")


def source_names(archive: Any) -> dict[str, str]:
    """Source id -> name from the packaged sources and the user's sources file (a broken file is skipped:
    the catalog's names and the archived pages still name the publication)."""
    from crawler.sources import SourcesError, default_sources, load_sources

    names: dict[str, str] = {}
    try:
        names.update({s.id: s.name for s in default_sources() if s.name})
    except SourcesError:
        pass
    if archive.sources_file.exists():
        try:
            names.update({s.id: s.name for s in load_sources(archive.sources_file) if s.name})
        except SourcesError:
            pass
    return names


def builder(archive: Any) -> Any:
    from indexer.citations.build import ReferenceBuilder

    return ReferenceBuilder(archive, source_names(archive))


def quote_citations(archive: Any, hits: Iterable[Any], style: str) -> list[str]:
    """One citation per quote hit: of the document the quote comes from, with its authors and publication
    (without the archive, only what the hit itself knows)."""
    from indexer.citation import citation

    if archive is None:
        return [citation(hit, style) for hit in hits]
    return builder(archive).quote_citations(hits, style)


def write_quote_references(archive: Any, hits: Iterable[Any], fmt: str, out: IO[str] | None = None) -> int:
    """The documents behind the quote hits as CSL-JSON, BibTeX or RIS, each with its quotes as a note."""
    from indexer.citations.exports import write_references

    return write_references(builder(archive).for_quotes(hits), fmt, out or sys.stdout)


def export_references(archive: Any, fmt: str, out: IO[str]) -> int:
    """Every document of the archive as CSL-JSON, BibTeX or RIS; returns the count."""
    from indexer.citations.exports import write_references

    return write_references(builder(archive).all_documents(), fmt, out)
