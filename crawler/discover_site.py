"""`optout sources add` and `optout sources check`: find a site's feeds and sitemaps, and dry-run a source."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from crawler import discovery
from crawler.encoding import decode_html
from crawler.extract import extract, parse_tree
from crawler.feeds import FeedError, listing_links, parse_feed, parse_sitemap
from crawler.fetch import FetchError, FetchResponse, fetch
from crawler.sources import Source, SourcesError, parse_sources


class DiscoveryError(ValueError):
    """Nothing usable was found, or the site could not be reached."""


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:40].strip("-") or "source"


def discover_source(url: str, source_id: str | None = None, kind: str = "news", name: str | None = None,
                    organization: str | None = None) -> tuple[Source, list[str]]:
    """Look at a homepage or section page and build a Source from the feeds and sitemaps it has.
    A feed or sitemap URL given directly is used as it is."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DiscoveryError(f"{url!r} is not an http(s) URL")
    report = []
    try:
        home = fetch(url)
    except FetchError as exc:
        raise DiscoveryError(str(exc)) from None
    host = urlsplit(home.url).hostname
    if discovery.looks_like_feed(home.body) or discovery.looks_like_sitemap(home.body):
        return _direct_source(home, source_id, kind, name, organization, report)
    feeds = discovery.feed_links(home.body, home.url, home.content_type)
    report.append(f"{home.url}: {len(feeds)} feed link(s) on the page")
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
        robots = fetch(urljoin(home.url, "/robots.txt"), check_robots=False)
        sitemaps = discovery.robots_sitemaps(robots.body.decode("utf-8", "replace"), home.url)
        if sitemaps:
            report.append(f"  robots.txt names {len(sitemaps)} sitemap(s)")
    except FetchError:
        pass
    working_sitemaps = []
    for sm in sitemaps or candidates_sitemaps[:2]:
        try:
            entries, children = parse_sitemap(fetch(sm).body, sm)
        except (FetchError, FeedError) as exc:
            if sitemaps:
                report.append(f"  sitemap {sm}: {exc}")
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
    title = name or site_name(home.body, home.content_type) or host or "source"
    return _finish(Source(id=source_id or _default_id(host, title), name=title, kind=kind, organization=organization,
                          homepage=home.url, feeds=working_feeds, sitemaps=working_sitemaps, pages=pages), report)


_GENERIC_TITLE = re.compile(r"^(home|homepage|home page|welcome|news|index|main page)$", re.IGNORECASE)


def site_name(body: bytes, content_type: str | None = None) -> str | None:
    """The site's own name from its homepage: og:site_name, else the page title without "Home"."""
    tree = parse_tree(decode_html(body, content_type))
    if tree is None:
        return None
    for meta in tree.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() in ("og:site_name", "application-name"):
            value = " ".join((meta.get("content") or "").split())
            if value:
                return value[:120]
    titles = [" ".join(t.text_content().split()) for t in tree.iter("title")]
    if not titles or not titles[0]:
        return None
    parts = [p.strip() for p in re.split(r"\s+[|\u2013\u2014:-]\s+", titles[0]) if p.strip()]
    parts = [p for p in parts if not _GENERIC_TITLE.match(p)] or parts
    return max(parts, key=len)[:120] if parts else None


def _default_id(host: str | None, title: str) -> str:
    return _slug(re.sub(r"^www\.", "", host or title).split(".")[0])


def _direct_source(response: FetchResponse, source_id: str | None, kind: str, name: str | None,
                   organization: str | None, report: list[str]) -> tuple[Source, list[str]]:
    """A source from a feed or sitemap URL given directly."""
    host = urlsplit(response.url).hostname
    try:
        if discovery.looks_like_sitemap(response.body) and not discovery.looks_like_feed(response.body):
            entries, children = parse_sitemap(response.body, response.url)
            report.append(f"{response.url}: a sitemap with {len(entries)} URLs, {len(children)} child sitemaps")
            feeds, sitemaps = [], [response.url]
        else:
            entries = parse_feed(response.body, response.url)
            report.append(f"{response.url}: a feed with {len(entries)} items")
            feeds, sitemaps = [response.url], []
    except FeedError as exc:
        raise DiscoveryError(f"{response.url}: {exc}") from None
    title = name or host or "source"
    return _finish(Source(id=source_id or _default_id(host, title), name=title, kind=kind, organization=organization,
                          feeds=feeds, sitemaps=sitemaps), report)


def _finish(source: Source, report: list[str]) -> tuple[Source, list[str]]:
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
                try:
                    entries += parse_sitemap(fetch(child).body, child)[0]
                except (FetchError, FeedError) as exc:
                    lines.append(f"  child sitemap {child}: FAILED {exc}")
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
        try:
            ex = extract(response.body, response.url, response.content_type, source.kind)
        except Exception as exc:  # noqa: BLE001 - a dry run reports every problem and goes on
            lines.append(f"    {url}: extraction FAILED {type(exc).__name__}: {exc}")
            continue
        words = " ".join(ex.text.split()[:12])
        lines.append(f"    {url}\n      title: {ex.title!r}\n      date: {ex.published}  authors: {', '.join(ex.authors) or '-'}"
                     f"  kind: {ex.kind}\n      text: {len(ex.text.split())} words: {words} ...")
    return lines
