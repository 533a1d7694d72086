"""The data model: documents extracted from pages, the captures behind them, and their quotes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

KINDS = ("news", "statement", "advocacy", "official")
POSITIONS = ("supports", "opposes", "neutral", "none")  # stance toward opting out (indexer/positions.py)


@dataclass
class Quote:
    """Words inside quotation marks, with who said them (or the organization speaking)."""

    text: str
    speaker: str | None = None
    speaker_role: str | None = None
    speaker_org: str | None = None
    start: int | None = None
    end: int | None = None
    # Stance toward opting out (supports | opposes | neutral | none) and what decided it; None until computed.
    position: str | None = None
    position_evidence: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Quote:
        return cls(**{k: data.get(k) for k in ("text", "speaker", "speaker_role", "speaker_org", "start", "end",
                                               "position")})


@dataclass
class Capture:
    """One fetch of a URL, stored as request and response records in a WARC file."""

    url: str
    status: int
    captured_at: str
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_length: int | None = None
    content_type: str | None = None
    length: int = 0
    sha1: str | None = None
    id: int | None = None
    document_id: str | None = None
    # Not fetched live: where it was read (a Wayback address, an imported WARC file and record) and from what.
    origin: str | None = None
    origin_type: str | None = None  # "wayback" | "warc" | None (fetched by a crawl)


@dataclass
class Document:
    """One article or statement, identified by its canonical URL."""

    id: str
    url: str
    canonical_url: str
    source: str | None = None
    kind: str = "news"
    title: str | None = None
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    text: str = ""
    captured_at: str | None = None
    organizations: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    content_hash: str | None = None
    simhash: int | None = None
    near_duplicate_of: str | None = None
    version: int = 1
    updated_at: str | None = None
    source_organization: str | None = None
    position: str | None = None  # statements only: stance toward opting out; None until computed
    position_evidence: dict[str, Any] | None = None

    def export_dict(self) -> dict[str, Any]:
        """The document as the export contract (DESIGN.md) describes it."""
        return {
            "id": self.id,
            "url": self.url,
            "canonical_url": self.canonical_url,
            "source": self.source,
            "kind": self.kind,
            "title": self.title,
            "published": self.published,
            "authors": list(self.authors),
            "language": self.language,
            "organizations": list(self.organizations),
            "states": list(self.states),
            "tests": list(self.tests),
            "quotes": [
                {"text": q.text, "speaker": q.speaker, "speaker_role": q.speaker_role, "speaker_org": q.speaker_org,
                 "start": q.start, "end": q.end, "position": q.position}
                for q in self.quotes
            ],
            "position": self.position if self.kind == "statement" else None,
            "captured_at": self.captured_at,
            "near_duplicate_of": self.near_duplicate_of,
            "text": self.text,
        }
