#!/usr/bin/env python3
"""Seconds per hostile page for the date cascade (the pages of tests/crawler/test_dates_cascade.py BAD_PAGES).

usage: python bench/dates_bad_input.py   (target: every page under one second)
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "crawler"))

from test_dates_cascade import BAD_PAGES  # noqa: E402

from crawler.extract import extract  # noqa: E402

extract(b"<html><body><p>warm up</p></body></html>", "https://warm.example/")
worst = 0.0
for name, page in sorted(BAD_PAGES.items()):
    start = time.perf_counter()
    ex = extract(page.encode(), "https://bad.example/page")
    took = time.perf_counter() - start
    worst = max(worst, took)
    print(f"{name:<16} {len(page) / 1e6:6.2f} MB  {took:6.3f} s  published={ex.published}")
print(f"worst {worst:.3f} s per page")
