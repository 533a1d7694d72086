"""Backfill from the Wayback Machine: a source's past pages, read from the Internet Archive.

The CDX API (``{base}/cdx/search/cdx``, JSON output, paged with resume keys) lists the captures of a
source's domains (or its wayback ``prefixes``): status 200, HTML, collapsed on digest, within the date
range. Captures whose URL looks like an article by the live crawl's rules (the source's hosts, exclude and
follow patterns, crawler.links' navigation links, crawler.listing's home and section paths) are fetched in
their original form (``{base}/web/{timestamp}id_/{url}``) and go through the crawl's own extraction stage
(crawler.pipelines.ExtractionPipeline) and the archive (Archive.record_page), with the original URL, the
capture's time and the Wayback address as provenance. Feeds and sitemaps captured in the range are read
first: the articles they list count as articles and lend their titles, dates and authors.

Politeness toward the Archive: one request at a time, a delay between requests, backoff on 429 and 5xx
(honoring Retry-After). Each CDX query keeps a cursor in the catalog (the resume key of its next page), so
an interrupted backfill goes on where it stopped; captures already archived are never fetched again.

A plain loop (not a Scrapy spider): the work is strictly sequential, and it runs in process any number of
times (tests, `optout backfill` after `optout crawl` in one script) where Scrapy's reactor runs once.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from archive import Archive, ArchiveError, canonical_url
from archive.store import now_iso
from crawler.items import PageItem
from crawler.sources import Source

DEFAULT_BASE = "https://web.archive.org"
BASE_ENV = "OPTOUT_WAYBACK_URL"  # another Wayback (or a loopback server in tests)
DELAY_ENV = "OPTOUT_WAYBACK_DELAY"
DEFAULT_DELAY = 1.0  # seconds between two requests to the Archive
PAGE_SIZE = 1000  # CDX rows per page
MAX_REDIRECTS = 5
MAX_STORAGE_FAILURES = 3  # consecutive captures that cannot be stored before the backfill stops (a full disk)
CDX_FIELDS = "urlkey,timestamp,original,mimetype,statuscode,digest,length"
# The CDX filter is a regular expression the whole field must match: HTML pages, and PDF statements and
# letters (kept as captures, read by the extraction stage like a crawl's PDFs).
PAGE_TYPES = "mimetype:text/html|application/pdf"
_ADDRESS = re.compile(r"/web/(\d{4,14})(?:[a-z]{2}_)?/(.+)$")
# Headers of the Archive's answer that describe the original response (X-Archive-Orig-Date, ...).
_ORIG_PREFIX = "x-archive-orig-"
_TRANSFER_HEADERS = {"content-length", "transfer-encoding", "content-encoding", "connection", "keep-alive"}
_SOFT_404_TITLE = re.compile(
    r"\bpage not found\b|^\W*(?:error\s*)?404\s*(?:$|[|:\u2013\u2014-])|\b404\s*(?:error|not found)\b|\berror 404\b|^\W*not found\b|"
    r"\bpage (?:does not|doesn't|cannot be) (?:exist|found)\b|\b(?:page|content) (?:is )?no longer available\b",
    re.IGNORECASE)
SOFT_404_WORDS = 150  # a "not found" page says little; an article whose title says "404" has more text


class WaybackError(Exception):
    """A CDX answer or a request that cannot be used, with the reason."""


# -- dates and addresses ------------------------------------------------------------------------------------

def timestamp_iso(ts: str) -> str:
    """A Wayback timestamp (YYYYMMDDhhmmss, possibly shorter) as ISO UTC."""
    ts = (ts + "00000101000000"[len(ts):])[:14] if len(ts) < 14 else ts[:14]
    return f"{ts[:4]}-{ts[4:6]}-{ts[6:8]}T{ts[8:10]}:{ts[10:12]}:{ts[12:14]}Z"


def range_bounds(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """CDX from/to digits as inclusive ISO bounds for stored capture times."""
    def iso(d: str) -> str:
        return "-".join(p for p in (d[:4], d[4:6], d[6:8]) if p)

    return (iso(since) if since else None, iso(until) + "~" if until else None)


def address(base: str, timestamp: str, url: str) -> str:
    """The Wayback address of a capture's original bytes (the ``id_`` form)."""
    return f"{base.rstrip('/')}/web/{timestamp}id_/{url}"


def parse_address(url: str) -> tuple[str, str] | None:
    """(timestamp, original URL) of a Wayback capture address, or None."""
    match = _ADDRESS.search(urlsplit(url).path + ("?" + urlsplit(url).query if urlsplit(url).query else ""))
    if not match:
        return None
    original = match.group(2)
    if original.startswith(("http:/", "https:/")) and not original.startswith(("http://", "https://")):
        original = original.replace(":/", "://", 1)  # servers fold the double slash
    return match.group(1), original


def looks_like_soft_404(extracted: dict[str, Any] | None) -> bool:
    """A page answered 200 that says it is not there ("Page not found"): short, with such a title."""
    if not extracted:
        return False
    title = extracted.get("title") or ""
    return bool(_SOFT_404_TITLE.search(title)) and len((extracted.get("text") or "").split()) < SOFT_404_WORDS


# -- polite HTTP ----------------------------------------------------------------------------------------------

@dataclass
class Answer:
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


class PoliteClient:
    """One request at a time, ``delay`` seconds apart; 429 and 5xx retried with backoff (Retry-After
    honored up to ``retry_after_max``); bodies over ``max_bytes`` refused. Redirects are not followed."""

    RETRY_STATUSES = (429, 500, 502, 503, 504, 522, 524, 408)

    def __init__(self, delay: float = DEFAULT_DELAY, timeout: float = 30.0, max_bytes: int = 10 << 20,
                 retries: int = 3, backoff: float = 1.0, retry_after_max: float = 60.0,
                 sleep: Callable[[float], None] = time.sleep):
        import requests

        from crawler.settings import USER_AGENT

        self.delay, self.timeout, self.max_bytes = delay, timeout, max_bytes
        self.retries, self.backoff, self.retry_after_max = retries, backoff, retry_after_max
        self.sleep = sleep
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"})
        self._last = 0.0
        self.requests = 0

    def close(self) -> None:
        self.session.close()

    def _wait_turn(self) -> None:
        pause = self._last + self.delay - time.monotonic()
        if pause > 0:
            self.sleep(pause)

    def get(self, url: str, params: dict[str, Any] | list[tuple[str, str]] | None = None) -> Answer:
        """GET once, retrying passing failures; raises WaybackError when it never got an answer."""
        from crawler.middlewares import retry_after_seconds

        problem = "no answer"
        for attempt in range(self.retries + 1):
            self._wait_turn()
            try:
                answer = self._once(url, params)
            except WaybackError as exc:
                problem = str(exc)
                if "larger than" in problem:
                    raise
                wait = None
            else:
                if answer.status not in self.RETRY_STATUSES or attempt == self.retries:
                    return answer
                problem = f"HTTP {answer.status}"
                wait = retry_after_seconds(answer.header("Retry-After"))
                if wait is not None and wait > self.retry_after_max:
                    return answer  # asks for more patience than we have: a failure with its reason
            if attempt < self.retries:
                self.sleep(wait if wait is not None else self.backoff * 2 ** attempt)
        raise WaybackError(problem)

    def _once(self, url: str, params: Any) -> Answer:
        import requests

        self.requests += 1
        try:
            with self.session.get(url, params=params, timeout=self.timeout, stream=True, allow_redirects=False) as r:
                chunks, size = [], 0
                for chunk in r.iter_content(64 * 1024):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise WaybackError(f"answer larger than {self.max_bytes} bytes")
                    chunks.append(chunk)
                return Answer(r.url, r.status_code, list(r.headers.items()), b"".join(chunks))
        except requests.RequestException as exc:
            reason = "timed out" if isinstance(exc, requests.Timeout) else type(exc).__name__
            raise WaybackError(f"{reason}: {str(exc)[:120]}") from None
        finally:
            self._last = time.monotonic()


# -- the CDX API ----------------------------------------------------------------------------------------------

@dataclass
class CdxRow:
    timestamp: str
    original: str
    mimetype: str = ""
    statuscode: str = ""
    digest: str = ""


@dataclass
class CdxQuery:
    """One CDX query; ``name`` keys its cursor in the catalog."""

    name: str
    params: list[tuple[str, str]]
    role: str = "pages"  # "pages" (HTML captures) | "feed" | "sitemap" | "listed" (one article a feed listed)


def parse_cdx(body: bytes) -> tuple[list[CdxRow], str | None]:
    """(rows, resume key) of a CDX answer with output=json and showResumeKey=true."""
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return [], None  # the CDX server answers nothing at all when nothing matches
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise WaybackError(f"the CDX answer is not JSON (starts {text[:40]!r})") from None
    if not isinstance(data, list) or not all(isinstance(r, list) for r in data):
        raise WaybackError("the CDX answer is not a list of rows")
    if not data:
        return [], None
    header = [str(h) for h in data[0]]
    if "timestamp" not in header or "original" not in header:
        raise WaybackError(f"the CDX answer has no timestamp and original columns (header {header[:7]})")
    rows, resume = data[1:], None
    if len(rows) >= 2 and rows[-2] == [] and len(rows[-1]) == 1:
        resume, rows = str(rows[-1][0]), rows[:-2]
    index = {name: i for i, name in enumerate(header)}
    out = []
    for row in rows:
        if len(row) != len(header):
            continue  # a blank separator or a damaged row
        values = {name: str(row[i]) for name, i in index.items()}
        if not re.fullmatch(r"\d{4,14}", values["timestamp"]) or not values["original"].startswith(("http://", "https://")):
            continue
        out.append(CdxRow(values["timestamp"], values["original"], values.get("mimetype", ""),
                          values.get("statuscode", ""), values.get("digest", "")))
    return out, resume or None


def queries_for(source: Source, since: str | None, until: str | None) -> list[CdxQuery]:
    """The CDX queries of a backfill: the source's feeds and sitemaps (one capture a month), then its
    pages (its wayback prefixes, else its domains)."""
    span = [("from", since)] if since else []
    span += [("to", until)] if until else []
    common = [("output", "json"), ("fl", CDX_FIELDS), ("showResumeKey", "true"), *span]
    stamp = f"{since or ''}-{until or ''}"
    out = []
    for role, urls in (("feed", source.feeds), ("sitemap", source.sitemaps)):
        for url in urls:
            out.append(CdxQuery(f"{role} {url} {stamp}", [("url", url), ("matchType", "exact"),
                                ("filter", "statuscode:200"), ("collapse", "timestamp:6"), *common], role))
    opts = source.wayback
    targets = [(p, "prefix") for p in opts.prefixes] if opts and opts.prefixes else \
        [(d, "domain") for d in sorted(source.domains)]
    for target, match in targets:
        out.append(CdxQuery(f"{match} {target} {stamp}", [
            ("url", target), ("matchType", match), ("filter", "statuscode:200"), ("filter", PAGE_TYPES),
            ("collapse", "digest"), *common]))
    return out


def cdx_url(base: str) -> str:
    return f"{base.rstrip('/')}/cdx/search/cdx"


# -- the backfill -----------------------------------------------------------------------------------------------

@dataclass
class BackfillReport:
    """What a backfill did: counts by outcome, unusable captures with reasons, the state of its queries."""

    source: str
    counts: Counter[str] = field(default_factory=Counter)
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (URL or query, reason)
    queries: int = 0
    queries_failed: int = 0
    resumed: int = 0  # queries that went on from a stored cursor
    limited: bool = False  # stopped at max_captures: the next run goes on
    storage_error: str | None = None
    requests: int = 0

    def problem(self, where: str, reason: str, count: str = "unusable") -> None:
        self.counts[count] += 1
        self.reasons.append((where, reason))

    @property
    def archived(self) -> int:
        return sum(self.counts[k] for k in ("new", "updated", "unchanged", "captured"))


@dataclass
class BackfillOptions:
    base: str = DEFAULT_BASE
    since: str | None = None
    until: str | None = None
    delay: float = DEFAULT_DELAY
    page_size: int = PAGE_SIZE
    per_url: int = 1
    max_captures: int | None = None
    restart: bool = False


def options_for(source: Source, since: str | None = None, until: str | None = None, base: str | None = None,
                delay: float | None = None, **overrides: Any) -> BackfillOptions:
    """The options of one backfill: what the command says, else the source's wayback table, else the
    environment ($OPTOUT_WAYBACK_URL, $OPTOUT_WAYBACK_DELAY), else the defaults."""
    table = source.wayback
    env_delay = os.environ.get(DELAY_ENV, "").strip()
    if delay is None and table is not None and table.delay is not None:
        delay = table.delay
    if delay is None and env_delay:
        try:
            delay = float(env_delay)
        except ValueError:
            raise WaybackError(f"${DELAY_ENV} must be a number of seconds, not {env_delay!r}") from None
    opts = BackfillOptions(
        base=(base or os.environ.get(BASE_ENV) or DEFAULT_BASE).rstrip("/"),
        since=since or (table.since if table else None), until=until or (table.until if table else None),
        delay=DEFAULT_DELAY if delay is None else max(0.0, delay),
        per_url=table.per_url if table else 1, max_captures=table.max_captures if table else None)
    for key, value in overrides.items():
        if value is not None:
            setattr(opts, key, value)
    if urlsplit(opts.base).scheme not in ("http", "https"):
        raise WaybackError(f"the Wayback address {opts.base!r} is not an http(s) URL")
    return opts


class Backfill:
    """One backfill of one source into an archive (see the module docstring)."""

    def __init__(self, source: Source, archive: Archive, opts: BackfillOptions, client: PoliteClient,
                 progress: Callable[[BackfillReport], None] | None = None):
        from crawler.pipelines import ExtractionPipeline

        self.source, self.archive, self.opts, self.client = source, archive, opts, client
        self.progress = progress
        self.report = BackfillReport(source.id)
        self.extraction = ExtractionPipeline()
        self.hints: dict[str, dict[str, Any]] = {}  # canonical URL -> what a feed said of it
        self.taken: Counter[str] = Counter()  # canonical URL -> captures kept in this run
        self.listed_urls: dict[str, str] = {}  # canonical URL -> the URL a feed or sitemap listed
        self.rows_seen: set[str] = set()  # canonical URLs the pages queries listed
        self.bounds = range_bounds(opts.since, opts.until)
        self.fetches = 0
        self.storage_failures = 0

    def run(self) -> BackfillReport:
        for query in queries_for(self.source, self.opts.since, self.opts.until):
            self._query(query)
        for query in self._listed_queries():  # built once the feeds and the pages have been read
            self._query(query)
        self.report.requests = self.client.requests
        return self.report

    def _query(self, query: CdxQuery) -> None:
        if self._stopped():
            return
        self.report.queries += 1
        try:
            self._run_query(query)
        except WaybackError as exc:
            self.report.queries_failed += 1
            self.report.reasons.append((f"CDX {query.name}", str(exc)))

    def _listed_queries(self) -> list[CdxQuery]:
        """Exact queries for the articles feeds listed outside the source's wayback prefixes (the pages
        queries covered the rest: a domain query sees every page of the site)."""
        if not (self.source.wayback and self.source.wayback.prefixes):
            return []
        span = [("from", self.opts.since)] if self.opts.since else []
        span += [("to", self.opts.until)] if self.opts.until else []
        out = []
        for key, url in self.listed_urls.items():
            if key in self.rows_seen or not self.source.allows(url):
                continue
            out.append(CdxQuery(f"listed {url}", [
                ("url", url), ("matchType", "exact"), ("filter", "statuscode:200"), ("filter", PAGE_TYPES),
                ("collapse", "digest"), ("output", "json"), ("fl", CDX_FIELDS), ("showResumeKey", "true"), *span],
                "listed"))
        return out

    def _stopped(self) -> bool:
        return self.report.limited or self.report.storage_error is not None

    # -- paging with a cursor ------------------------------------------------------------------------------

    def _run_query(self, query: CdxQuery) -> None:
        catalog = self.archive.catalog
        cursor = None if self.opts.restart or query.role != "pages" else catalog.backfill_cursor(self.source.id, query.name)
        key = cursor["resume_key"] if cursor is not None and not cursor["done"] else None
        pages = cursor["pages"] if key else 0
        if key:
            self.report.resumed += 1
        seen_keys = {key} if key else set()
        while True:
            params = [*query.params, ("limit", str(self.opts.page_size))] + ([("resumeKey", key)] if key else [])
            answer = self.client.get(cdx_url(self.opts.base), params)
            if answer.status != 200:
                raise WaybackError(f"the CDX server answered HTTP {answer.status}")
            rows, next_key = parse_cdx(answer.body)
            self.report.counts["listed"] += len(rows)
            for row in rows:
                self._row(row, query.role)
                if self._stopped():
                    return  # the cursor stays on this page: the next run reads it again, skipping what is archived
            pages += 1
            if next_key and next_key in seen_keys:
                self._save_cursor(query, None, pages, True)
                raise WaybackError(f"the CDX resume key repeats ({next_key[:60]!r}): paging stopped")
            if not next_key or not rows:
                self._save_cursor(query, None, pages, True)
                return
            seen_keys.add(next_key)
            self._save_cursor(query, next_key, pages, False)
            key = next_key

    def _save_cursor(self, query: CdxQuery, key: str | None, pages: int, done: bool) -> None:
        if query.role != "pages":
            return  # feeds are read again each run (a few captures a month): their entries are not stored
        try:
            self.archive.catalog.set_backfill_cursor(self.source.id, query.name, key, pages, done, now_iso())
        except Exception as exc:  # noqa: BLE001 - a cursor that cannot be saved only costs a re-read later
            self._storage_failed(exc)

    # -- one capture -----------------------------------------------------------------------------------------

    def _row(self, row: CdxRow, role: str) -> None:
        try:
            if role in ("pages", "listed"):
                self._page(row)
            else:
                self._listing(row, role)
        finally:
            if self.progress:
                self.progress(self.report)

    def _article_like(self, url: str) -> str | None:
        """Why a captured URL is no article by the live crawl's rules, or None when it may be one."""
        from crawler.links import SKIP_LINK
        from crawler.listing import is_home, is_section

        listed = canonical_url(url) in self.hints
        if not self.source.allows(url):
            return "not on the source's sites, or excluded"
        parts = urlsplit(url)
        if is_home(url):
            return "the site's home page"
        if SKIP_LINK.search(parts.path + ("?" + parts.query if parts.query else "")) or is_section(url):
            return "a navigation, section or file URL"
        if not listed and not self.source.follows(url):
            return "does not match the source's follow patterns"
        return None

    def _page(self, row: CdxRow) -> None:
        key = canonical_url(row.original)
        self.rows_seen.add(key)
        why_not = self._article_like(row.original)
        if why_not:
            self.report.counts["not articles"] += 1
            return
        if self.taken[key] >= self.opts.per_url:
            self.report.counts["other captures"] += 1
            return
        where = address(self.opts.base, row.timestamp, row.original)
        catalog = self.archive.catalog
        if catalog.has_capture_origin(where) or catalog.origin_captures(
                url_variants(row.original), "wayback", *self.bounds) >= self.opts.per_url:
            self.taken[key] += 1
            self.report.counts["archived before"] += 1
            return
        if self.opts.max_captures is not None and self.fetches >= self.opts.max_captures:
            self.report.limited = True
            return
        fetched = self._fetch(row, where)
        if fetched is None:
            return
        answer, timestamp, final = fetched
        self.taken[key] += 1
        self._archive(row.original, timestamp, final, answer)

    def _fetch(self, row: CdxRow, where: str) -> tuple[Answer, str, str] | None:
        """The capture's original bytes, following the Archive's redirects to a nearby capture of the same
        URL; None (the reason recorded) for a missing capture or one that redirects to another page."""
        self.fetches += 1
        url, timestamp = where, row.timestamp
        for _ in range(MAX_REDIRECTS + 1):
            try:
                answer = self.client.get(url)
            except WaybackError as exc:
                self.report.problem(row.original, str(exc), "failed")
                return None
            if answer.status in (301, 302, 303, 307, 308):
                target = _redirect_target(answer, url)
                parsed = parse_address(target) if target else None
                if parsed is None or canonical_url(parsed[1]) != canonical_url(row.original):
                    self.report.problem(row.original, f"the capture redirects to another page ({target})")
                    return None
                timestamp, url = parsed[0], address(self.opts.base, parsed[0], parsed[1])
                continue
            if answer.status != 200:
                self.report.problem(row.original, f"HTTP {answer.status} from the Wayback Machine",
                                    "failed" if answer.status >= 500 or answer.status == 429 else "unusable")
                return None
            return answer, timestamp, url
        self.report.problem(row.original, "too many redirects")
        return None

    def _archive(self, original: str, timestamp: str, where: str, answer: Answer) -> None:
        from scrapy.exceptions import DropItem

        headers = original_headers(answer)
        item = PageItem(
            source=self.source.id, url=original, requested_url=original, status=200, body=answer.body,
            response_headers=headers, request_headers=[], kind=self.source.kind,
            content_type=answer.header("Content-Type"), source_organization=self.source.organization,
            time_zone=self.source.time_zone, hints=self.hints.get(canonical_url(original), {}))
        try:
            self.extraction.process_item(item)
        except DropItem as exc:
            self.report.problem(original, str(exc))
            return
        if looks_like_soft_404(item.extracted):
            self.report.problem(original, f"a \"not found\" page answered 200 (soft 404: {item.extracted['title']!r})")
            return
        try:
            outcome, _doc = self.archive.record_page(
                source=self.source.id, url=original, status=200, body=answer.body, response_headers=headers,
                request_headers=None, extracted=item.extracted, kind=self.source.kind,
                source_organization=self.source.organization, captured_at=timestamp_iso(timestamp),
                origin=where, origin_type="wayback", provenance=provenance(where, timestamp, original))
        except (ArchiveError, OSError) as exc:
            self.report.problem(original, f"could not be archived: {exc}"[:300], "failed")
            self._storage_failed(exc)
            return
        self.storage_failures = 0
        self.report.counts[outcome] += 1

    def _storage_failed(self, exc: BaseException) -> None:
        from crawler.pipelines import is_storage_failure

        if is_storage_failure(exc) or isinstance(exc, ArchiveError | OSError):
            self.storage_failures += 1
            if self.storage_failures >= MAX_STORAGE_FAILURES:
                self.report.storage_error = str(exc)[:300]

    # -- feeds and sitemaps captured then ------------------------------------------------------------------

    def _listing(self, row: CdxRow, role: str) -> None:
        """A feed or sitemap capture: the articles it listed then (their URLs and what it said of them)."""
        from crawler import discovery
        from crawler.feeds import FeedError

        where = address(self.opts.base, row.timestamp, row.original)
        try:
            answer = self.client.get(where)
        except WaybackError as exc:
            self.report.problem(row.original, str(exc), "failed")
            return
        if answer.status != 200:
            self.report.problem(row.original, f"HTTP {answer.status} from the Wayback Machine (a {role})")
            return
        self.report.counts[f"{role}s read"] += 1
        try:
            listing = discovery.read(role, answer.body, row.original, answer.header("Content-Type"), self.source,
                                     self.client.max_bytes)
        except FeedError as exc:
            self.report.problem(row.original, f"{role} of {row.timestamp}: {exc}")
            return
        for entry in listing.entries:
            self.listed_urls.setdefault(canonical_url(entry.url), entry.url)
            hints = self.hints.setdefault(canonical_url(entry.url), {})
            for name, value in (("title", entry.title), ("published", entry.published), ("authors", entry.authors)):
                if value and not hints.get(name):
                    hints[name] = value


def url_variants(url: str) -> list[str]:
    """``url`` and the spellings the Archive also lists for the same page (http or https, with or without
    www., with the default port): one page, however a capture names it."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    rest = parts.path + (f"?{parts.query}" if parts.query else "")
    out = [url]
    for scheme, port in (("http", ":80"), ("https", ":443")):
        for prefix in ("", "www."):
            for suffix in ("", port):
                out.append(f"{scheme}://{prefix}{host}{suffix}{rest}")
    return list(dict.fromkeys(out)) if parts.port in (None, 80, 443) else [url]


def original_headers(answer: Answer) -> list[tuple[str, str]]:
    """The original response's headers as the Archive reports them (X-Archive-Orig-*), with the content
    type of the bytes it serves; headers about the transfer are left out."""
    out = [("Content-Type", answer.header("Content-Type") or "text/html")]
    for name, value in answer.headers:
        low = name.lower()
        if low.startswith(_ORIG_PREFIX):
            orig = name[len(_ORIG_PREFIX):]
            if orig.lower() not in _TRANSFER_HEADERS and orig.lower() != "content-type":
                out.append((orig, value))
    return out


def provenance(where: str, timestamp: str, original: str) -> list[tuple[str, str]]:
    """The WARC metadata fields naming a Wayback capture as the source of a record."""
    return [("WARC-Source-URI", where), ("via", "Internet Archive Wayback Machine"),
            ("wayback-timestamp", timestamp), ("original-url", original)]


def _redirect_target(answer: Answer, url: str) -> str | None:
    from urllib.parse import urljoin

    location = answer.header("Location")
    return urljoin(url, location) if location else None


def run_backfill(source: Source, archive: Archive, opts: BackfillOptions,
                 progress: Callable[[BackfillReport], None] | None = None,
                 client: PoliteClient | None = None) -> BackfillReport:
    """Backfill ``source`` from the Wayback Machine into ``archive`` (one backfill per data dir at a time)."""
    from archive.locks import exclusive
    from crawler.settings import SETTINGS

    own = client is None
    client = client or PoliteClient(delay=opts.delay, timeout=float(SETTINGS["DOWNLOAD_TIMEOUT"]),
                                    max_bytes=int(SETTINGS["DOWNLOAD_MAXSIZE"]),
                                    backoff=float(SETTINGS["OPTOUT_RETRY_BACKOFF"]),
                                    retry_after_max=float(SETTINGS["OPTOUT_RETRY_AFTER_MAX"]))
    try:
        with exclusive(archive.path, "backfill", "another `optout backfill` is running on this data directory; "
                                                 "try again when it ends"):
            return Backfill(source, archive, opts, client, progress).run()
    finally:
        if own:
            client.close()

