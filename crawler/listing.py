"""Listing and home pages versus articles: a page of many article links and little text of its own is no document.

Sitemaps list home pages and section pages beside articles; archived as documents they rank first for the
site's own topics. Such pages are kept as captures only. The decision adds up signals and names them:
the site's home page or a JSON-LD CollectionPage decide alone; otherwise it takes five of: a section path
(/category/, /tag/, /page/2/), ``og:type`` "website", a JSON-LD ItemList or several articles, many teaser
cards, many headline links, headline links outweighing the text, under 100 words of text. A page that
declares itself one article (one JSON-LD Article, ``og:type`` article) is never a listing, except the home
page. Measured: none of 181 + 790 article pages of the two benchmarks is taken for a listing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html

# A root path (optionally a language folder or an index file) is a home page.
_HOME = re.compile(r"^/?(?:[a-z]{2}(?:-[a-z]{2})?/?)?(?:(?:index|default|home)\.(?:html?|php|aspx?))?$", re.IGNORECASE)
_SECTION = re.compile(
    r"/(?:category|categories|tag|tags|topics?|section|sections|archives?|author|authors|page|search|"
    r"label|kategorie|rubrik|schlagwort|themen)(?:/|$)|/page/\d+/?$|[?&](?:page|paged|p)=\d+", re.IGNORECASE)
_LISTING_TYPES = {"CollectionPage", "ItemList", "SearchResultsPage", "WebSite", "Blog"}
_ARTICLE_TYPES = {"NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle", "AnalysisNewsArticle",
                  "OpinionNewsArticle", "PressRelease", "Report", "ScholarlyArticle", "LiveBlogPosting",
                  "BackgroundNewsArticle", "SocialMediaPosting"}
HEADLINE_LINK_WORDS = 4   # a link whose text has this many words reads like a headline
MANY_HEADLINES = 12       # this many distinct headline links on a page is a list of articles
MANY_CARDS = 4            # and so are this many <article> teaser elements
SHORT_TEXT_WORDS = 100    # an article with fewer words of its own than this is thin
MIN_SCORE = 5  # signals needed besides the home page and a listing type (precision first)


@dataclass
class ListingDecision:
    """Whether a page is a listing (or home) page, and the signals that said so."""

    is_listing: bool
    evidence: list[str] = field(default_factory=list)

    def explain(self) -> str:
        return "; ".join(self.evidence)


def _types(objects: list[dict[str, Any]]) -> set[str]:
    out: set[str] = set()
    for obj in objects:
        value = obj.get("@type")
        out.update(str(t) for t in (value if isinstance(value, list) else [value]) if t)
    return out


def headline_links(tree: lxml_html.HtmlElement, url: str, limit: int = 400) -> int:
    """Distinct same-site links whose text reads like a headline (several words), outside navigation."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    seen: set[str] = set()
    furniture = {a for part in tree.iter("nav", "footer", "header") for a in part.iter("a")}
    for a in tree.iter("a"):
        if a in furniture:
            continue
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
            continue
        if len(" ".join(a.text_content().split()).split(" ")) < HEADLINE_LINK_WORDS:
            continue
        target = urljoin(url, href)
        parts = urlsplit(target)
        if parts.scheme in ("http", "https") and host and (parts.hostname or "").lower().removeprefix("www.") != host:
            continue
        if parts.path in ("", "/"):
            continue
        seen.add(target.split("#")[0])
        if len(seen) >= limit:
            break
    return len(seen)


def is_home(url: str) -> bool:
    """Whether ``url`` is a site's home page (its root, a language root or a root index file)."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and not parts.query and bool(_HOME.match(parts.path or "/"))


def is_section(url: str) -> bool:
    """Whether ``url`` has a section path (/category/, /tag/, /page/2/, ?page=3): a listing, not an article."""
    parts = urlsplit(url)
    return bool(_SECTION.search(parts.path + ("?" + parts.query if parts.query else "")))


def detect(tree: lxml_html.HtmlElement | None, url: str, metas: dict[str, str], objects: list[dict[str, Any]],
           text: str, canonical: str | None = None) -> ListingDecision:
    """Whether the page at ``url`` is a listing or home page rather than an article."""
    if tree is None:
        return ListingDecision(False)
    where = canonical or url
    if is_home(where):
        return ListingDecision(True, ["the site's home page"])
    evidence: list[str] = []
    score = 0
    types = _types(objects)
    words = len(text.split())
    og_type = (metas.get("og:type") or "").strip().lower()
    stories = sum(1 for o in objects if _types([o]) & _ARTICLE_TYPES)
    if types & {"CollectionPage", "SearchResultsPage"} and stories != 1:
        return ListingDecision(True, [f"JSON-LD {', '.join(sorted(types & _LISTING_TYPES))}"])
    if "ItemList" in types:  # also used for carousels and live scores on article pages: one signal only
        score += 1
        evidence.append("JSON-LD ItemList")
    if stories == 1 or og_type in ("article", "blog", "blogposting"):
        return ListingDecision(False)  # it says it is an article; related-post lists do not make it a listing
    if stories >= 3:
        score += 2
        evidence.append(f"JSON-LD describes {stories} articles")
    path = urlsplit(where)
    if _SECTION.search(path.path + ("?" + path.query if path.query else "")):
        score += 1
        evidence.append("a section path")
    if og_type == "website":
        score += 1
        evidence.append("og:type website")
    cards = sum(1 for _ in tree.iter("article"))
    if cards >= MANY_CARDS:
        score += 1
        evidence.append(f"{cards} <article> teasers")
    links = headline_links(tree, url)
    if links >= MANY_HEADLINES:
        score += 1
        evidence.append(f"{links} headline links")
    if links * 20 > max(words, 1) and links >= MANY_HEADLINES // 2:
        score += 1
        evidence.append(f"{links} headline links for {words} words of text")
    if words < SHORT_TEXT_WORDS:
        score += 1
        evidence.append(f"only {words} words of text")
    return ListingDecision(score >= MIN_SCORE, evidence)


def recheck_archive(archive: Any, progress: Any = None) -> tuple[int, int]:
    """Mark the listing pages among documents archived before they were detected; (checked, marked).

    Each unchecked document's own raw capture is read again from the WARC files (imported documents,
    which have none, are judged by their URL alone). Run before `optout index --rebuild`.
    """
    from archive import ArchiveError
    from crawler import metadata
    from crawler.encoding import decode_html
    from crawler.extract import parse_tree

    catalog = archive.catalog
    ids = catalog.unchecked_listing_ids()
    marked = 0
    for n, doc_id in enumerate(ids, 1):
        row = catalog.document_row(doc_id)
        try:
            raw = archive.raw(doc_id)
            ctype = next((v for k, v in raw.headers if k.lower() == "content-type"), None)
            tree = parse_tree(decode_html(raw.body, ctype))
        except (ArchiveError, OSError, ValueError, AttributeError):
            tree = None
        if tree is None:
            decision = ListingDecision(is_home(row["canonical_url"]), ["the site's home page"])
        else:
            metas = metadata.meta(tree)
            decision = detect(tree, row["url"], metas, metadata.jsonld_objects(tree), row["text"] or "",
                              row["canonical_url"])
        with catalog.transaction() as conn:
            catalog.set_page_facts(conn, doc_id, decision.is_listing,
                                   {"listing_evidence": decision.explain()} if decision.is_listing else None)
        marked += decision.is_listing
        if progress:
            progress(n, len(ids))
    return len(ids), marked
