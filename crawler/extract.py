"""Extraction: one page's bytes -> title, publication date, authors, body text, language, kind."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from lxml import html as lxml_html

from crawler import dates, metadata
from crawler.encoding import decode_html
from crawler.language import guess_language

# Pages larger than this are cut before parsing: no article needs more, and parsing cost is linear.
MAX_HTML_CHARS = 3_000_000
_STATEMENT_SIGNALS = re.compile(
    r"\b(for immediate release|press release|news release|media release|statement (?:of|from|by|on)|"
    r"joint statement|open letter|letter to)\b", re.IGNORECASE)


@dataclass
class Extraction:
    """What a page says about itself. Every field may be empty; ``text`` is one paragraph per line."""

    url: str
    title: str | None = None
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    text: str = ""
    language: str | None = None
    canonical_url: str | None = None
    kind: str | None = None
    description: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse_tree(page: str) -> lxml_html.HtmlElement | None:
    page = page[:MAX_HTML_CHARS]
    # lxml rejects str input that carries an XML encoding declaration.
    page = re.sub(r"^\s*<\?xml[^>]*\?>", "", page)
    if not page.strip():
        return None
    try:
        return lxml_html.document_fromstring(page, parser=lxml_html.HTMLParser(remove_comments=True, huge_tree=False))
    except (etree.ParserError, ValueError):
        return None


def extract(body: bytes | str, url: str, content_type: str | None = None, default_kind: str | None = None,
            feed_entry: dict[str, Any] | None = None) -> Extraction:
    """Extract an article from a page. ``feed_entry`` (title, published, authors) fills what the page lacks."""
    page = body if isinstance(body, str) else decode_html(body, content_type)
    out = Extraction(url=url)
    tree = parse_tree(page)
    feed_entry = feed_entry or {}
    if tree is None:
        return out
    objects = metadata.jsonld_objects(tree)
    article = metadata.article_object(objects)
    metas = metadata.meta(tree)
    names = metadata.site_names(metas, article, url)
    out.canonical_url = metadata.canonical(tree, url, metas)
    out.title = metadata.title(tree, metas, article, names) or feed_entry.get("title")
    out.authors = metadata.authors(tree, metas, article, names) or [
        a for a in feed_entry.get("authors", []) if metadata.plausible_author(a, names)]
    out.language = metadata.language(tree, metas)
    out.description = metas.get("og:description") or metas.get("description")
    top_text = metadata.dateline_text(tree)
    out.text = body_text(tree, article, url)
    out.published = published_date(tree, metas, article, url, top_text, out.text, feed_entry)
    out.language = out.language or guess_language(out.text)
    out.kind = refine_kind(default_kind, url, out.title, out.text)
    return out


def published_date(tree: lxml_html.HtmlElement, metas: dict[str, str], article: dict[str, Any], url: str,
                   top_text: list[str], text: str, feed_entry: dict[str, Any]) -> str | None:
    """Structured dates first, then a dateline the page writes, the URL, and the feed's own date."""
    for value in metadata.date_candidates(tree, metas, article):
        found = dates.parse_any(value)
        if found:
            return found
    for snippet in top_text:
        found = dates.find_written_date(snippet)
        if found:
            return found
    found = dates.find_written_date(text[:300])
    if found:
        return found
    return dates.date_from_url(url) or feed_entry.get("published")


def body_text(tree: lxml_html.HtmlElement, article: dict[str, Any], url: str) -> str:
    """The article's main text, one paragraph per line."""
    import trafilatura  # heavy: imported only where text is extracted

    text = trafilatura.extract(
        tree, url=url, output_format="txt", include_comments=False, include_tables=False,
        include_images=False, include_links=False, deduplicate=False, favor_precision=False,
    ) or ""
    ld_body = article.get("articleBody")
    if isinstance(ld_body, str) and len(ld_body) > max(200, 1.3 * len(text)):
        text = ld_body
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def refine_kind(default_kind: str | None, url: str, title: str | None, text: str) -> str:
    """The source's default kind, refined by what the page says it is."""
    host = (urlsplit(url).hostname or "").lower()
    if host.endswith(".gov") or ".k12." in host or host.endswith(".state.us"):
        return "official"
    kind = default_kind or "news"
    if kind in ("statement", "advocacy", "official") and _STATEMENT_SIGNALS.search(f"{title or ''}\n{text[:600]}"):
        return "statement"
    return kind
