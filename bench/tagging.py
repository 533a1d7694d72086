#!/usr/bin/env python3
"""Tagging plus quote extraction speed on 800-word documents, one core.

usage: python bench/tagging.py [--docs N]
Documents are generated from the golden-set fixtures (fictional), stretched to about 800 words each.
Target: >= 200 documents/s.
"""
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.annotate import annotate  # noqa: E402
from indexer.quotes import default_extractor  # noqa: E402


def documents(n: int) -> list[tuple[str, str, str]]:
    fixtures = [json.loads(p.read_text()) for p in sorted((ROOT / "tests/fixtures/golden").glob("*.json"))]
    docs = []
    for i in range(n):
        fx = fixtures[i % len(fixtures)]
        paragraphs = fx["text"].split("\n")
        text, k = [], 0
        while sum(len(p.split()) for p in text) < 800:
            text.append(paragraphs[(k + i) % len(paragraphs)])
            k += 1
        docs.append((fx["title"], "\n".join(text), fx["published"]))
    return docs


def main() -> None:
    n = int(sys.argv[sys.argv.index("--docs") + 1]) if "--docs" in sys.argv else 2000
    docs = documents(n)
    default_extractor()  # build the gazetteer matchers before timing
    words = sum(len(t.split()) for _, t, _ in docs) / len(docs)
    start, cpu = time.perf_counter(), time.process_time()
    quotes = 0
    for title, text, published in docs:
        _tags, found = annotate(title, text, published)
        quotes += len(found)
    secs, cpu_secs = time.perf_counter() - start, time.process_time() - cpu
    print(f"documents {n}  mean words {words:.0f}  quotes {quotes}")
    # CPU time is the figure to compare on a shared machine; wall time shows what a user waits.
    print(f"wall seconds {secs:.2f}  documents/s {n / secs:.1f}")
    print(f"cpu seconds {cpu_secs:.2f}  documents/s per core {n / cpu_secs:.1f}  (target >= 200)")


if __name__ == "__main__":
    main()
