#!/usr/bin/env python3
"""Ranking quality on the bundled sample web: nDCG@10 of every query in tests/fixtures/relevance.json.

usage: python bench/relevance.py [--data-dir DIR] [--fixture FILE] [--k 10] [--show]

Without --data-dir the sample web is served on loopback, crawled and indexed into a temporary data
directory by the real `optout` command. With --data-dir, an existing archive there is reused (it is
built first when the directory holds no index). --show prints each query's ranking with its grades.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

# The scoring is shared with the test that holds the floor (tests and bench never import each other).
from testsupport.relevance import FIXTURE, QueryResult, load_queries, mean_ndcg, run_queries  # noqa: E402


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
