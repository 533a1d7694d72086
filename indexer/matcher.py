"""Fast surface-form matching by token n-grams: one dictionary lookup per candidate, longest form first.

A single regex alternation of thousands of names is slow in Python's re (it tries every alternative
at every position); tokenising once and looking n-grams up in dictionaries is linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

_TOKEN = re.compile(r"\w+|[^\w\s]")


def normalize_quotes(text: str) -> str:
    """Typographic apostrophes as straight ones, so "teachers’ union" matches "teachers' union"."""
    return text.replace("\u2019", "'").replace("\u2018", "'")


@lru_cache(maxsize=32)
def tokenize(text: str) -> tuple[list[re.Match[str]], list[str], list[str]]:
    """(token matches, tokens, lowercased tokens) of a text; cached because every vocabulary scans it."""
    matches = list(_TOKEN.finditer(text))
    words = [m.group() for m in matches]
    return matches, words, [w.lower() for w in words]


def _key(tokens: Iterable[str]) -> str:
    return "\x1f".join(tokens)


class Matcher:
    """Finds occurrences of many surface forms; each form maps to a value.

    Forms that look like acronyms or single capitalised words match case-sensitively ("ACT", "MAP");
    longer multi-word names match regardless of case.
    """

    def __init__(self, forms: Iterable[tuple[str, str]]):
        self.exact: dict[str, str] = {}
        self.folded: dict[str, str] = {}
        self.max_tokens = 1
        for form, value in forms:
            form = normalize_quotes(form.strip())
            tokens = _TOKEN.findall(form)
            if not tokens:
                continue
            self.max_tokens = max(self.max_tokens, len(tokens))
            if " " in form and len(form) >= 8:
                self.folded.setdefault(_key(t.lower() for t in tokens), value)
            else:
                self.exact.setdefault(_key(tokens), value)
        # For each first token, the n-gram sizes worth trying, longest first.
        self.exact_sizes = _sizes(self.exact)
        self.folded_sizes = _sizes(self.folded)
        self._last: tuple[str, list[tuple[int, int, str, str]]] | None = None

    def finditer(self, text: str) -> Iterator[tuple[int, int, str, str]]:
        """(start, end, matched text, value) for every match, in text order, without overlaps."""
        if self._last is not None and self._last[0] == text:
            return iter(self._last[1])
        found = list(self._scan(text))
        self._last = (text, found)
        return iter(found)

    def _scan(self, text: str) -> Iterator[tuple[int, int, str, str]]:
        spans, words, lowered = tokenize(text) if len(text) > 200 else _tokenize_uncached(text)
        n = len(spans)
        exact_sizes, folded_sizes = self.exact_sizes, self.folded_sizes
        # Candidate starts found with set lookups in comprehensions: far cheaper than a Python loop per token.
        starts = sorted({i for i, w in enumerate(words) if w in exact_sizes}
                        | {i for i, w in enumerate(lowered) if w in folded_sizes})
        next_free = 0
        for i in starts:
            if i < next_free:
                continue
            sizes_e = exact_sizes.get(words[i], ())
            sizes_f = folded_sizes.get(lowered[i], ())
            for size in sorted({*sizes_e, *sizes_f}, reverse=True):
                if i + size > n:
                    continue
                value = self.exact.get(_key(words[i:i + size])) if size in sizes_e else None
                if value is None and size in sizes_f:
                    value = self.folded.get(_key(lowered[i:i + size]))
                if value is not None and self._bounded(text, spans[i].start(), spans[i + size - 1].end()):
                    start, end = spans[i].start(), spans[i + size - 1].end()
                    yield start, end, text[start:end], value
                    next_free = i + size
                    break

    @staticmethod
    def _bounded(text: str, start: int, end: int) -> bool:
        """Not a piece of a longer token such as "M-STEP" or "www.nea.org"."""
        if start > 0 and text[start - 1] in ".-" and start > 1 and text[start - 2].isalnum():
            return False
        if end < len(text) and text[end] == "-" and end + 1 < len(text) and text[end + 1].isalnum():
            return False
        return not (end + 1 < len(text) and text[end] == "." and text[end + 1].isalnum())


def _sizes(table: dict[str, str]) -> dict[str, tuple[int, ...]]:
    sizes: dict[str, set[int]] = {}
    for key in table:
        parts = key.split("\x1f")
        sizes.setdefault(parts[0], set()).add(len(parts))
    return {first: tuple(sorted(v, reverse=True)) for first, v in sizes.items()}


def _tokenize_uncached(text: str) -> tuple[list[re.Match[str]], list[str], list[str]]:
    """tokenize() without its cache, for short strings that would only evict whole documents from it."""
    return tokenize.__wrapped__(text)
