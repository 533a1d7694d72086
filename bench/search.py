#!/usr/bin/env python3
"""End-to-end search speed as users meet it: fresh `optout` processes over a generated archive.

usage: python bench/search.py [--n 20000] [--runs 3] [--work DIR]

1. generates N fictional ~600-word documents (bench/gen_archive.py) and loads them with `optout import`;
2. times `optout index` (documents/s; target >= 250);
3. times `optout search QUERY` as fresh processes, ~20 queries x --runs, in the default table output (paging
   summary, facets over every match, snippets) and with `--format json` (targets for both: p50 <= 300 ms,
   p95 <= 600 ms), and `optout --help` (target <= 200 ms);
4. in the same run, times the same queries as fresh `python -c` processes over an SQLite FTS5 table of the
   same texts (porter stemming, bm25 with title weighted 2, LIMIT 10, tag and date filters as WHERE
   clauses), and prints both and their ratio.

With --work DIR the generated file, the data directory and the FTS5 database are kept there and reused by
the next run with the same --n (delete DIR to start over); otherwise everything goes in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

TARGET_INDEX_DOCS_S = 250
TARGET_P50_MS, TARGET_P95_MS, TARGET_HELP_MS = 300, 600, 200

# (free text, filters). Filters use the CLI's option names; the FTS5 side applies them as WHERE clauses.
QUERIES: list[tuple[str, dict[str, Any]]] = [
    ("opt out", {}),
    ("teachers refuse to give the test", {}),
    ('"test refusal"', {}),
    ("PARCC New Jersey", {}),
    ("Smarter Balanced moratorium", {}),
    ("sit and stare", {}),
    ("refusal letters", {"org": "NYSUT"}),
    ("teacher evaluations scores", {"since": "2015"}),
    ("children anxious crying", {"state": "FL"}),
    ("federal funds 95 percent participation", {}),
    ("Every Student Succeeds Act", {}),
    ("boycott", {"kind": "statement"}),
    ("Common Core protest", {}),
    ("portfolio assessment", {}),
    ("graduation exit exams", {"since": "2012", "until": "2016"}),
    ("computer glitches interrupted", {}),
    ("school board resolution opt out", {"since": "2020"}),
    ("MCAS", {"state": "MA"}),
    ("Weingarten", {}),
    ("can parents in Colorado opt out of state tests", {}),
    ("civil rights groups achievement gaps", {}),
]


def optout_cmd() -> list[str]:
    script = Path(sys.executable).with_name("optout")
    return [str(script)] if script.exists() else [sys.executable, "-m", "search_cli.cli"]


def clean_env() -> dict[str, str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    env.pop("OPTOUT_HOME", None)
    # Installed packages run from compiled bytecode; with PYTHONDONTWRITEBYTECODE set (as in some
    # sandboxes) every process would compile the project's modules again (50-100 ms per search).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run(cmd: Sequence[str], timeout: float = 3600) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    done = subprocess.run(list(cmd), capture_output=True, text=True, env=clean_env(), timeout=timeout)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-3000:]}")
    return elapsed, done


def cli_args(text: str, filters: dict[str, Any], fmt: str = "json") -> list[str]:
    args = ["search", *text.split()] if '"' not in text else ["search", text]
    if fmt != "table":
        args += ["--format", fmt]
    for key, value in filters.items():
        args += [f"--{key}", str(value)]
    return args


# -- the FTS5 baseline ------------------------------------------------------------------------------------

FTS_SCHEMA = ("CREATE VIRTUAL TABLE docs USING fts5(title, body, id UNINDEXED, url UNINDEXED, published UNINDEXED, "
              "kind UNINDEXED, orgs UNINDEXED, states UNINDEXED, tests UNINDEXED, tokenize='porter unicode61')")

# What each FTS5 query process runs: open the file, MATCH with bm25, print JSON like `optout search`.
FTS_QUERY_PROGRAM = """
import json, sqlite3, sys
db, match, where, params = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
conn = sqlite3.connect(db)
sql = ("SELECT id, url, title, published, kind, orgs, states, tests, bm25(docs, 2.0, 1.0) AS score, "
       "snippet(docs, 1, '«', '»', '…', 30) FROM docs WHERE docs MATCH ? " + where + " ORDER BY score LIMIT 10")
rows = conn.execute(sql, [match, *params]).fetchall()
keys = ("id", "url", "title", "published", "kind", "organizations", "states", "tests", "score", "snippet")
print(json.dumps([dict(zip(keys, r)) for r in rows], ensure_ascii=False, indent=1))
"""


def build_fts(jsonl: Path, db: Path) -> float:
    """An FTS5 table of the same documents; returns the seconds it took."""
    start = time.perf_counter()
    if db.exists():
        db.unlink()
    conn = sqlite3.connect(db)
    conn.execute(FTS_SCHEMA)
    with open(jsonl, encoding="utf-8") as fh, conn:
        rows = []
        for line in fh:
            d = json.loads(line)
            rows.append((d.get("title") or "", d["text"], d["id"], d["url"], d.get("published") or "", d["kind"],
                         "," + ",".join(d.get("organizations") or []) + ",",
                         "," + ",".join(d.get("states") or []) + ",", "," + ",".join(d.get("tests") or []) + ","))
            if len(rows) >= 2000:
                conn.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?)", rows)
                rows = []
        conn.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?)", rows)
    conn.execute("INSERT INTO docs(docs) VALUES('optimize')")
    conn.commit()
    conn.close()
    return time.perf_counter() - start


def fts_match(text: str) -> str:
    """The user's words as an FTS5 query with the same OR semantics as `optout search` (phrases kept)."""
    parts = []
    for phrase, word in re.findall(r'"([^"]+)"|([\w]+)', text):
        if phrase:
            parts.append('"' + " ".join(re.findall(r"\w+", phrase)) + '"')
        elif word.lower() not in ("and", "or", "not", "near"):
            parts.append(f'"{word}"')
    return " OR ".join(parts) or '""'


def fts_where(filters: dict[str, Any]) -> tuple[str, list[Any]]:
    """Filters resolved the way the CLI resolves them (canonical names, dates) as SQL on the FTS5 table."""
    from indexer.aliases import Resolver
    from indexer.dates import parse_span

    resolver = Resolver()
    clauses, params = [], []
    for key, column in (("org", "orgs"), ("state", "states"), ("test", "tests")):
        if key in filters:
            clauses.append(f"{column} LIKE ?")
            params.append(f"%,{resolver.resolve(key, filters[key])},%")
    if "kind" in filters:
        clauses.append("kind = ?")
        params.append(filters["kind"])
    if "since" in filters:
        clauses.append("published >= ?")
        params.append(parse_span(filters["since"]).start.isoformat())
    if "until" in filters:
        clauses.append("published <= ?")
        params.append(parse_span(filters["until"]).end.isoformat())
    return "".join(f" AND {c}" for c in clauses), params


# -- measuring ----------------------------------------------------------------------------------------------

def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.0f} ms"


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def prepare(work: Path, n: int) -> dict[str, float]:
    """Generate, import and index (reusing what an earlier run with the same n left in ``work``)."""
    from bench.gen_archive import write_jsonl

    figures: dict[str, float] = {}
    marker = work / "built.json"
    state = json.loads(marker.read_text()) if marker.exists() else {}
    if state.get("n") != n:
        state = {"n": n}
        for stale in ("docs.jsonl", "fts.sqlite3"):
            (work / stale).unlink(missing_ok=True)
        if (work / "data").exists():
            import shutil

            shutil.rmtree(work / "data")
    jsonl, data = work / "docs.jsonl", work / "data"
    if not state.get("generated"):
        start = time.perf_counter()
        with open(jsonl, "w", encoding="utf-8") as fh:
            write_jsonl(fh, n)
        state["generated"] = time.perf_counter() - start
        print(f"generated {n} documents in {state['generated']:.1f} s", flush=True)
    if not state.get("imported"):
        state["imported"], _ = run([*optout_cmd(), "--data-dir", str(data), "import", str(jsonl)])
        print(f"`optout import`: {state['imported']:.1f} s", flush=True)
    if not state.get("indexed"):
        state["indexed"], done = run([*optout_cmd(), "--data-dir", str(data), "index"])
        print(f"`optout index`: {state['indexed']:.1f} s  ({done.stdout.strip().splitlines()[-1]})", flush=True)
    if not state.get("fts_built"):
        state["fts_built"] = build_fts(jsonl, work / "fts.sqlite3")
        print(f"FTS5 table built in {state['fts_built']:.1f} s", flush=True)
    marker.write_text(json.dumps(state))
    figures.update(state)
    return figures


@dataclass
class Timings:
    table: dict[str, list[float]] = field(default_factory=dict)
    json: dict[str, list[float]] = field(default_factory=dict)
    fts: dict[str, list[float]] = field(default_factory=dict)
    hits: dict[str, str] = field(default_factory=dict)


def time_queries(work: Path, runs: int) -> Timings:
    data, db = work / "data", work / "fts.sqlite3"
    t = Timings()
    prepared = []
    for text, filters in QUERIES:
        label = text + "".join(f" --{k} {v}" for k, v in filters.items())
        where, params = fts_where(filters)
        base = [*optout_cmd(), "--data-dir", str(data)]
        prepared.append((label, [*base, *cli_args(text, filters, "table")], [*base, *cli_args(text, filters, "json")],
                         [sys.executable, "-c", FTS_QUERY_PROGRAM, str(db), fts_match(text), where, json.dumps(params)]))
    for _ in range(runs):  # interleaved, so no side gets a warmer cache
        for label, table, as_json, fts in prepared:
            elapsed, _done = run(table, timeout=120)
            t.table.setdefault(label, []).append(elapsed)
            elapsed, done = run(as_json, timeout=120)
            t.json.setdefault(label, []).append(elapsed)
            optout_hits = len(json.loads(done.stdout))
            elapsed, done = run(fts, timeout=120)
            t.fts.setdefault(label, []).append(elapsed)
            t.hits[label] = f"{optout_hits}/{len(json.loads(done.stdout))}"
    return t


def _line(name: str, values: list[float], target_ms: int | None = None) -> str:
    text = f"{name:23}{ms(percentile(values, 50))} p50 {ms(percentile(values, 95))} p95"
    if target_ms is not None:
        text += f"   target p50 <= {target_ms} ms: {verdict(percentile(values, 50) * 1000 <= target_ms)}"
    return text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="documents to generate (default 20000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each query (default 3)")
    parser.add_argument("--work", type=Path, help="keep and reuse the generated archive in this folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="optout-bench-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        figures = prepare(work, args.n)
        help_times = [run([*optout_cmd(), "--help"])[0] for _ in range(5)]
        python_times = [run([sys.executable, "-c", "pass"])[0] for _ in range(5)]
        t = time_queries(work, args.runs)

    docs_s = args.n / figures["indexed"]
    every = {name: [x for xs in getattr(t, name).values() for x in xs] for name in ("table", "json", "fts")}
    width = max(len(label) for label in t.table)
    print(f"\n== {args.n} documents, {len(QUERIES)} queries x {args.runs} runs, fresh processes (medians) ==")
    print(f"{'query':{width}}  {'table':>10}  {'json':>10}  {'FTS5':>10}  table/FTS5  hits (json/FTS5)")
    for label in t.table:
        a, b, c = (statistics.median(getattr(t, n)[label]) for n in ("table", "json", "fts"))
        print(f"{label:{width}}  {ms(a):>10}  {ms(b):>10}  {ms(c):>10}  {a / c:10.1f}  {t.hits[label]}")
    print("\n== figures ==")
    print(f"import                 {figures['imported']:8.1f} s    ({args.n / figures['imported']:.0f} documents/s)")
    print(f"index                  {figures['indexed']:8.1f} s    {docs_s:8.0f} documents/s   "
          f"target >= {TARGET_INDEX_DOCS_S}: {verdict(docs_s >= TARGET_INDEX_DOCS_S)}")
    print(_line("optout search (table)", every["table"], TARGET_P50_MS))
    print(_line("optout search (json)", every["json"], TARGET_P50_MS))
    print(_line("FTS5 python -c", every["fts"]))
    for name in ("table", "json"):
        print(f"ratio {name}/FTS5       p50 {percentile(every[name], 50) / percentile(every['fts'], 50):.1f}x   "
              f"p95 {percentile(every[name], 95) / percentile(every['fts'], 95):.1f}x")
    print(f"p95 targets <= {TARGET_P95_MS} ms: table {verdict(percentile(every['table'], 95) * 1000 <= TARGET_P95_MS)}, "
          f"json {verdict(percentile(every['json'], 95) * 1000 <= TARGET_P95_MS)}")
    print(f"optout --help median   {ms(statistics.median(help_times))}   (max {ms(max(help_times)).strip()})"
          f"   target <= {TARGET_HELP_MS} ms: {verdict(statistics.median(help_times) * 1000 <= TARGET_HELP_MS)}")
    print(f"bare `python -c pass`  {ms(statistics.median(python_times))}   (interpreter start-up, for scale)")
    print(f"FTS5 table build       {figures['fts_built']:8.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
