"""Searching: user queries and options -> filters and scored queries -> hits with snippets."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from archive import Archive
from indexer.search import DOCS, QUOTES, Filters, IndexMissing, SearchIndex, parse_text_query

MAX_QUERY_CHARS = 2000
MAX_LIMIT = 1000
_FIELD = re.compile(r'(?P<neg>-|NOT\s+)?\b(?P<field>org|organization|state|test|kind|source|speaker|title):'
                    r'(?:"(?P<quoted>[^"]*)"|(?P<word>[^\s()"]*))', re.IGNORECASE)


class QueryError(ValueError):
    """A query or option the user must fix; the message says how."""


@dataclass
class Hit:
    id: str
    url: str
    title: str | None
    published: str | None
    score: float
    source: str | None = None
    kind: str | None = None
    organizations: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)
    snippet: str = ""
    folded: list[str] = field(default_factory=list)

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
    score: float
    captured_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Results:
    total: int
    hits: list[Any]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None


def parse_date(text: str | None, end: bool = False) -> datetime | None:
    """A user's date ("2015", "March 2015", "last spring", "2 years ago") as a datetime; QueryError if unreadable."""
    if not text:
        return None
    value = text.strip()
    if re.fullmatch(r"\d{4}", value):
        return datetime(int(value), 12, 31, 23, 59, 59) if end else datetime(int(value), 1, 1)
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", value)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
        if end:
            nxt = datetime(year + (month == 12), month % 12 + 1, 1)
            return datetime.fromordinal(nxt.toordinal() - 1).replace(hour=23, minute=59, second=59)
        return datetime(year, month, 1)
    seasons = {"spring": (3, 5), "summer": (6, 8), "fall": (9, 11), "autumn": (9, 11), "winter": (12, 2)}
    m = re.fullmatch(r"(last|this)\s+(spring|summer|fall|autumn|winter)", value, re.IGNORECASE)
    if m:
        today = datetime.now()
        first, last = seasons[m.group(2).lower()]
        year = today.year - (1 if m.group(1).lower() == "last" or today.month < first else 0)
        if end:
            return datetime(year + (last < first), last, 28, 23, 59, 59)
        return datetime(year, first, 1)
    import dateparser

    settings = {"PREFER_DAY_OF_MONTH": "last" if end else "first", "RETURN_AS_TIMEZONE_AWARE": False}
    try:
        parsed = dateparser.parse(value, settings=settings)
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None:
        raise QueryError(f"cannot read the date {text!r} (try 2015, March 2015, 2015-03-31 or '2 years ago')")
    return parsed


class Resolver:
    """Turns what users type for organizations, states and tests into canonical names (aliases and all)."""

    def __init__(self, tables: dict[str, dict[str, str]] | None = None) -> None:
        tables = tables if tables is not None else alias_tables()
        self.orgs, self.states, self.tests = tables["orgs"], tables["states"], tables["tests"]

    def resolve(self, kind: str, value: str) -> str:
        table = {"org": self.orgs, "state": self.states, "test": self.tests}[kind]
        key = value.strip().lower()
        if not key:
            raise QueryError(f"{kind}: needs a value, e.g. {kind}:{ {'org': 'NYSUT', 'state': 'NY', 'test': 'PARCC'}[kind] }")
        if key in table:
            return table[key]
        import difflib

        close = difflib.get_close_matches(key, list(table), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(sorted({table[c] for c in close}))}?" if close else ""
        raise QueryError(f"unknown {kind} {value!r}{hint}")


def alias_tables() -> dict[str, dict[str, str]]:
    """What users may type for organizations, states and tests (lowercased) -> canonical names."""
    from indexer.gazetteer import default

    g = default()
    orgs = {n.lower(): o.name for o in g.organizations.values() for n in (o.name, o.full_name, *o.aliases)}
    for o in g.organizations.values():
        orgs[o.name.lower()] = o.name
    states = {s.code.lower(): s.code for s in g.states.values()}
    states.update({s.name.lower(): s.code for s in g.states.values()})
    states.update({a.lower(): s.code for s in g.states.values() for a in s.ap})
    tests = {n.lower(): t.name for t in g.tests.values() for n in (t.name, t.full_name, *t.aliases)}  # noqa: E501
    for t in g.tests.values():
        tests[t.name.lower()] = t.name
    return {"orgs": orgs, "states": states, "tests": tests}


def _gazetteer_digest() -> str:
    """Changes whenever a gazetteer file changes (size and modification time: no need to read them)."""
    from importlib import resources

    parts = []
    for name in ("organizations.toml", "people.toml", "states.toml", "tests.toml"):
        stat = os.stat(str(resources.files("indexer").joinpath(f"data/{name}")))
        parts.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha1("|".join(parts).encode()).hexdigest()


def cached_alias_tables(path: Path) -> dict[str, dict[str, str]]:
    """alias_tables() kept as JSON beside the index: reading it takes about a millisecond, parsing and
    validating the gazetteer's TOML about 50. Rebuilt whenever the gazetteer files change."""
    version = _gazetteer_digest()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") == version:
            return data
    except (OSError, ValueError):
        pass
    data = {"version": version, **alias_tables()}
    try:
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only data dir only loses the cache
    return data


def split_query(text: str, filters: Filters, resolver: Resolver) -> tuple[str, list[str]]:
    """Move field prefixes (org:, state:, test:, kind:, source:, speaker:) out of the free text into filters.
    Returns the remaining text and any title: terms."""
    titles: list[str] = []

    def take(m: re.Match[str]) -> str:
        field_name = m.group("field").lower()
        value = m.group("quoted") if m.group("quoted") is not None else m.group("word")
        negative = bool(m.group("neg"))
        if field_name == "title":
            if not value.strip():
                raise QueryError("title: needs a value, e.g. title:boycott")
            titles.append(value)
            return " "
        if not value.strip():
            raise QueryError(f"{field_name}: needs a value")
        if field_name in ("org", "organization"):
            canonical, target, index_field = resolver.resolve("org", value), filters.organizations, "organizations"
        elif field_name == "state":
            canonical, target, index_field = resolver.resolve("state", value), filters.states, "states"
        elif field_name == "test":
            canonical, target, index_field = resolver.resolve("test", value), filters.tests, "tests"
        elif field_name == "kind":
            canonical, target, index_field = value.lower(), filters.kinds, "kind"
        elif field_name == "source":
            canonical, target, index_field = value, filters.sources, "source"
        else:
            canonical, target, index_field = value, filters.speakers, "speakers"
        if negative:
            filters.exclude.append((index_field, canonical))
        else:
            target.append(canonical)
        return " "

    return _FIELD.sub(take, text), titles


def _sanitize(text: str) -> str:
    """Whoosh's parser copes badly with unbalanced quotes and parentheses: balance them."""
    if text.count('"') % 2:
        text = text.replace('"', " ")
    depth = 0
    out = []
    for c in text:
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                continue
            depth -= 1
        out.append(c)
    return "".join(out) + ")" * depth


class Searcher:
    """One open index for one command: documents and quotes searches."""

    def __init__(self, archive: Archive):
        self.archive = archive
        self.index = SearchIndex(archive.index_dir)
        self._resolver: Resolver | None = None

    @property
    def resolver(self) -> Resolver:
        if self._resolver is None:
            self._resolver = Resolver(cached_alias_tables(self.archive.index_dir / "aliases.json"))
        return self._resolver

    def filters(self, *, orgs: list[str] = (), states: list[str] = (), tests: list[str] = (), kinds: list[str] = (),
                sources: list[str] = (), since: str | None = None, until: str | None = None,
                speakers: list[str] = ()) -> Filters:
        f = Filters(organizations=[self.resolver.resolve("org", o) for o in orgs],
                    states=[self.resolver.resolve("state", s) for s in states],
                    tests=[self.resolver.resolve("test", t) for t in tests], kinds=list(kinds),
                    sources=list(sources), speakers=list(speakers))
        f.since, f.until = parse_date(since), parse_date(until, end=True)
        if f.since and f.until and f.since > f.until:
            raise QueryError("--since is after --until")
        return f

    def search(self, text: str, filters: Filters, *, sort: str = "relevance", limit: int = 10, page: int = 1,
               fold: bool = True, facets: bool = True, suggest: bool = True) -> Results:
        """Documents matching ``text`` within ``filters``. Without ``facets`` only the top of the ranking
        is collected and ``total`` counts the collected hits (a lower bound); ``suggest`` spell-checks
        queries that find nothing."""
        text = _check(text, limit, page)
        text, titles = split_query(text, filters, self.resolver) if _FIELD.search(text) else (text, [])
        ix = self.index.open(DOCS)
        with ix.searcher() as searcher:
            schema = ix.schema
            if "content" not in schema.names():
                raise IndexMissing("the search index was written by another version: run `optout index --rebuild`")
            query = parse_text_query(schema, _sanitize(text), ["content"])
            boosts = self._boosts(text)
            if boosts and text.strip():
                from whoosh.query import Or

                # Names and years typed in free text raise matching documents; they never exclude others.
                query = Or([query, *boosts])
            if titles:
                from whoosh.query import And

                query = And([query, *[parse_text_query(schema, _sanitize(t), ["title"]) for t in titles]])
            kwargs: dict[str, Any] = {"filter": filters.query(), "mask": filters.mask()}
            if sort == "date":
                kwargs.update(sortedby="published", reverse=True)
            wanted = page * limit
            # Score only the top of the ranking, with room for folded near-duplicates.
            window = wanted * 2 + 20 if fold else wanted
            results = searcher.search(query, limit=window, **kwargs)
            facet_counts: dict[str, dict[str, int]] = {}
            if facets:
                # Counting every match needs no scores: docnum sets from the inverted index.
                matched = _matching_docs(searcher, query, kwargs["filter"], kwargs["mask"])
                total = len(matched)
                facet_counts = self._facet_counts(searcher, matched)
            else:
                total = results.scored_length()
            hits: list[Hit] = []
            seen_dups: dict[str, Hit] = {}
            for r in results:
                dup = r.get("dup_of")
                if fold and dup and dup in seen_dups:
                    seen_dups[dup].folded.append(r["id"])
                    continue
                if len(hits) >= wanted:
                    break
                hit = Hit(id=r["id"], url=r["url"], title=r.get("title"),
                          published=r["published"].date().isoformat() if r.get("published") else None,
                          score=round(r.score or 0.0, 3), source=r.get("source"), kind=r.get("kind"),
                          organizations=_split(r.get("organizations")), states=_split(r.get("states")),
                          tests=_split(r.get("tests")))
                hits.append(hit)
                seen_dups[r["id"]] = hit
                if dup:
                    seen_dups[dup] = hit
            page_hits = hits[(page - 1) * limit: page * limit]
            self._snippets(page_hits, query)
            suggestion = None
            if suggest and total == 0 and text.strip():
                corrected = searcher.correct_query(query, text)
                if corrected.string and corrected.string.strip() != text.strip():
                    suggestion = corrected.string
            return Results(total=total, hits=page_hits, facets=facet_counts, suggestion=suggestion)

    def _facet_counts(self, searcher: Any, matched: set[int]) -> dict[str, dict[str, int]]:
        """Organizations, states, tests and kinds over the whole result set, most frequent first."""
        names = {"organizations": self.resolver.orgs, "tests": self.resolver.tests}
        out: dict[str, dict[str, int]] = {}
        for fieldname in ("organizations", "states", "tests", "kind"):
            counts: dict[str, int] = {}
            if matched:
                for term in searcher.lexicon(fieldname):
                    value = term.decode() if isinstance(term, bytes) else term
                    n = sum(1 for d in searcher.postings(fieldname, term).all_ids() if d in matched)
                    if n:
                        label = names[fieldname].get(value, value) if fieldname in names else \
                            value.upper() if fieldname == "states" else value
                        counts[label] = n
            out[fieldname] = dict(sorted(counts.items(), key=lambda kv: -kv[1]))
        return out

    def _boosts(self, text: str) -> list[Any]:
        """Optional scoring terms for organizations, states, tests, kinds and years named in free text."""
        from whoosh.query import Term

        boosts = []
        for year in set(re.findall(r"\b(19[89]\d|20[0-4]\d)\b", text)):
            boosts.append(Term("year", year, boost=3.0))
        lowered = " " + re.sub(r"[^\w.&' -]+", " ", text.lower()) + " "
        for table, fieldname in ((self.resolver.orgs, "organizations"), (self.resolver.tests, "tests")):
            for name in {canonical for alias, canonical in table.items()
                         if len(alias) > 2 and f" {alias} " in lowered}:
                boosts.append(Term(fieldname, name.lower(), boost=2.0))
        if re.search(r"\b(statements?|press releases?|said in a statement)\b", lowered):
            boosts.append(Term("kind", "statement", boost=2.0))
        return boosts

    def _snippets(self, hits: list[Hit], query: Any) -> None:
        """Highlighted fragments from the archived text (the index does not store bodies)."""
        if not hits:
            return
        terms = {t for f, t in query.iter_all_terms() if f in ("content", "title")}
        words = {t.decode() if isinstance(t, bytes) else t for t in terms}
        for hit in hits:
            row = self.archive.catalog.document_row(hit.id)
            text = row["text"] if row else ""
            hit.snippet = _snippet(text, words)

    def quotes(self, text: str, filters: Filters, *, sort: str = "relevance", limit: int = 10, page: int = 1) -> Results:
        """Quotes matching ``text`` within ``filters`` (speaker and organization included)."""
        text = _check(text, limit, page)
        text, _titles = split_query(text, filters, self.resolver) if _FIELD.search(text) else (text, [])
        ix = self.index.open(QUOTES)
        with ix.searcher() as searcher:
            query = parse_text_query(ix.schema, _sanitize(text), ["text", "speaker"])
            kwargs: dict[str, Any] = {"filter": filters.query(quotes=True), "mask": filters.mask()}
            if sort == "date":
                kwargs.update(sortedby="published", reverse=True)
            results = searcher.search_page(query, page, pagelen=limit, **kwargs)
            hits = []
            for r in results:
                row = self.archive.catalog.document_row(r["doc_id"])
                hits.append(QuoteHit(
                    text=r["text"], speaker=r.get("speaker") or None, speaker_role=r.get("speaker_role"),
                    speaker_org=r.get("speaker_org") or None, doc_id=r["doc_id"], url=r["url"], title=r.get("title"),
                    published=r["published"].date().isoformat() if r.get("published") else None,
                    source=r.get("source"), score=round(r.score or 0.0, 3),
                    captured_at=row["captured_at"] if row else None))
            return Results(total=results.total, hits=hits)


def _matching_docs(searcher: Any, query: Any, filter_q: Any, mask_q: Any) -> set[int]:
    """Document numbers of every match, within the filter and outside the mask, deleted ones left out."""
    matched = set(searcher.docs_for_query(query))
    if filter_q is not None:
        matched &= set(searcher.docs_for_query(filter_q))
    if mask_q is not None:
        matched -= set(searcher.docs_for_query(mask_q))
    reader = searcher.reader()
    if reader.has_deletions():
        matched = {d for d in matched if not reader.is_deleted(d)}
    return matched


def _check(text: str, limit: int, page: int) -> str:
    if limit < 1 or limit > MAX_LIMIT:
        raise QueryError(f"--limit must be between 1 and {MAX_LIMIT}")
    if page < 1 or page > 10_000:
        raise QueryError("--page must be between 1 and 10000")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is too long ({len(text)} characters; at most {MAX_QUERY_CHARS})")
    return text


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def _snippet(text: str, words: set[str], width: int = 220) -> str:
    """The passage of ``text`` with the most query words, query words marked «like this»."""
    if not text:
        return ""
    stems = {w.lower()[:5] for w in words if len(w) > 2}
    best, best_score = 0, -1
    tokens = list(re.finditer(r"\w+", text))
    for i in range(0, len(tokens), 8):
        window = tokens[i:i + 40]
        score = sum(1 for t in window if t.group(0).lower()[:5] in stems)
        if score > best_score:
            best, best_score = tokens[i].start() if window else 0, score
    fragment = text[best: best + width]
    fragment = re.sub(r"\s+", " ", fragment).strip()
    if stems:
        fragment = re.sub(r"\b(\w+)\b", lambda m: f"«{m.group(1)}»" if m.group(1).lower()[:5] in stems else m.group(1),
                          fragment)
    return ("…" if best else "") + fragment + ("…" if best + width < len(text) else "")


__all__ = ["IndexMissing", "QueryError", "Searcher", "parse_date"]
