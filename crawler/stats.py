"""Per-source counts of a crawl, kept in Scrapy's stats collector under ``optout/source/<id>/<field>``, and a
read-only view of them for progress reports and the end-of-crawl summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

FIELDS = ("discovered", "skipped", "fetched", "new", "updated", "unchanged", "failed")
_PREFIX = "optout/source/"
FAILURES_KEY = "optout/failures"  # [(source, url, reason), ...] in the order they happened


def key(source: str, name: str) -> str:
    """The Scrapy stats key of one per-source count."""
    return f"{_PREFIX}{source}/{name}"


@dataclass
class CrawlStats:
    """What a crawl did per source, read from a snapshot of Scrapy's stats."""

    values: Mapping[str, Any] = field(default_factory=dict)
    # Why the crawl ended: "finished" when everything was collected, "shutdown" after Ctrl-C or SIGTERM.
    finish_reason: str | None = None
    signal: int | None = None  # the signal that stopped the crawl, if one did

    @property
    def interrupted(self) -> bool:
        return self.finish_reason not in (None, "finished", "storage_failed")

    @property
    def storage_error(self) -> str | None:
        """Why the crawl stopped early because pages could not be stored (a full disk), if it did."""
        return self.values.get("optout/storage_error") if self.finish_reason == "storage_failed" else None

    @property
    def counts(self) -> dict[str, Counter]:
        out: dict[str, Counter] = {}
        for name, value in self.values.items():
            if name.startswith(_PREFIX):
                source, _, count = name[len(_PREFIX):].rpartition("/")
                out.setdefault(source, Counter())[count] += value
        return out

    @property
    def reasons(self) -> dict[str, list[tuple[str, str]]]:
        out: dict[str, list[tuple[str, str]]] = {}
        for source, url, reason in self.values.get(FAILURES_KEY, ()):
            out.setdefault(source, []).append((url, reason))
        return out

    def total(self, name: str) -> int:
        suffix = "/" + name
        return sum(v for k, v in self.values.items() if k.startswith(_PREFIX) and k.endswith(suffix))

    def row(self, source: str) -> dict[str, int]:
        return {k: int(self.values.get(key(source, k), 0)) for k in FIELDS}

    def succeeded(self, source: str) -> bool:
        """True when the source had a successful crawl: something archived, or something fetched or known
        unchanged without every fetch failing (a stopped crawl that archived nothing is no success)."""
        row = self.row(source)
        if row["new"] + row["updated"] > 0:  # it archived something, even if the crawl was stopped after
            return True
        return (row["failed"] == 0 or row["fetched"] > row["failed"] or row["skipped"] > 0) and not self.interrupted

    def all_failed(self, sources: list[str]) -> bool:
        """True when the crawl ran to its end and every source failed (nothing was collected at all)."""
        return bool(sources) and not self.interrupted and not any(self.succeeded(s) for s in sources)
