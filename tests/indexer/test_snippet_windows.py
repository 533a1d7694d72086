"""The snippet's passage choice, computed with running counts, picks what the plain window scan picks."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.searching import _snippet


def window_scan(text: str, words: set[str]) -> int:
    """The straightforward scan: every 8th token starts a 40-token window; the first best window wins."""
    stems = {w.lower()[:5] for w in words if len(w) > 2}
    best, best_score = 0, -1
    tokens = list(re.finditer(r"\w+", text))
    for i in range(0, len(tokens), 8):
        window = tokens[i:i + 40]
        score = sum(1 for t in window if t.group(0).lower()[:5] in stems)
        if score > best_score:
            best, best_score = tokens[i].start() if window else 0, score
    return best


VOCABULARY = ["parents", "refuse", "tests", "opt", "out", "union", "state", "the", "a", "PARCC", "Évaluation", "x"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(VOCABULARY), max_size=400), st.sets(st.sampled_from(VOCABULARY), max_size=4),
       st.sampled_from([" ", "  ", ", ", "\n"]))
def test_same_passage_as_the_window_scan(tokens, words, sep):
    text = sep.join(tokens)
    best = window_scan(text, words)
    expected = re.sub(r"\s+", " ", text[best: best + 220]).strip()
    got = _snippet(text, words)
    assert got.replace("«", "").replace("»", "").strip("…") == expected or not text
    assert got.startswith("…") == bool(best)
