"""Building the indexes from the archive: tag what is untagged, then write what changed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from archive import Archive
from indexer.annotate import annotate, gazetteer_version
from indexer.search import SearchIndex, add_documents

BATCH = 500


@dataclass
class IndexReport:
    tagged: int = 0
    indexed: int = 0
    total: int = 0
    rebuilt: bool = False


def search_index(archive: Archive) -> SearchIndex:
    return SearchIndex(archive.index_dir)


def tag_documents(archive: Archive, retag: bool = False, progress: Callable[[int, int], None] | None = None) -> int:
    """Tag documents never tagged (or all of them with ``retag``) and store tags and quotes."""
    catalog = archive.catalog
    version = gazetteer_version()
    where = "" if retag else "WHERE tagged_with IS NULL"
    ids = [r["id"] for r in catalog.conn.execute(f"SELECT id FROM documents {where} ORDER BY rowid")]
    done = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        rows = [catalog.document_row(i) for i in chunk]
        results = []
        for row in rows:
            tags, quotes = annotate(row["title"], row["text"], row["published"], row["source_organization"], row["kind"])
            results.append((row["id"], {"organization": tags.organizations, "state": tags.states, "test": tags.tests},
                            quotes))
        with catalog.transaction() as conn:
            for doc_id, tags, quotes in results:
                catalog.set_tags(conn, doc_id, tags, quotes, version)
                conn.execute("UPDATE documents SET indexed_version = 0 WHERE id = ?", (doc_id,))
        done += len(chunk)
        if progress:
            progress(done, len(ids))
    return done


def build_index(archive: Archive, rebuild: bool = False, timeout: float = 0.0,
                progress: Callable[[str, int, int], None] | None = None) -> IndexReport:
    """Bring the search index up to date with the archive; ``rebuild`` re-tags and re-indexes everything."""
    index = search_index(archive)
    report = IndexReport(rebuilt=rebuild or not index.exists())
    report.tagged = tag_documents(archive, retag=rebuild,
                                  progress=(lambda d, t: progress("tagging", d, t)) if progress else None)
    catalog = archive.catalog
    if report.rebuilt:
        index.create()
        catalog.reset_indexed()
    where = "WHERE indexed_version != version"
    pending = [r["id"] for r in catalog.conn.execute(f"SELECT id FROM documents {where} ORDER BY rowid")]
    report.total = catalog.count()
    if not pending:
        return report
    written: list[tuple[str, int]] = []
    with index.writers(timeout=timeout, bulk=len(pending) > 2000) as (dw, qw):
        for start in range(0, len(pending), BATCH):
            docs = [catalog.to_document(catalog.document_row(i)) for i in pending[start:start + BATCH]]
            report.indexed += add_documents(dw, qw, docs, update=not report.rebuilt)
            written += [(d.id, d.version) for d in docs]
            if progress:
                progress("indexing", report.indexed, len(pending))
    # Marked only after the index committed: a killed run leaves these documents pending, not lost.
    with catalog.transaction() as conn:
        catalog.mark_indexed(conn, written)
    return report
