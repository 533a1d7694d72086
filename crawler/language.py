"""A page's language when the page does not declare one, by py3langid (a naive Bayes model over
byte n-grams trained on 97 languages), which tells apart close languages such as Spanish and Catalan."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# Below this many words a guess is noise: menus, captions and bylines say little about a language.
MIN_WORDS = 20
# py3langid's normalised probability of its best language; under this the text is mixed or unclear.
MIN_CONFIDENCE = 0.8
# Classification reads the start of the text only: more changes nothing but costs time on long pages.
_SAMPLE_CHARS = 5000
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """The model, loaded once per process (loading it takes most of a second)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def guess_language(text: str) -> str | None:
    """The ISO 639-1 code of the language ``text`` is written in; None when the text is too short or
    the model is unsure (precision first: no language rather than a wrong one)."""
    sample = text[:_SAMPLE_CHARS]
    if len(_WORD.findall(sample)) < MIN_WORDS:
        return None
    lang, probability = _identifier().classify(sample)
    return str(lang) if probability >= MIN_CONFIDENCE else None
