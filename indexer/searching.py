"""Searching documents and quotes: a user's query text and options -> a querylang tree -> the search
backend -> pages of hits with snippets, totals, facets and the date range that was applied."""

from __future__ import annotations

import math
import re
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from itertools import accumulate, islice
from operator import itemgetter
from typing import Any

from archive import Archive
from archive.model import KINDS, POSITIONS
from indexer import querylang as ql
from indexer.aliases import Resolver, cached_alias_tables
from indexer.dates import DateError, DateSpan, resolve_range
from indexer.engine import DOCS, FACETS, QUOTES, IndexMissing, Request, SearchBackend, open_backend
from indexer.querylang import QueryError

MAX_LIMIT = 1000
MAX_PAGE = 10_000
SORTS = ("relevance", "date", "-date")
_YEAR_IN_TEXT = re.compile(r"\b(19[89]\d|20[0-4]\d)\b")


@dataclass
class Hit:
    id: str
    url: str
    title: str | None
    published: str | None
    score: float | None
    source: str | None = None
    kind: str | None = None
    organizations: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)
    snippet: str = ""
    folded: list[str] = field(default_factory=list)
    position: str | None = None  # statements: toward opting out (supports, opposes, neutral, none)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class QuoteHit:
    text: str
    speaker: str | None
    speaker_role: str | None
    speaker_org: str | None
    doc_id: str
    url: str
    title: str | None
    published: str | None
    source: str | None
    score: float | None
    captured_at: str | None = None
    position: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Results:
    total: int
    hits: list[Any]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    page: int = 1
    limit: int = 10
    dates: str | None = None  # the resolved date range, when one applied
    notes: list[str] = field(default_factory=list)  # what the parser ignored

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.limit)) if self.limit else 1

    @property
    def first(self) -> int:
        """1-based position of the page's first hit (0 when the page is empty)."""
        return (self.page - 1) * self.limit + 1 if self.hits else 0

    @property
    def last(self) -> int:
        return self.first + len(self.hits) - 1 if self.hits else 0

    def summary(self, noun: str = "documents") -> str:
        """"1-10 of 18 documents (page 1 of 2)"."""
        if not self.hits:
            return f"no {noun} on page {self.page} ({self.total} {noun}, {self.pages} page(s))" if self.total \
                else f"no matching {noun}"
        return f"{self.first}-{self.last} of {self.total} {noun} (page {self.page} of {self.pages})"

    def envelope(self, rows: list[dict[str, Any]], sort: str) -> dict[str, Any]:
        """The JSON object of `--format json --with-total`."""
        return {"total": self.total, "page": self.page, "pages": self.pages, "limit": self.limit, "sort": sort,
                "dates": self.dates, "hits": rows}


@dataclass
class Filters:
    """Search options (not query text): each list is any-of, different lists all apply."""

    organizations: list[str] = field(default_factory=list)  # mentioned
    by: list[str] = field(default_factory=list)  # published by / speaking for
    states: list[str] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)
    speaker_orgs: list[str] = field(default_factory=list)
    positions: list[str] = field(default_factory=list)  # toward opting out; documents: statements only
    span: DateSpan | None = None

    @property
    def since(self) -> datetime | None:
        return datetime.combine(self.span.start, datetime.min.time()) if self.span and self.span.start else None

    @property
    def until(self) -> datetime | None:
        return datetime.combine(self.span.end, datetime.max.time()) if self.span and self.span.end else None


def parse_date(text: str | None, end: bool = False) -> datetime | None:
    """A user's date ("2015", "spring 2015", "2015-16", "last spring") as its first (or last) moment."""
    from indexer.dates import parse_date as _parse

    try:
        return _parse(text, end)
    except DateError as exc:
        raise QueryError(str(exc)) from None


class Searcher:
    """One open index for one command: documents and quotes searches."""

    def __init__(self, archive: Archive, backend: SearchBackend | None = None):
        self.archive = archive
        self.index = backend or open_backend(archive.index_dir)
        self._resolver: Resolver | None = None
        self._stack = ExitStack()
        self._session: Any = None
        self._speaker_names: list[str] | None = None

    def close(self) -> None:
        self._stack.close()
        self._session = None

    @property
    def session(self) -> Any:
        if self._session is None:
            self._session = self._stack.enter_context(self.index.session())
        return self._session

    @property
    def resolver(self) -> Resolver:
        if self._resolver is None:
            self._resolver = Resolver(cached_alias_tables(self.archive.index_dir / "aliases.json"),
                                      declared=self.archive.catalog.declared_organizations)
        return self._resolver

    # -- options -----------------------------------------------------------------------------------------

    def filters(self, *, orgs: Any = (), states: Any = (), tests: Any = (), kinds: Any = (), sources: Any = (),
                since: str | None = None, until: str | None = None, during: str | None = None,
                speakers: Any = (), by: Any = (), positions: Any = ()) -> Filters:
        """Options as typed (aliases, dates in words) -> Filters; QueryError for what cannot be read."""
        for kind in kinds:
            _check_kind(kind)
        for position in positions:
            if position not in POSITIONS:
                raise QueryError(f"unknown position {position!r}: one of {', '.join(POSITIONS)}")
        try:
            span = resolve_range(since, until, during)
        except DateError as exc:
            raise QueryError(str(exc)) from None
        return Filters(organizations=[self.resolver.resolve("org", o) for o in orgs],
                       by=[self.resolver.resolve("org", o) for o in by],
                       states=[self.resolver.resolve("state", s) for s in states],
                       tests=[self.resolver.resolve("test", t) for t in tests], kinds=[k.lower() for k in kinds],
                       sources=list(sources), speakers=[s for s in speakers if s.strip()],
                       positions=list(positions), span=span if span.start or span.end else None)

    def filter_node(self, filters: Filters, collection: str) -> ql.Node:
        parts: list[ql.Node] = []
        if filters.organizations:
            parts.append(ql.Or(tuple(self._mention(o) for o in filters.organizations)))
        by_field = "publisher" if collection == DOCS else "speaker_org"
        for fieldname, values in (("states", filters.states), ("tests", filters.tests), ("kind", filters.kinds),
                                  ("source", filters.sources), (by_field, filters.by),
                                  ("speaker_org", filters.speaker_orgs if collection == QUOTES else []),
                                  ("position", filters.positions)):
            if values:
                parts.append(ql.FieldTerm(fieldname, tuple(values)))
        if filters.speakers:
            parts.append(ql.Or(tuple(self._speaker(s, collection) for s in filters.speakers)))
        if filters.span:
            start, end = filters.span.start, filters.span.end
            parts.append(ql.DateIn(start.isoformat() if start else None, end.isoformat() if end else None))
        return ql.conjoin(*parts)

    # -- fields inside the query -------------------------------------------------------------------------

    def _mention(self, canonical: str) -> ql.Node:
        """Documents mentioning an organization: tagged with it, or (for an organization only the archive
        declares, which the tagger cannot know) containing its name."""
        term = ql.FieldTerm("organizations", (canonical,))
        if self.resolver.is_declared_only(canonical):
            return ql.Or((term, ql.Text(canonical, None, phrase=True)))
        return term

    def _speaker(self, value: str, collection: str) -> ql.Node:
        """A speaker by full name, surname or given name: the typed words appear, in order, in the name."""
        if collection == QUOTES:
            return ql.Text(value, "speaker", phrase=True)
        wanted = re.findall(r"\w+", value.lower())
        if self._speaker_names is None:
            self._speaker_names = self.session.values(DOCS, "speakers")
        names = tuple(n for n in self._speaker_names if _contains_run(re.findall(r"\w+", n), wanted))
        return ql.FieldTerm("speakers", names)

    def _field(self, collection: str) -> ql.FieldResolver:
        def resolve(name: str, value: str, quoted: bool) -> ql.Node:
            if not value.strip():
                raise QueryError(f"{name}: needs a value, e.g. {name}:{_FIELD_EXAMPLES.get(name, 'NYSUT')}")
            if name in ("org", "organization"):
                return self._mention(self.resolver.resolve("org", value))
            if name == "by":
                canonical = self.resolver.resolve("org", value)
                return ql.FieldTerm("publisher" if collection == DOCS else "speaker_org", (canonical,))
            if name == "state":
                return ql.FieldTerm("states", (self.resolver.resolve("state", value),))
            if name == "test":
                return ql.FieldTerm("tests", (self.resolver.resolve("test", value),))
            if name == "kind":
                return ql.FieldTerm("kind", (_check_kind(value),))
            if name == "source":
                return ql.FieldTerm("source", (value.lower(),))
            if name == "speaker":
                return self._speaker(value, collection)
            if name == "year":
                span = _span(value)
                return ql.DateIn(span.start.isoformat() if span.start else None,
                                 span.end.isoformat() if span.end else None)
            if collection == QUOTES:
                raise QueryError("title: works in document searches (`optout search`), not in quotes")
            return ql.Text(value, "title", phrase=quoted)

        return resolve

    def parse(self, text: str, collection: str = DOCS) -> ql.Parsed:
        """The query text as a tree (aliases resolved, fields checked)."""
        return ql.parse(text, self._field(collection))

    # -- searching ---------------------------------------------------------------------------------------

    def search(self, text: str, filters: Filters, *, sort: str = "relevance", limit: int = 10, page: int = 1,
               fold: bool = True, facets: bool = True, suggest: bool = True) -> Results:
        """Documents matching ``text`` within ``filters``: exactly the set the query says; ranking (free
        text, names and years typed in it) only orders it. ``facets`` counts organizations, states, tests,
        kinds and years over the whole matched set; ``suggest`` spell-checks queries that find nothing."""
        _check(sort, limit, page)
        parsed = self.parse(text, DOCS)
        wanted = page * limit
        request = Request(match=ql.conjoin(parsed.node, self.filter_node(filters, DOCS)),
                          rank=list(ql.positive_text(parsed.node)), boosts=self._boosts(text), sort=sort,
                          window=wanted + 5 if fold else wanted, facets=FACETS if facets else ())
        response = self.session.search(DOCS, request)
        folded = _fold(response.hits, fold)
        while fold and len(folded) < wanted < response.total and len(response.hits) == request.window:
            # Near-duplicates folded away part of the page: fetch further down (rare; facets not again).
            request.window, request.facets = request.window * 4, ()
            facet_counts = response.facets
            response = self.session.search(DOCS, request)
            response.facets = facet_counts
            folded = _fold(response.hits, fold)
        hits = folded[(page - 1) * limit: wanted]
        self._snippets(hits, request.rank)
        suggestion = self._suggest(text, request.rank) if suggest and response.total == 0 else None
        return Results(total=response.total, hits=hits, facets=self._labels(response.facets), suggestion=suggestion,
                       page=page, limit=limit, dates=filters.span.describe() if filters.span else None,
                       notes=parsed.notes)

    def quotes(self, text: str, filters: Filters, *, sort: str = "relevance", limit: int = 10, page: int = 1) -> Results:
        """Quotes matching ``text`` within ``filters`` (speaker and organization included)."""
        _check(sort, limit, page)
        parsed = self.parse(text, QUOTES)
        request = Request(match=ql.conjoin(parsed.node, self.filter_node(filters, QUOTES)),
                          rank=list(ql.positive_text(parsed.node)), sort=sort, window=page * limit)
        response = self.session.search(QUOTES, request)
        hits = []
        for r in response.hits[(page - 1) * limit:]:
            row = self.archive.catalog.document_row(r["doc_id"])
            hits.append(QuoteHit(
                text=r["text"], speaker=r.get("speaker") or None, speaker_role=r.get("speaker_role"),
                speaker_org=r.get("speaker_org") or None, doc_id=r["doc_id"], url=r["url"], title=r.get("title"),
                published=r.get("published"), source=r.get("source"), score=r["score"],
                captured_at=row["captured_at"] if row else None, position=r.get("position") or None))
        return Results(total=response.total, hits=hits, page=page, limit=limit,
                       dates=filters.span.describe() if filters.span else None, notes=parsed.notes)

    def _labels(self, facets: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        """Index values (lowercased) -> the names users know."""
        names = {"organizations": self.resolver.orgs, "tests": self.resolver.tests}
        out = {}
        for fieldname, counts in facets.items():
            label = (lambda v, t=names[fieldname]: t.get(v, v)) if fieldname in names else \
                (lambda v: v.upper()) if fieldname == "states" else (lambda v: v)
            out[fieldname] = {label(v): n for v, n in counts.items()}
        if "year" in out:
            out["year"] = dict(sorted(out["year"].items(), reverse=True))
        return out

    def _boosts(self, text: str) -> list[tuple[str, str, float]]:
        """Organizations, tests, kinds and years named in free text raise matching documents' scores."""
        boosts = [("year", y, 3.0) for y in sorted(set(_YEAR_IN_TEXT.findall(text)))]
        lowered = " " + re.sub(r"[^\w.&' -]+", " ", text.lower()) + " "
        words = lowered.split()
        # Every run of up to eight words, looked up in the alias tables (names are at most that long).
        grams = {" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, min(len(words), i + 8) + 1)}
        for table, fieldname in ((self.resolver.orgs, "organizations"), (self.resolver.tests, "tests")):
            for name in sorted({table[g] for g in grams if len(g) > 2 and g in table}):
                boosts.append((fieldname, name, 2.0))
        if re.search(r"\b(statements?|press releases?|said in a statement)\b", lowered):
            boosts.append(("kind", "statement", 2.0))
        return boosts

    def _snippets(self, hits: list[Hit], rank: list[ql.Text]) -> None:
        """Highlighted fragments from the archived text (the index does not store bodies)."""
        if not hits:
            return
        words = {tok for t in rank for tok in self.session.analyze(DOCS, t.text)}
        for hit in hits:
            row = self.archive.catalog.document_row(hit.id)
            hit.snippet = _snippet(row["text"] if row else "", words)

    def _suggest(self, text: str, rank: list[ql.Text]) -> str | None:
        """The query with misspelt words replaced by the index's closest words, if any."""
        changed = text
        for leaf in rank:
            if leaf.phrase or leaf.field:
                continue
            better = self.session.suggest(DOCS, leaf.text)
            if better:
                changed = re.sub(rf"(?<!\w){re.escape(leaf.text)}(?!\w)", better, changed, count=1)
        return changed if changed.strip() != text.strip() else None


_FIELD_EXAMPLES = {"state": "NY", "test": "PARCC", "kind": "statement", "source": "nysut", "speaker": "Weingarten",
                   "title": "boycott", "year": "2015"}


def _check_kind(value: str) -> str:
    kind = value.strip().lower()
    if kind not in KINDS:
        raise QueryError(f"unknown kind {value!r}: one of {', '.join(KINDS)}")
    return kind


def _span(value: str) -> DateSpan:
    from indexer.dates import parse_span

    try:
        return parse_span(value)
    except DateError as exc:
        raise QueryError(str(exc)) from None


def _contains_run(tokens: list[str], wanted: list[str]) -> bool:
    """True when ``wanted`` appears as consecutive tokens of ``tokens``."""
    n = len(wanted)
    return n > 0 and any(tokens[i:i + n] == wanted for i in range(len(tokens) - n + 1))


def _fold(rows: list[dict[str, Any]], fold: bool) -> list[Hit]:
    """Hits in order, near-duplicates (the same text from several outlets) folded into the first."""
    hits: list[Hit] = []
    seen: dict[str, Hit] = {}
    for r in rows:
        dup = r.get("dup_of")
        if fold and dup and dup in seen:
            seen[dup].folded.append(r["id"])
            continue
        hit = Hit(id=r["id"], url=r["url"], title=r.get("title"), published=r.get("published"), score=r["score"],
                  source=r.get("source"), kind=r.get("kind"), organizations=_split(r.get("organizations")),
                  states=_split(r.get("states")), tests=_split(r.get("tests")), position=r.get("position") or None)
        hits.append(hit)
        seen[r["id"]] = hit
        if dup:
            seen[dup] = hit
    return hits


def _check(sort: str, limit: int, page: int) -> None:
    if sort not in SORTS:
        raise QueryError(f"--sort must be one of {', '.join(SORTS)}")
    if limit < 1 or limit > MAX_LIMIT:
        raise QueryError(f"--limit must be between 1 and {MAX_LIMIT}")
    if page < 1 or page > MAX_PAGE:
        raise QueryError(f"--page must be between 1 and {MAX_PAGE}")


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]


_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")
_FIRST_FIVE = slice(0, 5)


def _snippet(text: str, words: set[str], width: int = 220) -> str:
    """The passage of ``text`` with the most query words, query words marked «like this»."""
    if not text:
        return ""
    stems = {w.lower()[:5] for w in words if len(w) > 2}
    tokens = _WORD.findall(text)
    # Running count of query words up to each token, counted with map/accumulate in C rather than a Python
    # loop over every token of the hit's text (a quarter less time per snippet).
    hits = list(accumulate(map(stems.__contains__, map(itemgetter(_FIRST_FIVE), map(str.lower, tokens))), initial=0))
    # Windows of 40 tokens every 8 tokens; the first window with the most query words wins.
    size = len(tokens)
    best_i, best_score = 0, -1
    for i in range(0, size, 8):
        score = hits[min(i + 40, size)] - hits[i]
        if score > best_score:
            best_i, best_score = i, score
    best = next(islice(_WORD.finditer(text), best_i, None)).start() if size else 0
    fragment = text[best: best + width]
    fragment = _SPACES.sub(" ", fragment).strip()
    if stems:
        fragment = re.sub(r"\b(\w+)\b", lambda m: f"«{m.group(1)}»" if m.group(1).lower()[:5] in stems else m.group(1),
                          fragment)
    return ("…" if best else "") + fragment + ("…" if best + width < len(text) else "")


__all__ = ["Filters", "Hit", "IndexMissing", "QueryError", "QuoteHit", "Results", "Searcher", "parse_date"]
