#!/usr/bin/env python3
"""Ranking quality on the bundled sample web: nDCG@10 of every query in tests/fixtures/relevance.json.

usage: python bench/relevance.py [--data-dir DIR] [--fixture FILE] [--k 10] [--show]

Without --data-dir the sample web is served on loopback, crawled and indexed into a temporary data
directory by the real `optout` command. With --data-dir, an existing archive there is reused (it is
built first when the directory holds no index). --show prints each query's ranking with its grades.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "relevance.json"
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))


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


def _optout(*args: str, data_dir: Path) -> None:
    """Run the real `optout` command in a fresh process; stop with its stderr if it fails."""
    script = Path(sys.executable).with_name("optout")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "search_cli.cli"]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    env.pop("OPTOUT_HOME", None)
    done = subprocess.run([*cmd, "--data-dir", str(data_dir), *args], capture_output=True, text=True, env=env,
                          timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"`optout {' '.join(args)}` failed ({done.returncode}):\n{done.stderr[-2000:]}")


def build_sample_archive(data_dir: Path) -> Path:
    """Crawl the sample web (served on loopback for the duration) into ``data_dir`` and index it."""
    from crawler.sample import serve_sample_web

    data_dir.mkdir(parents=True, exist_ok=True)
    server, sources_text = serve_sample_web()
    try:
        with tempfile.TemporaryDirectory(prefix="optout-sample-sources-") as tmp:
            sources = Path(tmp) / "sources.toml"
            sources.write_text(sources_text, encoding="utf-8")
            _optout("crawl", "--sources", str(sources), data_dir=data_dir)
    finally:
        server.shutdown()
        server.server_close()
    _optout("index", data_dir=data_dir)
    return data_dir


def _has_index(data_dir: Path) -> bool:
    return (data_dir / "index" / "documents").is_dir() and (data_dir / "archive.sqlite3").exists()


def report(results: Sequence[QueryResult], k: int, show: bool = False, out: Any = None) -> None:
    out = out or sys.stdout
    width = min(70, max(len(r.label()) for r in results))
    print(f"{'query':{width}}  nDCG@{k}  hits  missed (grade >= 2 outside the top {k})", file=out)
    for r in results:
        label = r.label()
        label = label if len(label) <= width else label[:width - 1] + "…"
        missed = ", ".join(f"{p.rsplit('/', 2)[-2] if p.endswith('/') else p.rsplit('/', 1)[-1]}"
                           f"({r.judgments[p]})" for p in r.missed)
        print(f"{label:{width}}  {r.ndcg:7.3f}  {r.total:4d}  {missed}", file=out)
        if show:
            for rank, path in enumerate(r.ranked, 1):
                print(f"{'':{width}}    {rank:2d}. [{r.judgments.get(path, 0)}] {path}", file=out)
    scores = sorted(r.ndcg for r in results)
    print(f"\nqueries {len(results)}  mean nDCG@{k} {mean_ndcg(results):.4f}  median {scores[len(scores) // 2]:.3f}  "
          f"min {scores[0]:.3f}  perfect {sum(s >= 0.9999 for s in scores)}  "
          f"no hits {sum(1 for r in results if not r.ranked)}", file=out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="reuse (or build once into) this data directory")
    parser.add_argument("--fixture", type=Path, default=FIXTURE, help="relevance judgments (JSON)")
    parser.add_argument("--k", type=int, default=10, help="rank cutoff (default 10)")
    parser.add_argument("--show", action="store_true", help="print each query's ranked paths with their grades")
    args = parser.parse_args(argv)
    queries = load_queries(args.fixture)
    with tempfile.TemporaryDirectory(prefix="optout-relevance-") as tmp:
        data_dir = args.data_dir or Path(tmp) / "data"
        if not _has_index(data_dir):
            print(f"building the sample archive in {data_dir} ...", file=sys.stderr)
            build_sample_archive(data_dir)
        results = run_queries(data_dir, queries, k=args.k)
        report(results, args.k, show=args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
