#!/usr/bin/env python3
"""Archive-scale figures in one run: generate, import, index and search 20,000 and 100,000 documents.

usage: python bench/scale.py [--sizes 20000,100000] [--runs 2] [--rebuild-sizes 20000] [--work DIR [--keep]]
       python bench/scale.py --search-only --work DIR [--sizes 20000]   (searches the archives --keep left)

For each size N (fresh processes throughout, as users meet them):
1. generates N fictional ~600-word documents (bench/gen_archive.py's generator, with a recurring cast of
   people quoted again and again, as union presidents and spokespeople are, and ~3% wire copies: the same
   story republished by another outlet with a small edit, which near-duplicate detection should link);
2. `optout import` (documents/s, peak RSS of the whole process tree);
3. `optout index` (documents/s, peak RSS summed over the process and every worker it starts, CPU seconds);
   then `optout index` again with nothing new (an incremental run must touch nothing), and for the sizes in
   --rebuild-sizes `optout index --rebuild` (re-tag and re-index everything, from nothing), then `optout
   index` after a gazetteer edit (through $OPTOUT_GAZETTEER: a new organization that one document in five
   mentions; the documents naming it are tagged again and the changed ones re-indexed), then after an edit
   to states.toml (a new territory: only the documents naming one of its forms are tagged again), then
   after an edit to tests.toml (a second New York state program: New York documents on "state tests");
4. 20 queries typed as users type them (some with filters) as fresh `optout search` processes, table and
   --format json, --runs times each, interleaved with the same query on an SQLite FTS5 table of the same
   texts run as a fresh `python -c` process; p50/p95 per format and the ratio to FTS5.

Peak RSS (every 50 ms) and peak PSS (every 0.5 s) are sampled from /proc over the process tree (so pool workers count), and
RUSAGE_CHILDREN's maxrss (the largest single process) is printed beside them. The memory target is judged on
PSS: the RSS sum counts the pages forked workers share with the parent (the vocabularies) once per process,
PSS once in all, which is what the machine gives the run. "docs/s per 2 cores (CPU)" is
N / (CPU seconds of the tree) x 2: what the run would take on two cores nobody else uses (the bench machine
is shared, so wall time is printed too).

Run it with the Python of a regular install (`pip install .`, as the README does): the last line says which
kind it measured. An editable install's import hook costs every Python process tens of milliseconds, the
FTS5 baseline's too, so its search times are higher while the ratio to FTS5 stays about the same.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from bench.gen_archive import FIRST, LAST, Generator  # noqa: E402
from bench.search import build_fts, clean_env, cli_args, fts_match, fts_where, optout_cmd, percentile  # noqa: E402

TARGET_DOCS_S, TARGET_RSS_MB = 300, 600
TARGET_P50 = {20_000: 300, 100_000: 500}
TARGET_P95 = {20_000: 600}

# Typed as people type them: lower case, no quotes around names, a question, a filter or two.
QUERIES: list[tuple[str, dict[str, Any]]] = [
    ("opt out", {}),
    ("opting out of state tests", {}),
    ("nysut opt out", {}),
    ("refusal letter", {"state": "ny"}),
    ("parcc", {"state": "new jersey"}),
    ("smarter balanced moratorium", {}),
    ("sit and stare", {}),
    ("teacher evaluations test scores", {"since": "2015"}),
    ("kids crying on test day", {}),
    ("95 percent participation federal funds", {}),
    ("every student succeeds act", {}),
    ("boycott", {"kind": "statement"}),
    ("common core protest", {"since": "2013", "until": "2016"}),
    ("portfolio assessment", {}),
    ('"test refusal"', {}),
    ("school board resolution", {"org": "nea"}),
    ("mcas", {"state": "ma"}),
    ("can parents in colorado opt out", {}),
    ("union president said", {"kind": "news"}),
    ("achievement gaps civil rights", {}),
]


# -- generation ---------------------------------------------------------------------------------------------

class ScaleGenerator(Generator):
    """gen_archive's documents with a recurring cast (a few people quoted very often) and wire copies."""

    def __init__(self, seed: int = 11):
        super().__init__(seed=seed)
        cast_rng = random.Random(seed + 1)
        self.cast = [f"{cast_rng.choice(FIRST)} {cast_rng.choice(LAST)}" for _ in range(300)]
        self.cast_cum = list(_accumulate(1.0 / (rank + 1) for rank in range(len(self.cast))))

    def person(self) -> str:
        if self.rng.random() < 0.6:  # Zipf over the cast: the union president is quoted every week
            return self.rng.choices(self.cast, cum_weights=self.cast_cum)[0]
        return super().person()

    def wire_copy(self, doc: dict[str, Any], i: int) -> dict[str, Any]:
        """The same story in another outlet: a new URL and source, one sentence changed."""
        from archive.urls import canonical_url, document_id

        copy = dict(doc)
        source = f"wire-{i % 7}"
        copy["url"] = f"https://{source}.example/{doc['published'][:4]}/story-{i}.html"
        copy["id"], copy["canonical_url"], copy["source"] = document_id(copy["url"]), canonical_url(copy["url"]), source
        copy["text"] = doc["text"] + f"\nThis story was distributed by {source.title()} News."
        copy["authors"] = [self.person()]
        copy["quotes"] = [dict(q, start=None, end=None) for q in doc["quotes"]]
        return copy


def _accumulate(values: Any) -> list[float]:
    from itertools import accumulate

    return list(accumulate(values))


def write_archive(path: Path, n: int, seed: int = 11) -> None:
    gen = ScaleGenerator(seed)
    with open(path, "w", encoding="utf-8") as fh:
        i = 0
        while i < n:
            doc = gen.document(i)
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
            i += 1
            if i < n and gen.rng.random() < 0.03:
                fh.write(json.dumps(gen.wire_copy(doc, i), ensure_ascii=False) + "\n")
                i += 1


# -- running and measuring ------------------------------------------------------------------------------------

def _tree_pids(pid: int) -> list[int]:
    """``pid`` and all its descendants (Linux /proc)."""
    out, stack = [], [pid]
    while stack:
        p = stack.pop()
        if p in out:
            continue
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return out


def _tree_kb(pids: list[int], field: str, path: str) -> int:
    """The sum of ``field`` (KiB) in /proc/PID/``path`` over ``pids``."""
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/{path}") as fh:
                for line in fh:
                    if line.startswith(field):
                        total += int(line.split()[1])
                        break
        except (OSError, ValueError):
            continue
    return total


# RSS (/proc/PID/status) is read every 50 ms. PSS splits each page shared by forked workers and their parent
# between them, so its sum is the memory the tree uses (the RSS sum counts a shared page once per process),
# but the kernel walks every page table to give it (smaps_rollup): read every 10th sample only, or the
# sampler takes a tenth of a core from the run it measures.
PSS_EVERY = 10


@dataclass
class Run:
    wall: float
    cpu: float  # user + system seconds of the process and its children
    peak_tree_mb: float  # the largest RSS sum over the tree seen
    peak_pss_mb: float  # the largest PSS sum over the tree seen (the target is judged on this one)
    maxrss_mb: float  # largest single process (RUSAGE_CHILDREN)
    stdout: str
    stderr: str
    returncode: int


# One more organization, named by a phrase about one generated document in five mention: a large edit (an
# alias added to one union's entry changes the tags of far fewer documents).
GAZETTEER_EDIT = ("organizations.toml", """

[[organization]]
name = "Civil Rights Coalition"
full_name = "Civil Rights Coalition for Fair Testing"
aliases = ["civil rights groups"]
kind = "advocacy"
level = "national"
""")
# Then, each on top of the edits before it, as a maintainer makes them: a state entry added to states.toml
# (only the documents naming one of its forms, a name, code, abbreviation, capital, city or demonym, are
# tagged again; the check reads every document), and a second state program for New York in tests.toml (the
# documents tagged with New York that speak of "state tests" are tagged again: their inferred test changes).
# Re-tagging everything is what `optout index --rebuild` measures.
STATES_EDIT = ("states.toml", (ROOT / "tests/fixtures/gazetteer_edits/territory.toml").read_text(encoding="utf-8"))
TESTS_EDIT = ("tests.toml", (ROOT / "tests/fixtures/gazetteer_edits/state_program.toml").read_text(encoding="utf-8"))


def edited_gazetteer(folder: Path, *edits: tuple[str, str]) -> Path:
    """A copy of the packaged gazetteer with ``edits`` (file, text appended to it), for $OPTOUT_GAZETTEER."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in ("organizations.toml", "people.toml", "states.toml", "tests.toml"):
        shutil.copy(ROOT / "indexer" / "data" / name, folder / name)
    for file, text in edits or (GAZETTEER_EDIT,):
        with open(folder / file, "a", encoding="utf-8") as fh:
            fh.write(text)
    return folder


def measure(cmd: Sequence[str], timeout: float = 7200, check: bool = True, env: dict[str, str] | None = None) -> Run:
    """Run ``cmd`` as a fresh process (``env``: added to its environment), sampling the RSS of its process tree."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=err, text=True, env={**clean_env(), **(env or {})})
        peak = [0, 0]
        stop = threading.Event()

        def sample() -> None:
            i = 0
            while not stop.is_set():
                pids = _tree_pids(proc.pid)
                peak[0] = max(peak[0], _tree_kb(pids, "VmRSS:", "status"))
                if i % PSS_EVERY == 0:
                    peak[1] = max(peak[1], _tree_kb(pids, "Pss:", "smaps_rollup"))
                i += 1
                stop.wait(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            proc.wait(timeout=timeout)
        finally:
            stop.set()
            sampler.join()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    run = Run(wall, cpu, peak[0] / 1024, peak[1] / 1024, after.ru_maxrss / 1024, stdout, stderr, proc.returncode)
    if check and proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{stderr[-3000:]}")
    return run


def quick(cmd: Sequence[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(list(cmd), capture_output=True, text=True, env=clean_env(), timeout=300)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-3000:]}")
    return elapsed, done.stdout


@dataclass
class SizeFigures:
    n: int
    generated: float = 0.0
    runs: dict[str, Run] = field(default_factory=dict)
    table: list[float] = field(default_factory=list)
    json: list[float] = field(default_factory=list)
    fts: list[float] = field(default_factory=list)
    hits: list[str] = field(default_factory=list)
    near_duplicates: int = 0
    bad_input: str = ""


def run_size(work: Path, n: int, runs: int, rebuild: bool) -> SizeFigures:
    fig = SizeFigures(n)
    jsonl, data, fts_db = work / f"docs-{n}.jsonl", work / f"data-{n}", work / f"fts-{n}.sqlite3"
    for old in (data, work / f"bad-{n}", fts_db):  # a kept folder from an earlier run: start from nothing
        if old.is_dir():
            shutil.rmtree(old)
        elif old.exists():
            old.unlink()
    start = time.perf_counter()
    write_archive(jsonl, n)
    fig.generated = time.perf_counter() - start
    print(f"[{n}] generated in {fig.generated:.0f} s", flush=True)
    base = [*optout_cmd(), "--data-dir", str(data)]
    fig.runs["import"] = measure([*base, "import", str(jsonl)])
    print(f"[{n}] import {fig.runs['import'].wall:.0f} s", flush=True)
    fig.bad_input = bad_input(jsonl, work / f"bad-{n}")
    print(f"[{n}] bad input: {fig.bad_input}", flush=True)
    fig.runs["index"] = measure([*base, "index"])
    print(f"[{n}] index {fig.runs['index'].wall:.0f} s: {fig.runs['index'].stdout.strip()}", flush=True)
    fig.runs["index (nothing new)"] = measure([*base, "index"])
    print(f"[{n}] incremental: {fig.runs['index (nothing new)'].stdout.strip()}", flush=True)
    if rebuild:
        fig.runs["index --rebuild"] = measure([*base, "index", "--rebuild"])
        print(f"[{n}] rebuild {fig.runs['index --rebuild'].wall:.0f} s", flush=True)
        # A maintainer's gazetteer edit: the documents naming the new organization are tagged again, the
        # changed ones rewritten in the index. Then an edit to states.toml: a new territory.
        edited = edited_gazetteer(work / f"gazetteer-{n}")
        fig.runs["index, gazetteer edit"] = measure([*base, "index"], env={"OPTOUT_GAZETTEER": str(edited)})
        print(f"[{n}] after a gazetteer edit: {fig.runs['index, gazetteer edit'].stdout.strip()}", flush=True)
        edited = edited_gazetteer(work / f"gazetteer-states-{n}", GAZETTEER_EDIT, STATES_EDIT)
        fig.runs["index, states edit"] = measure([*base, "index"], env={"OPTOUT_GAZETTEER": str(edited)})
        print(f"[{n}] after an edit to states: {fig.runs['index, states edit'].stdout.strip()}", flush=True)
        edited = edited_gazetteer(work / f"gazetteer-tests-{n}", GAZETTEER_EDIT, STATES_EDIT, TESTS_EDIT)
        fig.runs["index, tests edit"] = measure([*base, "index"], env={"OPTOUT_GAZETTEER": str(edited)})
        print(f"[{n}] after an edit to tests: {fig.runs['index, tests edit'].stdout.strip()}", flush=True)
    fig.near_duplicates = _near_duplicates(data)
    build_fts(jsonl, fts_db)
    searches(fig, base, fts_db, runs)
    jsonl.unlink()
    return fig


def search_kept(work: Path, n: int, runs: int) -> SizeFigures:
    """The searches alone, on the archive and FTS5 table an earlier --keep run left in ``work``."""
    data, fts_db = work / f"data-{n}", work / f"fts-{n}.sqlite3"
    if not (data / "index").is_dir() or not fts_db.is_file():
        raise SystemExit(f"--search-only: no kept archive of {n} documents in {work} (run with --keep first)")
    fig = SizeFigures(n)
    fig.near_duplicates = _near_duplicates(data)
    searches(fig, [*optout_cmd(), "--data-dir", str(data)], fts_db, runs)
    return fig


def searches(fig: SizeFigures, base: list[str], fts_db: Path, runs: int) -> None:
    """The queries as fresh `optout search` processes (table, json) and FTS5 processes, interleaved."""
    prepared = []
    for text, filters in QUERIES:
        where, params = fts_where(filters)
        prepared.append(([*base, *cli_args(text, filters, "table")], [*base, *cli_args(text, filters, "json")],
                         [sys.executable, "-c", _fts_program(), str(fts_db), fts_match(text), where,
                          json.dumps(params)]))
    for _ in range(runs):  # interleaved, so no side gets a warmer cache
        for table, as_json, fts in prepared:
            fig.table.append(quick(table)[0])
            elapsed, out = quick(as_json)
            fig.json.append(elapsed)
            optout_hits = len(json.loads(out))
            elapsed, out = quick(fts)
            fig.fts.append(elapsed)
            fig.hits.append(f"{optout_hits}/{len(json.loads(out))}")


def bad_input(jsonl: Path, work: Path) -> str:
    """`optout import` of the same file with its middle line broken: it must fail naming that line, import
    nothing, and stay in bounded memory (the figure is the peak RSS)."""
    import sqlite3

    work.mkdir(parents=True, exist_ok=True)
    broken = work / "broken.jsonl"
    with open(jsonl, encoding="utf-8") as src:
        total = sum(1 for _ in src)
    middle = total // 2
    with open(jsonl, encoding="utf-8") as src, open(broken, "w", encoding="utf-8") as out:
        for number, line in enumerate(src, 1):
            out.write('{"id": "half a line", "url": \n' if number == middle else line)
    run = measure([*optout_cmd(), "--data-dir", str(work / "data"), "import", str(broken)], check=False)
    conn = sqlite3.connect(work / "data" / "archive.sqlite3")
    try:
        kept = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        conn.close()
    message = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""
    named = f"line {middle}" in message
    broken.unlink()
    return (f"{total} lines, line {middle} broken: exit {run.returncode}, {kept} documents imported, line named: "
            f"{'yes' if named else 'NO'}, {run.wall:.1f} s, peak RSS {run.peak_tree_mb:.0f} MB "
            f"({'ok' if run.returncode != 0 and kept == 0 and named else 'MISSED'}); message: {message[:160]}")


def _fts_program() -> str:
    from bench.search import FTS_QUERY_PROGRAM

    return FTS_QUERY_PROGRAM


def _near_duplicates(data: Path) -> int:
    """How many documents the archive links to an earlier near-identical one (wire copies)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{data / 'archive.sqlite3'}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM documents WHERE near_duplicate_of IS NOT NULL").fetchone()[0])
    finally:
        conn.close()


# -- report ------------------------------------------------------------------------------------------------------

def ok(flag: bool) -> str:
    return "ok" if flag else "MISSED"


def report(figs: list[SizeFigures]) -> None:
    print("\n== bench/scale.py figures ==")
    for fig in figs:
        print(f"\n-- {fig.n} documents (generated in {fig.generated:.0f} s; {fig.near_duplicates} linked as "
              "near-duplicates) --")
        print(f"{'step':22} {'wall s':>8} {'docs/s':>8} {'CPU s':>8} {'docs/s per 2 cores (CPU)':>25} "
              f"{'peak RSS tree':>14} {'peak PSS tree':>14} {'max 1 proc':>11}")
        for name, run in fig.runs.items():
            wall_rate = fig.n / run.wall if run.wall else 0.0
            cpu_rate = 2 * fig.n / run.cpu if run.cpu else 0.0
            line = (f"{name:22} {run.wall:8.1f} {wall_rate:8.0f} {run.cpu:8.1f} {cpu_rate:25.0f} "
                    f"{run.peak_tree_mb:11.0f} MB {run.peak_pss_mb:11.0f} MB {run.maxrss_mb:8.0f} MB")
            if name in ("index", "index --rebuild", "index, gazetteer edit", "index, states edit",
                        "index, tests edit"):
                line += (f"   >= {TARGET_DOCS_S} docs/s: wall {ok(wall_rate >= TARGET_DOCS_S)}, "
                         f"CPU {ok(cpu_rate >= TARGET_DOCS_S)}; <= {TARGET_RSS_MB} MB: "
                         f"{ok(run.peak_pss_mb <= TARGET_RSS_MB)} (PSS)")
            print(line)
        if fig.bad_input:
            print(f"bad input: {fig.bad_input}")
        print(f"searches: {len(QUERIES)} queries x {len(fig.table) // len(QUERIES)} runs, fresh processes")
        for name, values in (("optout search (table)", fig.table), ("optout search --format json", fig.json),
                             ("FTS5 python -c", fig.fts)):
            p50, p95 = percentile(values, 50) * 1000, percentile(values, 95) * 1000
            line = f"  {name:28} p50 {p50:6.0f} ms  p95 {p95:6.0f} ms"
            if name != "FTS5 python -c":
                ratio = percentile(values, 50) / percentile(fig.fts, 50)
                line += f"   {ratio:4.1f}x FTS5 (p50)"
                if fig.n in TARGET_P50:
                    line += f"   p50 <= {TARGET_P50[fig.n]}: {ok(p50 <= TARGET_P50[fig.n])}"
                if fig.n in TARGET_P95:
                    line += f", p95 <= {TARGET_P95[fig.n]}: {ok(p95 <= TARGET_P95[fig.n])}"
            print(line)
        print(f"  hits per query (optout json/FTS5), last run: {' '.join(fig.hits[-len(QUERIES):])}")


def install_kind() -> str:
    """How the measured optout is installed. An editable install (pip install -e) adds its import hook to
    every Python process, the FTS5 baseline's too: tens of ms each. The README installs a regular one."""
    program = ("import importlib.metadata as m, json\n"
               "try:\n    d = m.distribution('optout-archive').read_text('direct_url.json') or '{}'\n"
               "except m.PackageNotFoundError:\n    d = 'null'\nprint(d)")
    # run from / so that the source tree's own metadata (an egg-info folder) is not what is found
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd="/", timeout=60)
    found = json.loads(done.stdout or "null")
    if found is None:
        return "optout-archive not installed (run from the source tree)"
    return "editable install (pip install -e): slower processes than the README's" \
        if found.get("dir_info", {}).get("editable") else "regular install (pip install ., as the README)"


def _sizes(text: str) -> list[int]:
    """Comma-separated positive document counts ('' for none), for argparse."""
    try:
        sizes = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a comma-separated list of document counts") from None
    if any(n <= 0 for n in sizes):
        raise argparse.ArgumentTypeError(f"{text!r}: document counts must be positive")
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=_sizes, default="20000,100000",
                        help="archive sizes, comma-separated (default both)")
    parser.add_argument("--runs", type=int, default=2, help="runs of each query (default 2)")
    parser.add_argument("--rebuild-sizes", type=_sizes, default="20000",
                        help="sizes also timed with `optout index --rebuild` (default 20000; '' for none)")
    parser.add_argument("--work", type=Path, help="folder for the generated archives (default: a temporary one)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the generated archives in --work (to profile or search them afterwards)")
    parser.add_argument("--search-only", action="store_true",
                        help="only the searches, on the archives an earlier --keep run left in --work")
    args = parser.parse_args(argv)
    if (args.keep or args.search_only) and args.work is None:
        parser.error("--keep and --search-only need --work (the folder the archives are kept in)")
    if args.work is not None:
        args.work.mkdir(parents=True, exist_ok=True)
    sizes, rebuild = args.sizes, set(args.rebuild_sizes)
    started = time.perf_counter()
    figs = []
    with tempfile.TemporaryDirectory(prefix="optout-scale-", dir=args.work) as tmp:
        for n in sizes:
            if args.search_only:
                figs.append(search_kept(args.work, n, args.runs))
                continue
            figs.append(run_size(args.work if args.keep else Path(tmp), n, args.runs, n in rebuild))
    report(figs)
    help_wall = statistics.median(quick([*optout_cmd(), "--help"])[0] for _ in range(3))
    print(f"\noptout --help median {help_wall * 1000:.0f} ms; whole bench {time.perf_counter() - started:.0f} s; "
          f"{install_kind()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
