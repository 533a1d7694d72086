"""`optout sources add` and `optout sources check`: the rules of crawler.discovery, walked with single polite
fetches (crawler.fetch) instead of a crawl, so that both find what a crawl would."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from crawler import discovery
from crawler.encoding import decode_html
from crawler.feeds import FeedError
from crawler.fetch import MAX_BYTES, FetchError, FetchResponse, fetch
from crawler.sources import Source, SourcesError, duplicate_of, parse_sources

MAX_SITEMAPS = 2  # a source keeps at most this many working sitemaps
MAX_CHILD_SITEMAPS = 5  # children of a sitemap index read by a dry run


class DiscoveryError(ValueError):
    """Nothing usable was found, or the site could not be reached."""


def normalize_url(text: str) -> str:
    """An http(s) URL from what a user typed: a bare host (``example.org``, ``example.org/news``) means
    https. DiscoveryError for anything else."""
    value = text.strip()
    if "://" not in value and re.match(r"^[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:\d+)?(/\S*)?$", value):
        value = "https://" + value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in value:
        raise DiscoveryError(f"{text!r} is not an http(s) URL")
    return value if parts.path else value + "/"


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:40].strip("-")


def default_id(host: str | None, site: str | None, taken: set[str] = frozenset()) -> str:  # type: ignore[assignment]
    """An id from the site's own name, else from its host name (never from an IP address), made unique
    among ``taken`` with a number."""
    base = _slug(site or "")
    if not base and host:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            base = _slug(re.sub(r"^www\.", "", host).split(".")[0])
    base = base or "source"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base[:36]}-{n}", n + 1
    return candidate


_GENERIC_TITLE = re.compile(r"^(home|homepage|home page|welcome|news|index|main page)$", re.IGNORECASE)


def site_name(body: bytes, content_type: str | None = None) -> str | None:
    """The site's own name from its homepage: og:site_name, else the page title without "Home"."""
    from crawler.extract import parse_tree

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


# -- reading one discovery URL ---------------------------------------------------------------------------

def read_url(role: str, url: str, source: Source) -> discovery.Listing:
    """Fetch a feed, sitemap or listing page and read it as a crawl would. FetchError or FeedError."""
    response = fetch(url)
    return discovery.read(role, response.body, response.url, response.content_type, source, MAX_BYTES)


def _robots_txt(url: str) -> bytes | None:
    try:
        response = fetch(discovery.robots_url(url), check_robots=False)
    except FetchError:
        return None
    return response.body


@dataclass
class SiteFindings:
    """What a homepage leads to, by the stages of crawler.discovery."""

    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    report: list[str] = field(default_factory=list)


def find_site(home: FetchResponse) -> SiteFindings:
    """Every feed and sitemap of the site that works (stages 1 and 2), else the homepage as a listing
    page (stage 3). DiscoveryError when none of them leads to an article URL."""
    out = SiteFindings()
    linked = discovery.feed_links(home.body, home.url, home.content_type)
    out.report.append(f"{home.url}: {len(linked)} feed link(s) on the page")
    feeds, guessed = discovery.feed_candidates(home.url, linked)
    for feed in feeds:
        probe = Source(id="probe", name="probe", homepage=home.url, feeds=[feed])
        try:
            listing = read_url("feed", feed, probe)
        except (FetchError, FeedError) as exc:
            if not guessed:
                out.report.append(f"  feed {feed}: {exc}")
            continue
        if listing.entries:
            out.feeds.append(feed)
            out.report.append(f"  feed {feed}: {len(listing.entries)} items")
    sitemaps, guessed = discovery.sitemap_candidates(home.url, _robots_txt(home.url))
    if not guessed:
        out.report.append(f"  robots.txt names {len(sitemaps)} sitemap(s)")
    for sm in sitemaps:
        probe = Source(id="probe", name="probe", homepage=home.url, sitemaps=[sm])
        try:
            listing = read_url("sitemap", sm, probe)
        except (FetchError, FeedError) as exc:
            if not guessed:
                out.report.append(f"  sitemap {sm}: {exc}")
            continue
        out.sitemaps.append(sm)
        out.report.append(f"  sitemap {sm}: {len(listing.entries)} URLs, {len(listing.children)} child sitemaps")
        if len(out.sitemaps) >= MAX_SITEMAPS:
            break
    if not out.feeds and not out.sitemaps:
        probe = Source(id="probe", name="probe", homepage=home.url)
        links = discovery.read("listing", home.body, home.url, home.content_type, probe, MAX_BYTES).entries
        if not links:
            raise DiscoveryError(f"{home.url}: no feed, sitemap or article links found")
        out.pages = [home.url]
        out.report.append(f"  no feed or sitemap: using the page as a listing page ({len(links)} links)")
    return out


# -- sources add -------------------------------------------------------------------------------------------

def discover_source(url: str, source_id: str | None = None, kind: str | None = None, name: str | None = None,
                    organization: str | None = None, existing: list[Source] | None = None) -> tuple[Source, list[str]]:
    """Look at a homepage or section page and build a Source from the feeds and sitemaps it has (a feed
    or sitemap URL given directly is used as it is). ``existing`` sources are not added again: the same
    homepage, feed or sitemap is refused, and a generated id never takes one of theirs."""
    url = normalize_url(url)
    existing = existing or []
    _refuse_duplicate(Source(id=source_id or "new", name="new", homepage=url), existing)
    try:
        home = fetch(url)
    except FetchError as exc:
        raise DiscoveryError(str(exc)) from None
    host = urlsplit(home.url).hostname
    taken = {s.id for s in existing}
    if discovery.looks_like_feed(home.body) or discovery.looks_like_sitemap(home.body):
        source, report = _direct_source(home, kind, name, organization)
    else:
        found = find_site(home)
        title = name or site_name(home.body, home.content_type) or host or "source"
        source = Source(id="new", name=title, kind=kind, organization=organization, homepage=home.url,
                        feeds=found.feeds, sitemaps=found.sitemaps, pages=found.pages)
        report = found.report
        if not name and title != host:
            report.append(f"  named {title!r} after the site's own name")
    source.id = source_id or default_id(host, source.name if source.name != host else None, taken)
    _refuse_duplicate(source, existing)
    return _finish(source, report)


def _refuse_duplicate(source: Source, existing: list[Source]) -> None:
    twin = duplicate_of(source, existing)
    if twin is not None:
        raise DiscoveryError(f"a source with this {twin[1]} already exists: {twin[0].id!r} ({twin[2]})")


def _direct_source(response: FetchResponse, kind: str | None, name: str | None,
                   organization: str | None) -> tuple[Source, list[str]]:
    """A source from a feed or sitemap URL given directly."""
    host = urlsplit(response.url).hostname
    report: list[str] = []
    probe = Source(id="probe", name="probe", feeds=[response.url])
    try:
        listing = discovery.read("feed", response.body, response.url, response.content_type, probe, MAX_BYTES)
    except FeedError as exc:
        raise DiscoveryError(f"{response.url}: {exc}") from None
    if listing.role == "sitemap":
        report.append(f"{response.url}: a sitemap with {len(listing.entries)} URLs, "
                      f"{len(listing.children)} child sitemaps")
        feeds, sitemaps = [], [response.url]
    else:
        report.append(f"{response.url}: a feed with {len(listing.entries)} items")
        feeds, sitemaps = [response.url], []
    return Source(id="new", name=name or host or "source", kind=kind, organization=organization,
                  feeds=feeds, sitemaps=sitemaps), report


def _finish(source: Source, report: list[str]) -> tuple[Source, list[str]]:
    try:
        parse_sources(source.to_toml(), "new source")
    except SourcesError as exc:
        raise DiscoveryError(str(exc)) from None
    return source, report


# -- sources check -----------------------------------------------------------------------------------------

def _check_sitemap(sm: str, source: Source, lines: list[str]) -> list[str]:
    listing = read_url("sitemap", sm, source)
    entries = list(listing.entries)
    for child in listing.children[:MAX_CHILD_SITEMAPS]:
        try:
            entries += read_url("sitemap", child, source).entries
        except (FetchError, FeedError) as exc:
            lines.append(f"  child sitemap {child}: FAILED {exc}")
    lines.append(f"  sitemap {sm}: {len(entries)} article URLs ({len(listing.children)} child sitemaps)")
    return [e.url for e in entries]


def _discovered_urls(source: Source, lines: list[str]) -> list[str]:
    """Article URLs of every feed, sitemap and listing page of ``source``, as a crawl reads them."""
    urls: list[str] = []
    for role, label, values in (("feed", "feed", source.feeds), ("sitemap", "sitemap", source.sitemaps),
                                ("listing", "listing", source.pages)):
        for url in values:
            try:
                if role == "sitemap":
                    urls += _check_sitemap(url, source, lines)
                    continue
                entries = read_url(role, url, source).entries
            except (FetchError, FeedError) as exc:
                lines.append(f"  {label} {url}: FAILED {exc}")
                continue
            lines.append(f"  {label} {url}: {len(entries)} article URLs")
            urls += [e.url for e in entries]
    return list(dict.fromkeys(urls))


def _extraction_lines(url: str, source: Source, page_kinds: list[str | None]) -> list[str]:
    """How one article extracts; the kind the page itself reads as is added to ``page_kinds``."""
    from crawler.extract import extract_page

    try:
        response = fetch(url)
    except FetchError as exc:
        return [f"    {url}: FAILED {exc}"]
    try:
        ex = extract_page(response.body, response.url, response.content_type, source.kind, time_zone=source.time_zone)
    except Exception as exc:  # noqa: BLE001 - a dry run reports every problem and goes on
        return [f"    {url}: extraction FAILED {type(exc).__name__}: {exc}"]
    page_kinds.append(ex.page_kind)
    words = " ".join(ex.text.split()[:12])
    return [f"    {url}\n      title: {ex.title!r}\n      date: {ex.published}  authors: {', '.join(ex.authors) or '-'}"
            f"  kind: {ex.kind}\n      text: {len(ex.text.split())} words: {words} ..."]


def check_source(source: Source, sample: int = 3) -> list[str]:
    """What a crawl of ``source`` would find and how its first articles extract, without archiving.
    A source given only by its homepage is discovered first, by the same stages as a crawl."""
    lines = [f"source {source.id}: {source.name} ({source.kind or 'kind read from each page'})"]
    if not (source.feeds or source.sitemaps or source.pages) and source.homepage:
        try:
            found = find_site(fetch(source.homepage))
        except FetchError as exc:
            raise DiscoveryError(str(exc)) from None
        lines.append(f"  homepage {source.homepage}: discovered as a crawl would")
        lines += ["  " + line for line in found.report]
        source = Source(**{**source.__dict__, "feeds": found.feeds, "sitemaps": found.sitemaps, "pages": found.pages})
    urls = _discovered_urls(source, lines)
    lines.append(f"  {len(urls)} distinct article URLs; extracting the first {min(sample, len(urls))}:")
    page_kinds: list[str | None] = []
    for url in urls[:sample]:
        lines += _extraction_lines(url, source, page_kinds)
    if source.kind:
        from crawler.kinds import kind_disagreement

        warning = kind_disagreement(source.kind, page_kinds)
        if warning:
            lines.append(f"  warning: {warning}")
    return lines


__all__ = ["DiscoveryError", "check_source", "discover_source", "find_site", "normalize_url",
           "site_name"]
