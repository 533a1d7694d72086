"""URL identity: the canonical form of a URL decides which document a capture belongs to."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that only say how a reader arrived; they never change the article.
_TRACKING = re.compile(
    r"^(utm_[a-z_]*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|yclid|igshid|_ga|_gl|"
    r"ref|ref_src|cmpid|cmp|smid|s_cid|ito|ncid|sr_share|share|outputType|amp|__twitter_impression)$",
    re.IGNORECASE,
)


def canonical_url(url: str) -> str:
    """Return the canonical form of ``url``: https/http unified, tracking parameters, fragment,
    default port, ``www.`` and AMP markers removed, query sorted."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        scheme = "http"  # http and https of one page are one document
    host = (parts.hostname or "").lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    port = parts.port
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    path = parts.path or "/"
    path = re.sub(r"/{2,}", "/", path)
    path = _strip_amp(path)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)]
    query.sort()
    return urlunsplit((scheme, netloc, path, urlencode(query), ""))


def _strip_amp(path: str) -> str:
    """The AMP edition of an article is the same article: /x/amp/, /amp/x, x.amp.html."""
    if path.endswith("/amp/") or path.endswith("/amp"):
        path = path[: path.rindex("/amp")] + "/"
    if path.startswith("/amp/"):
        path = path[4:]
    return path.replace(".amp.html", ".html")


def document_id(url: str) -> str:
    """A short stable id for the document at ``url`` (hash of its canonical URL)."""
    return hashlib.sha1(canonical_url(url).encode("utf-8")).hexdigest()[:16]


def clean_url(url: str) -> str:
    """``url`` with tracking parameters and fragment removed, scheme and host kept as given."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)]
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", urlencode(query), ""))
