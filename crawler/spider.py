"""One generic spider driven by the sources file: feeds, sitemaps and listing pages -> articles."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from archive import Archive, canonical_url
from crawler import discovery
from crawler.extract import extract
from crawler.feeds import Entry, FeedError, listing_links, parse_sitemap, read_feed
from crawler.items import PageItem
from crawler.sources import Source
from crawler.stats import CrawlStats

# Error statuses reach the callbacks (after retries) so each failure is recorded with its reason;
# 3xx stay out of this list so redirects are still followed.
HANDLED_STATUSES = [304, *range(400, 600)]
_HTML_TYPES = ("text/html", "application/xhtml", "text/plain", "application/xml", "text/xml")
# Failures worth trying again at the next crawl: the feed that listed such an article is fetched in
# full next time (no conditional GET), so the article is found again.
_TRANSIENT = ("HTTP 5", "HTTP 429", "HTTP 408", "timed out", "connection refused", "host not found",
              "connection lost", "download failed", "could not be archived")

_SIZE_REASON = "response larger than the size limit"


def failure_reason(failure: Failure) -> str:
    """A short human reason for a failed request."""
    from scrapy import exceptions as sx
    from twisted.internet import defer
    from twisted.internet import error as tx

    exc = failure.value
    name = type(exc).__name__
    text = (str(exc).splitlines() or [""])[0]
    lowered = f"{name} {text}".lower()
    if isinstance(exc, sx.IgnoreRequest):
        if "robots" in lowered:
            return "disallowed by robots.txt"
        if "redirect" in lowered:
            return "too many redirects"
        if "maxsize" in lowered or "max size" in lowered:
            return f"{_SIZE_REASON} (after decompression)"
        return f"ignored: {text}"[:200] if text else "ignored"
    if isinstance(exc, sx.DownloadTimeoutError | tx.TimeoutError | defer.TimeoutError) or "timed out" in lowered \
            or "took longer than" in lowered:
        return "timed out"
    if "larger than download max size" in lowered or "max size" in lowered:
        return _SIZE_REASON
    if isinstance(exc, sx.CannotResolveHostError | tx.DNSLookupError) or "dns lookup" in lowered:
        return "host not found"
    if isinstance(exc, sx.DownloadConnectionRefusedError | tx.ConnectionRefusedError) or "refused" in lowered:
        return "connection refused"
    if isinstance(exc, sx.ResponseDataLossError | tx.ConnectionLost | tx.ConnectionDone):
        return "connection lost before the response was complete"
    if isinstance(exc, sx.UnsupportedURLSchemeError | sx.NotSupported):
        return f"not fetched: {text}"[:200] if text else "not fetched: unsupported URL"
    if isinstance(exc, sx.DownloadCancelledError | defer.CancelledError):
        # Scrapy's HTTP handler cancels a download for one reason: the body outgrew DOWNLOAD_MAXSIZE
        # (downloads cut short by a stopping crawl are not reported; see ArchiveSpider.on_error).
        return _SIZE_REASON
    if isinstance(exc, sx.DownloadFailedError | tx.ConnectError):
        return f"download failed: {text}"[:200] if text else "download failed"
    return f"{name}: {text}"[:200] if text else name


def is_transient(reason: str) -> bool:
    return reason.startswith(_TRANSIENT)


@dataclass
class _Node:
    """A discovery URL (feed, sitemap, listing page, homepage) and the requests it led to.

    Its conditional-GET validators are stored only once everything it listed has been archived, or
    has failed for good: a feed answered with 304 lists nothing, so a crawl that stopped halfway (or
    whose articles failed for a passing reason) must fetch the feed in full next time.
    """

    url: str
    parent: str | None
    role: str = "feed"
    source: str = ""
    pending: int = 0
    found: int = 0  # article URLs it led to, archived before or not
    fallback: Callable[[], list[Request]] | None = None  # more requests to try when it led to none
    complete: bool = True  # False once a child failed for a passing reason or was left for later
    sealed: bool = False  # every child request has been created
    validators: tuple[str | None, str | None] | None = None
    settled: bool = False


class ArchiveSpider(scrapy.Spider):
    """Collects every source it is given and hands each page to the archive pipeline."""

    name = "optout"

    def __init__(self, sources: list[Source], archive: Archive, stats: CrawlStats, refresh: bool = False,
                 max_articles: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.sources = {s.id: s for s in sources}
        self.archive = archive
        self.crawl_stats = stats
        self.refresh = refresh
        self.max_articles = max_articles
        self.seen: set[str] = set()
        self.queued: dict[str, int] = {}
        self.nodes: dict[str, _Node] = {}

    # -- starting points -----------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        for source in self.sources.values():
            self.crawl_stats.add(source.id, "discovered", 0)
            requests = []
            for url in source.feeds:
                requests.append(self._discovery_request(url, source, "feed"))
            for url in source.sitemaps:
                requests.append(self._discovery_request(url, source, "sitemap"))
            for url in source.pages:
                requests.append(self._discovery_request(url, source, "listing"))
            if source.homepage and not (source.feeds or source.sitemaps or source.pages):
                requests.append(self._discovery_request(source.homepage, source, "home"))
            for request in requests:
                if request is not None:
                    yield request

    def _discovery_request(self, url: str, source: Source, role: str, probe: bool = False,
                           parent: str | None = None) -> Request | None:
        if url in self.nodes:
            return None  # two sources (or a sitemap index and a source) naming the same feed
        self.nodes[url] = _Node(url, parent, role, source.id)
        if parent is not None:
            self.nodes[parent].pending += 1
        headers = {}
        state = self.archive.catalog.fetch_state(url)
        if state is not None and not self.refresh and role in ("feed", "sitemap"):
            # Conditional GET: an unchanged feed costs the server a 304, not the whole body.
            if state["etag"]:
                headers["If-None-Match"] = state["etag"]
            if state["last_modified"]:
                headers["If-Modified-Since"] = state["last_modified"]
        callback = {"feed": self.parse_feed, "sitemap": self.parse_sitemap, "listing": self.parse_listing,
                    "home": self.parse_home}[role]
        return Request(url, callback=callback, errback=self.on_error, headers=headers, dont_filter=True,
                       meta={"source": source.id, "role": role, "probe": probe, "node": url, "parent": parent,
                             "handle_httpstatus_list": HANDLED_STATUSES}, priority=10)

    # -- bookkeeping of what each discovery URL led to -----------------------------------------------

    def settle(self, parent: str | None, ok: bool) -> None:
        """One request listed by ``parent`` is finished (``ok``: archived, skipped, or failed for good)."""
        node = self.nodes.get(parent) if parent else None
        if node is None:
            return
        node.pending -= 1
        if not ok:
            node.complete = False
        self._maybe_done(node)

    def _seal(self, node_url: str, ok: bool = True) -> None:
        node = self.nodes[node_url]
        node.sealed = True
        if not ok:
            node.complete = False
        self._maybe_done(node)

    def _maybe_done(self, node: _Node) -> None:
        if node.settled or not node.sealed or node.pending > 0:
            return
        if node.found == 0 and node.fallback is not None:
            fallback, node.fallback = node.fallback, None
            for request in fallback():
                self.crawler.engine.crawl(request)
            if node.pending > 0:
                return
        node.settled = True
        if node.role == "home" and node.found == 0 and node.complete:
            self.record_failure(node.source, node.url, "no feed, sitemap or article links found from the homepage")
        if node.complete and node.validators is not None:
            etag, modified = node.validators
            self.archive.catalog.set_fetch_state(node.url, etag, modified, None, _now())
        parent = self.nodes.get(node.parent) if node.parent else None
        if parent is not None:
            parent.found += node.found
        self.settle(node.parent, node.complete)

    def _keep_validators(self, response: Response) -> None:
        etag = response.headers.get(b"ETag")
        modified = response.headers.get(b"Last-Modified")
        node = self.nodes[response.meta["node"]]
        node.validators = (etag.decode("latin-1") if etag else None, modified.decode("latin-1") if modified else None)

    # -- discovery callbacks -------------------------------------------------------------------------

    def _check(self, response: Response) -> bool:
        """False (after recording why and settling the node) when a discovery response cannot be used."""
        source = response.meta["source"]
        node = response.meta["node"]
        if response.status == 304:
            # Unchanged since a crawl that archived everything it listed: it does lead to articles
            # (so a homepage is not read as a listing page instead).
            self.nodes[node].found += 1
            self._seal(node)
            return False
        if response.status >= 400:
            reason = f"HTTP {response.status}"
            if not response.meta.get("probe"):
                self.record_failure(source, response.url, reason)
            self._seal(node, ok=response.meta.get("probe") or not is_transient(reason))
            return False
        return True

    def _feed_problem(self, response: Response, message: str, ok: bool = True) -> None:
        if not response.meta.get("probe"):
            self.record_failure(response.meta["source"], response.url, message)
        self._seal(response.meta["node"], ok=ok)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        if not self._check(response):
            return
        source = self.sources[response.meta["source"]]
        body = response.body
        if not discovery.looks_like_feed(body) and discovery.looks_like_sitemap(body):
            yield from self.parse_sitemap(response)
            return
        try:
            result = read_feed(body, response.url)
        except FeedError as exc:
            self._feed_problem(response, str(exc))
            return
        if result.problem and not response.meta.get("probe"):
            self.record_failure(source.id, response.url, result.problem)
        self._keep_validators(response)
        node = response.meta["node"]
        for entry in result.entries:
            yield from self._article_request(source, entry, node)
        self._seal(node)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        if not self._check(response):
            return
        source = self.sources[response.meta["source"]]
        node = response.meta["node"]
        body = response.body
        if body[:2] == b"\x1f\x8b":
            from scrapy.utils.gz import gunzip

            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except Exception:  # noqa: BLE001 - any failure to gunzip is the same failure for us
                self._feed_problem(response, f"sitemap could not be decompressed ({_SIZE_REASON}?)")
                return
        try:
            entries, children = parse_sitemap(body, response.url)
        except FeedError as exc:
            self._feed_problem(response, str(exc))
            return
        self._keep_validators(response)
        for child in children:
            if source.allows(child):
                request = self._discovery_request(child, source, "sitemap", parent=node)
                if request is not None:
                    yield request
        # Newest first, so a crawl limited by --max-articles takes the recent articles.
        entries.sort(key=lambda e: e.lastmod or "", reverse=True)
        for entry in entries:
            yield from self._article_request(source, entry, node)
        self._seal(node)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        if not self._check(response):
            return
        source = self.sources[response.meta["source"]]
        node = response.meta["node"]
        here = canonical_url(response.url)
        for link in listing_links(response.body, response.url, _content_type(response)):
            if source.follows(link) and canonical_url(link) != here:
                yield from self._article_request(source, Entry(url=link), node)
        self._seal(node)

    def parse_home(self, response: Response) -> Iterator[Request]:
        """A source given only by its homepage: find its feeds, else try the usual places."""
        if not self._check(response):
            return
        source = self.sources[response.meta["source"]]
        node = response.meta["node"]
        ctype = _content_type(response)
        feeds = [f for f in discovery.feed_links(response.body, response.url, ctype) if source.allows(f)]
        # When no feed or sitemap leads anywhere, the homepage itself is read as a listing page.
        here = canonical_url(response.url)
        links = [link for link in listing_links(response.body, response.url, ctype)
                 if source.follows(link) and canonical_url(link) != here]
        self.nodes[node].fallback = lambda: [
            request for link in links for request in self._article_request(source, Entry(url=link), node)]
        requests: list[Request | None] = []
        if feeds:
            requests = [self._discovery_request(feed, source, "feed", parent=node) for feed in feeds[:3]]
        else:
            feed_paths, sitemap_paths = discovery.candidates(response.url)
            requests = [self._discovery_request(url, source, "feed", probe=True, parent=node) for url in feed_paths[:2]]
            requests += [self._discovery_request(url, source, "sitemap", probe=True, parent=node)
                         for url in sitemap_paths[:1]]
        for request in requests:
            if request is not None:
                yield request
        self._seal(node)

    # -- articles -------------------------------------------------------------------------------------

    def _article_request(self, source: Source, entry: Entry, parent: str) -> Iterator[Request]:
        if not source.allows(entry.url):
            return
        key = canonical_url(entry.url)
        if key in self.seen:
            return
        self.seen.add(key)
        self.nodes[parent].found += 1
        self.crawl_stats.add(source.id, "discovered")
        if not self.refresh:
            state = self.archive.catalog.fetch_state(key)
            if state is not None and not _changed_since_fetch(entry.lastmod, state):
                # Already archived and not changed since, as far as the sitemap says.
                self.crawl_stats.add(source.id, "skipped")
                return
        if self.max_articles is not None:
            if self.queued.get(source.id, 0) >= self.max_articles:
                self.nodes[parent].complete = False  # left for a later crawl
                return
            self.queued[source.id] = self.queued.get(source.id, 0) + 1
        self.nodes[parent].pending += 1
        # dont_filter: the spider deduplicates by canonical URL itself, and a redirect loop must reach
        # the redirect limit (a failure with a reason) rather than vanish in Scrapy's duplicate filter.
        yield Request(entry.url, callback=self.parse_article, errback=self.on_error, dont_filter=True,
                      meta={"source": source.id, "role": "article", "entry": entry, "parent": parent,
                            "handle_httpstatus_list": HANDLED_STATUSES})

    def parse_article(self, response: Response) -> Iterator[PageItem]:
        source = self.sources[response.meta["source"]]
        entry: Entry = response.meta["entry"]
        parent = response.meta.get("parent")
        self.crawl_stats.add(source.id, "fetched")
        if response.status >= 400:
            self._article_failed(source.id, response.url, f"HTTP {response.status}", parent)
            return
        body = response.body
        ctype = _content_type(response)
        item = PageItem(
            source=source.id, url=response.url, requested_url=response.request.meta.get("redirect_urls", [response.url])[0],
            status=response.status, body=body, response_headers=_headers(response.headers),
            request_headers=_headers(response.request.headers), kind=source.kind,
            source_organization=source.organization, lastmod=entry.lastmod, extra={"parent": parent},
        )
        if not body.strip():
            self._article_failed(source.id, response.url, "empty response body", parent)
            return
        lowered_type = (ctype or "").lower()
        if "pdf" in lowered_type or body.startswith(b"%PDF-"):
            item.note = "pdf"
            yield item  # kept as a capture: a PDF statement is evidence even without extracted text
            return
        html_like = not ctype or any(t in lowered_type for t in _HTML_TYPES) or _sniffs_as_html(body)
        if _looks_binary(body[:4096]):
            self._article_failed(source.id, response.url,
                                 f"binary content, not a page ({lowered_type.split(';')[0] or 'no type'})", parent)
            return
        if not html_like:
            self._article_failed(source.id, response.url, f"not an HTML page ({lowered_type.split(';')[0]})", parent)
            return
        try:
            extraction = extract(body, response.url, ctype, source.kind,
                                 {"title": entry.title, "published": entry.published, "authors": entry.authors})
        except Exception as exc:  # noqa: BLE001 - one odd page must not stop the crawl
            self._article_failed(source.id, response.url, f"extraction failed: {type(exc).__name__}: {exc}"[:200],
                                 parent)
            return
        if not extraction.text.strip():
            item.note = "no text"
            self.record_failure(source.id, response.url, "no article text found")
            yield item  # the capture is kept; the pipeline settles it
            return
        item.extracted = extraction.to_dict()
        yield item

    # -- failures --------------------------------------------------------------------------------------

    def on_error(self, failure: Failure) -> None:
        from twisted.internet import defer

        request = failure.request
        meta = request.meta
        # The URL the feed or source listed, not the last hop of a redirect chain.
        url = meta.get("redirect_urls", [request.url])[0]
        engine = getattr(self.crawler, "engine", None) if hasattr(self, "crawler") else None
        if engine is not None and not engine.running and failure.check(defer.CancelledError):
            return  # cut short by Ctrl-C: not a failure of the site; the next crawl fetches it
        reason = failure_reason(failure)
        role = meta.get("role")
        if role == "article":
            self.crawl_stats.add(meta.get("source"), "fetched")
            self._article_failed(meta.get("source"), url, reason, meta.get("parent"))
            return
        if not meta.get("probe"):
            self.record_failure(meta.get("source"), url, reason)
        node = meta.get("node")
        if node in self.nodes:
            self._seal(node, ok=bool(meta.get("probe")) or not is_transient(reason))

    def _article_failed(self, source: str, url: str, reason: str, parent: str | None) -> None:
        self.record_failure(source, url, reason)
        self.settle(parent, ok=not is_transient(reason))

    def record_failure(self, source: str, url: str, reason: str) -> None:
        self.crawl_stats.fail(source, url, reason)
        self.archive.record_failure(source, url, reason)


def _changed_since_fetch(lastmod: str | None, state: Any) -> bool:
    """True when a sitemap's ``lastmod`` is later than what the archived copy was fetched under."""
    new = _when(lastmod)
    if new is None:
        return False
    old = _when(state["lastmod"]) or _when(state["fetched_at"])
    return old is None or new > old


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    text = value.strip()
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        try:
            when = datetime.fromisoformat(text[:10])
        except ValueError:
            return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _content_type(response: Response) -> str | None:
    value = response.headers.get(b"Content-Type")
    return value.decode("latin-1") if value else None


def _headers(headers: Any) -> list[tuple[str, str]]:
    out = []
    for key, values in headers.items():
        for value in values:
            out.append((key.decode("latin-1"), value.decode("latin-1")))
    return out


def _sniffs_as_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def _looks_binary(sample: bytes) -> bool:
    """Bytes no text page has: NULs or many control characters (UTF-16 pages start with a BOM)."""
    if not sample or sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > 0.02 * len(sample)


# C0 control characters that text does not use (tab, newlines, form feed and escape are left out).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))


def _now() -> str:
    from archive.store import now_iso

    return now_iso()
