"""Attribution vocabularies (speech verbs, honorifics, title words, first names) as TOML data.

The files are validated on load; an error names the file and line of the bad value.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from indexer.gazetteer import ORG_KINDS

VERB_FILE = "speech_verbs.toml"
WORD_FILE = "attribution.toml"
_WORD_LISTS = ("speech_nouns", "honorifics", "male_honorifics", "female_honorifics", "title_words", "between_words", "org_nouns",
               "org_words", "male_first_names", "female_first_names")
_LOWERCASE = {"between_words", "org_nouns", "speech_nouns"}


class LexiconError(ValueError):
    """A vocabulary file with a problem; the message names the file and line."""


@dataclass(frozen=True)
class Lexicon:
    verbs: frozenset[str]  # every inflected form of every speech verb, lowercase
    phrasal: tuple[tuple[str, str], ...]  # (inflected first word, rest) of multi-word cues
    not_cues: tuple[tuple[str, str], ...]  # (inflected verb, next word) that report no words ("calls for")
    honorifics: frozenset[str]
    male: frozenset[str]  # honorifics and first names that tell "he"
    female: frozenset[str]
    title_words: frozenset[str]
    between_words: frozenset[str]
    org_nouns: frozenset[str]
    org_words: frozenset[str]
    speech_nouns: frozenset[str]  # "Roe's claim that ...": nouns for someone's words
    org_kinds: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (kind, words) to guess an unknown organization's kind

    def organization_kind(self, name: str) -> str:
        """The kind of an organization known only by the name the text gives it (gazetteer kinds)."""
        for kind, words in self.org_kinds:
            if any(re.search(rf"\b{re.escape(w)}\b", name) for w in words):
                return kind
        return "other"


def inflections(lemma: str) -> list[str]:
    """The -s, -ed and -ing forms of a regular English verb ("reply" -> replies, replied, replying)."""
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        return [lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"]
    if lemma.endswith("e"):
        stem = lemma[:-1]
        return [lemma + "s", lemma + "d", (lemma if lemma.endswith("ee") else stem) + "ing"]
    third = lemma + ("es" if re.search(r"(?:s|x|z|ch|sh)$", lemma) else "s")
    # one-syllable consonant-vowel-consonant verbs double their last consonant (snap -> snapped)
    if re.fullmatch(r"[^aeiou]*[aeiou][bdgklmnprt]", lemma) or lemma in ("admit", "quip", "regret", "commit"):
        return [third, lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"]
    return [third, lemma + "ed", lemma + "ing"]


def _read(directory: Path | None, name: str) -> tuple[str, dict[str, Any]]:
    if directory is None:
        text = resources.files("indexer").joinpath(f"data/{name}").read_text(encoding="utf-8")
    else:
        text = (directory / name).read_text(encoding="utf-8")
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"{name}: TOML error: {exc}") from None


def _line(text: str, needle: str) -> int:
    """The first line of ``text`` that holds ``needle`` (1 when it cannot be found)."""
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    return 1


def _strings(file: str, text: str, key: str, value: Any, lowercase: bool = False) -> list[str]:
    if not isinstance(value, list):
        raise LexiconError(f"{file}:{_line(text, key)}: {key} must be a list of strings")
    seen: set[str] = set()
    for item in value:
        if not isinstance(item, str) or not item.strip() or item != item.strip():
            raise LexiconError(f"{file}:{_line(text, key)}: {key}: {item!r} is not a non-empty string")
        if lowercase and item != item.lower():
            raise LexiconError(f"{file}:{_line(text, repr(item)[1:-1])}: {key}: {item!r} must be lowercase")
        if item in seen:
            raise LexiconError(f"{file}:{_line(text, repr(item)[1:-1])}: {key}: {item!r} is listed twice")
        seen.add(item)
    return list(value)


def _pairs(text: str, key: str, cues: Any, forms: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(inflected first word, rest) for each multi-word cue."""
    pairs = []
    for cue in _strings(VERB_FILE, text, key, cues, lowercase=True):
        first, _, rest = cue.partition(" ")
        if not rest:
            raise LexiconError(f"{VERB_FILE}:{_line(text, cue)}: {key}: {cue!r} needs two words")
        pairs += [(form, rest) for form in forms.get(first, [first, *inflections(first)])]
    return pairs


def _verbs(text: str, data: dict[str, Any]) -> tuple[set[str], list[tuple[str, str]]]:
    unknown = set(data) - {"regular", "irregular", "phrasal", "as_written"}
    if unknown:
        key = sorted(unknown)[0]
        raise LexiconError(f"{VERB_FILE}:{_line(text, key)}: unknown key {key!r}")
    forms: dict[str, list[str]] = {}
    for lemma in _strings(VERB_FILE, text, "regular", data.get("regular", []), lowercase=True):
        forms[lemma] = [lemma, *inflections(lemma)]
    for form in _strings(VERB_FILE, text, "as_written", data.get("as_written", []), lowercase=True):
        forms[form] = [form]
    irregular = data.get("irregular", {})
    if not isinstance(irregular, dict):
        raise LexiconError(f"{VERB_FILE}:{_line(text, 'irregular')}: irregular must be a table")
    for lemma, listed in irregular.items():
        if lemma in forms:
            raise LexiconError(f"{VERB_FILE}:{_line(text, lemma + ' =')}: {lemma!r} is also a regular verb")
        forms[lemma] = [lemma, *_strings(VERB_FILE, text, lemma, listed, lowercase=True)]
    pairs = _pairs(text, "cues", data.get("phrasal", {}).get("cues", []), forms)
    # verbs listed only to build phrasal cues ("go", "point") do not attribute on their own
    phrasal_only = {"go", "shoot", "fire", "point"}
    single = {f for lemma, fs in forms.items() if lemma not in phrasal_only for f in fs}
    return single, pairs


def _org_kinds(text: str, table: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(table, dict):
        raise LexiconError(f"{WORD_FILE}:{_line(text, 'org_kinds')}: org_kinds must be a table")
    kinds = []
    for kind, words in table.items():
        if kind not in ORG_KINDS:
            raise LexiconError(f"{WORD_FILE}:{_line(text, kind + ' =')}: org_kinds: unknown kind {kind!r}")
        kinds.append((kind, tuple(_strings(WORD_FILE, text, kind, words))))
    return tuple(kinds)


def load(directory: Path | None = None) -> Lexicon:
    """Read and validate the attribution vocabularies (the packaged ones unless ``directory`` is given)."""
    verb_text, verb_data = _read(directory, VERB_FILE)
    verbs, phrasal = _verbs(verb_text, verb_data)
    forms = {}
    for lemma in verb_data.get("regular", []):
        forms[lemma] = [lemma, *inflections(lemma)]
    for lemma, listed in verb_data.get("irregular", {}).items():
        forms[lemma] = [lemma, *listed]
    not_cues = _pairs(verb_text, "not_cues", verb_data.get("phrasal", {}).get("not_cues", []), forms)
    text, data = _read(directory, WORD_FILE)
    org_kinds = _org_kinds(text, data.pop("org_kinds", {}))
    for key in data:
        if key not in _WORD_LISTS:
            raise LexiconError(f"{WORD_FILE}:{_line(text, key)}: unknown key {key!r}")
    lists = {}
    for key in _WORD_LISTS:
        if key not in data:
            raise LexiconError(f"{WORD_FILE}:1: {key} is required")
        lists[key] = frozenset(_strings(WORD_FILE, text, key, data[key], lowercase=key in _LOWERCASE))
    for key in ("male_honorifics", "female_honorifics"):
        stray = lists[key] - lists["honorifics"]
        if stray:
            word = sorted(stray)[0]
            raise LexiconError(f"{WORD_FILE}:{_line(text, key)}: {key}: {word!r} is not in honorifics")
    return Lexicon(frozenset(verbs), tuple(phrasal), tuple(not_cues), lists["honorifics"],
                   lists["male_honorifics"] | lists["male_first_names"],
                   lists["female_honorifics"] | lists["female_first_names"], lists["title_words"],
                   lists["between_words"], lists["org_nouns"], lists["org_words"], lists["speech_nouns"], org_kinds)


@lru_cache(maxsize=1)
def default() -> Lexicon:
    """The packaged vocabularies, loaded once per process."""
    return load()
