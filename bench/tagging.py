#!/usr/bin/env python3
"""Tagging plus quote extraction speed on 800-word documents, one core.

usage: python bench/tagging.py [--docs N] [--no-bad-input]
Documents are generated from the golden-set fixtures (fictional), stretched to about 800 words each.
Target: >= 200 documents/s. Then the hostile inputs of issue 8 (5 MB paragraph, 10,000 marks, ...), timed one by one.
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


def hostile() -> dict[str, str]:
    """The bad inputs of issue 8, generated here (fictional words)."""
    return {
        "5 MB paragraph": "Pat Quill said the tests ran long " * 150_000,
        "10,000 quotation marks": "\u201cyes\u201d " * 5_000 + '"' * 10_000,
        "unbalanced marks": "\u201cWe never close this quote, said Ada Brook. " * 2_000 + "\u201d" * 500,
        "nested 50 deep": "Lou Park said " + "\u201cand then \u2018" * 50 + "deep words" + "\u2019\u201d" * 50,
        "500 capitalised words": " ".join(f"Word{chr(65 + i % 26)}{chr(97 + i // 26)}" for i in range(500))
                                 + " said, \u201cthese are five words here.\u201d",
        "mixed scripts": ("\u201c\u0645\u0631\u062d\u0628\u0627 \u4f60\u597d \u043f\u0440\u0438\u0432\u0435\u0442,\u201d said "
                          "\u00c9lodie \u0141ukasz. ") * 2_000,
    }


def bad_input() -> None:
    """Seconds per hostile document through annotate() (target: well under a second each)."""
    for name, text in hostile().items():
        start = time.process_time()
        _tags, found = annotate("Title", text, "2016-01-01")
        print(f"bad input {name:24} cpu seconds {time.process_time() - start:.3f}  quotes {len(found)}")


if __name__ == "__main__":
    main()
    if "--no-bad-input" not in sys.argv:
        bad_input()
