"""Backfill benchmark: `optout backfill` against the loopback Wayback Machine (testsupport.waybackserver).

    python bench/backfill.py [--captures 300] [--rows 10000] [--page-size 1000]

1. Throughput: ``--captures`` fictional article captures (different texts, 400 words each) listed by the CDX
   API and fetched in their id_ form, with the politeness delay set to 0, each archived through the crawl's
   extraction and archive: captures per second, and CDX rows per second.
2. Memory: ``--rows`` CDX rows (10,000 by default) of 500 article URLs, each captured many times (the backfill
   keeps one capture per URL, as by default), in a fresh process: its resident size before the backfill and
   at its peak (the server's 10,000 stored pages included), and the same for a tenth of the rows, so the
   growth per row shows.

The loopback server runs in this process (its threads share the CPU with the backfill), so the figures are
a lower bound for the backfill alone. Machine noise: compare runs made one after the other.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive import Archive  # noqa: E402
from crawler.sources import parse_sources  # noqa: E402
from crawler.wayback import options_for, run_backfill  # noqa: E402
from testsupport.faultserver import make_article  # noqa: E402
from testsupport.waybackserver import WaybackServer  # noqa: E402

SITE = "http://www.bench-educators.example"
SOURCE = parse_sources(f'[[sources]]\nid = "bench"\nname = "Bench Educators"\nfeeds = ["{SITE}/feed/"]\n')[0]


def throughput(captures: int, page_size: int) -> None:
    with WaybackServer() as wb, tempfile.TemporaryDirectory() as tmp:
        for n in range(captures):
            art = make_article(20_000 + n, f"/news/{2013 + n % 4}/story-{n}.html", words=400)
            wb.add(f"{2013 + n % 4}{1 + n % 12:02d}{1 + n % 28:02d}120000", SITE + art.path, art.html(SITE))
        with Archive(Path(tmp) / "data") as archive:
            opts = options_for(SOURCE, base=wb.base, delay=0.0, page_size=page_size)
            started = time.perf_counter()
            report = run_backfill(SOURCE, archive, opts)
            seconds = time.perf_counter() - started
        archived = report.archived
        print(f"throughput: {archived} of {captures} captures archived in {seconds:.1f} s = "
              f"{archived / seconds:.1f} captures/s ({report.counts['listed'] / seconds:.0f} CDX rows/s, "
              f"{report.requests} requests, delay 0)")


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        line = next(x for x in fh if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def memory(rows: int, page_size: int) -> None:
    urls = 500
    with WaybackServer() as wb, tempfile.TemporaryDirectory() as tmp:
        bodies = [make_article(30_000 + n, f"/news/2015/item-{n}.html", words=300).html(SITE) for n in range(urls)]
        for n in range(rows):
            u = n % urls
            # Each capture of a URL differs a little (collapse=digest keeps them all), as live pages do.
            body = bodies[u].replace("</footer>", f"<!-- visit {n} --></footer>")
            wb.add(f"2015{1 + (n // urls) % 12:02d}{1 + n % 28:02d}{n % 24:02d}0000",
                   f"{SITE}/news/2015/item-{u}.html", body)
        with Archive(Path(tmp) / "data") as archive:
            opts = options_for(SOURCE, base=wb.base, delay=0.0, page_size=page_size)
            run_backfill(SOURCE, archive, options_for(SOURCE, base=wb.base, delay=0.0, max_captures=1))  # warm up
            before = _rss_mb()
            started = time.perf_counter()
            report = run_backfill(SOURCE, archive, opts)
            seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"memory: {report.counts['listed']} CDX rows ({report.archived} captures archived, "
              f"{report.counts['other captures']} other captures of the same URLs skipped) in {seconds:.1f} s; "
              f"RSS {before:.0f} MB before the backfill, peak {peak:.0f} MB (+{peak - before:.0f} MB)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--captures", type=int, default=300)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--part", choices=["all", "throughput", "memory"], default="all")
    args = parser.parse_args()
    if args.part in ("all", "throughput"):
        throughput(args.captures, args.page_size)
    if args.part == "memory":
        memory(args.rows, args.page_size)
    elif args.part == "all":
        # Each memory run in a fresh process, so one's peak does not hide the other's.
        for rows in (args.rows // 10, args.rows):
            subprocess.run([sys.executable, __file__, "--part", "memory", "--rows", str(rows),
                            "--page-size", str(args.page_size)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
