"""Discovery, one set of rules for the crawl, `optout sources add` and `optout sources check`: which feeds
and sitemaps a homepage leads to, in which order they are tried, and how a feed, sitemap or listing page
is read into article URLs.

A homepage is tried in stages, each only when the ones before led to no article:
  1. the feeds it links (``<link rel=alternate>`` and feed-looking anchors on its own host), else the
     usual feed paths (``CANDIDATE_FEED_PATHS``);
  2. the sitemaps its robots.txt names, else the usual sitemap paths (``CANDIDATE_SITEMAP_PATHS``);
  3. the homepage itself, read as a listing page.
`sources add` looks at stages 1 and 2 together (a source keeps every feed and sitemap that works) and
falls back to stage 3; a crawl of a source given only by its homepage walks the same stages in order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from archive import canonical_url
from crawler.encoding import decode_html
from crawler.feeds import Entry, FeedError, parse_sitemap, read_feed
from crawler.links import SKIP_LINK, safe_link, same_site
from crawler.sources import Source

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml",
              "application/xml", "text/xml")
# Where feeds and sitemaps usually live when a homepage does not link them, most common first.
CANDIDATE_FEED_PATHS = ("/feed/", "/rss.xml", "/feed.xml", "/atom.xml")
CANDIDATE_SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_index.xml")
# A homepage linking more feeds than this links per-section or per-tag feeds; the first ones are the main ones.
MAX_LINKED_FEEDS = 3
_FEED_HREF = re.compile(r"(/feed/?$|/rss/?$|\.rss$|rss\.xml$|atom\.xml$|/feed\.xml$)", re.IGNORECASE)


def feed_links(body: bytes, url: str, content_type: str | None = None) -> list[str]:
    """Feeds a page links to: <link rel="alternate" type="application/rss+xml"> and similar anchors."""
    from crawler.extract import parse_tree

    tree = parse_tree(decode_html(body, content_type))
    if tree is None:
        return []
    out = []
    for el in tree.iter("link"):
        rel = (el.get("rel") or "").lower().split()
        if "alternate" in rel and (el.get("type") or "").lower() in FEED_TYPES:
            link = safe_link(url, el.get("href"))
            if link and "comments" not in link.lower():
                out.append(link)
    for a in tree.iter("a"):
        href = a.get("href") or ""
        if _FEED_HREF.search(href):
            link = safe_link(url, href)
            if link and urlsplit(link).hostname == urlsplit(url).hostname:
                out.append(link)
    return list(dict.fromkeys(out))


def robots_sitemaps(robots_txt: str | bytes, url: str) -> list[str]:
    """The ``Sitemap:`` lines of a robots.txt (Scrapy's own reader), as safe absolute URLs."""
    from scrapy.utils.sitemap import sitemap_urls_from_robots

    links = (safe_link(url, link) for link in sitemap_urls_from_robots(robots_txt, base_url=url))
    return list(dict.fromkeys(link for link in links if link))


def robots_url(url: str) -> str:
    return urljoin(url, "/robots.txt")


def feed_candidates(home_url: str, linked: list[str]) -> tuple[list[str], bool]:
    """Stage 1: (feed URLs to try, whether they are guesses). Linked feeds on the homepage's own site
    come first; without any, the usual feed paths are probed (a miss there is no failure)."""
    own = [link for link in linked if same_site(link, home_url)]
    if own:
        return own[:MAX_LINKED_FEEDS], False
    root = urljoin(home_url, "/")
    return [urljoin(root, p) for p in CANDIDATE_FEED_PATHS], True


def sitemap_candidates(home_url: str, robots_txt: str | bytes | None) -> tuple[list[str], bool]:
    """Stage 2: (sitemap URLs to try, whether they are guesses): the ones robots.txt names on the
    homepage's site, else the usual sitemap paths."""
    named = [link for link in robots_sitemaps(robots_txt, home_url) if same_site(link, home_url)] if robots_txt else []
    if named:
        return named, False
    root = urljoin(home_url, "/")
    return [urljoin(root, p) for p in CANDIDATE_SITEMAP_PATHS], True


def looks_like_feed(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return head.startswith(b"<?xml") and (b"<rss" in body[:4096].lower() or b"<feed" in body[:4096].lower()) or \
        head.startswith(b"<rss") or head.startswith(b"<feed") or b"<rdf:rdf" in head


def looks_like_sitemap(body: bytes) -> bool:
    head = body[:4096].lower()
    return b"<urlset" in head or b"<sitemapindex" in head


def listing_links(body: bytes, url: str, content_type: str | None = None) -> list[str]:
    """Links on a listing page that may lead to articles (same host, not navigation or files).

    The whole page is read (no cut at the article extractor's size limit), streaming its ``<a>`` elements
    so that a page of 100,000 links stays within bounded time and memory.
    """
    here = urlsplit(url)
    origin = f"{here.scheme}://{here.netloc}"
    seen: set[str] = set()
    out: list[str] = []
    for href in _hrefs(body, content_type):
        if href in seen:
            continue
        seen.add(href)
        link = _resolve(origin, url, href)
        if not link:
            continue
        parts = urlsplit(link)
        if parts.hostname != here.hostname or SKIP_LINK.search(parts.path + ("?" + parts.query if parts.query else "")):
            continue
        if parts.path in ("", "/") or link.rstrip("/") == url.rstrip("/"):
            continue
        out.append(link)
    return list(dict.fromkeys(out))


def _resolve(origin: str, base: str, href: str) -> str | None:
    # Root-relative links (most of a big listing page) need no urljoin: it is half the cost per link.
    if href.startswith("/") and not href.startswith("//") and "\\" not in href:
        return origin + href.split("#")[0]
    return safe_link(base, href)


def _hrefs(body: bytes, content_type: str | None) -> Iterator[str]:
    """Every ``<a href>`` of a page, in order, parsed as a stream (elements are dropped once read)."""
    from io import BytesIO

    from lxml import etree

    data = decode_html(body, content_type).encode("utf-8", errors="replace")
    try:
        for _event, element in etree.iterparse(BytesIO(data), events=("end",), tag="a", html=True,
                                               encoding="utf-8", huge_tree=True, recover=True):
            href = (element.get("href") or "").strip()
            element.clear()
            while element.getprevious() is not None:  # siblings already read: keep memory flat
                del element.getparent()[0]
            if href:
                yield href
    except (etree.XMLSyntaxError, ValueError):
        return


@dataclass
class Listing:
    """What one feed, sitemap or listing page leads to."""

    role: str  # "feed" | "sitemap" | "listing" (a feed URL that serves a sitemap is read as a sitemap)
    entries: list[Entry] = field(default_factory=list)
    children: list[str] = field(default_factory=list)  # child sitemaps of a sitemap index
    problem: str | None = None  # a feed that was read in part, and why


def read(role: str, body: bytes, url: str, content_type: str | None, source: Source,
         max_size: int) -> Listing:
    """Read a feed, sitemap or listing page (``role``) of ``source`` the way a crawl does: only URLs
    the source allows, sitemap entries newest first. Raises FeedError for one that cannot be used."""
    if role == "feed" and not looks_like_feed(body) and looks_like_sitemap(body):
        role = "sitemap"
    if role == "feed":
        result = read_feed(body, url)
        return Listing("feed", [e for e in result.entries if source.allows(e.url)], [], result.problem)
    if role == "sitemap":
        if body[:2] == b"\x1f\x8b":
            from scrapy.utils.gz import gunzip

            from crawler.failures import SIZE_REASON

            try:
                body = gunzip(body, max_size=max_size)
            except Exception:  # noqa: BLE001 - any failure to gunzip is the same failure for us
                raise FeedError(f"sitemap could not be decompressed ({SIZE_REASON}?)") from None
        entries, children = parse_sitemap(body, url)
        # Newest first, so a crawl limited by --max-articles takes the recent articles.
        entries.sort(key=lambda e: e.lastmod or "", reverse=True)
        return Listing("sitemap", [e for e in entries if source.allows(e.url)],
                       [c for c in children if source.allows(c)])
    here = canonical_url(url)
    links = [link for link in listing_links(body, url, content_type)
             if source.follows(link) and canonical_url(link) != here]
    return Listing("listing", [Entry(url=link) for link in links])
