"""Fast surface-form matching: one compiled alternation per vocabulary, longest form first."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator


def normalize_quotes(text: str) -> str:
    """Typographic apostrophes as straight ones, so "teachers’ union" matches "teachers' union"."""
    return text.replace("\u2019", "'").replace("\u2018", "'")


class Matcher:
    """Finds occurrences of many surface forms; each form maps to a value.

    Forms that look like acronyms or single capitalised words match case-sensitively ("ACT", "MAP");
    longer multi-word names match regardless of case.
    """

    def __init__(self, forms: Iterable[tuple[str, str]]):
        self.exact: dict[str, str] = {}
        self.folded: dict[str, str] = {}
        for form, value in forms:
            form = normalize_quotes(form.strip())
            if not form:
                continue
            if " " in form and len(form) >= 8:
                self.folded.setdefault(form.lower(), value)
            else:
                self.exact.setdefault(form, value)
        self._exact = self._compile(self.exact, 0)
        self._folded = self._compile(self.folded, re.IGNORECASE)

    @staticmethod
    def _compile(forms: dict[str, str], flags: int) -> re.Pattern[str] | None:
        if not forms:
            return None
        alternation = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in sorted(forms, key=len, reverse=True))
        return re.compile(rf"(?<![\w.-])(?:{alternation})(?![\w-]|\.\w)", flags)

    def finditer(self, text: str) -> Iterator[tuple[int, int, str, str]]:
        """(start, end, matched text, value) for every match, in text order, overlaps removed."""
        found = []
        for regex, table, fold in ((self._exact, self.exact, False), (self._folded, self.folded, True)):
            if regex is None:
                continue
            for m in regex.finditer(text):
                key = re.sub(r"\s+", " ", m.group(0))
                value = table.get(key.lower() if fold else key)
                if value is not None:
                    found.append((m.start(), m.end(), m.group(0), value))
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        last_end = -1
        for item in found:
            if item[0] >= last_end:
                yield item
                last_end = item[1]
