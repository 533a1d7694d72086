"""A small stopword vote for a page's language when the page does not declare one."""

from __future__ import annotations

import re

_STOPWORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "for", "it", "with", "was", "on", "are", "they", "said"},
    "es": {"el", "la", "de", "que", "y", "en", "los", "las", "del", "por", "con", "una", "para", "es", "se"},
    "fr": {"le", "la", "les", "de", "des", "et", "est", "un", "une", "du", "que", "pour", "dans", "pas", "au"},
    "de": {"der", "die", "das", "und", "ist", "nicht", "mit", "den", "von", "zu", "ein", "eine", "auf", "sich", "dem"},
    "pt": {"o", "a", "os", "de", "que", "e", "do", "da", "em", "um", "uma", "para", "com", "não", "no"},
    "it": {"il", "di", "che", "e", "la", "per", "un", "non", "del", "della", "con", "sono", "gli", "le", "nel"},
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def guess_language(text: str) -> str | None:
    """The language whose common words are most frequent in ``text``; None when unclear."""
    words = [w.lower() for w in _WORD.findall(text[:5000])]
    if len(words) < 20:
        return None
    scores = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORDS.items()}
    lang, best = max(scores.items(), key=lambda kv: kv[1])
    return lang if best >= 0.08 * len(words) else None
