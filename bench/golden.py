#!/usr/bin/env python3
"""Print per-field precision, recall and F1 of tagging and quotes on the golden set (tests/fixtures/golden).

usage: python bench/golden.py [--misses]
       python bench/golden.py --speaker-precision GOLD.json EXPORT.jsonl
The second form reads an eval gold file and an `optout export --format jsonl` (for instance from
`../shared/eval/run.py ... --keep DIR`, DIR/export.jsonl) and prints how many of the matched quotes given a
speaker have the right one (surname match, as the eval scores it).
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

def speaker_precision(gold_path: str, export_path: str) -> None:
    """Of the gold quotes found (token F1 >= 0.8) that the export gives a speaker, the share that is right."""
    import json
    import re
    from collections import Counter
    from urllib.parse import urlsplit

    def words(text: str | None) -> list[str]:
        return re.findall(r"[a-z0-9]+", (text or "").lower().replace("\u2019", "'").replace("'", " "))

    def f1(a: str, b: str) -> float:
        ta, tb = Counter(words(a)), Counter(words(b))
        common = sum((ta & tb).values())
        return 0.0 if not common else 2 * common / (sum(ta.values()) + sum(tb.values()))

    gold = json.loads(Path(gold_path).read_text(encoding="utf-8"))
    docs = {urlsplit(d["url"]).path.lstrip("/"): d
            for d in map(json.loads, Path(export_path).read_text(encoding="utf-8").splitlines()) if d}
    named = right = found = 0
    for page in gold["pages"]:
        predicted, used = list(docs.get(page["path"], {}).get("quotes") or []), set()
        for gq in page["quotes"] + page.get("quotes_optional", []):
            best = max(((f1(gq["text"], q.get("text", "")), i) for i, q in enumerate(predicted) if i not in used),
                       default=(0.0, None))
            if best[0] < 0.8:
                continue
            used.add(best[1])
            if gq not in page["quotes"]:
                continue
            found += 1
            speaker = predicted[best[1]].get("speaker")
            if speaker:
                named += 1
                right += bool(gq["speaker"]) and words(gq["speaker"])[-1:] == words(speaker)[-1:]
    print(f"quotes found {found}, given a speaker {named}, right {right}: "
          f"{right / max(1, named):.3f} of named speakers correct (target >= 0.95)")


if __name__ == "__main__":
    if "--speaker-precision" in sys.argv:
        at = sys.argv.index("--speaker-precision")
        speaker_precision(sys.argv[at + 1], sys.argv[at + 2])
    else:
        main()
