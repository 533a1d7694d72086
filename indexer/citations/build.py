"""References for archived documents: the publication's name comes from the archived page itself.

The name a citation gives a publication is, in order: the document's stored site name (when the catalog
has one), the archived page's ``og:site_name``, its JSON-LD ``publisher.name``, the source's name (sources
file, then the catalog's sources table). The URL's host name is never used: "127.0.0.1" is not a publication.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from indexer.citations.model import Reference, clean_text, reference_from_document

_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
# The head of a page is all a site name needs; a huge page is not parsed whole.
_MAX_HEAD = 512 * 1024
# A source's display name may end with a note for people in parentheses ("... (fictional)", "... (CTU)"):
# not part of the publication's name.
_NOTE = re.compile(r"\s*\([^()]*\)\s*$")


def _publisher_names(obj: Any) -> Iterator[str]:
    """``publisher`` names of JSON-LD objects (a dict, a list, or a @graph), articles first."""
    stack = [obj]
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            publisher = item.get("publisher")
            for pub in publisher if isinstance(publisher, list) else [publisher]:
                if isinstance(pub, dict) and isinstance(pub.get("name"), str):
                    yield pub["name"]
                elif isinstance(pub, str) and not pub.startswith(("http", "#", "_:")):
                    yield pub
            if isinstance(item.get("@graph"), list):
                stack.extend(item["@graph"])


_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ")


def _title_suffix(page_title: str, titles: list[str]) -> str | None:
    """"Headline | Site Name" -> "Site Name", when the part before the separator is the headline itself."""
    page_title = clean_text(page_title)
    for title in filter(None, (clean_text(t) for t in titles)):
        if not page_title.lower().startswith(title.lower()):
            continue
        rest = page_title[len(title):]
        for sep in _SEPARATORS:
            if rest.startswith(sep):
                name = rest[len(sep):].strip()
                if name and len(name) <= 80 and not any(s in name for s in _SEPARATORS):
                    return name
    return None


def site_name_from_html(body: bytes | str, title: str | None = None) -> str | None:
    """The publication's name a page declares: og:site_name, else JSON-LD publisher.name, else what its
    ``<title>`` adds after the headline ("Headline | WQRT Public Radio"); None if none of them."""
    from lxml import etree
    from lxml import html as lxml_html

    raw = body.encode("utf-8", "replace") if isinstance(body, str) else body
    raw = raw[:_MAX_HEAD].replace(b"\x00", b"")
    end = _HEAD_END.search(raw)
    head = raw[: end.end()] if end else raw
    try:
        tree = lxml_html.fromstring(head)
    except (etree.ParserError, ValueError):
        return None
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if key == "og:site_name" and clean_text(meta.get("content")):
            return clean_text(meta.get("content"))
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for name in _publisher_names(data):
            if clean_text(name):
                return clean_text(name)
    og_title = next((m.get("content") for m in tree.iter("meta")
                     if (m.get("property") or "").strip().lower() == "og:title"), None)
    page_title = tree.findtext(".//title")
    return _title_suffix(page_title, [og_title, title]) if page_title else None


class ReferenceBuilder:
    """Builds References for documents of one archive, reading each archived page's head once."""

    def __init__(self, archive: Any, source_names: dict[str, str] | None = None):
        self.archive = archive
        self.source_names = {k: v for k, v in (source_names or {}).items() if v}
        catalog_names = getattr(archive.catalog, "source_names", None)
        if callable(catalog_names):
            for key, value in catalog_names().items():
                self.source_names.setdefault(key, value)
        self._publication: dict[str, str | None] = {}

    def publication(self, doc: Any) -> str | None:
        """The publication's name for ``doc`` (see the module docstring for the order)."""
        stored = clean_text(getattr(doc, "site_name", None))
        if stored:
            return stored
        if doc.id not in self._publication:
            self._publication[doc.id] = self._from_capture(doc.id, getattr(doc, "title", None))
        found = self._publication[doc.id]
        if found:
            return found
        name = clean_text(self.source_names.get(doc.source or ""))
        return _NOTE.sub("", name) or None

    def _from_capture(self, doc_id: str, title: str | None) -> str | None:
        from archive.errors import ArchiveError, NotFound

        try:
            response = self.archive.raw(doc_id)
        except (ArchiveError, NotFound, OSError):
            return None  # imported documents have no capture; a damaged one must not stop a citation
        content_type = next((v for k, v in response.headers if k.lower() == "content-type"), "") or ""
        if content_type and "html" not in content_type.lower() and "xml" not in content_type.lower():
            return None
        return site_name_from_html(response.body, title)

    def for_document(self, doc: Any, quotes: list[str] | None = None) -> Reference:
        """The Reference of a catalog Document."""
        return reference_from_document(doc, self.publication(doc), quotes)

    def for_id(self, doc_id: str, quotes: list[str] | None = None) -> Reference:
        row = self.archive.catalog.document_row(doc_id)
        if row is None:
            from archive.errors import NotFound

            raise NotFound(f"no document with id {doc_id!r}")
        return self.for_document(self.archive.catalog.to_document(row, with_annotations=False), quotes)

    def for_quotes(self, hits: Iterable[Any]) -> list[Reference]:
        """One Reference per document the quote hits come from, in hit order, each with its quotes."""
        order: dict[str, list[str]] = {}
        for hit in hits:
            text = clean_text(hit.text)
            who = ", ".join(p for p in (hit.speaker, hit.speaker_org) if p)
            order.setdefault(hit.doc_id, []).append(f"“{text}”" + (f" ({who})" if who else ""))
        from archive.errors import NotFound

        refs = []
        for doc_id, quotes in order.items():
            try:
                refs.append(self.for_id(doc_id, quotes))
            except NotFound:
                continue  # the index names a document the catalog no longer has
        return refs

    def quote_citations(self, hits: Iterable[Any], style: str) -> list[str]:
        """One citation per quote hit, of the document it comes from (a hit whose document has gone is
        cited from what the hit itself knows)."""
        from archive.errors import ArchiveError
        from indexer.citation import citation

        refs: dict[str, Any] = {}
        out = []
        for hit in hits:
            if hit.doc_id not in refs:
                try:
                    refs[hit.doc_id] = self.for_id(hit.doc_id)
                except ArchiveError:
                    refs[hit.doc_id] = None
            ref = refs[hit.doc_id]
            out.append(citation(ref if ref is not None else hit, style))
        return out

    def all_documents(self) -> Iterator[Reference]:
        """References for every document in the archive, in catalog order (streams)."""
        for doc in self.archive.documents(with_annotations=False):
            yield self.for_document(doc)
