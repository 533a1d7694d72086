"""The Whoosh search backend (``indexer.engine.SearchBackend``): the documents and quotes indexes, writing
them and running querylang trees over them. The only module that imports whoosh."""

from __future__ import annotations

import heapq
import json
import os
import pickle
import re
import shutil
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from functools import cached_property
from itertools import accumulate
from pathlib import Path
from typing import Any

from indexer.whoosh_import import light_whoosh_import

with light_whoosh_import():
    from whoosh import index as windex
    from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StemmingAnalyzer, StopFilter
    from whoosh.codec.whoosh3 import W3PerDocReader
    from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
    from whoosh.formats import Positions
    from whoosh.index import LockError
    from whoosh.matching.wrappers import FilterMatcher
    from whoosh.query import DateRange, Or, Phrase, Query, Term
    from whoosh.scoring import BM25FScorer
    from whoosh.system import _INT_SIZE

from indexer import querylang as ql
from indexer.engine import DOCS, FACETS, QUOTES, IndexBusy, IndexMissing, Request, Response

TAG_FIELDS = ("organizations", "states", "tests")
VERIFIED = "verified.json"  # in the index folder: its files as they were when last known to be readable


def _analyzer() -> Any:
    return StemmingAnalyzer()


def _fast_plan(analyzer: Any) -> tuple[Any, frozenset[str], int, int | None, Any, dict[str, str]] | None:
    """(pattern, stop words, min size, max size, stem function or None, its memo) when ``analyzer`` is
    Whoosh's tokenizer | lowercase | stop filter (renumbering, removing stops) [| stemmer], else None."""
    items = list(getattr(analyzer, "items", ()))
    if len(items) not in (3, 4) or type(items[0]) is not RegexTokenizer or items[0].gaps:
        return None
    if type(items[1]) is not LowercaseFilter or type(items[2]) is not StopFilter or not items[2].renumber:
        return None
    stem, memo = None, {}
    if len(items) == 4:
        if type(items[3]) is not StemFilter or items[3].ignore:
            return None
        stem = items[3]._stem  # noqa: SLF001 - the filter's own (cached) stemmer
        # Whoosh's cache is a Python-level LRU wrapper (a third of the stemming time); a plain dict in front of
        # it, one per stemming function, survives the schema being unpickled anew each time an index opens.
        memo = _STEMS.setdefault((items[3].stemfn, items[3].lang), {})
        if len(memo) > _STEMS_MAX:
            memo.clear()
    return items[0].expression, items[2].stops, items[2].min, items[2].max, stem, memo


_STEMS: dict[tuple[Any, Any], dict[str, str]] = {}
_STEMS_MAX = 400_000  # words remembered per stemmer (a few tens of MB at most)
# Whoosh's tokenizer patterns, each as an equivalent one without a capturing group (so that findall()
# returns whole tokens) and without the optional dot inside the repeat (which made the engine retry at
# every letter: twice as slow). Same tokens: tests/indexer/test_index_fast_text.py.
_NONCAPTURING = {r"[\w\*]+(\.?[\w\*]+)*": r"[\w*]+(?:\.[\w*]+)*", r"\w+(\.?\w+)*": r"\w+(?:\.\w+)*"}
_COMPILED: dict[tuple[str, int], Any] = {}


def _tokens(pattern: Any, value: str) -> list[str]:
    """The lowercased tokens Whoosh's RegexTokenizer | LowercaseFilter gives for ``value``."""
    plain = _NONCAPTURING.get(pattern.pattern)
    if plain is None:
        return [m.group().lower() for m in pattern.finditer(value)]
    compiled = _COMPILED.get((plain, pattern.flags))
    if compiled is None:
        compiled = _COMPILED[(plain, pattern.flags)] = re.compile(plain, pattern.flags)
    if value.isascii():
        return compiled.findall(value.lower())
    # Lowercasing the whole text first could change the tokens (U+0130 lowercases to two characters, a
    # final sigma depends on what follows it), so the tokens are lowercased, each alone as Whoosh does:
    # joined by spaces, nothing crosses from one to the next.
    tokens = compiled.findall(value)
    return " ".join(tokens).lower().split(" ") if tokens else tokens


class FastText(TEXT):
    """TEXT whose ``index()`` computes exactly the postings Whoosh's analyzer chain would, in one pass over
    the tokens instead of a generator chain per token (the analysis was half of `optout index`'s Whoosh
    time). Any other analyzer or format falls back to Whoosh's own code."""

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        poses = self.positions(value) if not kwargs else None
        if poses is None:
            yield from super().index(value, **kwargs)
            return
        boost = self.format.field_boost
        for word, positions in poses.items():
            yield word.encode("utf-8"), len(positions), float(len(positions)) * boost, encode_positions(positions)

    def positions(self, value: Any) -> dict[str, list[int]] | None:
        """Each indexed word of ``value`` with its positions, in first-occurrence order (the postings
        ``index()`` yields); None when the analyzer, format or value is not one this fast path knows."""
        plan = _fast_plan(self.analyzer)
        if plan is None or not isinstance(value, str) or type(self.format) is not Positions:
            return None
        pattern, stops, minsize, maxsize, stem, memo = plan
        tokens = _tokens(pattern, value)
        kept = [t for t in tokens if len(t) >= minsize and t not in stops and (maxsize is None or len(t) <= maxsize)]
        # StopFilter(renumber=True): the first kept token keeps its position, the next ones follow it.
        first = next((i for i, t in enumerate(tokens)
                      if len(t) >= minsize and t not in stops and (maxsize is None or len(t) <= maxsize)), 0)
        if stem is not None:
            for word in set(kept).difference(memo):
                memo[word] = stem(word)
            kept = list(map(memo.__getitem__, kept))
        poses: dict[str, list[int]] = {}
        for pos, text in enumerate(kept, first):
            found = poses.get(text)
            if found is None:
                poses[text] = [pos]
            else:
                found.append(pos)
        return poses


def bitmask(docnums: Iterable[int], size: int) -> int:
    """An int with bit d set for each document number d in ``docnums`` (all below ``size``)."""
    bits = bytearray((size + 7) // 8)
    for d in docnums:
        bits[d >> 3] |= 1 << (d & 7)
    return int.from_bytes(bits, "little")


def encode_positions(positions: list[int]) -> bytes:
    """Positions.encode(positions); a single position's encoding remembered (most words of a document)."""
    if len(positions) == 1:
        value = _SINGLE.get(positions[0])
        if value is None:
            value = _SINGLE[positions[0]] = _POSITIONS.encode(positions)
        return value
    return _POSITIONS.encode(positions)


_SINGLE: dict[int, bytes] = {}  # Positions.encode([p]) by p (the format's encoding does not depend on the field)
_POSITIONS = Positions()  # its encode() depends on nothing but the positions


def _cached_reader(self: Any, fieldname: str, column: Any) -> Any:
    """W3PerDocReader._cached_reader, also remembering that a column is absent: Whoosh stats the file
    again for every posting of a field without lengths when a segment is written."""
    if fieldname not in self._readers:  # noqa: SLF001
        self._readers[fieldname] = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
    return self._readers[fieldname]


W3PerDocReader._cached_reader = _cached_reader  # noqa: SLF001 - segments are immutable once written


class DateColumn(DATETIME):
    """A publication date stored and kept in a column (for sorting by date), but not indexed: Whoosh's
    DATETIME indexes eight numeric terms per value, a sixth of the postings written at segment end, where
    date filters only need the year, month and day terms beside it (date_filter)."""

    def __init__(self) -> None:
        super().__init__(stored=True, sortable=True)
        self.indexed = False


def documents_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        url=STORED(),
        title=FastText(stored=True, analyzer=_analyzer(), field_boost=2.0),
        # One field for free text: title (twice, so it weighs more), tag names and speakers, then the body.
        # A single posting list per word scores three times faster than three fields would.
        content=FastText(analyzer=_analyzer()),
        source=ID(stored=True),
        kind=ID(stored=True),
        published=DateColumn(),
        year=ID(),
        month=ID(),
        day=ID(),
        organizations=KEYWORD(stored=True, commas=True, lowercase=True, scorable=True),
        states=KEYWORD(stored=True, commas=True, lowercase=True, scorable=True),
        tests=KEYWORD(stored=True, commas=True, lowercase=True, scorable=True),
        speakers=KEYWORD(commas=True, lowercase=True),
        # The organization whose own source published the document (documents "by" it).
        publisher=KEYWORD(commas=True, lowercase=True),
        # Toward opting out (indexer/positions.py): statements only; "" for other documents.
        position=ID(stored=True),
        dup_of=STORED(),
    )


def quotes_schema() -> Schema:
    return Schema(
        id=STORED(),  # quotes are found, replaced and deleted by doc_id: their own ids need no postings
        doc_id=ID(stored=True),
        text=FastText(stored=True, analyzer=_analyzer()),
        speaker=FastText(stored=True),
        speaker_role=STORED(),
        speaker_org=KEYWORD(stored=True, commas=True, lowercase=True),
        title=STORED(),
        url=STORED(),
        source=ID(stored=True),
        kind=ID(stored=True),
        published=DateColumn(),
        year=ID(),
        month=ID(),
        day=ID(),
        organizations=KEYWORD(commas=True, lowercase=True),
        states=KEYWORD(commas=True, lowercase=True),
        tests=KEYWORD(commas=True, lowercase=True),
        position=ID(stored=True),
    )


def _to_datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value[:10])
    except ValueError:
        return None


def _date_terms(published: datetime) -> dict[str, Any]:
    """The date fields of a document or quote published on ``published`` (date_filter reads them)."""
    return {"published": published, "year": str(published.year), "month": f"{published.year}-{published.month:02d}",
            "day": published.date().isoformat()}


def document_fields(doc: Any) -> dict[str, Any]:
    """Index fields for an archive Document (body text indexed, not stored)."""
    speakers = sorted({q.speaker for q in doc.quotes if q.speaker})
    fields = {
        "id": doc.id, "url": doc.url, "title": doc.title or "",
        "content": "\n".join([doc.title or "", doc.title or "",
                              " ".join([*doc.organizations, *doc.states, *doc.tests, *speakers]), doc.text]),
        "source": doc.source or "", "kind": doc.kind,
        "organizations": ",".join(doc.organizations), "states": ",".join(doc.states), "tests": ",".join(doc.tests),
        "speakers": ",".join(s.replace(",", " ") for s in speakers), "dup_of": doc.near_duplicate_of,
        "publisher": (doc.source_organization or "").replace(",", " "),
        "position": (doc.position or "") if doc.kind == "statement" else "",
    }
    published = _to_datetime(doc.published)
    if published:
        fields.update(_date_terms(published))
    return fields


def quote_fields(doc: Any) -> Iterator[dict[str, Any]]:
    published = _to_datetime(doc.published)
    dated = _date_terms(published) if published else {}
    for i, q in enumerate(doc.quotes):
        fields = {
            "id": f"{doc.id}:{i}", "doc_id": doc.id, "text": q.text, "speaker": q.speaker or "",
            "speaker_role": q.speaker_role, "speaker_org": q.speaker_org or "", "title": doc.title, "url": doc.url,
            "source": doc.source or "", "kind": doc.kind, "organizations": ",".join(doc.organizations),
            "states": ",".join(doc.states), "tests": ",".join(doc.tests), "position": q.position or "",
        }
        fields.update(dated)
        yield fields


# Fields compared lowercased (KEYWORD lowercase=True); others exactly.
_LOWERCASED = {"organizations", "states", "tests", "speakers", "speaker_org", "publisher"}
# Free text: the fields a word without a field prefix searches.
_FREE_TEXT = {DOCS: ("content",), QUOTES: ("text", "speaker")}
_SCHEMAS = {DOCS: documents_schema, QUOTES: quotes_schema}


def _read_sample(reader: Any, every: int = 50) -> None:
    """Read the whole term dictionary and the postings of every ``every``-th term, plus the stored fields
    of a sample of documents: a damaged file raises here (the index is then rebuilt), not in a search."""
    for n, (fieldname, text) in enumerate(reader.all_terms()):
        if n % every == 0:
            reader.postings(fieldname, text).all_ids()
    for docnum in range(0, reader.doc_count_all(), max(1, reader.doc_count_all() // 50)):
        reader.stored_fields(docnum)


class WhooshBackend:
    """The documents and quotes indexes in one folder."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def exists(self) -> bool:
        """True when both indexes have been created (readable or not: see healthy())."""
        return all(any((self.directory / name).glob("_MAIN_*.toc")) for name in (DOCS, QUOTES))

    def healthy(self) -> bool:
        """True when both indexes open, can be read and have this version's fields (a killed writer never
        leaves a torn commit, but files can be damaged, and an older optout wrote other fields)."""
        try:
            for name, schema in ((DOCS, documents_schema()), (QUOTES, quotes_schema())):
                ix = self.open(name)
                if set(ix.schema.names()) != set(schema.names()):
                    return False
                with ix.searcher() as searcher:
                    searcher.doc_count()
                    _read_sample(searcher.reader())
        except Exception:  # noqa: BLE001 - any failure to read means: rebuild from the archive
            return False
        return True

    def known_healthy(self) -> bool:
        """healthy(), without reading the indexes again when none of their files changed since
        mark_healthy() and this version has the same fields. The full read walks every term (11 s of a
        no-op `optout index` at 100,000 documents); damage rewrites a file, which changes its size or time."""
        try:
            stamp = json.loads((self.directory / VERIFIED).read_text())
        except (OSError, ValueError):
            stamp = None
        if stamp is not None and stamp == self._verified_stamp():
            return True
        return self.healthy()

    def mark_healthy(self) -> None:
        """Remember the index files as they are now as readable: called after a run that checked them
        (or wrote them) and ended well."""
        stamp = self._verified_stamp()
        if stamp is None:
            return
        tmp = self.directory / (VERIFIED + ".tmp")
        try:
            tmp.write_text(json.dumps(stamp))
            os.replace(tmp, self.directory / VERIFIED)
        except OSError:
            tmp.unlink(missing_ok=True)  # only a cache: the next run reads the indexes again

    def _verified_stamp(self) -> dict[str, Any] | None:
        """The fields of this version and (name, size, modification time) of every file of both indexes;
        None when they cannot be listed."""
        files = []
        try:
            for name in (DOCS, QUOTES):
                with os.scandir(self.directory / name) as entries:
                    for entry in entries:
                        if entry.name.startswith(("MAIN_", "_MAIN_")) and not entry.name.endswith("WRITELOCK"):
                            st = entry.stat()
                            files.append([f"{name}/{entry.name}", st.st_size, st.st_mtime_ns])
        except OSError:
            return None
        fields = {name: sorted(schema().names()) for name, schema in _SCHEMAS.items()}
        return {"fields": fields, "files": sorted(files)}

    def generation(self) -> tuple[Any, ...] | None:
        """What identifies the committed version of both indexes (each commit writes a new table of
        contents; a rebuild swaps in a new folder): it changes when `optout index` changes the index.
        None when there is no index. Cheap: a directory listing, no index opened."""
        try:
            parts: list[Any] = [os.stat(self.directory).st_ino]
            for name in (DOCS, QUOTES):
                parts.append(tuple(sorted(p.name for p in (self.directory / name).glob("_MAIN_*.toc"))))
        except OSError:
            return None
        return tuple(parts) if all(parts[1:]) else None

    def create(self) -> None:
        """Create empty indexes, replacing any that exist."""
        for name, schema in ((DOCS, documents_schema()), (QUOTES, quotes_schema())):
            path = self.directory / name
            if path.exists():
                shutil.rmtree(path)
            path.mkdir(parents=True)
            windex.create_in(str(path), schema)

    def open(self, name: str) -> Any:
        path = self.directory / name
        if not any(path.glob("_MAIN_*.toc")):
            raise IndexMissing("no search index yet: run `optout index` (or `optout demo`)")
        try:
            return windex.open_dir(str(path))
        except Exception as exc:  # noqa: BLE001 - Whoosh raises several kinds for damaged files
            raise IndexMissing(f"the search index cannot be read ({type(exc).__name__}): "
                               "run `optout index --rebuild`") from None

    @contextmanager
    def writers(self, timeout: float = 0.0, bulk: bool = False) -> Iterator[tuple[Any, Any]]:
        """Raw Whoosh writers for both indexes; IndexBusy when another process holds them."""
        # Plain (not compound) segment files: Whoosh copies every part of a compound segment into memory
        # each time the index is opened (about 70 ms per search at 20,000 documents), and assembling the
        # compound file adds to every commit. Large runs spread over processes use segment_builder()
        # instead (indexer/build.py), so a writer's pool stays small.
        opts: dict[str, Any] = {"timeout": timeout, "compound": False, "limitmb": 256 if bulk else 128}
        busy = "the index is busy: another `optout index` is writing it; try again when it ends"
        try:
            dw = self.open(DOCS).writer(**opts)
        except LockError:
            raise IndexBusy(busy) from None
        try:
            qw = self.open(QUOTES).writer(timeout=timeout, limitmb=128 if bulk else 64, compound=False)
        except LockError:
            dw.cancel()
            raise IndexBusy(busy) from None
        try:
            yield dw, qw
        except BaseException:
            dw.cancel()
            qw.cancel()
            raise
        for w in (dw, qw):
            adopted = getattr(w, "_optout_adopted", None)
            if adopted:
                _commit_adopting(w, adopted)
            else:
                w.commit(mergetype=_reclaim_then_merge_small)

    @contextmanager
    def writer(self, timeout: float = 0.0, bulk: bool = False) -> Iterator[_Writer]:
        """A writer for documents (and their quotes); committed when the block ends without error."""
        with self.writers(timeout, bulk) as (dw, qw):
            yield _Writer(dw, qw)

    def segment_builder(self, limitmb: int = 96) -> SegmentBuilder:
        """New segments of both indexes written without the write lock (in a worker process); the process
        holding the lock adopts them (``_Writer.adopt``) when it commits."""
        return SegmentBuilder(self, limitmb)

    def doc_count(self) -> int:
        if not self.exists():
            return 0
        with self.open(DOCS).searcher() as s:
            return s.doc_count()

    def warm(self, helper: bool = True) -> None:
        """Build the caches searches read beside the index (facet postings, scored field lengths, the flat
        copy of common words' postings) now, so the first search after `optout index` does not pay for them.
        With ``helper`` a forked process decodes half of the documents' common words and warms the quotes
        index meanwhile (at 100,000 documents this step took 39 s on one core; it is most of a no-op run)."""
        with self.session() as session:
            docs = session.collection(DOCS)
            if not docs.common_pending():
                helper = False  # nothing big left: not worth a process
            terms = docs.common_terms() if helper else None  # counted once, for both processes
            child = _fork(_warm_helper, self, terms) if helper else None
            docs.facet_postings()
            for fieldname in _FREE_TEXT[DOCS]:
                docs.field_lengths(fieldname)
            docs.write_common_postings(share=(0, 2) if child else None, helper=child, terms=terms)
            if child is None or not _joined(child):
                _warm_collection(session.collection(QUOTES))

    @contextmanager
    def session(self) -> Iterator[_Session]:
        """Both indexes open for searching, closed when the block ends."""
        session = _Session(self)
        try:
            yield session
        finally:
            session.close()


SearchIndex = WhooshBackend  # the name older code and tests use


def _warm_collection(collection: _Collection) -> None:
    collection.facet_postings()
    for fieldname in _FREE_TEXT[collection.name]:
        collection.field_lengths(fieldname)
    collection.write_common_postings()


def _warm_helper(backend: WhooshBackend, terms: list[tuple[str, str]], share_path: Any) -> None:
    """In the forked helper: the second half of the documents' common postings, then the quotes index. It
    opens the index anew: files inherited over fork share their read offsets with the parent's."""
    with backend.session() as session:
        share_path.value = str(session.collection(DOCS).common_share(1, 2, terms)).encode()
        _warm_collection(session.collection(QUOTES))


class _Helper:
    def __init__(self, process: Any, path: Any):
        self.process, self._path = process, path
        self.ok: bool | None = None

    @property
    def share_path(self) -> str:
        return self._path.value.decode()


def _fork(target: Any, *args: Any) -> _Helper | None:
    """``target(*args, path)`` in a forked process (None where processes cannot fork); ``path`` is a shared
    buffer the helper names its output file in."""
    import multiprocessing  # noqa: PLC0415 - only `optout index` warms

    try:
        ctx = multiprocessing.get_context("fork")
        path = ctx.Array("c", 4096, lock=False)
        process = ctx.Process(target=target, args=(*args, path), daemon=True)
        process.start()
    except (ValueError, OSError):
        return None
    return _Helper(process, path)


def _joined(helper: _Helper) -> bool:
    """Wait for the helper; whether it finished its work."""
    if helper.ok is None:
        helper.process.join()
        helper.ok = helper.process.exitcode == 0
    return helper.ok


class _Writer:
    def __init__(self, dw: Any, qw: Any):
        self.dw, self.qw = dw, qw

    def add(self, doc: Any, update: bool) -> None:
        """Write a document and its quotes; ``update`` replaces an earlier version."""
        if update:
            self.dw.update_document(**document_fields(doc))
            self.qw.delete_by_term("doc_id", doc.id)
        else:
            self.dw.add_document(**document_fields(doc))
        for fields in quote_fields(doc):
            self.qw.add_document(**fields)


    def delete(self, doc_id: str) -> None:
        """Remove a document and its quotes (before its new version arrives in an adopted segment)."""
        self.dw.delete_by_term("id", doc_id)
        self.qw.delete_by_term("doc_id", doc_id)

    def adopt(self, segments: tuple[list[Any], list[Any]]) -> None:
        """Segments written by a SegmentBuilder, added to the indexes when this writer commits."""
        for w, adopted in zip((self.dw, self.qw), segments, strict=True):
            if adopted:
                if not hasattr(w, "_optout_adopted"):
                    w._optout_adopted = []  # noqa: SLF001
                w._optout_adopted.extend(adopted)  # noqa: SLF001


class SegmentBuilder:
    """Writes documents and their quotes to new segments of both indexes, as Whoosh's own multiprocessing
    writer's sub-writers do (no lock: the segments are invisible until a locked writer adopts them).

    Postings are pooled in memory by term (indexer/whoosh_segments.py); when the pools hold about
    ``limitmb`` the segments are written and new ones begun, so a worker's memory stays bounded without
    Whoosh's sorted runs on disk (spilling and merging them back cost more than writing the segment)."""

    def __init__(self, backend: WhooshBackend, limitmb: int):
        self.backend, self.limit = backend, limitmb * 1024 * 1024
        self.done: tuple[list[Any], list[Any]] = ([], [])
        self._begin()

    def _begin(self) -> None:
        from indexer.whoosh_segments import BulkSegmentWriter

        self.dw = BulkSegmentWriter(self.backend.open(DOCS), _lk=False, compound=False)
        self.qw = BulkSegmentWriter(self.backend.open(QUOTES), _lk=False, compound=False)

    def add(self, doc: Any) -> None:
        self.dw.add_document(**document_fields(doc))
        for fields in quote_fields(doc):
            self.qw.add_document(**fields)
        if self.dw.terms.size + self.qw.terms.size > self.limit:
            self._close()
            self._begin()

    def _close(self) -> None:
        for w, done in zip((self.dw, self.qw), self.done, strict=True):
            if w._added:  # noqa: SLF001
                done.append(w._finalize_segment())  # noqa: SLF001
            else:
                w._close_segment()  # noqa: SLF001

    def finish(self) -> tuple[list[Any], list[Any]]:
        """The finished segments of each index (lists, maybe empty), for a locked writer to adopt."""
        self._close()
        done, self.done = self.done, ([], [])
        return done


# A segment at least this much of which is deleted documents is rewritten (its live documents only) when
# the index is next committed. Without it, re-tagged documents' old versions stayed on disk for good: eight
# full re-tags of 5,000 documents took each index from 6 to 54 segments and 77 to 164 MB.
RECLAIM_SHARE = 0.5


def _reclaim(writer: Any, segments: list[Any]) -> list[Any]:
    """Merge policy: segments with no live document are dropped (their files go with the next table of
    contents: nothing to rewrite), those with RECLAIM_SHARE or more deleted are merged into ``writer``
    (which copies only their live documents); the others are kept as they are."""
    from whoosh.reading import SegmentReader

    kept = []
    for seg in segments:
        total, dead = seg.doc_count_all(), seg.deleted_count()
        if dead >= total:
            continue
        if dead >= RECLAIM_SHARE * total:
            reader = SegmentReader(writer.storage, writer.schema, seg)
            writer.add_reader(reader)
            reader.close()
        else:
            kept.append(seg)
    return kept


def _reclaim_then_merge_small(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh's default policy (small segments merged) after ``_reclaim``."""
    from whoosh.writing import MERGE_SMALL

    return MERGE_SMALL(writer, _reclaim(writer, segments))


def _commit_adopting(w: Any, adopted: list[Any]) -> None:
    """Commit ``w`` with adopted segments beside the existing ones (what MpWriter does for its sub-writers).
    Only ``_reclaim`` merges: a round of a large run adds its segments and moves on, without the cost of
    Whoosh's small-segment merging, which can rewrite most of the index in one commit."""
    w._check_state()  # noqa: SLF001
    final = w._merge_segments(_reclaim, False, False)  # noqa: SLF001
    if w._added:  # noqa: SLF001
        final.append(w._finalize_segment())  # noqa: SLF001
    else:
        w._close_segment()  # noqa: SLF001
    w._commit_toc(final + adopted)  # noqa: SLF001
    w._finish()  # noqa: SLF001


def add_documents(dw: Any, qw: Any, docs: Iterable[Any], update: bool) -> int:
    """Write documents (and their quotes) to open raw writers; ``update`` replaces earlier versions."""
    writer, n = _Writer(dw, qw), 0
    for doc in docs:
        writer.add(doc, update)
        n += 1
    return n


def _term_ids(reader: Any, fieldname: str, text: str) -> set[int]:
    """Document numbers of one term, read block by block (Whoosh's matchers yield them one at a time)."""
    out: set[int] = set()
    for leaf, offset in reader.leaf_readers():
        if (fieldname, text) not in leaf:
            continue
        m, deleted = _unwrapped(leaf.postings(fieldname, text))
        try:
            while m.is_active():  # private, but 5x faster than all_ids() at 20,000 documents
                ids = _block(m)[0]
                if deleted and not deleted.isdisjoint(ids):
                    ids = [i for i in ids if i not in deleted]
                out.update(ids if not offset else (i + offset for i in ids))
                m._next_block()  # noqa: SLF001
        except AttributeError:  # another posting format: the public, slower way
            out.update(i + offset for i in leaf.postings(fieldname, text).all_ids())
    return out


def _unwrapped(m: Any) -> tuple[Any, set[int] | None]:
    """(the segment's own matcher, its deleted document numbers or None). A segment with deleted documents
    wraps its matchers in a FilterMatcher that skips them one posting at a time, and has no blocks to
    read: unwrapped, the blocks are read as in any segment and the caller drops the deleted numbers."""
    if type(m) is FilterMatcher and m._exclude:  # noqa: SLF001
        return m.child, m._ids  # noqa: SLF001
    return m, None


def _live(deleted: set[int], ids: Any, *columns: Any) -> list[list[Any]]:
    """``ids`` and the ``columns`` beside them (weights, values) without the postings of ``deleted``
    documents."""
    kept = [k for k, i in enumerate(ids) if i not in deleted]
    return [[column[k] for k in kept] for column in (ids, *columns)]


def _block(m: Any) -> tuple[Any, Any]:
    """The current block's document numbers and weights, decoded in C where Whoosh loops in Python
    (``delta_decode`` is ``itertools.accumulate``; absent weights are all 1.0)."""
    if m._data is None:  # noqa: SLF001 - Whoosh 3 posting blocks
        m._read_data()  # noqa: SLF001
    raw_ids, raw_weights = m._data[0], m._data[1]  # noqa: SLF001
    ids = raw_ids if m._byteids else list(accumulate(raw_ids))  # noqa: SLF001
    if raw_weights is None or isinstance(raw_weights, float):
        return ids, [raw_weights or 1.0] * len(ids)
    return ids, raw_weights


def _postings(reader: Any, fieldname: str, text: str) -> tuple[list[int], list[float]]:
    """Document numbers and weights of one term, read block by block (two flat lists: cheaper to build
    and to scan than pairs)."""
    ids: list[int] = []
    weights: list[float] = []
    for leaf, offset in reader.leaf_readers():
        if (fieldname, text) not in leaf:
            continue
        m, deleted = _unwrapped(leaf.postings(fieldname, text))
        start = len(ids)
        try:
            while m.is_active():
                block_ids, block_weights = _block(m)
                if deleted and not deleted.isdisjoint(block_ids):
                    block_ids, block_weights = _live(deleted, block_ids, block_weights)
                ids.extend(block_ids if not offset else [i + offset for i in block_ids])
                weights.extend(block_weights)
                m._next_block()  # noqa: SLF001
        except AttributeError:
            del ids[start:], weights[start:]  # another posting format: this segment the public way
            m = leaf.postings(fieldname, text)
            while m.is_active():
                ids.append(m.id() + offset)
                weights.append(m.weight())
                m.next()
    return ids, weights


def _postings_values(reader: Any, fieldname: str, text: str) -> tuple[list[int], list[float], list[Any]] | None:
    """Document numbers, weights and raw (encoded) positions of one term, every block read once (a phrase
    needs both the postings and the positions; reading them apart decompresses each block twice). None
    when the posting format is not Whoosh 3's."""
    ids: list[int] = []
    weights: list[float] = []
    values: list[Any] = []
    for leaf, offset in reader.leaf_readers():
        if (fieldname, text) not in leaf:
            continue
        m, deleted = _unwrapped(leaf.postings(fieldname, text))
        try:
            while m.is_active():
                block_ids, block_weights = _block(m)
                if m._values is None:  # noqa: SLF001 - see _term_ids
                    m._read_values()  # noqa: SLF001
                block_values = m._values  # noqa: SLF001
                if deleted and not deleted.isdisjoint(block_ids):
                    block_ids, block_weights, block_values = _live(deleted, block_ids, block_weights, block_values)
                ids.extend(block_ids if not offset else [i + offset for i in block_ids])
                weights.extend(block_weights)
                values.extend(block_values)
                m._next_block()  # noqa: SLF001
        except (AttributeError, TypeError):
            return None
    return ids, weights, values


def _decode_positions(value: bytes) -> list[int]:
    """Positions.decode_positions(value), the deltas summed by ``accumulate`` in C (Whoosh sums them in a
    Python loop: most of a phrase search's time)."""
    if not value.endswith(b"."):
        value += b"."
    return list(accumulate(pickle.loads(value[_INT_SIZE:])))  # noqa: S301 - the index's own postings


def _positions(reader: Any, decode: Any, fieldname: str, text: str, wanted: set[int]) -> dict[int, list[int]] | None:
    """Positions of one term in the ``wanted`` documents (``decode`` reads one posting's value); None if the
    posting format is not Whoosh 3's."""
    out: dict[int, list[int]] = {}
    for leaf, offset in reader.leaf_readers():
        if (fieldname, text) not in leaf:
            continue
        m, deleted = _unwrapped(leaf.postings(fieldname, text))
        try:
            while m.is_active():
                if m._ids is None:  # noqa: SLF001 - see _term_ids
                    m._read_ids()  # noqa: SLF001
                ids = m._ids  # noqa: SLF001
                need = [i for i, d in enumerate(ids) if d + offset in wanted and not (deleted and d in deleted)]
                if need:
                    if m._values is None:  # noqa: SLF001
                        m._read_values()  # noqa: SLF001
                    for i in need:
                        out[ids[i] + offset] = decode(m._values[i])  # noqa: SLF001
                m._next_block()  # noqa: SLF001
        except (AttributeError, TypeError):
            return None
    return out


def _terms(query: Query) -> list[Term]:
    """The Terms of a rank query (an Or of Terms, or one Term), boosts kept."""
    if isinstance(query, Term):
        return [query]
    out: list[Term] = []
    for sub in getattr(query, "subqueries", ()):
        out += _terms(sub)
    return out


class _ScorePlan:
    """One rank term: its posting list and each posting's part of a document's score."""

    def __init__(self, ids: list[int], parts: list[float]):
        self.ids, self.parts = ids, parts
        self.bound = max(parts, default=0.0)  # the most this term adds to any document's score

    def add(self, scores: dict[int, float], matched: set[int]) -> None:
        """This term's part of each matched document's score."""
        if not scores:  # the first term: 0.0 + part is part
            scores.update({d: c for d, c in zip(self.ids, self.parts, strict=True) if d in matched})
            return
        get = scores.get
        for d, c in zip(self.ids, self.parts, strict=True):
            if d in matched:
                scores[d] = get(d, 0.0) + c

    def add_for(self, scores: dict[int, float], docs: Iterable[int]) -> None:
        """This term's part of the score of ``docs`` only (looked up in the sorted posting list)."""
        ids, parts = self.ids, self.parts
        n, get = len(ids), scores.get
        for d in docs:
            i = bisect_left(ids, d)
            if i != n and ids[i] == d:
                scores[d] = get(d, 0.0) + parts[i]


def _best(scores: dict[int, float], window: int,
          tie_key: Callable[[int], Any] | None = None) -> list[tuple[int, float]]:
    """The ``window`` highest scores: the scores at or above the window's lowest first (comparing bare floats
    is cheap), then those few ordered with their tie-break: ``tie_key(docnum)`` for documents whose score
    equals another's (called for those only), else the document number."""
    if len(scores) > 4 * window:
        floor = heapq.nlargest(window, scores.values())[-1] if window else float("inf")
        scores = {d: v for d, v in scores.items() if v >= floor}
    top = heapq.nlargest(window, scores.items(), key=lambda kv: (kv[1], -kv[0]))
    if tie_key is None or not top:
        return top
    return _untie(top, [kv for kv in scores.items() if kv[1] == top[-1][1]], tie_key, reverse=True)


def _untie(ordered: list[tuple[int, Any]], last: list[tuple[int, Any]], tie_key: Callable[[int], Any],
           reverse: bool) -> list[tuple[int, Any]]:
    """``ordered`` (document, value) pairs, sorted by value (descending when ``reverse``) with documents of
    equal value in ``tie_key`` order instead of document numbers; ``last``: every candidate whose value is
    the last one's, inside ``ordered`` or not (which of them make the cut is decided by ``tie_key`` too).
    Document numbers depend on the order a parallel index run wrote documents in; ``tie_key`` does not."""
    counts: dict[Any, int] = {}
    for _, v in ordered:
        counts[v] = counts.get(v, 0) + 1
    tied = {v for v, c in counts.items() if c > 1}
    if len(last) > 1:
        tied.add(ordered[-1][1])
    if not tied:
        return ordered
    edge = ordered[-1][1]
    pool = [kv for kv in ordered if kv[1] != edge] + last
    runs: dict[Any, list[tuple[int, Any]]] = {}
    for kv in pool:
        runs.setdefault(kv[1], []).append(kv)
    out: list[tuple[int, Any]] = []
    for v in sorted(runs, reverse=reverse):  # (values in ``ordered`` are sorted; a run keeps its place)
        run = runs[v]
        out += sorted(run, key=lambda kv: tie_key(kv[0])) if v in tied else run
    return out[:len(ordered)]


# What looking a document up in a posting list (bisect) costs, in scans of one posting.
_PROBE_COST = 4


def _pruned_scores(plans: list[_ScorePlan], matched: set[int], window: int) -> dict[int, float] | None:
    """The exact scores of the only documents that can reach the top ``window`` (terms added in the
    order of their highest possible part of a score, until no unseen document can catch up), or None when
    that would not save work (all terms about as common): then every document is scored."""
    # A negative part (a negative boost) would break the bound; all parts of a term share its sign.
    if len(plans) < 2 or any(c < 0 for p in plans for c in p.parts[:1]):
        return None
    order = sorted(range(len(plans)), key=lambda i: -plans[i].bound)
    total = sum(len(p.ids) for p in plans)
    remaining = sum(p.bound for p in plans)
    partial: dict[int, float] = {}
    spent = 0
    for done, i in enumerate(order, start=1):
        if spent * 3 > total:
            return None
        plans[i].add(partial, matched)
        spent += len(plans[i].ids)
        remaining -= plans[i].bound
        if done == len(order) or len(partial) < window or len(partial) * len(plans) * _PROBE_COST >= total - spent:
            continue
        # Partial sums are lower bounds of the scores; an unseen document scores at most ``remaining``.
        if heapq.nlargest(window, partial.values())[-1] * (1 - 1e-9) > remaining * (1 + 1e-9) + 1e-12:
            scores: dict[int, float] = {}
            for plan in plans:  # the sums in the query's order, as scoring every document adds them
                plan.add_for(scores, partial)
            return scores
    return None


# Phrases whose matching documents one open collection remembers (oldest forgotten first).
_PHRASE_CACHE = 64
# Rank terms whose score parts one open collection remembers (a served page's next page, a refined query).
_PARTS_CACHE = 256
# Free-text words in at least this many documents get a flat copy of their postings beside the index.
_COMMON_MIN_DF = 1000


def _common_words(reader: Any, fieldname: str, min_df: int) -> list[str]:
    """The words of ``fieldname`` in at least ``min_df`` documents, in term order. Counted segment by
    segment: Whoosh's reader over several segments merges their term lists and their term infos one term
    at a time, seven times slower."""
    counts: dict[Any, int] = {}
    for leaf, _offset in reader.leaf_readers():
        for text, info in leaf.iter_field(fieldname):
            counts[text] = counts.get(text, 0) + info.doc_frequency()
    return [text.decode("utf-8") if isinstance(text, bytes) else text
            for text in sorted(t for t, n in counts.items() if n >= min_df)]


class _Collection:
    """One open index: the matched set of a tree, ordering, facets."""

    def __init__(self, ix: Any, name: str):
        self.name, self.ix = name, ix
        self.searcher = ix.searcher()
        self.reader = self.searcher.reader()
        self.schema = ix.schema
        self._universe: set[int] | None = None
        self._deleted: set[int] | None = None
        self._cached: dict[str, Any] | None = None
        self._postings: dict[tuple[str, str], tuple[list[int], list[float]]] = {}
        self._phrases: dict[tuple[str, tuple[str, ...]], set[int]] = {}
        self._parts: dict[tuple[str, str, float], list[float]] = {}
        self._common_file: Any = None

    @property
    def universe(self) -> set[int]:
        if self._universe is None:
            universe: set[int] = set()
            for leaf, offset in self.reader.leaf_readers():
                if leaf.has_deletions():  # rare: only after updates, until segments merge
                    universe.update(d + offset for d in leaf.all_doc_ids())
                else:
                    universe.update(range(offset, offset + leaf.doc_count_all()))
            self._universe = universe
        return self._universe

    @property
    def deleted(self) -> set[int]:
        """The deleted documents' numbers (few: segments that lose half their documents are rewritten).
        A term's postings hold only numbers of this index, so "minus the deleted" is "in the universe",
        without building the set of every live document (tens of milliseconds at 20,000 documents)."""
        if self._deleted is None:
            deleted: set[int] = set()
            for leaf, offset in self.reader.leaf_readers():
                if leaf.has_deletions():
                    deleted.update(d + offset for d in leaf.deleted_docs_set)
            self._deleted = deleted
        return self._deleted

    def postings(self, fieldname: str, text: str) -> tuple[list[int], list[float]]:
        """Document numbers and weights of one term, decoded once per session (a common word's from the
        flat copy beside the index, when `optout index` wrote one: Whoosh's blocks are compressed and
        pickled with every position, about 7 ms per common word at 20,000 documents)."""
        key = (fieldname, text)
        if key not in self._postings:
            self._postings[key] = self._common_postings(key) or _postings(self.reader, fieldname, text)
        return self._postings[key]

    def _common_postings(self, key: tuple[str, str]) -> tuple[list[int], list[float]] | None:
        entry = self._cache().get("common", {})
        where = entry.get("terms", {}).get(key)
        if where is None:
            return None
        offset, n = where
        try:
            if self._common_file is None:
                self._common_file = open(Path(self.ix.storage.folder).parent / entry["file"], "rb")  # noqa: SIM115
            self._common_file.seek(offset)
            raw = self._common_file.read(n * 12)
        except OSError:
            return None
        if len(raw) != n * 12:
            return None
        ids, weights = array("i"), array("d")
        ids.frombytes(raw[:n * 4])
        weights.frombytes(raw[n * 4:])
        return ids.tolist(), weights.tolist()

    def common_pending(self) -> bool:
        """Whether this version's flat copy of common postings is still to be written."""
        done = self._cache().get("common")
        folder = Path(self.ix.storage.folder).parent
        return not (done is not None and done.get("min_df") == _COMMON_MIN_DF and (folder / done["file"]).exists())

    def common_terms(self) -> list[tuple[str, str]]:
        """The (field, word) pairs whose postings the flat copy holds, in a fixed order."""
        return [(fieldname, word) for fieldname in _FREE_TEXT[self.name] if fieldname in self.schema.names()
                for word in _common_words(self.reader, fieldname, _COMMON_MIN_DF)]

    def _write_postings(self, path: Path, terms: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, int]]:
        """The postings of ``terms`` written flat to ``path``: where each is, as (byte offset, count)."""
        where: dict[tuple[str, str], tuple[int, int]] = {}
        with open(path, "wb") as fh:
            offset = 0
            for key in terms:
                ids, weights = _postings(self.reader, *key)
                fh.write(array("i", ids).tobytes())
                fh.write(array("d", weights).tobytes())
                where[key] = (offset, len(ids))
                offset += 12 * len(ids)
        return where

    def common_share(self, part: int, parts: int, terms: list[tuple[str, str]]) -> Path:
        """A helper's share of the common postings (every ``parts``-th of ``terms`` from ``part``), written to
        a file beside the index with its table; the file's path."""
        folder = Path(self.ix.storage.folder).parent
        path = folder / f".common-{self.name}-part{part}-{os.getpid()}.tmp"
        where = self._write_postings(path, terms[part::parts])
        with open(path.with_suffix(".terms"), "wb") as fh:
            pickle.dump(where, fh, protocol=pickle.HIGHEST_PROTOCOL)
        return path

    def write_common_postings(self, share: tuple[int, int] | None = None, helper: Any = None,
                              terms: list[tuple[str, str]] | None = None) -> None:
        """Write the postings (numbers and weights) of the free-text words in at least
        ``_COMMON_MIN_DF`` documents to a flat file beside the index, named in the cache of this version.
        With ``share`` (part, parts) this process writes its part and appends what ``helper`` (a forked
        process running ``common_share`` for the other part) wrote; if the helper failed, it does that
        part too. ``terms``: ``common_terms()`` when the caller counted them already."""
        if not self.common_pending():
            return
        cache = self._cache()
        folder = Path(self.ix.storage.folder).parent
        name = f".common-{self.name}-{os.getpid()}-{abs(hash(cache['key'])):x}.bin"
        every = terms if terms is not None else self.common_terms()
        part, parts = share or (0, 1)
        try:
            terms = self._write_postings(folder / f"{name}.tmp", every[part::parts])
            if parts > 1:
                terms.update(self._merge_share(folder / f"{name}.tmp", every, part, helper))
            os.replace(folder / f"{name}.tmp", folder / name)
        except OSError:
            return  # a read-only data directory only loses the copy
        for old in folder.glob(f".common-{self.name}-*.bin"):
            if old.name != name:
                old.unlink(missing_ok=True)  # an earlier version's (a reader that has it open keeps it)
        cache["common"] = {"file": name, "terms": terms, "min_df": _COMMON_MIN_DF}
        self._save_cache(cache)

    def _merge_share(self, path: Path, every: list[tuple[str, str]], part: int,
                     helper: Any) -> dict[tuple[str, str], tuple[int, int]]:
        """Append the helper's share of the common postings to ``path``; the terms it holds, by offset there.
        When the helper failed (its file is missing or short), this process writes that share itself."""
        offset = path.stat().st_size
        other = every[1 - part::2]
        share = Path(helper.share_path) if helper is not None and _joined(helper) and helper.share_path else None
        where: dict[tuple[str, str], tuple[int, int]] | None = None
        if share is not None:
            try:
                with open(share.with_suffix(".terms"), "rb") as fh:
                    where = pickle.load(fh)  # noqa: S301 - written by our own helper a moment ago
                if set(where) != set(other) or share.stat().st_size != 12 * sum(n for _, n in where.values()):
                    where = None
            except (OSError, EOFError, pickle.UnpicklingError):
                where = None
        if where is None:
            share = path.with_name(path.name + ".rest")
            where = self._write_postings(share, other)
        try:
            with open(path, "ab") as out, open(share, "rb") as fh:
                shutil.copyfileobj(fh, out, 1 << 20)
        finally:
            share.unlink(missing_ok=True)
            share.with_suffix(".terms").unlink(missing_ok=True)
        return {key: (offset + at, n) for key, (at, n) in where.items()}

    def term_ids(self, fieldname: str, text: str) -> set[int]:
        if fieldname in FACETS and (fieldname, text) not in self._postings:
            return set(self.facet_postings().get(fieldname, {}).get(text, ()))  # decoded already, cached
        return set(self.postings(fieldname, text)[0])

    def phrase_docs(self, fieldname: str, words: list[str]) -> set[int] | None:
        """Documents with ``words`` at consecutive positions: candidates from the (cached) posting sets,
        then the positions of those candidates only (Whoosh's phrase matcher computes spans for every
        candidate: a second at 20,000 documents). None when the postings cannot be read this way."""
        key = (fieldname, tuple(words))
        if key in self._phrases:  # a searcher kept open (`optout serve`): paging re-runs the same phrase
            return self._phrases[key]
        found = self._phrase_docs(fieldname, words)
        if found is not None:
            if len(self._phrases) >= _PHRASE_CACHE:
                self._phrases.pop(next(iter(self._phrases)))
            self._phrases[key] = found
        return found

    def _phrase_docs(self, fieldname: str, words: list[str]) -> set[int] | None:
        raw: dict[str, tuple[list[int], list[Any]]] = {}
        for word in dict.fromkeys(words):
            if (fieldname, word) not in self._postings:  # not decoded yet: postings and positions in one pass
                got = _postings_values(self.reader, fieldname, word)
                if got is None:
                    break
                self._postings[(fieldname, word)] = got[0], got[1]
                raw[word] = got[0], got[2]
        candidates = set.intersection(*(self.term_ids(fieldname, w) for w in words))
        if not candidates:
            return set()
        fmt = self.schema[fieldname].format
        decode = _decode_positions if type(fmt) is Positions else fmt.decode_positions
        positions = []
        for word in dict.fromkeys(words):
            if word in raw:
                ids, values = raw[word]
                found = {d: decode(v) for d, v in zip(ids, values, strict=True) if d in candidates}
            else:
                found = _positions(self.reader, decode, fieldname, word, candidates)
            if found is None:
                return None
            positions.append((word, found))
        by_word = dict(positions)
        first, rest = by_word[words[0]], [(k, by_word[w]) for k, w in enumerate(words[1:], 1)]
        out = set()
        for d in candidates:
            # The first word's positions p with the k-th word after it at p + k: p is in the set of each later
            # word's positions minus k. Set operations in C (a two-word phrase common in most documents has
            # tens of thousands of candidates at 100,000 documents).
            starts = set(first[d])
            for k, found in rest:
                starts.intersection_update(map(k.__rsub__, found[d]))
                if not starts:
                    break
            else:
                out.add(d)
        return out

    def analyze(self, text: str, fieldname: str) -> list[str]:
        analyzer = self.schema[fieldname].analyzer
        return [t.text for t in analyzer(text)]

    def text_query(self, node: ql.Text) -> Query | None:
        """A Term (one token) or a Phrase (several, adjacent) per field; None when nothing is left."""
        fields = (node.field,) if node.field else _FREE_TEXT[self.name]
        parts: list[Query] = []
        for fieldname in fields:
            if fieldname not in self.schema.names():
                continue
            tokens = self.analyze(node.text, fieldname)
            if len(tokens) == 1:
                parts.append(Term(fieldname, tokens[0]))
            elif tokens:
                parts.append(Phrase(fieldname, tokens))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else Or(parts)

    def docs(self, query: Query) -> set[int]:
        if isinstance(query, Term):
            return self.term_ids(query.fieldname, query.text)
        if isinstance(query, Phrase) and query.slop == 1:
            found = self.phrase_docs(query.fieldname, list(query.words))
            if found is not None:
                return found
        if isinstance(query, Or):
            return set().union(*(self.docs(q) for q in query.subqueries))
        return set(self.searcher.docs_for_query(query))

    def empty(self, node: ql.Node) -> bool:
        """True for free text the analyzer drops entirely (stop words such as "the", "of"): it is left out
        of AND and OR, and NOT of it is left out too."""
        if isinstance(node, ql.Text):
            return self.text_query(node) is None
        if isinstance(node, ql.And | ql.Or):
            return all(self.empty(i) for i in node.items)
        if isinstance(node, ql.Not):
            return self.empty(node.item)
        return False

    def matched(self, node: ql.Node) -> set[int]:
        """Exactly the documents the tree matches (set algebra over posting lists). Text that analyzes to
        nothing is ignored where it stands; a query of nothing else matches nothing."""
        if self.empty(node):
            return set()
        return self._matched(node)

    def _matched(self, node: ql.Node) -> set[int]:
        if isinstance(node, ql.Text):
            return self.docs(self.text_query(node)) - self.deleted  # (a new set: callers change it)
        if isinstance(node, ql.FieldTerm):
            if node.field not in self.schema.names():
                return set()
            lower = node.field in _LOWERCASED
            cached = self.facet_postings().get(node.field) if node.field in FACETS else None
            out: set[int] = set()
            for value in node.values:
                key = value.lower() if lower else value
                out.update(cached.get(key, ()) if cached is not None else _term_ids(self.reader, node.field, key))
            out -= self.deleted
            return out
        if isinstance(node, ql.DateIn):
            days = "day" in self.schema.names()
            return self.docs(date_filter(_day(node.start), _day(node.end, end=True), days)) - self.deleted
        if isinstance(node, ql.All):
            return set(self.universe)
        if isinstance(node, ql.Nothing):
            return set()
        if isinstance(node, ql.Not):
            return self.universe - self._matched(node.item)
        if isinstance(node, ql.Or):
            return set().union(*(self._matched(i) for i in node.items if not self.empty(i)))
        return self._and(node)

    def _and(self, node: ql.And) -> set[int]:
        items = [i for i in node.items if not self.empty(i)]
        positive = [i for i in items if not isinstance(i, ql.Not)]
        negative = [i.item for i in items if isinstance(i, ql.Not)]
        result: set[int] | None = None
        for item in positive:
            found = self._matched(item)
            result = found if result is None else result & found
            if not result:
                return set()
        if result is None:
            result = set(self.universe)
        for item in negative:
            result -= self._matched(item)
            if not result:
                break
        return result

    def rank_query(self, request: Request) -> Query | None:
        """Scores: the free-text words (phrases scored by their words: the phrase itself was checked when
        matching, and scoring positions again is slow) plus the boosts."""
        parts: list[Query] = []
        for leaf in request.rank:
            query = self.text_query(leaf)
            if isinstance(query, Phrase):
                parts += [Term(query.fieldname, w) for w in query.words]
            elif query is not None:
                parts.append(query)
        parts += [Term(f, v.lower() if f in _LOWERCASED else v, boost=w) for f, v, w in request.boosts]
        if not parts:
            return None
        return Or(parts) if len(parts) > 1 else parts[0]

    def ranked(self, request: Request, matched: set[int]) -> list[tuple[int, float | None]]:
        """The top ``window`` of ``matched`` in the requested order, with scores for relevance."""
        if request.sort in ("date", "-date"):
            newest = request.sort == "-date"
            return [(d, None) for d in self._by_date(matched, newest_first=newest, window=request.window)[:request.window]]
        query = self.rank_query(request)
        out: list[tuple[int, float | None]] = []
        if query is not None and matched:
            out = self._top(query, matched, request.window)
        if len(out) < request.window and len(out) < len(matched):
            # Matches no scoring term reaches (NOT-only or field-only queries) follow, newest first.
            seen = {d for d, _ in out}
            rest = self._by_date(matched - seen, newest_first=True, window=request.window - len(out))
            out += [(d, 0.0) for d in rest[:request.window - len(out)]]
        return out

    def _top(self, query: Query, matched: set[int], window: int) -> list[tuple[int, float | None]]:
        """The best-scored ``window`` documents of ``matched``: BM25F with Whoosh's own statistics and
        parameters, summed over the query's terms, computed from the posting lists already decoded for
        matching (Whoosh's searcher decodes them again and scores through several layers of matchers,
        and with a filter it scores every candidate: seconds at 20,000 documents).

        Terms are added rarest-scoring-first; once ``window`` documents already score more than any
        document could still gain from the terms left, no new document can reach the top, and the
        remaining (commonest, longest) posting lists are only probed for the documents seen so far."""
        plans = [p for p in (self._score_plan(t) for t in _terms(query)) if p is not None]
        scores: dict[int, float] | None = None
        if len(matched) * len(plans) * _PROBE_COST < sum(len(p.ids) for p in plans):
            scores = {}  # few matches, long posting lists (a filter or a rare word): look the matches up
            for plan in plans:
                plan.add_for(scores, matched)
        else:
            scores = _pruned_scores(plans, matched, window)
        if scores is None:
            scores = {}
            for plan in plans:  # every term, in the query's order
                plan.add(scores, matched)
        return [(d, round(v, 3)) for d, v in _best(scores, window, self._tie_key)]

    def _tie_key(self, docnum: int) -> tuple[Any, str]:
        """Equal scores: newest first, then by id (stable across rebuilds, unlike document numbers)."""
        column = self._published
        value = column[docnum] if column is not None else None
        dated = value and value != self._undated
        return (-value if dated else 0), self._stored_id(docnum)

    @cached_property
    def _published(self) -> Any:
        """The publication dates' column (None in an index without one); this reader's for its lifetime."""
        return self.reader.column_reader("published", translate=False) \
            if self.reader.has_column("published") else None

    @cached_property
    def _undated(self) -> Any:
        """What the column holds for a document without a date: Whoosh's default for the field, the largest
        number its column stores (which would sort the undated first, newest first)."""
        return getattr(self.schema["published"], "default", None) if "published" in self.schema else None

    def _score_plan(self, term: Term) -> _ScorePlan | None:
        fieldname, text = term.fieldname, term.text
        if (fieldname, text) not in self.reader:
            return None
        ids, weights = self.postings(fieldname, text)
        key = (fieldname, text, term.boost)
        parts = self._parts.get(key)
        if parts is None:
            parts = self._score_parts(term, weights, ids)
            if len(self._parts) >= _PARTS_CACHE:
                self._parts.pop(next(iter(self._parts)))
            self._parts[key] = parts
        return _ScorePlan(ids, parts)

    def _score_parts(self, term: Term, weights: list[float], ids: list[int]) -> list[float]:
        """Each posting's part of its document's score: BM25F with Whoosh's own statistics and
        parameters (bm25 of whoosh.scoring, unrolled); the weight times the boost, as Whoosh does, for
        fields that are not scorable (ID fields)."""
        scorer = self.searcher.weighting.scorer(self.searcher, term.fieldname, term.text)
        if not isinstance(scorer, BM25FScorer):
            boost = term.boost
            return [w * boost for w in weights]
        k1, b, avgfl = scorer.K1, scorer.B, scorer.avgfl
        lengths = self.field_lengths(term.fieldname)
        factor = scorer.idf * (k1 + 1) * term.boost
        base, per_length = k1 * (1 - b), k1 * b / avgfl
        return [factor * w / (w + base + per_length * lengths[d]) for d, w in zip(ids, weights, strict=True)]

    def _by_date(self, docnums: set[int], newest_first: bool, window: int | None = None) -> list[int]:
        """Oldest (or newest) first; undated documents last either way. Documents of one date (and the
        undated ones) are in id order within the first ``window`` (all when None); further down, in
        document number order."""
        column, missing = self._published, self._undated
        dated, undated = [], []
        for d in docnums:
            value = column[d] if column is not None else None
            if value and value != missing:
                dated.append((d, value))
            else:
                undated.append(d)
        dated.sort(key=lambda dv: (-dv[1], dv[0]) if newest_first else (dv[1], dv[0]))
        undated.sort()
        cut = len(dated) + len(undated) if window is None else window
        head: list[int] = []
        if dated and cut:
            top = dated[:cut]
            edge = top[-1][1]
            head = [d for d, _ in _untie(top, [dv for dv in dated if dv[1] == edge], self._stored_id,
                                         reverse=newest_first)]
        if undated and cut > len(dated):
            return head + heapq.nsmallest(cut - len(dated), undated, key=self._stored_id)
        return head + [d for d, _ in dated[len(head):]] + undated

    def _stored_id(self, docnum: int) -> str:
        return str(self.searcher.stored_fields(docnum).get("id", ""))

    def facet_postings(self) -> dict[str, dict[str, array]]:
        """Every facet value's document numbers, from the cache beside the index (decoding Whoosh's
        posting blocks costs about 80 ms per search at 20,000 documents, loading the cache a few)."""
        return self._cache()["facets"]

    def field_lengths(self, fieldname: str) -> array:
        """Each document's length in ``fieldname`` as Whoosh scores it, from the cache beside the index
        (one lookup per document costs about 10 microseconds: a fifth of a second per search)."""
        cache = self._cache()
        if fieldname not in cache["lengths"]:
            dfl = self.searcher.doc_field_length
            cache["lengths"][fieldname] = array("I", (dfl(d, fieldname, 0) or 0 for d in range(self.reader.doc_count_all())))
            self._save_cache(cache)
        return cache["lengths"][fieldname]

    def _cache_path(self) -> tuple[Path, str]:
        folder = Path(self.ix.storage.folder)
        # Each commit writes a new table of contents: its name identifies this version of the index.
        tocs = sorted(p.name for p in folder.glob("_MAIN_*.toc"))
        key = f"{tocs[-1] if tocs else ''}:{self.reader.doc_count()}:{self.reader.doc_count_all()}"
        return folder.parent / f".cache-{self.name}.pickle", key

    def _cache(self) -> dict[str, Any]:
        if self._cached is not None:
            return self._cached
        path, key = self._cache_path()
        try:
            with open(path, "rb") as fh:
                data = pickle.load(fh)  # noqa: S301 - our own file in the user's data directory
            if isinstance(data, dict) and data.get("key") == key:
                self._cached = data
                return data
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError, TypeError):
            pass
        facets = {f: {v: array("i", sorted(_term_ids(self.reader, f, v))) for v in self.values(f)}
                  for f in FACETS if f in self.schema.names()}
        size = self.reader.doc_count_all()
        masks = {f: {v: bitmask(ids, size) for v, ids in values.items()} for f, values in facets.items()}
        self._cached = {"key": key, "facets": facets, "masks": masks, "lengths": {}}
        self._save_cache(self._cached)
        return self._cached

    def _save_cache(self, data: dict[str, Any]) -> None:
        path, _key = self._cache_path()
        try:
            tmp = path.with_name(f"{path.name}.{os.getpid()}")
            with open(tmp, "wb") as fh:
                pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only data directory only loses the cache

    def facet_masks(self) -> dict[str, dict[str, int]]:
        """Every facet value's documents as a bit mask (bit d set for document number d), from the cache
        beside the index: counting a value's matches is then one AND and a popcount, where building a set
        of its documents cost up to 0.2 s a search at 100,000 documents."""
        cache = self._cache()
        if "masks" not in cache:  # a cache written before masks were kept
            size = self.reader.doc_count_all()
            cache["masks"] = {f: {v: bitmask(ids, size) for v, ids in values.items()}
                              for f, values in cache["facets"].items()}
            self._save_cache(cache)
        return cache["masks"]

    def facet_counts(self, fields: tuple[str, ...], matched: set[int]) -> dict[str, dict[str, int]]:
        """Per field, each value's number of matches (deleted documents never count), most frequent first."""
        out: dict[str, dict[str, int]] = {}
        postings = self.facet_postings() if fields and matched else {}
        whole = not self.reader.has_deletions()  # every facet posting is then in the universe
        everything = whole and len(matched) == self.reader.doc_count()
        masks = self.facet_masks() if postings and not everything else {}
        wanted = bitmask(matched, self.reader.doc_count_all()) if masks else 0
        for fieldname in fields:
            counts: dict[str, int] = {}
            field_masks = masks.get(fieldname, {})
            for value, ids in postings.get(fieldname, {}).items():
                n = len(ids) if everything else (wanted & field_masks[value]).bit_count()
                if n:
                    counts[value] = n
            out[fieldname] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        return out

    def search(self, request: Request) -> Response:
        matched = self.matched(request.match)
        order = self.ranked(request, matched)
        hits = []
        for docnum, score in order:
            stored = dict(self.searcher.stored_fields(docnum))
            if isinstance(stored.get("published"), datetime):
                stored["published"] = stored["published"].date().isoformat()
            stored["score"] = score if request.sort == "relevance" else None
            hits.append(stored)
        return Response(total=len(matched), hits=hits, facets=self.facet_counts(request.facets, matched))

    def suggest(self, word: str) -> str | None:
        fieldname = _FREE_TEXT[self.name][0]
        tokens = self.analyze(word, fieldname)
        if len(tokens) != 1 or (fieldname, tokens[0]) in self.reader:
            return None
        # The first two letters must be right: without that prefix Whoosh compares the word with every
        # term of the field (about a second at 20,000 documents; 10 ms with it).
        found = self.searcher.suggest(fieldname, tokens[0], limit=1, prefix=2)
        return found[0] if found else None

    def values(self, fieldname: str) -> list[str]:
        if fieldname not in self.schema.names():
            return []
        return [t.decode() if isinstance(t, bytes) else t for t in self.reader.lexicon(fieldname)]

    def close(self) -> None:
        if self._common_file is not None:
            self._common_file.close()
        self.searcher.close()


class _Session:
    """Open collections for one command (each index opened on first use, once)."""

    def __init__(self, backend: WhooshBackend):
        self.backend = backend
        self._open: dict[str, _Collection] = {}

    def collection(self, name: str) -> _Collection:
        if name not in self._open:
            ix = self.backend.open(name)
            if set(ix.schema.names()) != set(_SCHEMAS[name]().names()):
                raise IndexMissing("the search index was written by another version: run `optout index --rebuild`")
            self._open[name] = _Collection(ix, name)
        return self._open[name]

    def search(self, collection: str, request: Request) -> Response:
        return self.collection(collection).search(request)

    def suggest(self, collection: str, word: str) -> str | None:
        return self.collection(collection).suggest(word)

    def values(self, collection: str, fieldname: str) -> list[str]:
        return self.collection(collection).values(fieldname)

    def analyze(self, collection: str, text: str, fieldname: str | None = None) -> list[str]:
        return self.collection(collection).analyze(text, fieldname or _FREE_TEXT[collection][0])

    def close(self) -> None:
        for c in self._open.values():
            c.close()
        self._open.clear()


def _day(iso: str | None, end: bool = False) -> datetime | None:
    if not iso:
        return None
    day = datetime.fromisoformat(iso[:10])
    return day.replace(hour=23, minute=59, second=59) if end else day


def date_filter(since: datetime | None, until: datetime | None, days: bool = True) -> Query:
    """Published between ``since`` and ``until`` (inclusive; a missing end is open), as year, month and day
    terms: whole years as year terms, whole months as month terms, the days left over as day terms (at
    most about sixty of these, the rest a few dozen posting lists). ``days=False``, for an index an older
    optout wrote (no day terms; published indexed as numbers): Whoosh's DateRange there."""
    if not days:
        return DateRange("published", since, until)
    # Published values are days (midnight): a start later in its day begins with the next day.
    first = (since or datetime(1970, 1, 1))
    first_day = first.date() + timedelta(days=1) if first.time() != datetime.min.time() else first.date()
    # (a far end is cut at a century from now: one year term per year up to it)
    last_day = min((until or datetime(datetime.now().year + 1, 12, 31)).date(), date(datetime.now().year + 100, 12, 31))
    terms: list[Query] = []
    day = first_day
    while day <= last_day:
        year_end = day.replace(month=12, day=31)
        month_next = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
        if (day.month, day.day) == (1, 1) and year_end <= last_day:
            terms.append(Term("year", str(day.year)))
            day = year_end + timedelta(days=1)
        elif day.day == 1 and month_next - timedelta(days=1) <= last_day:
            terms.append(Term("month", f"{day.year}-{day.month:02d}"))
            day = month_next
        else:
            terms.append(Term("day", day.isoformat()))
            day += timedelta(days=1)
    return terms[0] if len(terms) == 1 else Or(terms)


__all__ = ["IndexBusy", "IndexMissing", "SearchIndex", "WhooshBackend", "add_documents", "date_filter"]
