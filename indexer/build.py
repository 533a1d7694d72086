"""Building the indexes from the archive: tag what is untagged, position what is unpositioned, then write
what changed to the search index.

One pass over the pending documents does all three. Large runs are spread over worker processes (one per
core): each reads its documents from the catalog, tags them, extracts quotes, computes positions and writes
its own new index segments; this process stores the annotations in the catalog and adopts the segments.
Work is committed in rounds (annotations per chunk, index segments per round), so a killed run leaves its
finished rounds in place and the next run goes on from there; a rebuild writes beside the live index
(``index.building``, with a marker saying what it is) and a killed rebuild is resumed, not restarted.
"""

from __future__ import annotations

import fcntl
import gc
import json
import math
import multiprocessing
import os
import queue
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from archive import Archive
from archive.catalog import Catalog
from indexer import gazetteer, gazetteer_edits
from indexer.annotate import annotate, document_position, gazetteer_version, store_positions
from indexer.engine import IndexBusy, SearchBackend, open_backend
from indexer.positions import lexicon_version

BATCH = 500
CHUNK = 100  # documents per message to a worker
ROUND_MIN = 2000  # documents per committed round, at least
ROUNDS = 4  # a large run commits about this many times (resume points; each round adds index segments)
PARALLEL_MIN = 1500  # fewer pending documents than this are done in this process (no worker start-up)
MARKER = "REBUILDING.json"  # in index.building: a rebuild in progress, resumed by the next run
# Python's default (700 new container objects) runs the collector a few times per document tagged, and each
# run walks the young objects of the round (catalog rows, pending index postings): about a tenth of a
# worker's time. The work here makes few reference cycles, so collecting every 20,000 is plenty.
GC_THRESHOLD = 20_000


@dataclass
class IndexReport:
    tagged: int = 0
    indexed: int = 0
    total: int = 0
    rebuilt: bool = False
    positioned: int = 0
    resumed: bool = False
    workers: int = 0
    kept: int = 0  # tagged with an earlier gazetteer, and not tagged again: the edit cannot change them


@contextmanager
def _long_lived_heap() -> Iterator[None]:
    """For the length of a run: what is loaded so far (the vocabularies, hundreds of thousands of objects
    that live as long as the process) is left out of garbage collection, and collections are rarer. Frozen
    before the workers fork, the collector never writes to those shared pages in a worker either, so they
    stay shared instead of being copied into each worker."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


@contextmanager
def index_lock(data_dir: Path, timeout: float = 0.0) -> Iterator[IO[str]]:
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
        yield fh
    finally:
        fh.close()


def search_index(archive: Archive) -> SearchBackend:
    return open_backend(archive.index_dir)


# -- the work on one document (in a worker process, or in this one) ----------------------------------------

@dataclass
class Job:
    """What to do to one document: tag it (tags, quotes, positions), position it (from its stored quotes),
    and/or write it to the index."""

    doc_id: str
    tag: bool
    position: bool
    index: bool
    # Tagged with another gazetteer: tagged again, and written to the index only if what the index holds of
    # its annotations changed (a gazetteer edit changes the tags of few documents; rewriting only those is
    # what makes re-tagging a whole archive affordable).
    retag: bool = False


@dataclass
class Outcome:
    doc_id: str
    version: int
    tags: dict[str, list[str]] | None = None  # set when tagged (with quotes)
    quotes: list[Any] = field(default_factory=list)
    doc_position: tuple[str | None, dict[str, Any] | None] | None = None  # set when tagged or positioned
    indexed: bool = False
    changed: bool = False  # re-tagged, and what the index holds of its annotations changed


def index_view(doc: Any) -> tuple[Any, ...]:
    """What the search index holds of a document's annotations (every annotation document_fields and
    quote_fields read): a re-tagged document with the same view keeps its index entry."""
    return (list(doc.organizations), list(doc.states), list(doc.tests), doc.position,
            [(q.text, q.speaker, q.speaker_role, q.speaker_org, q.position) for q in doc.quotes])


def process(catalog: Catalog, job: Job) -> tuple[Outcome | None, Any]:
    """Annotate one document as ``job`` asks; (outcome, the Document to index or None)."""
    row = catalog.document_row(job.doc_id)
    if row is None:  # deleted meanwhile
        return None, None
    doc = catalog.to_document(row, with_annotations=job.index or job.position or job.retag)
    before = index_view(doc) if job.retag else None
    outcome = Outcome(job.doc_id, row["version"])
    if job.tag:
        tags, quotes = annotate(row["title"], row["text"], row["published"], row["source_organization"], row["kind"])
        outcome.tags = {"organization": tags.organizations, "state": tags.states, "test": tags.tests}
        outcome.quotes = quotes
        doc.organizations, doc.states, doc.tests, doc.quotes = tags.organizations, tags.states, tags.tests, quotes
    elif job.position:
        from indexer import positions

        positions.position_quotes(doc.quotes, on_topic=bool(doc.tests), title=row["title"])
        outcome.quotes = doc.quotes
    if job.tag or job.position:
        outcome.doc_position = document_position(row["title"], row["text"], row["kind"])
        doc.position = outcome.doc_position[0]
    outcome.changed = before is not None and index_view(doc) != before
    outcome.indexed = job.index or outcome.changed
    return outcome, doc if outcome.indexed else None


def _preload() -> None:
    """Load the gazetteer, quote patterns and position lexicon (before forking workers)."""
    from indexer.quotes import default_extractor
    from indexer.tagger import default_tagger

    default_tagger()
    default_extractor()
    lexicon_version()


def _worker(number: int, db: str, index_dir: str, jobs: Any, results: Any, parent: int, lock: IO[str]) -> None:
    """A worker process: chunks of jobs in, outcomes out; ("finish",) closes its segments for the round."""
    lock.close()  # this copy only: the parent's lock is released when the parent ends, whatever the workers do
    catalog = Catalog(Path(db))
    backend = open_backend(Path(index_dir))
    builder = None
    while True:
        try:
            message = jobs.get(timeout=2)
        except queue.Empty:
            if os.getppid() != parent:  # the run was killed: nobody will read what this worker does
                # Else exiting would wait forever for the queue's feeder thread, blocked writing results into
                # a pipe no one drains (this process holds its read end too), and the worker would never end.
                results.cancel_join_thread()
                return
            continue
        if message is None:
            return
        if message[0] == "finish":
            results.put(("segments", builder.finish() if builder else None))
            builder = None
            continue
        outcomes = []
        for job in message[2]:
            outcome, doc = process(catalog, job)
            if doc is not None:
                if builder is None:
                    builder = backend.segment_builder()
                builder.add(doc)
            if outcome is not None:
                outcomes.append(outcome)
        results.put(("done", (number, message[1], outcomes)))


# -- storing outcomes ---------------------------------------------------------------------------------------

def _store(catalog: Catalog, outcomes: list[Outcome], gazetteer: str) -> None:
    """Annotations of one chunk, in one transaction."""
    if not any(o.tags is not None or o.doc_position is not None for o in outcomes):
        return
    with catalog.transaction() as conn:
        for o in outcomes:
            if o.tags is not None:
                catalog.set_tags(conn, o.doc_id, o.tags, o.quotes, gazetteer, unindexed=o.indexed)
            if o.doc_position is not None:
                # A re-tagged document whose index entry stays as it is is not marked for re-indexing.
                store_positions(catalog, conn, o.doc_id, o.doc_position, o.quotes, unindexed=o.indexed)


# -- the run ------------------------------------------------------------------------------------------------

def build_index(archive: Archive, rebuild: bool = False, timeout: float = 0.0,
                progress: Callable[[str, int, int], None] | None = None, workers: int | None = None) -> IndexReport:
    """Bring the search index up to date with the archive; ``rebuild`` re-tags and re-indexes everything.

    A rebuild writes a new index beside the old one and swaps it in when complete, so searches keep
    working meanwhile and a killed rebuild leaves the old index in place (the next run resumes it).
    ``workers``: processes to spread a large run over (default: one per core, at most 2; 0: this process).
    """
    with index_lock(archive.path, timeout) as lock:
        return _Run(archive, rebuild, progress, workers, lock).run()


def default_workers() -> int:
    env = os.environ.get("OPTOUT_INDEX_WORKERS")
    if env and env.isdigit():
        return int(env)
    return min(2, os.cpu_count() or 1) if (os.cpu_count() or 1) > 1 else 0


class _Run:
    def __init__(self, archive: Archive, rebuild: bool, progress: Callable[[str, int, int], None] | None,
                 workers: int | None, lock: IO[str]):
        self.archive, self.catalog, self.rebuild, self.progress = archive, archive.catalog, rebuild, progress
        self.workers = default_workers() if workers is None else workers
        self.report = IndexReport()
        self.gazetteer = gazetteer_version()
        self.lexicon = lexicon_version()
        self.building = archive.path / "index.building"
        self.lock = lock

    def run(self) -> IndexReport:
        # a copy of the gazetteer tagged with: what a later edit changed is told from it
        gazetteer_edits.save(self.archive.path, gazetteer.default())
        live = search_index(self.archive)
        target = self._target(live)
        jobs = self._jobs()
        self.report.total = self.catalog.count()
        if jobs:
            self._do(jobs, target)
        if target is not live:
            (self.building / MARKER).unlink(missing_ok=True)
            _swap(target.directory, live.directory)
        # copies of gazetteers nothing is tagged with any more are of no use (every edit leaves one)
        gazetteer_edits.prune(self.archive.path, self.catalog.tagging_versions() | {self.gazetteer})
        if hasattr(live, "warm") and live.exists():
            live.warm()  # also when nothing changed: builds what an older optout did not write (cheap otherwise)
        if live.exists():
            live.mark_healthy()  # read at the start (or written by this run): the next run need not read it all
        return self.report

    def _target(self, live: SearchBackend) -> SearchBackend:
        """The index to write: the live one, or index.building for a rebuild (a new one, or the one a killed
        rebuild left, resumed)."""
        marker = self.building / MARKER
        state = json.loads(marker.read_text()) if marker.is_file() else None
        building = open_backend(self.building)
        # --rebuild resumes a killed rebuild only if it re-tags with the same gazetteer (else it starts over).
        restart = self.rebuild and (state or {}).get("gazetteer") != self.gazetteer or \
            self.rebuild and not (state or {}).get("retag")
        if state is not None and building.exists() and not restart:
            self.report.rebuilt = self.report.resumed = True
            return building
        # Left by a rebuild that was killed before it could be resumed: never read, and this process holds the lock.
        shutil.rmtree(self.building, ignore_errors=True)
        if not (self.rebuild or not live.exists() or not live.known_healthy()):
            return live
        # A missing or unreadable index is rebuilt from the archive: it is derived data.
        self.report.rebuilt = True
        building.create()
        if self.rebuild:
            self.catalog.reset_tagging()  # every document is tagged again (and resumes from here if killed)
        else:
            self.catalog.reset_indexed()
        marker.write_text(json.dumps({"gazetteer": self.gazetteer, "retag": self.rebuild}))
        return building

    def _jobs(self) -> list[Job]:
        catalog = self.catalog
        tag = set(catalog.untagged_ids())
        stale = set(self._stale()) - tag
        position = set(catalog.position_pending(self.lexicon)) - tag - stale
        listings = catalog.listing_ids()  # listing and home pages stay in the catalog, never in the index
        unindexed = set(catalog.unindexed_ids())
        jobs = []
        for doc_id in catalog.all_ids():
            r = doc_id in stale
            t, p = doc_id in tag or r, doc_id in position
            listed = doc_id in listings
            i = (doc_id in tag or p or doc_id in unindexed) and not listed
            if t or p or i:
                jobs.append(Job(doc_id, t, p, i, retag=r and not listed))
        return jobs

    def _stale(self) -> list[str]:
        """Documents to tag again because the gazetteer changed since they were tagged: those it may tag
        otherwise now. The others are marked as tagged with this gazetteer, as they are."""
        stale = self.catalog.stale_tagged(self.gazetteer)
        if not stale:
            return []
        kept = gazetteer_edits.unaffected(self.catalog, self.archive.path, gazetteer.default(), stale,
                                          self.progress)
        if kept:
            with self.catalog.transaction() as conn:
                self.catalog.restamp_tagged(conn, kept, self.gazetteer)
            self.report.kept = len(kept)
        keep = set(kept)
        return [doc_id for doc_id, _version in stale if doc_id not in keep]

    def _tick(self, outcomes: list[Outcome], done: int, total: int) -> None:
        self.report.tagged += sum(o.tags is not None for o in outcomes)
        self.report.positioned += sum(o.tags is None and o.doc_position is not None for o in outcomes)
        if self.progress:
            self.progress("indexing", done, total)

    def _do(self, jobs: list[Job], target: SearchBackend) -> None:
        size = max(ROUND_MIN, math.ceil(len(jobs) / ROUNDS))
        rounds = [jobs[i:i + size] for i in range(0, len(jobs), size)]
        update = not self.report.rebuilt
        parallel = self.workers > 0 and len(jobs) >= PARALLEL_MIN and hasattr(target, "segment_builder")
        if self.progress:
            self.progress("indexing", 0, len(jobs))
        if parallel or any(j.tag or j.position or j.retag for j in jobs):
            _preload()  # before the freeze below (and before forking workers)
        with _long_lived_heap():
            self._rounds(rounds, target, update, parallel, len(jobs))

    def _rounds(self, rounds: list[list[Job]], target: SearchBackend, update: bool, parallel: bool,
                total: int) -> None:
        pool = _Pool(self.catalog.path, target.directory, self.workers, self.lock) if parallel else None
        self.report.workers = self.workers if parallel else 0
        done = 0
        try:
            for batch in rounds:
                with target.writer(bulk=False) as writer:
                    written = (pool.round(self, batch, writer, update, done, total) if pool
                               else self._serial_round(batch, writer, update, done, total))
                # Marked only after the index committed: a killed run leaves these documents pending, not lost.
                with self.catalog.transaction() as conn:
                    self.catalog.mark_indexed(conn, written)
                self.report.indexed += len(written)
                done += len(batch)
        finally:
            if pool:
                pool.close()

    def _serial_round(self, batch: list[Job], writer: Any, update: bool, done: int, total: int) -> list[tuple[str, int]]:
        written = []
        for start in range(0, len(batch), BATCH):
            outcomes = []
            for job in batch[start:start + BATCH]:
                outcome, doc = process(self.catalog, job)
                if outcome is None:
                    continue
                outcomes.append(outcome)
                if doc is not None:
                    writer.add(doc, update)
                    written.append((doc.id, outcome.version))
            _store(self.catalog, outcomes, self.gazetteer)
            self._tick(outcomes, done + min(start + BATCH, len(batch)), total)
        return written


class _Pool:
    """Worker processes, each with its own job queue. Forked, with the vocabularies loaded first, so the
    workers start at once and share those pages; each closes its copy of the index lock (the lock must
    end with this process) and opens its own catalog connection."""

    def __init__(self, db: Path, index_dir: Path, n: int, lock: IO[str]):
        ctx = multiprocessing.get_context("fork")
        self.results = ctx.Queue()
        self.queues = [ctx.Queue() for _ in range(n)]
        self.procs = [ctx.Process(target=_worker, args=(n, str(db), str(index_dir), q, self.results, os.getpid(),
                                                        lock), daemon=True) for n, q in enumerate(self.queues)]
        for p in self.procs:
            p.start()

    def round(self, run: _Run, batch: list[Job], writer: Any, update: bool, done: int, total: int) -> list[tuple[str, int]]:
        """Spread one round over the workers; store what they return; adopt their segments into ``writer``."""
        chunks = [batch[i:i + CHUNK] for i in range(0, len(batch), CHUNK)]
        # Two chunks queued per worker at a time: enough to keep it busy, few enough to balance the load.
        outstanding = [0] * len(self.queues)
        written: list[tuple[str, int]] = []
        sent = received = 0
        while received < len(chunks):
            while sent < len(chunks) and min(outstanding) < 2:
                w = outstanding.index(min(outstanding))
                self.queues[w].put(("jobs", sent, chunks[sent]))
                outstanding[w] += 1
                sent += 1
            w, k, outcomes = self._get("done")
            outstanding[w] -= 1
            received += 1
            if update:  # the new segments replace these documents' earlier versions
                for o in outcomes:
                    if o.indexed:
                        writer.delete(o.doc_id)
            _store(run.catalog, outcomes, run.gazetteer)
            written += [(o.doc_id, o.version) for o in outcomes if o.indexed]
            done += len(chunks[k])
            run._tick(outcomes, done, total)
        for q in self.queues:
            q.put(("finish",))
        for _ in self.queues:
            segments = self._get("segments")
            if segments:
                writer.adopt(segments)
        return written

    def _get(self, kind: str) -> Any:
        while True:
            try:
                tag, payload = self.results.get(timeout=5)
            except queue.Empty:
                if not all(p.is_alive() for p in self.procs):
                    raise RuntimeError("an index worker process died; run `optout index` again to resume") from None
                continue
            if tag == kind:
                return payload

    def close(self) -> None:
        for q in self.queues:
            q.put(None)
        for p in self.procs:
            p.join(timeout=10)
            if p.is_alive():
                p.terminate()


def _swap(new: Path, current: Path) -> None:
    """Put the freshly built index in place of the current one."""
    old = current.with_name(current.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if current.exists():
        os.replace(current, old)
    os.replace(new, current)
    shutil.rmtree(old, ignore_errors=True)
