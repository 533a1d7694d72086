"""Discovering article URLs: RSS/Atom feeds (feedparser), sitemaps (Scrapy's sitemap utilities), listing pages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from crawler import dates

_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_SKIP_LINK = re.compile(
    r"(/(tag|tags|category|categories|author|authors|page|search|login|signin|subscribe|account|feed|rss|"
    r"wp-admin|wp-login|cart|privacy|terms|contact|about|join|donate|events?)(\.html?|\.php|/|$))|"
    r"\.(jpe?g|png|gif|svg|webp|css|js|ico|zip|mp3|mp4|mov|xml|rss|atom)(\?|$)|[?&](replytocom|share)=",
    re.IGNORECASE,
)


class FeedError(ValueError):
    """A feed or sitemap that cannot be used, with the reason."""


@dataclass
class Entry:
    """An article URL found by discovery, with what the feed or sitemap says of it."""

    url: str
    title: str | None = None
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    lastmod: str | None = None


def refuse_entities(body: bytes) -> None:
    """XML entity declarations are how entity-expansion bombs work; no real feed needs them."""
    if _ENTITY_DECL.search(body[:65536]):
        raise FeedError("feed declares XML entities (refused: possible entity-expansion bomb)")


def safe_link(base: str, href: str | None) -> str | None:
    """An absolute http(s) URL for ``href``, or None for file:, javascript:, data: and other schemes."""
    if not href:
        return None
    href = href.strip()
    absolute = urljoin(base, href)
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return absolute.split("#")[0]


def parse_feed(body: bytes, url: str) -> list[Entry]:
    """Entries of an RSS or Atom feed. Raises FeedError for a feed that cannot be read."""
    refuse_entities(body)
    import feedparser

    # feedparser must never fetch anything itself: it gets bytes, not a URL.
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    if not parsed.entries:
        if parsed.bozo:
            raise FeedError(f"malformed feed: {parsed.get('bozo_exception', 'unreadable')}".splitlines()[0][:200])
        return []
    out = []
    for item in parsed.entries:
        link = safe_link(url, item.get("link")) or next(
            (safe_link(url, link.get("href")) for link in item.get("links", []) if link.get("rel") == "alternate"), None)
        if link is None:
            continue
        published = None
        for key in ("published", "updated", "created"):
            raw = item.get(key)
            published = dates.parse_iso(raw) or dates.parse_rfc822(raw)
            if published:
                break
        authors = [a.get("name") for a in item.get("authors", []) if isinstance(a, dict) and a.get("name")]
        if not authors and item.get("author"):
            authors = [item["author"]]
        out.append(Entry(url=link, title=item.get("title"), published=published, authors=authors))
    return out


def parse_sitemap(body: bytes, url: str) -> tuple[list[Entry], list[str]]:
    """(article entries, child sitemap URLs) of a sitemap or sitemap index (news sitemaps included)."""
    refuse_entities(body)
    from scrapy.utils.sitemap import Sitemap

    try:
        sitemap = Sitemap(body)
    except Exception as exc:  # lxml raises several kinds for broken XML
        raise FeedError(f"malformed sitemap: {exc}"[:200]) from None
    entries, children = [], []
    for item in sitemap:
        loc = safe_link(url, item.get("loc"))
        if loc is None:
            continue
        if sitemap.type == "sitemapindex":
            children.append(loc)
            continue
        news = item.get("news") or {}
        published = dates.parse_iso(news.get("publication_date")) if isinstance(news, dict) else None
        title = news.get("title") if isinstance(news, dict) else None
        entries.append(Entry(url=loc, title=title, published=published, lastmod=item.get("lastmod")))
    if sitemap.type not in ("sitemapindex", "urlset"):
        raise FeedError(f"not a sitemap (root element {sitemap.type!r})")
    return entries, children


def listing_links(body: bytes, url: str, content_type: str | None = None) -> list[str]:
    """Links on a listing page that may lead to articles (same host, not navigation or files)."""
    from crawler.encoding import decode_html
    from crawler.extract import parse_tree

    tree = parse_tree(decode_html(body, content_type))
    if tree is None:
        return []
    here = urlsplit(url)
    out: list[str] = []
    for a in tree.iter("a"):
        link = safe_link(url, a.get("href"))
        if not link:
            continue
        parts = urlsplit(link)
        if parts.hostname != here.hostname or _SKIP_LINK.search(parts.path + ("?" + parts.query if parts.query else "")):
            continue
        if parts.path in ("", "/") or link.rstrip("/") == url.rstrip("/"):
            continue
        out.append(link)
    return list(dict.fromkeys(out))
