"""An organization's position over time: its own statements and the quotes of its people, by date."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from archive import Archive
from archive.dates import year_of


@dataclass
class TimelineEntry:
    date: str | None
    kind: str  # "statement" (a document from the organization) or "quote"
    title: str | None
    url: str
    doc_id: str
    text: str = ""
    speaker: str | None = None
    speaker_role: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Timeline:
    organization: str
    entries: list[TimelineEntry] = field(default_factory=list)
    per_year: dict[str, dict[str, int]] = field(default_factory=dict)


def timeline(archive: Archive, organization: str, since: str | None = None, until: str | None = None,
             limit: int = 200) -> Timeline:
    """Statements by ``organization`` (canonical name) and quotes attributed to it, oldest first."""
    catalog = archive.catalog
    entries: list[TimelineEntry] = []
    for r in catalog.statements_by(organization):
        first = (r["text"] or "").split("\n", 1)[0]
        entries.append(TimelineEntry(r["published"], "statement", r["title"], r["url"], r["id"], first[:300]))
    for r in catalog.quotes_by_org(organization):
        entries.append(TimelineEntry(r["published"], "quote", r["title"], r["url"], r["id"], r["text"], r["speaker"],
                                     r["speaker_role"]))
    entries = [e for e in entries if (not since or (e.date or "") >= since) and (not until or (e.date or "9999") <= until)]
    entries.sort(key=lambda e: (e.date or "9999", e.kind, e.doc_id))
    per_year: dict[str, Counter] = {}
    for e in entries:
        per_year.setdefault(str(year_of(e.date) or "undated"), Counter())[e.kind] += 1
    return Timeline(organization, entries[:limit], {y: dict(c) for y, c in sorted(per_year.items())})
