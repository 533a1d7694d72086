#!/usr/bin/env python3
"""Positions: macro-F1 over supports/opposes/neutral and per-class precision/recall, plus cost and bad input.

usage: python bench/positions.py [--split test|train|all] [--errors] [--tagging] [--lexicon-only]
The labelled set is tests/fixtures/positions/ (written for this project). The lexicon is tuned on the train
files only; the figure to report is the held-out test split (the default).
Targets: macro-F1 >= 0.80 and supports precision >= 0.90 on the held-out part.
--lexicon-only scores without the learned model (indexer/position_model.py), to see what it adds.
"""
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.evaluation import class_figures  # noqa: E402
from indexer.position_model import default_model  # noqa: E402
from indexer.positions import default_lexicon, score_quote, score_statement  # noqa: E402

FIXTURES = ROOT / "tests/fixtures/positions"
CLASSES = ("supports", "opposes", "neutral")


def load(kind: str, split: str) -> list[dict]:
    parts = ("train", "test") if split == "all" else (split,)
    rows = []
    for part in parts:
        for line in (FIXTURES / f"{kind}.{part}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def report(name: str, pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Print per-class P/R/F1 and macro-F1 over CLASSES (gold 'none' items count as misses for any class guess)."""
    out = {}
    f1s = []
    print(f"{name}: {len(pairs)} items")
    for c in CLASSES:
        f = class_figures(pairs, c)
        f1s.append(f["f1"])
        out[c] = f["precision"]
        print(f"  {c:9s} P {f['precision']:.3f}  R {f['recall']:.3f}  F1 {f['f1']:.3f}  "
              f"(gold {f['gold']}, predicted {f['predicted']})")
    macro = sum(f1s) / len(f1s)
    acc = sum(1 for g, p in pairs if g == p) / len(pairs)
    print(f"  macro-F1 {macro:.3f}  accuracy (4 labels) {acc:.3f}")
    out["macro"] = macro
    return out


def main() -> None:
    split = sys.argv[sys.argv.index("--split") + 1] if "--split" in sys.argv else "test"
    errors = "--errors" in sys.argv
    lex = default_lexicon()
    quotes, statements = load("quotes", split), load("statements", split)
    use_model = "--lexicon-only" not in sys.argv
    qp = [(r["label"], score_quote(r["text"], use_model=use_model).position) for r in quotes]
    sp = [(r["label"], score_statement(r["title"], r["text"], use_model=use_model).position) for r in statements]
    model = default_model() if use_model else None
    print(f"lexicon {lex.version}  model {model.version if model else 'none'}  split {split}")
    q = report("quotes", qp)
    s = report("statements", sp)
    a = report("quotes + statements", qp + sp)
    print(f"targets: macro-F1 >= 0.80 ({'ok' if a['macro'] >= 0.8 else 'MISSED'}), supports P >= 0.90 "
          f"({'ok' if a['supports'] >= 0.9 else 'MISSED'}); quotes {q['macro']:.3f}/{q['supports']:.3f}, "
          f"statements {s['macro']:.3f}/{s['supports']:.3f}")
    print("confusions (gold -> predicted):", dict(Counter(f"{g}->{p}" for g, p in qp + sp if g != p)))
    if errors:
        for r, (g, p) in zip(quotes + statements, qp + sp, strict=True):
            if g != p:
                res = score_quote(r["text"], use_model=use_model) if "title" not in r \
                    else score_statement(r["title"], r["text"], use_model=use_model)
                print(f"  {r['id']} {g}->{p} [{r['nuance']}] {r['text'][:150]}\n      {res.describe()} {res.scores}")
    cost()
    if "--tagging" in sys.argv:
        tagging_ratio()


def tagging_ratio(n: int = 200, rounds: int = 30) -> None:
    """bench/tagging.py's documents through annotate() with and without positioning. The machine is shared
    and its speed drifts: each round runs both, in alternating order, and the figure is the median of the
    rounds' own ratios (a drift between rounds cancels out), with their quartiles."""
    import statistics  # noqa: PLC0415

    sys.path.insert(0, str(ROOT / "bench"))
    import tagging  # noqa: PLC0415

    from indexer import annotate as annotate_module  # noqa: PLC0415
    from indexer import positions  # noqa: PLC0415

    docs = tagging.documents(n)
    real = positions.position_quotes, positions.document_position
    off = (lambda *args, **kwargs: None), (lambda *args: None)
    annotate_module.annotate(*docs[0])  # warm the gazetteer, the lexicon and the model
    times: dict[str, list[float]] = {"without": [], "with": []}
    for i in range(rounds):
        for label in (("without", "with") if i % 2 == 0 else ("with", "without")):
            positions.position_quotes, positions.document_position = real if label == "with" else off
            start = time.process_time()
            for title, text, published in docs:
                annotate_module.annotate(title, text, published)
            times[label].append((time.process_time() - start) / n * 1000)
    positions.position_quotes, positions.document_position = real
    per = {k: statistics.median(v) for k, v in times.items()}
    ratios = sorted(w / o - 1 for w, o in zip(times["with"], times["without"], strict=True))
    q1, median, q3 = statistics.quantiles(ratios, n=4)
    print(f"tagging: {per['without']:.2f} ms/document without positions, {per['with']:.2f} ms with "
          f"(+{median * 100:.1f}%, quartiles +{q1 * 100:.1f}% to +{q3 * 100:.1f}%, budget +20%; median of "
          f"{rounds} rounds' ratios, each round both in alternating order)")


def cost() -> None:
    texts = [r["text"] for r in load("quotes", "all")]
    n = 20
    start = time.process_time()
    for _ in range(n):
        for t in texts:
            score_quote(t)
    per_quote = (time.process_time() - start) / (n * len(texts))
    long_text = " ".join(r["text"] for r in load("statements", "all"))
    big = (long_text + " ") * (50_000 // max(1, len(long_text.split())) + 1)
    start = time.process_time()
    score_statement("A long statement", big)
    big_secs = time.process_time() - start
    start = time.process_time()
    bad = ["", "   ", "not not not", "no no no never not", "😀🔥📚" * 50, "¡No al examen! Los padres deciden.",
           "Die Eltern sollten die Prüfung verweigern.", "我们支持家长拒绝考试", "\x00\x01", "opt " * 5000]
    for t in bad:
        score_quote(t)
    bad_secs = (time.process_time() - start) / len(bad)
    print(f"cost: {per_quote * 1e6:.0f} us per quote (cpu), 50,000-word statement {big_secs * 1000:.0f} ms, "
          f"bad inputs {bad_secs * 1000:.1f} ms each")


if __name__ == "__main__":
    main()
