"""The system of record: an SQLite catalog of documents plus raw HTTP captures in WARC files."""

from archive.errors import ArchiveError, NotFound
from archive.model import Capture, Document, Quote
from archive.store import Archive, resolve_data_dir
from archive.urls import canonical_url, document_id

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
