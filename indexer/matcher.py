"""Fast surface-form matching by token n-grams: a walk down a token trie from each candidate start.

A single regex alternation of thousands of names is slow in Python's re (it tries every alternative
at every position); tokenising once and walking a trie of token sequences is linear in the text, and a
start whose next token continues no name costs one dictionary lookup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

_TOKEN = re.compile(r"\w+|\S")  # a word, or any other character but a space
_END = ""  # a trie node's value is kept under this key: no token is empty
_SHORT = 200  # texts up to this many characters are cached apart, so titles and phrases never evict documents


def normalize_quotes(text: str) -> str:
    """Typographic apostrophes as straight ones, so "teachers’ union" matches "teachers' union"."""
    return text.replace("\u2019", "'").replace("\u2018", "'")


class Tokens:
    """A text's tokens (with their match objects, for offsets and in lower case) and, per vocabulary
    generation, where each token that begins some form occurs."""

    __slots__ = ("spans", "words", "lowered", "_starts")

    def __init__(self, text: str):
        # map() over the C methods: a third cheaper than comprehensions, and tokenising is a share of tagging
        self.spans = list(_TOKEN.finditer(text))
        self.words: list[str] = list(map(re.Match.group, self.spans))
        self.lowered: list[str] = list(map(str.lower, self.words))
        self._starts: tuple[int, dict[str, list[int]], dict[str, list[int]]] | None = None

    def starts(self) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        """(token -> its indexes, lowered token -> its indexes) for the tokens that begin a form of any
        matcher: one pass over the text serves every vocabulary that scans it."""
        if self._starts is None or self._starts[0] != _ROOTS.generation:
            exact: dict[str, list[int]] = {}
            folded: dict[str, list[int]] = {}
            words, lowered = self.words, self.lowered
            for i in [i for i, w in enumerate(words) if w in _ROOTS.exact]:
                exact.setdefault(words[i], []).append(i)
            for i in [i for i, w in enumerate(lowered) if w in _ROOTS.folded]:
                folded.setdefault(lowered[i], []).append(i)
            self._starts = (_ROOTS.generation, exact, folded)
        return self._starts[1], self._starts[2]


class _Roots:
    """First tokens of every matcher's forms, so that one pass finds the candidate starts of all."""

    def __init__(self) -> None:
        self.exact: set[str] = set()
        self.folded: set[str] = set()
        self.generation = 0

    def add(self, exact: Iterable[str], folded: Iterable[str]) -> None:
        before = len(self.exact), len(self.folded)
        self.exact.update(exact)
        self.folded.update(folded)
        if (len(self.exact), len(self.folded)) != before:
            self.generation += 1  # texts tokenised earlier find their candidate starts again


_ROOTS = _Roots()
# Every vocabulary scans the same document, title and phrases: each is tokenised once.
_long = lru_cache(maxsize=32)(Tokens)
_short = lru_cache(maxsize=512)(Tokens)


def tokenize(text: str) -> Tokens:
    """The tokens of a text, cached."""
    return _short(text) if len(text) <= _SHORT else _long(text)


def _insert(root: dict, tokens: list[str], value: str) -> None:
    node = root
    for token in tokens:
        node = node.setdefault(token, {})
    node.setdefault(_END, value)  # the first form listed keeps a sequence, as before


def _walk(root: dict, tokens: list[str], i: int, n: int) -> list[tuple[int, str]]:
    """(size, value) of every form in ``root`` that the tokens starting at ``i`` spell, shortest first."""
    found = []
    node = root.get(tokens[i])
    j = i + 1
    while node is not None:
        value = node.get(_END)
        if value is not None:
            found.append((j - i, value))
        if j == n:
            break
        node = node.get(tokens[j])
        j += 1
    return found


class Matcher:
    """Finds occurrences of many surface forms; each form maps to a value.

    Forms that look like acronyms or single capitalised words match case-sensitively ("ACT", "MAP");
    longer multi-word names match regardless of case. At each start the longest form wins (a
    case-sensitive one over a folded one of the same length); forms that are part of a longer token
    ("M-STEP", "www.nea.org") do not count.
    """

    def __init__(self, forms: Iterable[tuple[str, str]]):
        self.exact: dict = {}  # token trie, case-sensitive
        self.folded: dict = {}  # token trie over lowercased tokens
        for form, value in forms:
            form = normalize_quotes(form.strip())
            tokens = _TOKEN.findall(form)
            if not tokens:
                continue
            if " " in form and len(form) >= 8:
                _insert(self.folded, [t.lower() for t in tokens], value)
            else:
                _insert(self.exact, tokens, value)
        _ROOTS.add(self.exact, self.folded)
        self._last: tuple[str, list[tuple[int, int, str, str]]] | None = None

    def finditer(self, text: str) -> Iterator[tuple[int, int, str, str]]:
        """(start, end, matched text, value) for every match, in text order, without overlaps."""
        if self._last is not None and self._last[0] == text:
            return iter(self._last[1])
        found = self._scan(text)
        self._last = (text, found)
        return iter(found)

    def _scan(self, text: str) -> list[tuple[int, int, str, str]]:
        tokens = tokenize(text)
        spans, words, lowered = tokens.spans, tokens.words, tokens.lowered
        n = len(spans)
        exact, folded = self.exact, self.folded
        exact_at, folded_at = tokens.starts()
        exact_starts: set[int] = set()
        for first in exact_at.keys() & exact.keys():
            exact_starts.update(exact_at[first])
        folded_starts: set[int] = set()
        for first in folded_at.keys() & folded.keys():
            folded_starts.update(folded_at[first])
        found = []
        next_free = 0
        for i in sorted(exact_starts | folded_starts):
            if i < next_free:
                continue
            forms = _walk(folded, lowered, i, n) if i in folded_starts else []
            if i in exact_starts:
                same_case = _walk(exact, words, i, n)
                # the case-sensitive form wins a tie in length
                forms = sorted({**dict(forms), **dict(same_case)}.items()) if forms else same_case
            for size, value in reversed(forms):
                start, end = spans[i].start(), spans[i + size - 1].end()
                if self._bounded(text, start, end):
                    found.append((start, end, text[start:end], value))
                    next_free = i + size
                    break
        return found

    @staticmethod
    def _bounded(text: str, start: int, end: int) -> bool:
        """Not a piece of a longer token such as "M-STEP" or "www.nea.org"."""
        if start > 0 and text[start - 1] in ".-" and start > 1 and text[start - 2].isalnum():
            return False
        if end < len(text) and text[end] == "-" and end + 1 < len(text) and text[end + 1].isalnum():
            return False
        return not (end + 1 < len(text) and text[end] == "." and text[end + 1].isalnum())
