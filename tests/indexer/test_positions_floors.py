"""The held-out figures of positions (lexicon + model) stay above their recorded floors."""

from __future__ import annotations

import json
from pathlib import Path

from indexer.positions import score_quote, score_statement
from testsupport import baselines

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "positions"


def _held_out() -> list[tuple[str, str]]:
    pairs = []
    for kind in ("quotes", "statements"):
        for line in (FIXTURES / f"{kind}.test.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            found = score_statement(row["title"], row["text"]) if kind == "statements" else score_quote(row["text"])
            pairs.append((row["label"], found.position))
    return pairs


def _figures(pairs: list[tuple[str, str]]) -> dict[str, float]:
    f1s, out = [], {}
    for c in ("supports", "opposes", "neutral"):
        tp = sum(1 for g, p in pairs if g == c and p == c)
        fp = sum(1 for g, p in pairs if g != c and p == c)
        fn = sum(1 for g, p in pairs if g == c and p != c)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
        if c == "supports":
            out["supports_precision"] = prec
    out["macro_f1"] = sum(f1s) / len(f1s)
    return out


def test_held_out_figures_above_floors():
    pinned = baselines.floors("positions")
    got = _figures(_held_out())
    for name, floor in pinned.items():
        assert got[name] >= floor, f"{name} {got[name]:.3f} fell below its floor {floor}"


def test_figures_count_a_wrong_side_against_precision():
    got = _figures([("supports", "supports"), ("opposes", "supports"), ("neutral", "neutral")])
    assert got["supports_precision"] == 0.5
