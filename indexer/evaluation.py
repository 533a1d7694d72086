"""Scoring tags and quotes against a golden set: per-field precision, recall and F1."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from indexer.annotate import annotate


def _tokens(text: str | None) -> list[str]:
    text = (text or "").lower().replace("\u2019", "'")
    return re.findall(r"[a-z0-9]+", text)


def overlap_f1(a: str, b: str) -> float:
    ta, tb = Counter(_tokens(a)), Counter(_tokens(b))
    common = sum((ta & tb).values())
    if not common:
        return 0.0
    p, r = common / sum(tb.values()), common / sum(ta.values())
    return 2 * p * r / (p + r)


def same_speaker(gold: str | None, predicted: str | None) -> bool:
    if not gold or not predicted:
        return not gold and not predicted
    return _tokens(gold)[-1:] == _tokens(predicted)[-1:]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_golden(directory: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) | {"file": p.name} for p in sorted(directory.glob("*.json"))]


def vocabulary(fixtures: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Every value the labels use, per tag field: what the labellers could say."""
    return {field: {v for fx in fixtures for v in fx["expected"][field]} for field in ("organizations", "states", "tests")}


FIELDS = ("organizations", "states", "tests", "quotes", "attributed", "speaker_org")


def evaluate(fixtures: list[dict[str, Any]], within: dict[str, set[str]] | None = None) -> tuple[dict[str, Score], list[str]]:
    """Scores per field ("organizations", "states", "tests", "quotes", "attributed", "speaker_org")
    and a list of differences. With ``within``, predicted tags outside those vocabularies are not
    judged (the labels were written with a smaller vocabulary than the gazetteer's)."""
    scores = {k: Score() for k in FIELDS}
    misses: list[str] = []
    for fx in fixtures:
        source = fx.get("source") or {}
        tags, quotes = annotate(fx.get("title"), fx["text"], fx.get("published"), source.get("organization"),
                                source.get("kind", "news"))
        _score_tags(fx, tags, within, scores, misses)
        _score_quotes(fx, quotes, scores, misses)
    return scores, misses


def _score_tags(fx: dict[str, Any], tags: Any, within: dict[str, set[str]] | None, scores: dict[str, Score],
                misses: list[str]) -> None:
    for field in ("organizations", "states", "tests"):
        gold, pred = set(fx["expected"][field]), set(getattr(tags, field))
        if within is not None:
            pred &= within[field]
        scores[field].tp += len(gold & pred)
        scores[field].fp += len(pred - gold)
        scores[field].fn += len(gold - pred)
        misses += [f"{fx['file']}: extra {field[:-1]} {x!r}" for x in sorted(pred - gold)]
        misses += [f"{fx['file']}: missed {field[:-1]} {x!r}" for x in sorted(gold - pred)]


def _best_match(text: str, quotes: list[Any], used: set[int]) -> int | None:
    """The unused predicted quote overlapping ``text`` most (token F1 at least 0.8), if any."""
    best, best_i = 0.0, None
    for i, q in enumerate(quotes):
        if i not in used and (s := overlap_f1(text, q.text)) > best:
            best, best_i = s, i
    return best_i if best >= 0.8 else None


def _score_quotes(fx: dict[str, Any], quotes: list[Any], scores: dict[str, Score], misses: list[str]) -> None:
    used: set[int] = set()
    for gq in fx["expected"]["quotes"]:
        best_i = _best_match(gq["text"], quotes, used)
        if best_i is None:
            scores["quotes"].fn += 1
            scores["attributed"].fn += 1
            misses.append(f"{fx['file']}: missed quote {gq['text'][:50]!r}")
            continue
        used.add(best_i)
        q = quotes[best_i]
        scores["quotes"].tp += 1
        if same_speaker(gq["speaker"], q.speaker):
            scores["attributed"].tp += 1
        else:
            scores["attributed"].fp += 1
            scores["attributed"].fn += 1
            misses.append(f"{fx['file']}: quote {gq['text'][:40]!r} speaker {q.speaker!r}, gold {gq['speaker']!r}")
        _score_speaker_org(fx, gq, q, scores["speaker_org"], misses)
    for i, q in enumerate(quotes):
        if i not in used:
            scores["quotes"].fp += 1
            scores["attributed"].fp += 1
            misses.append(f"{fx['file']}: extra quote {q.text[:50]!r} ({q.speaker})")


def _score_speaker_org(fx: dict[str, Any], gq: dict[str, Any], q: Any, score: Score, misses: list[str]) -> None:
    if not (gq.get("speaker_org") or q.speaker_org):
        return
    if gq.get("speaker_org") == q.speaker_org:
        score.tp += 1
        return
    if q.speaker_org:
        score.fp += 1
    if gq.get("speaker_org"):
        score.fn += 1
    misses.append(f"{fx['file']}: quote {gq['text'][:40]!r} org {q.speaker_org!r}, gold {gq.get('speaker_org')!r}")


POSITION_CLASSES = ("supports", "opposes", "neutral")


def class_figures(pairs: list[tuple[str, str]], c: str) -> dict[str, float]:
    """Counts (gold, predicted), precision, recall and F1 of class ``c`` over (gold, predicted) labels."""
    tp = sum(1 for g, p in pairs if g == c and p == c)
    fp = sum(1 for g, p in pairs if g != c and p == c)
    fn = sum(1 for g, p in pairs if g == c and p != c)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return {"gold": tp + fn, "predicted": tp + fp, "precision": prec, "recall": rec,
            "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0}


def position_figures(pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Macro-F1 over supports/opposes/neutral and supports precision, from (gold, predicted) labels; a gold
    'none' counts as a miss for whatever class was guessed."""
    per = {c: class_figures(pairs, c) for c in POSITION_CLASSES}
    return {"supports_precision": per["supports"]["precision"],
            "macro_f1": sum(f["f1"] for f in per.values()) / len(per)}
