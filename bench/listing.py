#!/usr/bin/env python3
"""How long and how much memory reading the links of one very large listing page takes (issue 16: target
< 5 s and < 200 MB for 100,000 links). Prints seconds, links found and the growth of peak RSS."""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.discovery import listing_links  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--links", type=int, default=100_000)
    args = parser.parse_args()
    items = "".join(f'<li><a href="/2016/05/story-{i}.html">Story {i} on the spring exams</a></li>'
                    for i in range(args.links))
    body = f"<html><body><ul>{items}</ul></body></html>".encode()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start, cpu = time.perf_counter(), time.process_time()
    found = listing_links(body, "https://news.example.org/section/", "text/html")
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(f"page {len(body) / 1e6:.1f} MB, {args.links} links: {len(found)} found in {wall:.2f} s "
          f"({cpu:.2f} s CPU), peak RSS +{growth:.0f} MB (targets: < 5 s, < 200 MB)")


if __name__ == "__main__":
    main()
