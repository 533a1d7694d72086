"""A small learned model for positions, applied in pure Python: TF-IDF over word 1-2-grams and character
2-5-grams inside words, then multinomial logistic regression. Vocabulary, idf and coefficients live in
indexer/data/position_model.json, written by ``python bench/train_positions.py`` from the labelled set's
train files (scikit-learn is needed there only). Nothing is downloaded; scoring a quote is a tokenizer and
dictionary look-ups. indexer.positions.combine blends it with the lexicon's evidence.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

MODEL = Path(__file__).parent / "data" / "position_model.json"
LABELS = ("supports", "opposes", "neutral", "none")
MAX_CHARS = 3_000  # a statement is read on its title and first part

# scikit-learn's defaults for TfidfVectorizer: words of two or more word characters, r"(?u)\b\w\w+\b" (the
# maximal runs of two or more: without the \b the engine skips non-word characters in C); runs of white space
_WORD = re.compile(r"\w\w+")
# the same words in ASCII text, where the engine tests word characters from a table (a fifth faster)
_ASCII_WORD = re.compile(r"\w\w+", re.ASCII)
_SPACE = re.compile(r"\s\s+")


class ModelError(ValueError):
    """The model file is malformed; the message names the file."""


def word_ngrams(text: str) -> list[str]:
    """Word unigrams and bigrams, as scikit-learn's word analyzer makes them (lower-cased)."""
    toks = (_ASCII_WORD if text.isascii() else _WORD).findall(text)
    return toks + list(map(" ".join, zip(toks, toks[1:], strict=False)))


def char_ngrams(text: str, lo: int = 2, hi: int = 5) -> list[str]:
    """Character n-grams inside space-padded words, as scikit-learn's ``char_wb`` analyzer makes them."""
    out: list[str] = []
    for w in _SPACE.sub(" ", text).split():
        w = f" {w} "
        size = len(w)
        for n in range(lo, hi + 1):
            if size <= n:
                out.append(w)  # a short word counts once
                break
            out.extend(w[i:i + n] for i in range(size - n + 1))
    return out


class LinearModel:
    """TF-IDF features (sublinear tf, l2-normalised per feature family) and one coefficient row per label."""

    def __init__(self, labels: tuple[str, ...], intercept: list[float], tables: dict[str, dict[str, list[float]]],
                 combine: dict[str, float], version: str = ""):
        self.labels = labels
        self.intercept = intercept
        self.tables = tables
        self.combine = combine  # per label, the probability at which it replaces a lexicon neutral/none
        self.version = version
        self._scaled_tables: dict[str, dict[str, tuple[float, ...]]] = {}

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str = "model") -> LinearModel:
        """Build from the JSON structure; ModelError naming ``where`` when it is malformed."""
        try:
            labels = tuple(data["labels"])
            intercept = [float(x) for x in data["intercept"]]
            tables = {"word": data["word"], "char": data["char"]}
            combine = {str(k): float(v) for k, v in (data.get("combine") or {}).items()}
            width = len(labels) + 1
            if len(intercept) != len(labels) or any(len(row) != width for t in tables.values() for row in t.values()):
                raise ValueError("every row needs an idf and one coefficient per label")
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ModelError(f"{where}: {exc}") from None
        return cls(labels, intercept, tables, combine, str(data.get("version", "")))

    @classmethod
    def load(cls, path: Path = MODEL) -> LinearModel:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path}: {exc}") from None
        return cls.from_dict(data, str(path))

    def _scaled(self, name: str) -> dict[str, tuple[float, ...]]:
        """Per gram seen once: (idf squared, idf x each label's coefficient), so that summing a text's known
        grams is ``map`` and ``zip`` in C rather than a Python loop over grams and labels."""
        cached = self._scaled_tables.get(name)
        if cached is None:
            cached = self._scaled_tables[name] = {
                g: (row[0] * row[0], *(row[0] * c for c in row[1:])) for g, row in self.tables[name].items()}
        return cached

    def _add(self, z: list[float], grams: list[str], name: str) -> None:
        scaled = self._scaled(name)
        known = list(filter(scaled.__contains__, grams))  # unknown grams weigh nothing: drop them first
        if not known:
            return
        width = len(z) + 1
        counts = Counter(known)
        if len(counts) == len(known):  # every gram once (most quotes): one sum over the rows
            sums = list(map(sum, zip(*map(scaled.__getitem__, counts), strict=False)))
        else:
            # Seen c times, a gram weighs f = (1 + log c) x idf (sublinear tf). Grams seen equally often share
            # f: their rows are summed in C, then scaled once (a statement repeats hundreds of grams).
            by_count: dict[int, list[str]] = {}
            for g, c in counts.items():
                by_count.setdefault(c, []).append(g)
            sums = [0.0] * width
            for c, group in by_count.items():
                part = list(map(sum, zip(*map(scaled.__getitem__, group), strict=False)))
                f = 1.0 + math.log(c)
                sums[0] += f * f * part[0]
                for k in range(1, width):
                    sums[k] += f * part[k]
        if sums[0] <= 0.0:
            return
        norm = math.sqrt(sums[0])
        for k in range(len(z)):
            z[k] += sums[k + 1] / norm

    def probabilities(self, text: str) -> dict[str, float]:
        """The probability of each label for ``text``."""
        text = text[:MAX_CHARS].lower()
        z = list(self.intercept)
        self._add(z, word_ngrams(text), "word")
        if self.tables["char"]:
            self._add(z, char_ngrams(text), "char")
        top = max(z)
        ex = [math.exp(v - top) for v in z]
        total = sum(ex)
        return {label: e / total for label, e in zip(self.labels, ex, strict=True)}


@lru_cache(maxsize=1)
def default_model() -> LinearModel | None:
    """The shipped model, or None when the package has none (then the lexicon alone decides)."""
    return LinearModel.load(MODEL) if MODEL.exists() else None
