"""Feeds: RSS/Atom (feedparser) and sitemaps (Scrapy's sitemap utilities), the machine-readable lists of a
site's articles. Finding them and reading listing pages is crawler.discovery; link safety is crawler.links."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.sax import SAXParseException

from crawler import dates
from crawler.links import safe_link

_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
# The document type declaration comes before the root element, so the start of a file is enough.
_HEAD_BYTES = 1 << 20


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


def _xml_head_texts(body: bytes) -> list[bytes]:
    """The start of ``body`` as bytes, and re-encoded as UTF-8 when it is written in UTF-16 or UTF-32
    (a byte search would not see an entity declaration spelled in two-byte characters)."""
    head = body[:_HEAD_BYTES]
    texts = [head]
    if b"\x00" in head[:64]:
        even = head[: len(head) - len(head) % 4]
        for encoding in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
            try:
                texts.append(even.decode(encoding).encode("utf-8", "replace"))
            except UnicodeDecodeError:
                continue
    return texts


def refuse_entities(body: bytes) -> None:
    """XML entity declarations are how entity-expansion bombs work; no real feed needs them."""
    for text in _xml_head_texts(body):
        if _ENTITY_DECL.search(text):
            raise FeedError("feed declares XML entities (refused: possible entity-expansion bomb)")


@dataclass
class FeedResult:
    """What a feed yielded; ``problem`` says what was wrong with it when it was not well-formed."""

    entries: list[Entry]
    problem: str | None = None


def read_feed(body: bytes, url: str) -> FeedResult:
    """Entries of an RSS or Atom feed. A feed that is not well-formed XML keeps whatever entries can
    still be read, with the problem named; FeedError when nothing at all can be read."""
    refuse_entities(body)
    import feedparser

    # feedparser must never fetch anything itself: it gets bytes, not a URL.
    parsed = feedparser.parse(body, sanitize_html=False, resolve_relative_uris=False)
    problem = None
    if parsed.bozo:
        exc = parsed.get("bozo_exception")
        detail = (str(exc).splitlines() or [""])[0][:160] if exc is not None else "unreadable"
        if isinstance(exc, SAXParseException) or not parsed.entries:
            problem = f"malformed feed: {detail}"
    if not parsed.entries:
        if problem:
            raise FeedError(problem)
        return FeedResult([])
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
    if problem:
        problem = f"{problem} ({len(out)} entries could still be read)"
    return FeedResult(out, problem)


def parse_feed(body: bytes, url: str) -> list[Entry]:
    """Entries of an RSS or Atom feed. Raises FeedError for a feed that cannot be read."""
    return read_feed(body, url).entries


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
