#!/usr/bin/env python3
"""Server-side speed of `optout serve`'s search page over a generated archive, beside the CLI.

usage: python bench/serve.py [--n 20000] [--runs 5] [--work DIR]

1. generates N fictional documents, imports and indexes them (bench/search.py's prepare: reused from
   --work DIR when an earlier run with the same --n left them there);
2. times GET /search?q=... for bench/search.py's fixed queries, in process through Starlette's TestClient,
   against one application (so one searcher, opened once and reused across requests, as `optout serve`
   runs): the first request (opening the index) is printed apart, then p50/p95 over --runs rounds, in
   wall-clock time and in CPU time (the same request's cost without the waits of a shared machine)
   (target: p95 <= 100 ms at 20,000 documents);
3. in the same run, times the same queries as fresh `optout search` processes (table output), for scale.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from bench.search import QUERIES, cli_args, optout_cmd, percentile, prepare, run  # noqa: E402

TARGET_P95_MS = 100


def search_url(text: str, filters: dict[str, str]) -> str:
    """The search page's URL for a query and the CLI's filter options (same names)."""
    return "/search?" + urlencode([("q", text), *filters.items()])


def time_pages(data: Path, runs: int) -> tuple[float, list[float], list[float], int]:
    """(first request, the other requests' wall-clock seconds, their CPU seconds, searcher reopen count)
    through one application. CPU time (this process, every thread) is what a request costs the server
    whatever else the machine runs; wall-clock time also counts waiting for a shared CPU."""
    from starlette.testclient import TestClient

    from webapp import create_app

    app = create_app(data)
    times: list[float] = []
    cpu: list[float] = []
    with TestClient(app, base_url="http://127.0.0.1") as client:
        start = time.perf_counter()
        first = client.get(search_url(*QUERIES[0]))
        first_s = time.perf_counter() - start
        assert first.status_code == 200, first.text[:500]
        for _ in range(runs):
            for text, filters in QUERIES:
                url = search_url(text, filters)
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                times.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
                if response.status_code != 200:
                    raise SystemExit(f"{url}: HTTP {response.status_code}")
        reopened = app.state.live.reopened
    return first_s, times, cpu, reopened


def time_cli(data: Path, runs: int) -> list[float]:
    base = [*optout_cmd(), "--data-dir", str(data)]
    return [run([*base, *cli_args(text, filters, "table")], timeout=120)[0]
            for _ in range(runs) for text, filters in QUERIES]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="documents to generate (default 20000)")
    parser.add_argument("--runs", type=int, default=5, help="rounds of the queries through the app (default 5)")
    parser.add_argument("--cli-runs", type=int, default=1, help="rounds as fresh `optout search` processes")
    parser.add_argument("--work", type=Path, help="keep and reuse the generated archive in this folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="optout-bench-serve-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        prepare(work, args.n)
        first, pages, cpu, reopened = time_pages(work / "data", args.runs)
        cli = time_cli(work / "data", args.cli_runs)
    p50, p95 = percentile(pages, 50) * 1000, percentile(pages, 95) * 1000
    cold = pages[:len(QUERIES)]  # each query's first time (the searcher's caches hold nothing of it yet)
    print(f"\n== {args.n} documents, {len(QUERIES)} queries ==")
    print(f"search page, first request (opens the index)  {first * 1000:7.0f} ms")
    print(f"search page, each query's first time ({len(cold)} requests)  p50 {percentile(cold, 50) * 1000:5.0f} ms  "
          f"p95 {percentile(cold, 95) * 1000:5.0f} ms")
    print(f"search page, one reused searcher ({len(pages)} requests)  p50 {p50:5.0f} ms  p95 {p95:5.0f} ms  "
          f"max {max(pages) * 1000:5.0f} ms   target p95 <= {TARGET_P95_MS} ms: "
          f"{'ok' if p95 <= TARGET_P95_MS else 'MISSED'}   (index reopened {reopened} times)")
    print(f"search page, CPU time per request ({len(cpu)} requests)  p50 {percentile(cpu, 50) * 1000:5.0f} ms  "
          f"p95 {percentile(cpu, 95) * 1000:5.0f} ms   target p95 <= {TARGET_P95_MS} ms: "
          f"{'ok' if percentile(cpu, 95) * 1000 <= TARGET_P95_MS else 'MISSED'}")
    print(f"optout search, fresh processes ({len(cli)} runs)  p50 {percentile(cli, 50) * 1000:5.0f} ms  "
          f"p95 {percentile(cli, 95) * 1000:5.0f} ms")
    print(f"ratio fresh CLI / served page  p50 {percentile(cli, 50) * 1000 / p50:.1f}x  "
          f"p95 {percentile(cli, 95) * 1000 / p95:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
