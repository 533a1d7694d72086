"""Finding a site's feeds and sitemaps from its homepage, <link rel=alternate> tags and robots.txt."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from crawler.encoding import decode_html
from crawler.feeds import safe_link

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml",
              "application/xml", "text/xml")
# Where feeds and sitemaps usually live when a homepage does not link them.
COMMON_FEED_PATHS = ("/feed/", "/rss.xml", "/feed.xml", "/atom.xml", "/rss/", "/index.xml", "/news/feed/")
COMMON_SITEMAP_PATHS = ("/sitemap.xml", "/sitemap_index.xml", "/news-sitemap.xml", "/sitemap-news.xml")


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
        if re.search(r"(/feed/?$|/rss/?$|\.rss$|rss\.xml$|atom\.xml$|/feed\.xml$)", href, re.IGNORECASE):
            link = safe_link(url, href)
            if link and urlsplit(link).hostname == urlsplit(url).hostname:
                out.append(link)
    return list(dict.fromkeys(out))


def robots_sitemaps(robots_txt: str, url: str) -> list[str]:
    """Sitemap: lines of a robots.txt."""
    out = []
    for line in robots_txt.splitlines():
        m = re.match(r"\s*sitemap\s*:\s*(\S+)", line, re.IGNORECASE)
        if m:
            link = safe_link(url, m.group(1))
            if link:
                out.append(link)
    return list(dict.fromkeys(out))


def candidates(url: str) -> tuple[list[str], list[str]]:
    """Common feed and sitemap URLs to try for the site of ``url``."""
    root = urljoin(url, "/")
    return ([urljoin(root, p) for p in COMMON_FEED_PATHS], [urljoin(root, p) for p in COMMON_SITEMAP_PATHS])


def looks_like_feed(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return head.startswith(b"<?xml") and (b"<rss" in body[:4096].lower() or b"<feed" in body[:4096].lower()) or \
        head.startswith(b"<rss") or head.startswith(b"<feed") or b"<rdf:rdf" in head


def looks_like_sitemap(body: bytes) -> bool:
    head = body[:4096].lower()
    return b"<urlset" in head or b"<sitemapindex" in head
