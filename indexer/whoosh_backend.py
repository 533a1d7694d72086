"""The search backend: Whoosh indexes of documents and quotes. Nothing outside this module imports whoosh,
so another engine can take its place behind the same functions."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.index import LockError
from whoosh.qparser import MultifieldParser, OrGroup, QueryParser
from whoosh.query import And, DateRange, Every, Not, Or, Query, Term

DOCS, QUOTES = "documents", "quotes"
TAG_FIELDS = ("organizations", "states", "tests")


class IndexBusy(RuntimeError):
    """Another process is writing the index."""


class IndexMissing(RuntimeError):
    """No index has been built yet."""


def _analyzer() -> Any:
    return StemmingAnalyzer()


def documents_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        url=STORED(),
        title=TEXT(stored=True, analyzer=_analyzer(), field_boost=2.0),
        # One field for free text: title (twice, so it weighs more), tag names and speakers, then the body.
        # A single posting list per word scores three times faster than three fields would.
        content=TEXT(analyzer=_analyzer()),
        source=ID(stored=True),
        kind=ID(stored=True),
        published=DATETIME(stored=True, sortable=True),
        year=ID(),
        month=ID(),
        organizations=KEYWORD(stored=True, commas=True, lowercase=True, scorable=True),
        states=KEYWORD(stored=True, commas=True, lowercase=True, scorable=True),
        tests=KEYWORD(stored=True, commas=True, lowercase=True, scorable=True),
        speakers=KEYWORD(commas=True, lowercase=True),
        dup_of=STORED(),
    )


def quotes_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        doc_id=ID(stored=True),
        text=TEXT(stored=True, analyzer=_analyzer()),
        speaker=TEXT(stored=True),
        speaker_role=STORED(),
        speaker_org=KEYWORD(stored=True, commas=True, lowercase=True),
        title=STORED(),
        url=STORED(),
        source=ID(stored=True),
        kind=ID(stored=True),
        published=DATETIME(stored=True, sortable=True),
        organizations=KEYWORD(commas=True, lowercase=True),
        states=KEYWORD(commas=True, lowercase=True),
        tests=KEYWORD(commas=True, lowercase=True),
    )


def _to_datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value[:10])
    except ValueError:
        return None


def document_fields(doc: Any) -> dict[str, Any]:
    """Index fields for an archive Document (body text indexed, not stored)."""
    speakers = sorted({q.speaker for q in doc.quotes if q.speaker})
    fields = {
        "id": doc.id, "url": doc.url, "title": doc.title or "",
        "content": "\n".join([doc.title or "", doc.title or "",
                              " ".join([*doc.organizations, *doc.states, *doc.tests, *speakers]), doc.text]),
        "source": doc.source or "", "kind": doc.kind,
        "organizations": ",".join(doc.organizations), "states": ",".join(doc.states), "tests": ",".join(doc.tests),
        "speakers": ",".join(speakers), "dup_of": doc.near_duplicate_of,
    }
    published = _to_datetime(doc.published)
    if published:
        fields["published"] = published
        fields["year"] = str(published.year)
        fields["month"] = f"{published.year}-{published.month:02d}"
    return fields


def quote_fields(doc: Any) -> Iterator[dict[str, Any]]:
    published = _to_datetime(doc.published)
    for i, q in enumerate(doc.quotes):
        fields = {
            "id": f"{doc.id}:{i}", "doc_id": doc.id, "text": q.text, "speaker": q.speaker or "",
            "speaker_role": q.speaker_role, "speaker_org": q.speaker_org or "", "title": doc.title, "url": doc.url,
            "source": doc.source or "", "kind": doc.kind, "organizations": ",".join(doc.organizations),
            "states": ",".join(doc.states), "tests": ",".join(doc.tests),
        }
        if published:
            fields["published"] = published
        yield fields


class SearchIndex:
    """The documents and quotes indexes in one folder."""

    def __init__(self, directory: Path):
        self.directory = directory

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
        except Exception:  # noqa: BLE001 - any failure to read means: rebuild from the archive
            return False
        return True

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
        """Writers for both indexes; IndexBusy when another process holds them."""
        # Plain (not compound) segment files: Whoosh copies every part of a compound segment into memory
        # each time the index is opened (about 70 ms per search at 20,000 documents), and assembling the
        # compound file adds to every commit.
        opts: dict[str, Any] = {"timeout": timeout, "compound": False}
        # Bulk writes: larger pools spill fewer sorted runs to disk (20,000 documents: 121 s at 256 MB,
        # 92 s at 1024 MB for documents and 512 MB for quotes).
        if bulk and (os.cpu_count() or 1) > 1:
            opts.update(procs=2, multisegment=True, limitmb=1024)
        elif bulk:
            opts.update(limitmb=1024)
        try:
            dw = self.open(DOCS).writer(**opts)
        except LockError:
            raise IndexBusy("the index is busy: another `optout index` is writing it; try again when it ends") from None
        try:
            qw = self.open(QUOTES).writer(timeout=timeout, limitmb=512 if bulk else 128, compound=False)
        except LockError:
            dw.cancel()
            raise IndexBusy("the index is busy: another `optout index` is writing it; try again when it ends") from None
        try:
            yield dw, qw
        except BaseException:
            dw.cancel()
            qw.cancel()
            raise
        dw.commit()
        qw.commit()

    def doc_count(self) -> int:
        if not self.exists():
            return 0
        with self.open(DOCS).searcher() as s:
            return s.doc_count()


def add_documents(dw: Any, qw: Any, docs: Iterable[Any], update: bool) -> int:
    """Write documents (and their quotes) to open writers; ``update`` replaces earlier versions."""
    n = 0
    for doc in docs:
        if update:
            dw.update_document(**document_fields(doc))
            qw.delete_by_term("doc_id", doc.id)
        else:
            dw.add_document(**document_fields(doc))
        for fields in quote_fields(doc):
            qw.add_document(**fields)
        n += 1
    return n


@dataclass
class Filters:
    """Restrictions that never change scores: they go to Whoosh's filter=, not into the query."""

    organizations: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)
    speaker_orgs: list[str] = field(default_factory=list)
    exclude: list[tuple[str, str]] = field(default_factory=list)
    since: datetime | None = None
    until: datetime | None = None

    def query(self, quotes: bool = False) -> Query | None:
        parts: list[Query] = []
        for fieldname, values in (("organizations", self.organizations), ("states", self.states),
                                  ("tests", self.tests), ("kind", self.kinds), ("source", self.sources)):
            if values:
                lowered = fieldname in TAG_FIELDS
                parts.append(Or([Term(fieldname, v.lower() if lowered else v) for v in values]))
        if quotes and self.speaker_orgs:
            parts.append(Or([Term("speaker_org", v.lower()) for v in self.speaker_orgs]))
        if self.speakers:
            name_field = "speaker" if quotes else "speakers"
            if quotes:
                parts.append(Or([And([Term("speaker", w.lower()) for w in s.split()]) for s in self.speakers]))
            else:
                parts.append(Or([Term(name_field, s.lower()) for s in self.speakers]))
        if self.since or self.until:
            parts.append(date_filter(self.since, self.until))
        if not parts:
            return None
        return And(parts) if len(parts) > 1 else parts[0]

    def mask(self) -> Query | None:
        if not self.exclude:
            return None
        return Or([Term(f, v.lower() if f in TAG_FIELDS else v) for f, v in self.exclude])


def date_filter(since: datetime | None, until: datetime | None) -> Query:
    """Published between ``since`` and ``until``. Whole years and months become year and month terms
    (a few posting lists); Whoosh's DateRange expands into many numeric terms and cost 0.6 s on 20,000
    documents, so it is kept for ranges that start or end inside a month."""
    first = since or datetime(1970, 1, 1)
    last = until or datetime(datetime.now().year + 1, 12, 31, 23, 59, 59)
    month_aligned = first.day == 1 and (last + timedelta(days=1)).day == 1 and \
        (first.hour, first.minute) == (0, 0) and (last.hour, last.minute) == (23, 59)
    if not month_aligned or first > last or "month" not in documents_schema().names():
        return DateRange("published", since, until)
    terms: list[Query] = []
    for year in range(first.year, last.year + 1):
        start_month = first.month if year == first.year else 1
        end_month = last.month if year == last.year else 12
        if start_month == 1 and end_month == 12:
            terms.append(Term("year", str(year)))
        else:
            terms += [Term("month", f"{year}-{m:02d}") for m in range(start_month, end_month + 1)]
    return Or(terms) if len(terms) > 1 else terms[0]


def parse_text_query(schema: Any, text: str, fields: list[str]) -> Query:
    """Free text as users type it: OR-grouped (documents matching more words rank higher), with
    phrases, AND/OR/NOT and title: from Whoosh's parser."""
    if not text.strip():
        return Every()
    # Plain OR: Whoosh's coordination bonus (OrGroup.factory) counts the query terms present in each
    # segment, so the same document scored differently depending on which segment a rebuild put it in.
    parser = MultifieldParser(fields, schema, group=OrGroup) if len(fields) > 1 else \
        QueryParser(fields[0], schema, group=OrGroup)
    return parser.parse(text)


__all__ = ["And", "Not", "Term"]
