"""Page metadata from structure: JSON-LD, meta tags, canonical links, headings, bylines."""

from __future__ import annotations

import json
import re
from itertools import islice
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html

_SPACE = re.compile(r"\s+")
_BY = re.compile(r"^\s*(?:written\s+|posted\s+|reported\s+)?(?:by|source|credit|from)[:\s]+(.+)$", re.IGNORECASE)
# Credits that name a desk, an office or an organization, never a person ("Staff reports",
# "Source: NYSUT Media Relations", "Communications Department").
_NOT_A_PERSON = re.compile(
    r"\b(staff|staffers?|editors?|editorial|newsroom|desk|team|admin|administrator|webmaster|press|communications?|"
    r"associated press|reuters|wire|contributors?|correspondents?|news service|guest|media|relations|"
    r"public affairs|office|department|reports?|release|bureau|agency|services?|union|association|federation|"
    r"council|committee|coalition|network|caucus|foundation|institute|center|centre|board|district|inc|llc|"
    r"ltd|corp|group|partners|partnership|news|newswire|online|digital|web|site|blog|magazine|times|post)\b",
    re.IGNORECASE,
)
_BY_START = re.compile(r"\s*(?:written\s+|posted\s+|reported\s+)?(?:by|source|credit|from)[:\s]", re.IGNORECASE)
_ACRONYM = re.compile(r"\b[A-Z]{3,}\b")
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\|)\s*", re.IGNORECASE)
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " » ")


def clean(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def jsonld_objects(tree: lxml_html.HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, @graph entries flattened; broken blocks are skipped."""
    out: list[dict[str, Any]] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            try:
                data = json.loads(re.sub(r"[\x00-\x1f]", " ", raw))
            except ValueError:
                continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                out.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])
            elif isinstance(item, list):
                stack.extend(item)
    return out


def types_of(obj: dict[str, Any]) -> set[str]:
    """The @type values of a JSON-LD object."""
    return _types(obj)


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("@type")
    return {str(x) for x in (t if isinstance(t, list) else [t]) if x}


_ARTICLE_TYPES = {"NewsArticle", "Article", "BlogPosting", "ReportageNewsArticle", "AnalysisNewsArticle",
                  "OpinionNewsArticle", "WebPage", "PressRelease", "Report", "ScholarlyArticle", "SocialMediaPosting",
                  "LiveBlogPosting", "BackgroundNewsArticle"}


def article_object(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON-LD object that describes the article (an Article type first, a WebPage last)."""
    ranked = sorted((o for o in objects if _types(o) & _ARTICLE_TYPES),
                    key=lambda o: ("WebPage" in _types(o), -len(o)))
    return ranked[0] if ranked else {}


def meta(tree: lxml_html.HtmlElement) -> dict[str, str]:
    """<meta> name/property -> content (first wins), keys lowercased."""
    out: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = el.get("content")
        if key and content and key not in out:
            out[key] = content.strip()
    return out


def canonical(tree: lxml_html.HtmlElement, url: str, metas: dict[str, str]) -> str | None:
    """The page's canonical URL when it is trustworthy: http(s), same site, not the homepage of an article."""
    candidates = [el.get("href") for el in tree.xpath('//link[@rel="canonical"]') if el.get("href")]
    candidates.append(metas.get("og:url"))
    here = urlsplit(url)
    for cand in candidates:
        if not cand:
            continue
        absolute = urljoin(url, cand.strip())
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https"):
            continue
        if _site(parts.hostname) != _site(here.hostname):
            continue
        if parts.path in ("", "/") and here.path not in ("", "/"):
            continue
        return absolute
    return None


def _site(host: str | None) -> str:
    host = (host or "").lower()
    return host[4:] if host.startswith("www.") else host


def site_names(metas: dict[str, str], article: dict[str, Any], url: str) -> list[str]:
    names = [metas.get("og:site_name"), metas.get("application-name"), metas.get("twitter:site", "").lstrip("@")]
    publisher = article.get("publisher")
    if isinstance(publisher, dict):
        names.append(publisher.get("name"))
    host = _site(urlsplit(url).hostname)
    names.append(host.split(".")[0] if host else None)
    return [clean(n) for n in names if n and clean(n)]


def strip_site_suffix(title: str, names: list[str]) -> str:
    """Remove " | Site Name" style suffixes (or prefixes) from a title."""
    title = clean(title)
    lowered = [n.lower() for n in names]
    for sep in _TITLE_SEPARATORS:
        if sep not in title:
            continue
        parts = title.split(sep)
        head, tail = sep.join(parts[:-1]), parts[-1]
        tail_key = tail.lower().replace("the ", "")
        if any(tail_key in n or n.replace("the ", "") in tail.lower() for n in lowered if n) or len(tail) < 0.4 * len(head):
            return head.strip()
        first, rest = parts[0], sep.join(parts[1:])
        if any(first.lower() in n for n in lowered if n):
            return rest.strip()
    return title


def title(tree: lxml_html.HtmlElement, metas: dict[str, str], article: dict[str, Any], names: list[str]) -> str | None:
    """JSON-LD headline, og:title, the page's single <h1>, then <title>; site names removed."""
    h1s = [clean(h.text_content()) for h in tree.iter("h1")]
    h1s = [h for h in h1s if h]
    candidates = [article.get("headline") if isinstance(article.get("headline"), str) else None,
                  metas.get("og:title"), metas.get("twitter:title"), h1s[0] if len(h1s) >= 1 else None]
    page_title = tree.find(".//title")
    if page_title is not None:
        candidates.append(page_title.text_content())
    for cand in candidates:
        if cand and clean(cand):
            return strip_site_suffix(cand, names)
    return None


def _person_names(value: Any) -> list[str]:
    """Names from a JSON-LD author value (string, Person, list); organizations are not authors."""
    out = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            out.extend(split_names(item))
        elif isinstance(item, dict) and "Organization" not in _types(item):
            name = item.get("name")
            if isinstance(name, str):
                out.extend(split_names(name))
    return out


def split_names(text: str) -> list[str]:
    """"By Jane Roe and John Doe" -> ["Jane Roe", "John Doe"]."""
    text = clean(text)
    m = _BY.match(text)
    if m:
        text = m.group(1)
    text = re.split(r"\s+(?:\||—|–|-)\s+|\s*\(|\s+(?:is|was)\s+|\s+on\s+(?=[A-Z])|\s+posted\b|\s+updated\b|\s+published\b",
                    text, maxsplit=1)[0]
    return [clean(n).strip(" .,") for n in _NAME_SPLIT.split(text) if clean(n)]


def plausible_author(name: str, names: list[str]) -> bool:
    if not name or len(name) > 60 or "@" in name or "://" in name or any(c.isdigit() for c in name):
        return False
    words = name.split()
    if not 2 <= len(words) <= 5 or _NOT_A_PERSON.search(name) or _ACRONYM.search(name):
        return False
    if not all(w[0].isupper() or w.lower() in ("de", "van", "von", "der", "da", "la", "le", "del", "bin")
               for w in words):
        return False
    return not any(name.lower() == n.lower() or name.lower() in n.lower() for n in names)


def authors(tree: lxml_html.HtmlElement, metas: dict[str, str], article: dict[str, Any],
            names: list[str]) -> list[str]:
    """JSON-LD authors, meta authors, then the visible byline; never "Staff" or the site's name."""
    candidates: list[list[str]] = [_person_names(article.get("author"))]
    for key in ("author", "article:author", "byl", "parsely-author", "sailthru.author", "dc.creator", "citation_author"):
        if metas.get(key):
            candidates.append(split_names(metas[key]))
    bylines = tree.xpath(
        '//*[@rel="author" or @itemprop="author" or contains(concat(" ", normalize-space(@class), " "), " byline")'
        ' or contains(@class, "author-name") or contains(@class, "byline") or contains(@class, "author")]'
    )
    for el in bylines[:6]:
        text = clean(el.text_content())
        if text and len(text) < 200:
            candidates.append(split_names(text))
    for group in candidates:
        good = [n for n in group if plausible_author(n, names)]
        if good:
            return list(dict.fromkeys(good))
    # Last, a visible "By ..." line; read only when nothing above named a person (it walks the page).
    for el in tree.xpath("//p|//span|//div[not(*)]|//address")[:400]:
        if len(el) > 3 or not _BY_START.match("".join(islice(el.itertext(), 4))[:40]):
            continue
        text = clean(el.text_content())
        if 4 < len(text) < 120 and _BY.match(text):
            good = [n for n in split_names(text) if plausible_author(n, names)]
            return list(dict.fromkeys(good))
    return []


def language(tree: lxml_html.HtmlElement, metas: dict[str, str]) -> str | None:
    value = tree.get("lang") or tree.get("xml:lang") or metas.get("content-language") or metas.get("og:locale") or metas.get("language")
    if not value:
        return None
    value = value.strip().replace("_", "-").split("-")[0].lower()
    return value if re.fullmatch(r"[a-z]{2,3}", value) else None


def credit_line(tree: lxml_html.HtmlElement, metas: dict[str, str], article: dict[str, Any]) -> str:
    """The page's credit as written (a person, a desk or an organization): JSON-LD, meta, then the byline."""
    parts = []
    author = article.get("author")
    for item in author if isinstance(author, list) else [author]:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            parts.append(item["name"])
        elif isinstance(item, str):
            parts.append(item)
    for key in ("author", "article:author", "byl", "dc.creator"):
        if metas.get(key):
            parts.append(metas[key])
    for el in tree.xpath('//*[@rel="author" or @itemprop="author" or contains(@class, "byline")]')[:2]:
        parts.append(clean(el.text_content())[:200])
    return " | ".join(clean(p) for p in parts if p and clean(p))[:500]
