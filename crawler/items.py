"""What the spider hands to the archive pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class PageItem:
    """One fetched page and, when it is an article, its extraction."""

    source: str
    url: str
    requested_url: str
    status: int
    body: bytes
    response_headers: list[tuple[str, str]]
    request_headers: list[tuple[str, str]]
    kind: str
    source_organization: str | None = None
    extracted: dict[str, Any] | None = None
    lastmod: str | None = None
    note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
