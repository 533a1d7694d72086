"""Per-source counts of a crawl, shown while it runs and summarised at the end."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

FIELDS = ("discovered", "skipped", "fetched", "new", "updated", "unchanged", "failed")


@dataclass
class CrawlStats:
    counts: dict[str, Counter] = field(default_factory=dict)
    reasons: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    listener: Callable[[CrawlStats], None] | None = None
    # Why the crawl ended: "finished" when everything was collected, "shutdown" after Ctrl-C.
    finish_reason: str | None = None

    @property
    def interrupted(self) -> bool:
        return self.finish_reason not in (None, "finished")

    def add(self, source: str, key: str, n: int = 1) -> None:
        self.counts.setdefault(source, Counter())[key] += n
        if self.listener:
            self.listener(self)

    def fail(self, source: str, url: str, reason: str) -> None:
        self.reasons.setdefault(source, []).append((url, reason))
        self.add(source, "failed")

    def total(self, key: str) -> int:
        return sum(c[key] for c in self.counts.values())

    def row(self, source: str) -> dict[str, int]:
        c = self.counts.get(source, Counter())
        return {k: c[k] for k in FIELDS}
