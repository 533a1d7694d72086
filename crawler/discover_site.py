"""`optout sources add` and `optout sources check`: find a site's feeds and sitemaps, and dry-run a source."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from crawler import discovery
from crawler.extract import extract
from crawler.feeds import FeedError, listing_links, parse_feed, parse_sitemap
from crawler.fetch import FetchError, fetch
from crawler.sources import Source, SourcesError, parse_sources


class DiscoveryError(ValueError):
    """Nothing usable was found, or the site could not be reached."""


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:40].strip("-") or "source"


def discover_source(url: str, source_id: str | None = None, kind: str = "news", name: str | None = None,
                    organization: str | None = None) -> tuple[Source, list[str]]:
    """Look at a homepage or section page and build a Source from the feeds and sitemaps it has."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise DiscoveryError(f"{url!r} is not an http(s) URL")
    report = []
    try:
        home = fetch(url)
    except FetchError as exc:
        raise DiscoveryError(str(exc)) from None
    page = extract(home.body, home.url, home.content_type)
    feeds = discovery.feed_links(home.body, home.url, home.content_type)
    report.append(f"{home.url}: {len(feeds)} feed link(s) on the page")
    host = urlsplit(home.url).hostname
    feeds = [f for f in feeds if urlsplit(f).hostname == host]
    working_feeds = []
    candidates_feeds, candidates_sitemaps = discovery.candidates(home.url)
    for feed in feeds or candidates_feeds[:4]:
        try:
            entries = parse_feed(fetch(feed).body, feed)
        except (FetchError, FeedError) as exc:
            if feeds:
                report.append(f"  feed {feed}: {exc}")
            continue
        if entries:
            working_feeds.append(feed)
            report.append(f"  feed {feed}: {len(entries)} items")
    sitemaps: list[str] = []
    try:
        robots = fetch(discovery.candidates(home.url)[1][0].replace("/sitemap.xml", "/robots.txt"), check_robots=False)
        sitemaps = discovery.robots_sitemaps(robots.body.decode("utf-8", "replace"), home.url)
    except FetchError:
        pass
    working_sitemaps = []
    for sm in sitemaps or candidates_sitemaps[:2]:
        try:
            body = fetch(sm).body
            entries, children = parse_sitemap(body, sm)
        except (FetchError, FeedError):
            continue
        working_sitemaps.append(sm)
        report.append(f"  sitemap {sm}: {len(entries)} URLs, {len(children)} child sitemaps")
        if len(working_sitemaps) >= 2:
            break
    pages = []
    if not working_feeds and not working_sitemaps:
        links = listing_links(home.body, home.url, home.content_type)
        if not links:
            raise DiscoveryError(f"{url}: no feed, sitemap or article links found")
        pages = [home.url]
        report.append(f"  no feed or sitemap: using the page as a listing page ({len(links)} links)")
    title = name or (page.title or host or "source")
    sid = source_id or _slug(re.sub(r"^www\.", "", host or title).split(".")[0])
    source = Source(id=sid, name=title, kind=kind, organization=organization, homepage=home.url,
                    feeds=working_feeds, sitemaps=working_sitemaps, pages=pages)
    try:
        parse_sources(source.to_toml(), "new source")
    except SourcesError as exc:
        raise DiscoveryError(str(exc)) from None
    return source, report


def check_source(source: Source, sample: int = 3) -> list[str]:
    """What a crawl of ``source`` would find and how its first articles extract, without archiving."""
    lines = [f"source {source.id}: {source.name} ({source.kind})"]
    urls: list[str] = []
    for feed in source.feeds:
        try:
            entries = parse_feed(fetch(feed).body, feed)
            lines.append(f"  feed {feed}: {len(entries)} article URLs")
            urls += [e.url for e in entries if source.allows(e.url)]
        except (FetchError, FeedError) as exc:
            lines.append(f"  feed {feed}: FAILED {exc}")
    for sm in source.sitemaps:
        try:
            entries, children = parse_sitemap(fetch(sm).body, sm)
            for child in children[:5]:
                more, _ = parse_sitemap(fetch(child).body, child)
                entries += more
            lines.append(f"  sitemap {sm}: {len(entries)} article URLs ({len(children)} child sitemaps)")
            urls += [e.url for e in entries if source.allows(e.url)]
        except (FetchError, FeedError) as exc:
            lines.append(f"  sitemap {sm}: FAILED {exc}")
    for page in source.pages:
        try:
            response = fetch(page)
            links = [u for u in listing_links(response.body, response.url, response.content_type) if source.follows(u)]
            lines.append(f"  listing {page}: {len(links)} article URLs")
            urls += links
        except FetchError as exc:
            lines.append(f"  listing {page}: FAILED {exc}")
    if not (source.feeds or source.sitemaps or source.pages) and source.homepage:
        lines.append(f"  homepage {source.homepage}: feeds are discovered at crawl time")
    urls = list(dict.fromkeys(urls))
    lines.append(f"  {len(urls)} distinct article URLs; extracting the first {min(sample, len(urls))}:")
    for url in urls[:sample]:
        try:
            response = fetch(url)
        except FetchError as exc:
            lines.append(f"    {url}: FAILED {exc}")
            continue
        ex = extract(response.body, response.url, response.content_type, source.kind)
        words = " ".join(ex.text.split()[:12])
        lines.append(f"    {url}\n      title: {ex.title!r}\n      date: {ex.published}  authors: {', '.join(ex.authors) or '-'}"
                     f"  kind: {ex.kind}\n      text: {len(ex.text.split())} words: {words} ...")
    return lines
