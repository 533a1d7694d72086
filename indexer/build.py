"""Building the indexes from the archive: tag what is untagged, then write what changed."""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from archive import Archive
from indexer.annotate import (
    annotate,
    document_position,
    gazetteer_version,
    rescore_positions,
    store_positions,
)
from indexer.engine import IndexBusy, SearchBackend, add_all, open_backend

BATCH = 500


@dataclass
class IndexReport:
    tagged: int = 0
    indexed: int = 0
    total: int = 0
    rebuilt: bool = False


@contextmanager
def index_lock(data_dir: Path, timeout: float = 0.0) -> Iterator[None]:
    """One `optout index` at a time per data directory; IndexBusy after ``timeout`` seconds."""
    fh = open(Path(data_dir) / "index.lock", "a+")  # noqa: SIM115 - held for the whole block
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy("the index is busy: another `optout index` is writing it; "
                                    "try again when it ends (or pass --wait SECONDS)") from None
                time.sleep(0.2)
        yield
    finally:
        fh.close()


def search_index(archive: Archive) -> SearchBackend:
    return open_backend(archive.index_dir)


def tag_documents(archive: Archive, retag: bool = False, progress: Callable[[int, int], None] | None = None) -> int:
    """Tag documents never tagged (or all of them with ``retag``) and store tags and quotes."""
    catalog = archive.catalog
    version = gazetteer_version()
    ids = catalog.all_ids() if retag else catalog.untagged_ids()
    done = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        rows = [catalog.document_row(i) for i in chunk]
        results = []
        for row in rows:
            tags, quotes = annotate(row["title"], row["text"], row["published"], row["source_organization"], row["kind"])
            results.append((row["id"], {"organization": tags.organizations, "state": tags.states, "test": tags.tests},
                            quotes, document_position(row["title"], row["text"], row["kind"])))
        with catalog.transaction() as conn:
            for doc_id, tags, quotes, doc_position in results:
                catalog.set_tags(conn, doc_id, tags, quotes, version)
                store_positions(catalog, conn, doc_id, doc_position, quotes)
                catalog.mark_unindexed(doc_id)
        done += len(chunk)
        if progress:
            progress(done, len(ids))
    return done


def build_index(archive: Archive, rebuild: bool = False, timeout: float = 0.0,
                progress: Callable[[str, int, int], None] | None = None) -> IndexReport:
    """Bring the search index up to date with the archive; ``rebuild`` re-tags and re-indexes everything.

    A rebuild writes a new index beside the old one and swaps it in when complete, so searches keep
    working meanwhile and a killed rebuild leaves the old index in place.
    """
    with index_lock(archive.path, timeout):
        return _build(archive, rebuild, progress)


def _build(archive: Archive, rebuild: bool, progress: Callable[[str, int, int], None] | None) -> IndexReport:
    index = search_index(archive)
    # A missing or unreadable index is rebuilt from the archive: it is derived data.
    report = IndexReport(rebuilt=rebuild or not index.exists() or not index.healthy())
    report.tagged = tag_documents(archive, retag=rebuild,
                                  progress=(lambda d, t: progress("tagging", d, t)) if progress else None)
    rescore_positions(archive.catalog)  # imported documents and a changed lexicon (marks them for re-indexing)
    catalog = archive.catalog
    target = index
    building = archive.path / "index.building"
    # Left by a rebuild that was killed: never read, and this process holds the index lock.
    shutil.rmtree(building, ignore_errors=True)
    if report.rebuilt:
        target = open_backend(building)
        target.create()
    listings = catalog.listing_ids()  # listing and home pages stay in the catalog, never in the index
    pending = [i for i in (catalog.all_ids() if report.rebuilt else catalog.unindexed_ids()) if i not in listings]
    report.total = catalog.count()
    written: list[tuple[str, int]] = []
    if pending:
        with target.writer(bulk=len(pending) > 2000) as writer:
            for start in range(0, len(pending), BATCH):
                docs = [catalog.to_document(catalog.document_row(i)) for i in pending[start:start + BATCH]]
                report.indexed += add_all(writer, docs, update=not report.rebuilt)
                written += [(d.id, d.version) for d in docs]
                if progress:
                    progress("indexing", report.indexed, len(pending))
    if report.rebuilt:
        _swap(target.directory, index.directory)
    # Marked only after the index committed: a killed run leaves these documents pending, not lost.
    with catalog.transaction() as conn:
        if report.rebuilt:
            catalog.reset_indexed()
        catalog.mark_indexed(conn, written)
    return report


def _swap(new: Path, current: Path) -> None:
    """Put the freshly built index in place of the current one."""
    old = current.with_name(current.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if current.exists():
        os.replace(current, old)
    os.replace(new, current)
    shutil.rmtree(old, ignore_errors=True)
