"""The system of record: an SQLite catalog of documents plus raw HTTP captures in WARC files."""

from archive.errors import ArchiveError, NotFound
from archive.model import Capture, Document, Quote
from archive.store import Archive, resolve_data_dir


def __getattr__(name: str) -> object:
    # The URL helpers are imported when first asked for: a search needs the catalog, not them.
    if name in ("canonical_url", "document_id"):
        from archive import urls  # noqa: PLC0415

        return getattr(urls, name)
    raise AttributeError(f"module 'archive' has no attribute {name!r}")

__all__ = [
    "Archive",
    "ArchiveError",
    "Capture",
    "Document",
    "NotFound",
    "Quote",
    "canonical_url",
    "document_id",
    "resolve_data_dir",
]
