"""An organization's position over time: its own statements and the quotes of its people, by date."""

from __future__ import annotations

import json
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
    position: str | None = None
    confidence: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class Timeline:
    organization: str
    entries: list[TimelineEntry] = field(default_factory=list)
    per_year: dict[str, dict[str, int]] = field(default_factory=dict)
    # year -> {"statement": {position: n}, "quote": {position: n}}, and the year's strongest entry
    positions: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    strongest: dict[str, TimelineEntry] = field(default_factory=dict)


def timeline(archive: Archive, organization: str, since: str | None = None, until: str | None = None,
             limit: int = 200) -> Timeline:
    """Statements by ``organization`` (canonical name) and quotes attributed to it, oldest first."""
    catalog = archive.catalog
    entries: list[TimelineEntry] = []
    for r in catalog.statements_by(organization):
        first = (r["text"] or "").split("\n", 1)[0]
        entries.append(TimelineEntry(r["published"], "statement", r["title"], r["url"], r["id"], first[:300],
                                     position=r["position"], confidence=_confidence(r["position_evidence"])))
    for r in catalog.quotes_by_org(organization):
        entries.append(TimelineEntry(r["published"], "quote", r["title"], r["url"], r["id"], r["text"], r["speaker"],
                                     r["speaker_role"], r["position"], _confidence(r["position_evidence"])))
    entries = [e for e in entries if (not since or (e.date or "") >= since) and (not until or (e.date or "9999") <= until)]
    entries.sort(key=lambda e: (e.date or "9999", e.kind, e.doc_id))
    per_year: dict[str, Counter] = {}
    for e in entries:
        per_year.setdefault(_year(e.date), Counter())[e.kind] += 1
    result = Timeline(organization, entries[:limit], {y: dict(c) for y, c in sorted(per_year.items())})
    _positions_per_year(result, entries)
    return result


def _year(date: str | None) -> str:
    return str(year_of(date) or "undated")


def _confidence(evidence: str | None) -> float:
    try:
        return float(json.loads(evidence).get("confidence", 0.0)) if evidence else 0.0
    except (ValueError, AttributeError, TypeError):
        return 0.0


def _positions_per_year(result: Timeline, entries: list[TimelineEntry]) -> None:
    """Counts of positions per year and kind, and each year's strongest quote (else statement) that takes a side."""
    for e in entries:
        year = _year(e.date)
        kinds = result.positions.setdefault(year, {"statement": {}, "quote": {}})
        label = e.position or "unscored"
        kinds[e.kind][label] = kinds[e.kind].get(label, 0) + 1
        if e.position in ("supports", "opposes"):
            best = result.strongest.get(year)
            rank = (e.kind == "quote", e.confidence)
            if best is None or rank > (best.kind == "quote", best.confidence):
                result.strongest[year] = e
    result.positions = dict(sorted(result.positions.items()))
