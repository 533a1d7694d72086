"""Turn a page's bytes into text: BOM, HTTP and meta charsets honored, mislabelled cp1252 repaired."""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# Labels that browsers treat as windows-1252 (the WHATWG encoding standard does the same).
_CP1252_LABELS = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "iso8859-1", "l1", "cp819"}


def _normalize(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "cp1252" if label in _CP1252_LABELS or name in ("latin-1", "ascii") else name


def http_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    m = re.search(r"charset\s*=\s*([^\s;]+)", content_type, re.IGNORECASE)
    return _normalize(m.group(1)) if m else None


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode an HTML page the way a browser would, repairing the usual labelling mistakes."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(name, errors="replace")
    declared = http_charset(content_type)
    if declared is None:
        m = _META_CHARSET.search(body[:4096])
        declared = _normalize(m.group(1).decode("ascii", "ignore")) if m else None
    if declared in (None, "utf-8", "cp1252"):
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            # Declared (or assumed) UTF-8 but not valid UTF-8: almost always cp1252 written by old tools.
            return body.decode("cp1252", errors="replace")
    try:
        return body.decode(declared, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")
