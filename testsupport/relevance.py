"""Ranking quality shared by tests/search_cli/test_relevance.py (the floor) and bench/relevance.py (the
figures): graded judgments from tests/fixtures/relevance.json, nDCG@k, and the queries run through the
library's Searcher over an archive."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from testsupport import FIXTURES

FIXTURE = FIXTURES / "relevance.json"


def dcg(grades: Iterable[int]) -> float:
    """Discounted cumulative gain with exponential gain: (2^grade - 1) / log2(rank + 1), ranks from 1."""
    return sum((2 ** g - 1) / math.log2(rank + 1) for rank, g in enumerate(grades, 1))


def ndcg_at_k(ranked: Sequence[str], judgments: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k of a ranked list of paths against graded judgments (unjudged paths count as 0).

    A path ranked twice only earns its gain once. A query without any positive judgment scores 1.0
    when nothing is returned and 0.0 otherwise (there is nothing to find, so any hit is noise).
    """
    ideal = dcg(sorted((g for g in judgments.values() if g > 0), reverse=True)[:k])
    seen: set[str] = set()
    grades = []
    for path in ranked[:k]:
        grades.append(0 if path in seen else judgments.get(path, 0))
        seen.add(path)
    if ideal == 0:
        return 0.0 if ranked else 1.0
    return dcg(grades) / ideal


def hit_path(url: str) -> str:
    """The sample-web path of a hit's URL: no scheme, host, query string or leading slash."""
    return urlsplit(url).path.lstrip("/")


def load_queries(path: Path = FIXTURE) -> list[dict[str, Any]]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return data["queries"]


@dataclass
class QueryResult:
    query: str
    options: dict[str, Any]
    judgments: dict[str, int]
    ranked: list[str]
    total: int
    ndcg: float
    missed: list[str] = field(default_factory=list)  # judged >= 2 but not in the top k

    def label(self) -> str:
        if not self.options:
            return self.query
        opts = " ".join(f"{k}={','.join(v) if isinstance(v, list) else v}" for k, v in self.options.items())
        return f"{self.query} [{opts}]"


def run_queries(data_dir: str | os.PathLike[str], queries: Sequence[Mapping[str, Any]],
                k: int = 10) -> list[QueryResult]:
    """Run every query through the library's Searcher over the archive in ``data_dir``; score each one."""
    from archive import Archive
    from indexer.searching import Searcher

    results = []
    with Archive(data_dir) as archive:
        searcher = Searcher(archive)
        for q in queries:
            options = dict(q.get("options") or {})
            judgments = {str(p): int(g) for p, g in q["judgments"].items()}
            found = searcher.search(q["query"], searcher.filters(**options), limit=k)
            ranked = [hit_path(h.url) for h in found.hits]
            top = set(ranked[:k])
            missed = [p for p, g in sorted(judgments.items(), key=lambda kv: -kv[1]) if g >= 2 and p not in top]
            results.append(QueryResult(q["query"], options, judgments, ranked, found.total,
                                       ndcg_at_k(ranked, judgments, k), missed))
        searcher.close()
    return results


def mean_ndcg(results: Sequence[QueryResult]) -> float:
    return sum(r.ndcg for r in results) / len(results) if results else 0.0
