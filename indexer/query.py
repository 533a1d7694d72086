"""Old name of ``indexer.searching`` (and the query language's resolver), kept so older imports work.
New code imports ``indexer.searching``, ``indexer.querylang``, ``indexer.aliases`` and ``indexer.dates``."""

from indexer.aliases import Resolver, alias_tables, cached_alias_tables
from indexer.engine import IndexMissing
from indexer.querylang import MAX_QUERY_CHARS, QueryError
from indexer.searching import MAX_LIMIT, Filters, Hit, QuoteHit, Results, Searcher, parse_date

__all__ = ["MAX_LIMIT", "MAX_QUERY_CHARS", "Filters", "Hit", "IndexMissing", "QueryError", "QuoteHit", "Resolver",
           "Results", "Searcher", "alias_tables", "cached_alias_tables", "parse_date"]
