"""The held-out figures of positions (lexicon + model) stay above their recorded floors."""

from __future__ import annotations

import json
from pathlib import Path

from indexer.evaluation import position_figures
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


def test_held_out_figures_above_floors():
    pinned = baselines.floors("positions")
    got = position_figures(_held_out())
    for name, floor in pinned.items():
        assert got[name] >= floor, f"{name} {got[name]:.3f} fell below its floor {floor}"


def test_figures_count_a_wrong_side_against_precision():
    got = position_figures([("supports", "supports"), ("opposes", "supports"), ("neutral", "neutral")])
    assert got["supports_precision"] == 0.5
