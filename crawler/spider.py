"""One generic spider driven by the sources file: feeds, sitemaps and listing pages -> articles."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import scrapy
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from archive import Archive, canonical_url
from crawler import discovery
from crawler.extract import extract
from crawler.feeds import Entry, FeedError, listing_links, parse_feed, parse_sitemap
from crawler.items import PageItem
from crawler.sources import Source
from crawler.stats import CrawlStats

# Error statuses reach the callbacks (after retries) so each failure is recorded with its reason;
# 3xx stay out of this list so redirects are still followed.
HANDLED_STATUSES = [304, *range(400, 600)]
_HTML_TYPES = ("text/html", "application/xhtml", "text/plain", "application/xml", "text/xml")


def failure_reason(failure: Failure) -> str:
    """A short human reason for a failed request."""
    exc = failure.value
    name = type(exc).__name__
    text = str(exc).splitlines()[0] if str(exc) else ""
    lowered = f"{name} {text}".lower()
    if "robots" in lowered or name == "IgnoreRequest" and "robots" in text.lower():
        return "disallowed by robots.txt"
    if "redirect" in lowered:
        return "too many redirects"
    if "timeout" in lowered or "timedout" in lowered:
        return "timed out"
    if "dns" in lowered or "lookup" in lowered:
        return "host not found"
    if "refused" in lowered:
        return "connection refused"
    if "maxsize" in lowered or "max size" in lowered or "larger than" in lowered or "cancelled" in lowered:
        return "response larger than the size limit"
    if "decompress" in lowered:
        return "response larger than the size limit (decompressed)"
    return f"{name}: {text}"[:200] if text else name


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

    # -- starting points -----------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        for source in self.sources.values():
            self.crawl_stats.add(source.id, "discovered", 0)
            for url in source.feeds:
                yield self._discovery_request(url, source, "feed")
            for url in source.sitemaps:
                yield self._discovery_request(url, source, "sitemap")
            for url in source.pages:
                yield self._discovery_request(url, source, "listing")
            if source.homepage and not (source.feeds or source.sitemaps or source.pages):
                yield self._discovery_request(source.homepage, source, "home")

    def _discovery_request(self, url: str, source: Source, role: str, probe: bool = False) -> Request:
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
        return Request(url, callback=callback, errback=self.on_error, headers=headers, dont_filter=False,
                       meta={"source": source.id, "role": role, "probe": probe,
                             "handle_httpstatus_list": HANDLED_STATUSES}, priority=10)

    # -- discovery callbacks -------------------------------------------------------------------------

    def _check(self, response: Response) -> bool:
        """False (after recording why) when a discovery response cannot be used."""
        source = response.meta["source"]
        if response.status == 304:
            return False
        if response.status >= 400:
            if not response.meta.get("probe"):
                self._fail(source, response.url, f"HTTP {response.status}")
            return False
        return True

    def _remember(self, response: Response) -> None:
        etag = response.headers.get(b"ETag")
        modified = response.headers.get(b"Last-Modified")
        self.archive.catalog.set_fetch_state(
            response.request.url, etag.decode("latin-1") if etag else None,
            modified.decode("latin-1") if modified else None, None, _now())

    def parse_feed(self, response: Response) -> Iterator[Request]:
        if not self._check(response):
            return
        source = self.sources[response.meta["source"]]
        if not discovery.looks_like_feed(response.body) and discovery.looks_like_sitemap(response.body):
            yield from self.parse_sitemap(response)
            return
        try:
            entries = parse_feed(response.body, response.url)
        except FeedError as exc:
            if not response.meta.get("probe"):
                self._fail(source.id, response.url, str(exc))
            return
        self._remember(response)
        for entry in entries:
            yield from self._article_request(source, entry)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        if not self._check(response):
            return
        source = self.sources[response.meta["source"]]
        body = response.body
        if body[:2] == b"\x1f\x8b":
            from scrapy.utils.gz import gunzip

            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except Exception:  # noqa: BLE001 - any failure to gunzip is the same failure for us
                self._fail(source.id, response.url, "sitemap could not be decompressed (or too large)")
                return
        try:
            entries, children = parse_sitemap(body, response.url)
        except FeedError as exc:
            if not response.meta.get("probe"):
                self._fail(source.id, response.url, str(exc))
            return
        self._remember(response)
        for child in children:
            if source.allows(child):
                yield self._discovery_request(child, source, "sitemap")
        # Newest first, so a crawl limited by --max-articles takes the recent articles.
        entries.sort(key=lambda e: e.lastmod or "", reverse=True)
        for entry in entries:
            yield from self._article_request(source, entry)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        if not self._check(response):
            return
        source = self.sources[response.meta["source"]]
        for link in listing_links(response.body, response.url, _content_type(response)):
            if source.follows(link) and canonical_url(link) != canonical_url(response.url):
                yield from self._article_request(source, Entry(url=link))

    def parse_home(self, response: Response) -> Iterator[Request]:
        """A source given only by its homepage: find its feeds, else try the usual places."""
        if not self._check(response):
            return
        source = self.sources[response.meta["source"]]
        feeds = [f for f in discovery.feed_links(response.body, response.url, _content_type(response))
                 if source.allows(f)]
        if feeds:
            for feed in feeds[:3]:
                yield self._discovery_request(feed, source, "feed")
            return
        feed_paths, sitemap_paths = discovery.candidates(response.url)
        for url in feed_paths[:2]:
            yield self._discovery_request(url, source, "feed", probe=True)
        for url in sitemap_paths[:1]:
            yield self._discovery_request(url, source, "sitemap", probe=True)

    # -- articles -------------------------------------------------------------------------------------

    def _article_request(self, source: Source, entry: Entry) -> Iterator[Request]:
        if not source.allows(entry.url):
            return
        key = canonical_url(entry.url)
        if key in self.seen:
            return
        self.seen.add(key)
        self.crawl_stats.add(source.id, "discovered")
        if not self.refresh:
            state = self.archive.catalog.fetch_state(key)
            if state is not None and not (entry.lastmod and (state["lastmod"] or "") < entry.lastmod):
                # Already archived and not changed since, as far as the sitemap says.
                self.crawl_stats.add(source.id, "skipped")
                return
        if self.max_articles is not None:
            if self.queued.get(source.id, 0) >= self.max_articles:
                return
            self.queued[source.id] = self.queued.get(source.id, 0) + 1
        yield Request(entry.url, callback=self.parse_article, errback=self.on_error,
                      meta={"source": source.id, "role": "article", "entry": entry,
                            "handle_httpstatus_list": HANDLED_STATUSES})

    def parse_article(self, response: Response) -> Iterator[PageItem]:
        source = self.sources[response.meta["source"]]
        entry: Entry = response.meta["entry"]
        self.crawl_stats.add(source.id, "fetched")
        if response.status >= 400:
            self._fail(source.id, response.url, f"HTTP {response.status}")
            return
        body = response.body
        ctype = _content_type(response)
        item = PageItem(
            source=source.id, url=response.url, requested_url=response.request.meta.get("redirect_urls", [response.url])[0],
            status=response.status, body=body, response_headers=_headers(response.headers),
            request_headers=_headers(response.request.headers), kind=source.kind,
            source_organization=source.organization, lastmod=entry.lastmod,
        )
        if not body.strip():
            self._fail(source.id, response.url, "empty response body")
            return
        if "pdf" in (ctype or "").lower() or body.startswith(b"%PDF"):
            item.note = "pdf"
            yield item  # kept as a capture: a PDF statement is evidence even without extracted text
            return
        if ctype and not any(t in ctype.lower() for t in _HTML_TYPES):
            self._fail(source.id, response.url, f"not an HTML page ({ctype.split(';')[0]})")
            return
        if b"\x00" in body[:2048] or _mostly_binary(body[:2048]):
            self._fail(source.id, response.url, "binary content, not a page")
            return
        extraction = extract(body, response.url, ctype, source.kind,
                             {"title": entry.title, "published": entry.published, "authors": entry.authors})
        if not extraction.text.strip():
            item.note = "no text"
            self._fail(source.id, response.url, "no article text found")
            yield item
            return
        item.extracted = extraction.to_dict()
        yield item

    # -- failures --------------------------------------------------------------------------------------

    def on_error(self, failure: Failure) -> None:
        request = failure.request
        if request.meta.get("probe"):
            return
        source = request.meta.get("source")
        if request.meta.get("role") == "article":
            self.crawl_stats.add(source, "fetched")
        self._fail(source, request.url, failure_reason(failure))

    def _fail(self, source: str, url: str, reason: str) -> None:
        self.crawl_stats.fail(source, url, reason)
        self.archive.record_failure(source, url, reason)


def _content_type(response: Response) -> str | None:
    value = response.headers.get(b"Content-Type")
    return value.decode("latin-1") if value else None


def _headers(headers: Any) -> list[tuple[str, str]]:
    out = []
    for key, values in headers.items():
        for value in values:
            out.append((key.decode("latin-1"), value.decode("latin-1")))
    return out


def _mostly_binary(sample: bytes) -> bool:
    if not sample:
        return False
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > 0.1 * len(sample)


def _now() -> str:
    from archive.store import now_iso

    return now_iso()
