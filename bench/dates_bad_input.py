#!/usr/bin/env python3
"""Seconds per hostile page (tests/crawler/test_dates_cascade.py BAD_PAGES): the date decision alone and the
whole extraction (body text included). Target: a date or null within a second.

usage: python bench/dates_bad_input.py
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "crawler"))

from test_dates_cascade import BAD_PAGES  # noqa: E402

from crawler import metadata, pubdate  # noqa: E402
from crawler.encoding import decode_html  # noqa: E402
from crawler.extract import extract, parse_tree  # noqa: E402

extract(b"<html><body><p>warm up on March 3, 2015</p></body></html>", "https://warm.example/")
worst = worst_date = 0.0
for name, page in sorted(BAD_PAGES.items()):
    start = time.perf_counter()
    tree = parse_tree(decode_html(page.encode()))
    metas = metadata.meta(tree)
    decision = pubdate.publication_date(tree, metas, metadata.article_object(metadata.jsonld_objects(tree)),
                                        ["https://bad.example/page"], "en")
    date_secs = time.perf_counter() - start
    start = time.perf_counter()
    ex = extract(page.encode(), "https://bad.example/page")
    took = time.perf_counter() - start
    worst, worst_date = max(worst, took), max(worst_date, date_secs)
    print(f"{name:<16} {len(page) / 1e6:6.2f} MB  date {date_secs:6.3f} s  extract {took:6.3f} s  "
          f"published={ex.published} ({decision.date})")
print(f"worst: date {worst_date:.3f} s, whole extraction {worst:.3f} s per page")
