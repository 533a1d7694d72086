#!/usr/bin/env python3
"""Print per-field precision, recall and F1 of tagging and quotes on the golden set (tests/fixtures/golden).

usage: python bench/golden.py [--misses]
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.evaluation import evaluate, load_golden, vocabulary  # noqa: E402
from testsupport import FIXTURES  # noqa: E402


def main() -> None:
    fixtures = load_golden(FIXTURES / "golden")
    scores, misses = evaluate(fixtures)
    print(f"documents {len(fixtures)}")
    for name, s in scores.items():
        print(f"{name:14} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}  (tp {s.tp}, fp {s.fp}, fn {s.fn})")
    within, _ = evaluate(fixtures, vocabulary(fixtures))
    print("tags judged only within the labels' vocabulary (gazetteer names the labellers did not use are not judged):")
    for name in ("organizations", "states", "tests"):
        s = within[name]
        print(f"{name:14} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}")
    if "--misses" in sys.argv:
        print("\n".join(misses))


if __name__ == "__main__":
    main()
