"""Old name of the search backend, kept so older imports work: new code uses ``indexer.engine`` (the
interface, ``open_backend``) and never imports the Whoosh module itself."""

from indexer.engine import DOCS, QUOTES, IndexBusy, IndexMissing
from indexer.whoosh_backend import SearchIndex, add_documents

__all__ = ["DOCS", "QUOTES", "IndexBusy", "IndexMissing", "SearchIndex", "add_documents"]
