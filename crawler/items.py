"""What the spider yields: a fetched page, raw. The extraction pipeline fills in ``extracted`` (or drops the
page with a reason); the archive pipeline writes it and sets ``outcome``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class PageItem:
    """One fetched page and, once the extraction stage has run, its extraction."""

    source: str
    url: str
    requested_url: str
    status: int
    body: bytes
    response_headers: list[tuple[str, str]]
    request_headers: list[tuple[str, str]]
    kind: str | None  # the source's declared kind; None: the page decides
    content_type: str | None = None
    source_organization: str | None = None
    time_zone: str | None = None  # the source's, for time stamps the page prints without an offset
    # What the feed or sitemap said of the article (title, published, authors): extraction falls back on it.
    hints: dict[str, Any] = field(default_factory=dict)
    lastmod: str | None = None
    parent: str | None = None  # the discovery URL (feed, sitemap, listing page) that listed it
    extracted: dict[str, Any] | None = None
    note: str | None = None  # "pdf" | "no text": kept as a capture without a document's text
    failure: str | None = None  # a problem to report although the capture is kept
    outcome: str | None = None  # what the archive made of it: new | updated | unchanged | ...
    extra: dict[str, Any] = field(default_factory=dict)
