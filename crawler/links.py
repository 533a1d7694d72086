"""Link safety: which links found in feeds, sitemaps and pages the crawler may follow at all."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

# Links on a listing page that lead to navigation, accounts or files rather than articles.
SKIP_LINK = re.compile(
    r"(/(tag|tags|category|categories|author|authors|page|search|login|signin|subscribe|account|feed|rss|"
    r"wp-admin|wp-login|cart|privacy|terms|contact|about|join|donate|events?)(\.html?|\.php|/|$))|"
    r"\.(jpe?g|png|gif|svg|webp|css|js|ico|zip|mp3|mp4|mov|xml|rss|atom)(\?|$)|[?&](replytocom|share)=",
    re.IGNORECASE,
)


def safe_link(base: str, href: str | None) -> str | None:
    """An absolute http(s) URL for ``href``, or None for file:, javascript:, data: and other schemes."""
    if not href:
        return None
    href = href.strip()
    absolute = urljoin(base, href)
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return absolute.split("#")[0]


def bare_host(url: str) -> str:
    """The host of ``url`` in lower case without a leading ``www.``."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def same_site(url: str, other: str) -> bool:
    """True when both URLs are on one host (``www.`` or not)."""
    return bare_host(url) == bare_host(other) != ""
