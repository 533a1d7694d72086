"""One generic spider driven by the sources file: feeds, sitemaps and listing pages -> articles."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy import signals
from scrapy.http import Request, Response
from twisted.python.failure import Failure

from archive import Archive, canonical_url
from crawler import discovery
from crawler import stats as crawl_stats
from crawler.failures import failure_reason, is_transient, page_failed
from crawler.feeds import Entry, FeedError
from crawler.items import PageItem
from crawler.sources import Source

# Error statuses reach the callbacks (after retries) so each failure is recorded with its reason;
# 3xx stay out of this list so redirects are still followed.
HANDLED_STATUSES = [304, *range(400, 600)]


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
    # Further stages to try, in order, while it has led to no article (see crawler.discovery).
    fallbacks: list[Callable[[], list[Request]]] = field(default_factory=list)
    complete: bool = True  # False once a child failed for a passing reason or was left for later
    sealed: bool = False  # every child request has been created
    validators: tuple[str | None, str | None] | None = None
    settled: bool = False


class ArchiveSpider(scrapy.Spider):
    """Walks every source's feeds, sitemaps and listing pages and yields each article page, raw, to the
    item pipeline (extraction, then the archive). It counts what it discovers and fetches in Scrapy's
    stats and reports failed requests with the ``page_failed`` signal; Scrapy's item signals tell it
    when a page it listed is done, so that a feed's validators are kept only once all it listed is."""

    name = "optout"

    def __init__(self, sources: list[Source], archive: Archive, refresh: bool = False,
                 max_articles: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.sources = {s.id: s for s in sources}
        self.archive = archive
        self.refresh = refresh
        self.max_articles = max_articles
        self.seen: set[str] = set()
        self.queued: dict[str, int] = {}
        self.nodes: dict[str, _Node] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ArchiveSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._item_archived, signal=signals.item_scraped)
        crawler.signals.connect(spider._item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(spider._item_error, signal=signals.item_error)
        return spider

    # -- reporting -------------------------------------------------------------------------------------

    def _count(self, source: str, name: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(crawl_stats.key(source, name), n)

    def _fail(self, source: str, url: str, reason: str) -> None:
        self.crawler.signals.send_catch_log(signal=page_failed, source=source, url=url, reason=reason, spider=self)

    def _item_archived(self, item: PageItem, response: Any = None, spider: Any = None) -> None:
        self.settle(item.parent, ok=True)

    def _item_dropped(self, item: PageItem, response: Any = None, exception: BaseException | None = None,
                      spider: Any = None) -> None:
        self.settle(item.parent, ok=not is_transient(str(exception)))

    def _item_error(self, item: PageItem, response: Any = None, spider: Any = None, failure: Any = None) -> None:
        self.settle(item.parent, ok=False)

    # -- starting points -----------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        for source in self.sources.values():
            self._count(source.id, "discovered", 0)
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
        callback = {"home": self.parse_home, "robots": self.parse_robots}.get(role, self.parse_discovery)
        meta = {"source": source.id, "role": role, "probe": probe, "node": url, "parent": parent,
                "handle_httpstatus_list": HANDLED_STATUSES}
        if role == "robots":
            meta["dont_obey_robotstxt"] = True  # reading robots.txt itself, for its Sitemap: lines
        return Request(url, callback=callback, errback=self.on_error, headers=headers, dont_filter=True,
                       meta=meta, priority=10)

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
        while node.found == 0 and node.fallbacks:
            for request in node.fallbacks.pop(0)():
                self.crawler.engine.crawl(request)
            if node.pending > 0:
                return
        node.settled = True
        if node.role == "home" and node.found == 0 and node.complete:
            self._fail(node.source, node.url, "no feed, sitemap or article links found from the homepage")
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
                self._fail(source, response.url, reason)
            self._seal(node, ok=response.meta.get("probe") or not is_transient(reason))
            return False
        return True

    def _feed_problem(self, response: Response, message: str, ok: bool = True) -> None:
        if not response.meta.get("probe"):
            self._fail(response.meta["source"], response.url, message)
        self._seal(response.meta["node"], ok=ok)

    def parse_discovery(self, response: Response) -> Iterator[Request]:
        """A feed, sitemap or listing page: the article URLs it lists, and a sitemap index's children."""
        if not self._check(response):
            return
        source = self.sources[response.meta["source"]]
        node = response.meta["node"]
        try:
            listing = discovery.read(response.meta["role"], response.body, response.url, _content_type(response),
                                     source, self.settings.getint("DOWNLOAD_MAXSIZE"))
        except FeedError as exc:
            self._feed_problem(response, str(exc))
            return
        if listing.problem and not response.meta.get("probe"):
            self._fail(source.id, response.url, listing.problem)
        if listing.role != "listing":
            self._keep_validators(response)
        for child in listing.children:
            request = self._discovery_request(child, source, "sitemap", parent=node)
            if request is not None:
                yield request
        for entry in listing.entries:
            yield from self._article_request(source, entry, node)
        self._seal(node)

    def parse_home(self, response: Response) -> Iterator[Request]:
        """A source given only by its homepage: the stages of crawler.discovery, one after the other."""
        if not self._check(response):
            return
        source = self.sources[response.meta["source"]]
        node = response.meta["node"]
        ctype = _content_type(response)
        linked = [f for f in discovery.feed_links(response.body, response.url, ctype) if source.allows(f)]
        feeds, guessed = discovery.feed_candidates(response.url, linked)
        links = discovery.read("listing", response.body, response.url, ctype, source, 0).entries
        home_url = response.url

        def robots() -> list[Request]:
            request = self._discovery_request(discovery.robots_url(home_url), source, "robots", probe=True,
                                              parent=node)
            return [request] if request is not None else []

        def listing() -> list[Request]:
            return [request for entry in links for request in self._article_request(source, entry, node)]

        self.nodes[node].fallbacks = [robots, listing]
        for feed in feeds:
            request = self._discovery_request(feed, source, "feed", probe=guessed, parent=node)
            if request is not None:
                yield request
        self._seal(node)

    def parse_robots(self, response: Response) -> Iterator[Request]:
        """The second stage of a homepage source: the sitemaps robots.txt names, else the usual ones."""
        source = self.sources[response.meta["source"]]
        node = response.meta["node"]
        home = self.nodes[node].parent or response.url
        text = response.body if response.status < 300 else None
        sitemaps, guessed = discovery.sitemap_candidates(home, text)
        for url in sitemaps:
            if source.allows(url):
                request = self._discovery_request(url, source, "sitemap", probe=guessed, parent=node)
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
        self._count(source.id, "discovered")
        if not self.refresh:
            state = self.archive.catalog.fetch_state(key)
            if state is not None and not _changed_since_fetch(entry.lastmod, state):
                # Already archived and not changed since, as far as the sitemap says.
                self._count(source.id, "skipped")
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
        """An article page, raw: the pipeline's extraction stage decides what it is."""
        source = self.sources[response.meta["source"]]
        entry: Entry = response.meta["entry"]
        parent = response.meta.get("parent")
        self._count(source.id, "fetched")
        if response.status >= 400:
            self._article_failed(source.id, response.url, f"HTTP {response.status}", parent)
            return
        yield PageItem(
            source=source.id, url=response.url, requested_url=response.request.meta.get("redirect_urls", [response.url])[0],
            status=response.status, body=response.body, response_headers=_headers(response.headers),
            request_headers=_headers(response.request.headers), kind=source.kind,
            content_type=_content_type(response), source_organization=source.organization,
            time_zone=source.time_zone, hints={"title": entry.title, "published": entry.published, "authors": entry.authors},
            lastmod=entry.lastmod, parent=parent,
        )

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
            self._count(meta.get("source"), "fetched")
            self._article_failed(meta.get("source"), url, reason, meta.get("parent"))
            return
        if not meta.get("probe"):
            self._fail(meta.get("source"), url, reason)
        node = meta.get("node")
        if node in self.nodes:
            self._seal(node, ok=bool(meta.get("probe")) or not is_transient(reason))

    def _article_failed(self, source: str, url: str, reason: str, parent: str | None) -> None:
        self._fail(source, url, reason)
        self.settle(parent, ok=not is_transient(reason))


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


def _now() -> str:
    from archive.store import now_iso

    return now_iso()
