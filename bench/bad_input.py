#!/usr/bin/env python3
"""Seconds to tag and extract quotes from each hostile input (testsupport/samples.py), one core.

usage: python bench/bad_input.py [--repeat 3]
Target: under 1 s each (annotate() caps texts at indexer.annotate.MAX_CHARS to keep it bounded).
The tests only check that these inputs do not crash: a time limit in a test flakes on a loaded machine.
"""
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.annotate import annotate  # noqa: E402
from indexer.quotes import default_extractor  # noqa: E402
from testsupport.samples import HOSTILE_TEXTS  # noqa: E402

TARGET_SECONDS = 1.0


def main() -> None:
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    default_extractor()  # build the gazetteer matchers before timing
    for name, text in HOSTILE_TEXTS.items():
        best_wall, best_cpu = float("inf"), float("inf")
        for _ in range(repeat):
            start, cpu = time.perf_counter(), time.process_time()
            annotate("A title", text, "2015-01-01")
            best_wall = min(best_wall, time.perf_counter() - start)
            best_cpu = min(best_cpu, time.process_time() - cpu)
        verdict = "ok" if best_cpu < TARGET_SECONDS else "SLOW"
        print(f"{name:16} {len(text):>9} chars  wall {best_wall:.3f} s  cpu {best_cpu:.3f} s  {verdict}")


if __name__ == "__main__":
    main()
