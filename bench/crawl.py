"""Crawl benchmark: a loopback site of fictional articles crawled end to end by `optout crawl`.

    python bench/crawl.py [--articles 2000] [--words 600] [--profile]

Serves the articles (600+ words each, all different) with a sitemap and an RSS feed of the latest ones,
runs the real CLI in a subprocess with the default politeness settings (two requests at a time per
site, AutoThrottle), and prints pages per second and the crawl process's peak memory. Targets: at
least 30 pages/s and at most 500 MB. ``--profile`` runs the crawl under cProfile and prints the top
functions by cumulative time.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from testsupport.faultserver import FaultServer, make_article, page, rss, sitemap  # noqa: E402

TARGET_PAGES_PER_SECOND = 30
TARGET_PEAK_MB = 500


def build_site(server: FaultServer, articles: int, words: int) -> list[str]:
    paths = []
    for n in range(articles):
        path = f"/{2000 + n % 24}/{1 + n % 12:02d}/article-{n}.html"
        article = make_article(10_000 + n, path, words=words)
        server.routes[path] = page(article.html(server.base))
        paths.append(path)
    server.routes["/robots.txt"] = page(f"User-agent: *\nDisallow: /admin/\nSitemap: {server.base}/sitemap.xml\n",
                                        "text/plain")
    server.routes["/sitemap.xml"] = page(sitemap([(server.url(p), f"2024-01-{1 + i % 28:02d}")
                                                  for i, p in enumerate(paths)]), "application/xml")
    server.routes["/feed.xml"] = page(rss("Latest", [server.url(p) for p in paths[-50:]], server.base + "/"),
                                      "application/rss+xml")
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--profile", action="store_true", help="run the crawl under cProfile")
    parser.add_argument("--data-dir", type=Path, help="keep the archive here (default: a temporary directory)")
    args = parser.parse_args()

    server = FaultServer()
    started = time.monotonic()
    paths = build_site(server, args.articles, args.words)
    print(f"site: {len(paths)} articles of {args.words}+ words, built in {time.monotonic() - started:.1f} s")
    server.start()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = args.data_dir or work / "data"
        sources = work / "sources.toml"
        sources.write_text(f'[[sources]]\nid = "bench"\nname = "Bench"\nfeeds = ["{server.url("/feed.xml")}"]\n'
                           f'sitemaps = ["{server.url("/sitemap.xml")}"]\n', encoding="utf-8")
        cmd = [sys.executable]
        profile_out = work / "crawl.prof"
        if args.profile:
            cmd += ["-m", "cProfile", "-o", str(profile_out)]
            cmd += [str(ROOT / "search_cli" / "cli.py")]
        else:
            cmd += ["-m", "search_cli.cli"]
        cmd += ["--data-dir", str(data), "crawl", "--sources", str(sources)]
        env = {**os.environ, "PYTHONWARNINGS": "ignore", "PYTHONPATH": str(ROOT)}
        env.pop("OPTOUT_HOME", None)
        started = time.monotonic()
        result = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
        elapsed = time.monotonic() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if result.returncode != 0:
            print(result.stdout, result.stderr, sep="\n")
            print(f"crawl failed with exit code {result.returncode}")
            return 1
        conn = sqlite3.connect(data / "archive.sqlite3")
        documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        failures = conn.execute("SELECT count(*) FROM failures").fetchone()[0]
        words = conn.execute("SELECT avg(length(text) - length(replace(text, ' ', '')) + 1) FROM documents").fetchone()[0]
        conn.close()
        hits = [h for h in server.hits() if h.path in server.routes and h.path.endswith(".html")]
        fetch_span = (hits[-1].at - hits[0].at) if len(hits) > 1 else float("nan")
        if args.profile:
            import pstats

            pstats.Stats(str(profile_out)).sort_stats("cumulative").print_stats(35)
    server.stop()
    rate = documents / elapsed
    print(f"archived {documents} documents ({words or 0:.0f} words on average), {failures} failures")
    print(f"crawl process: {elapsed:.1f} s end to end (start-up included), "
          f"{len(hits) / fetch_span if fetch_span else 0:.1f} pages/s between the first and last article fetch")
    print(f"pages/s: {rate:.1f} (target >= {TARGET_PAGES_PER_SECOND})")
    print(f"peak memory of the crawl process: {peak_mb:.0f} MB (target <= {TARGET_PEAK_MB})")
    print(f"most requests in flight at once on the site: {server.max_in_flight} (politeness: 2)")
    ok = documents == len(paths) and rate >= TARGET_PAGES_PER_SECOND and peak_mb <= TARGET_PEAK_MB
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
