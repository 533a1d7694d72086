#!/usr/bin/env python3
"""Print per-field precision, recall and F1 of tagging and quotes on the golden set (tests/fixtures/golden).

usage: python bench/golden.py [--misses]
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.evaluation import evaluate, load_golden, vocabulary  # noqa: E402


def main() -> None:
    fixtures = load_golden(ROOT / "tests" / "fixtures" / "golden")
    scores, misses = evaluate(fixtures)
    print(f"documents {len(fixtures)}")
    for name, s in scores.items():
        print(f"{name:14} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}  (tp {s.tp}, fp {s.fp}, fn {s.fn})")
    within, _ = evaluate(fixtures, vocabulary(fixtures))
    print("tags judged only within the labels' vocabulary (gazetteer names the labellers did not use are not judged):")
    for name in ("organizations", "states", "tests"):
        s = within[name]
        print(f"{name:14} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}")
    attribution_patterns()
    if "--misses" in sys.argv:
        print("\n".join(misses))


def attribution_patterns() -> None:
    """Speaker attribution on the labelled pattern cases (tests/fixtures/attribution/patterns.json)."""
    import json

    from indexer.quotes import default_extractor

    cases = json.loads((ROOT / "tests/fixtures/attribution/patterns.json").read_text(encoding="utf-8"))["cases"]
    found = named = right = exact = 0
    for case in cases:
        quote = next((q for q in default_extractor().extract(case["text"], "2016-03-01")
                      if q.text.startswith(case["quote"])), None)
        if quote is None:
            continue
        found += 1
        exact += (quote.speaker, quote.speaker_org) == (case["speaker"], case["speaker_org"])
        if quote.speaker:
            named += 1
            right += quote.speaker == case["speaker"]
        if "--misses" in sys.argv and (quote.speaker, quote.speaker_org) != (case["speaker"], case["speaker_org"]):
            print(f"attribution miss: {case['pattern']}: {quote.speaker!r} / {quote.speaker_org!r}")
    print(f"attribution patterns {len(cases)}: quote found {found}, speaker and org right {exact}, "
          f"speakers named {named}, of which right {right}")

if __name__ == "__main__":
    main()
