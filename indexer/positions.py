"""Positions toward opting out of (refusing) high-stakes tests: supports, opposes, neutral or none.

A cue lexicon (indexer/data/position_cues.toml) with three kinds of entries:

- targets: what a sentence is about (opting out, the tests, taking the test, sanctions, punishment), each with a
  polarity (+1: backing it backs opting out; -1: backing it opposes opting out) and a bare position used when
  nothing evaluates it;
- evaluative cues ("support", "urge", "flawed", "valuable", "wrong" ...) with a polarity, paired with the
  strongest target in the same clause: position = cue polarity x target polarity, each flipped by negation;
- fixed cues that carry their own position ("the right to opt out", "up to parents", "test-and-punish").

Clauses after "but"/"however" weigh more, subordinate ones ("although ...") less; cues inside reported speech
("critics say ...") weigh little and count as neutral; sarcasm markers flip the clause and cap the confidence.
When the evidence is weak or mixed the result is neutral (on the topic) or none, with a low confidence:
precision first, a wrong "supports" costs more than an abstention.

Only the standard library is imported: scoring a quote costs tens of microseconds.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

POSITIONS = ("supports", "opposes", "neutral", "none")
DATA = Path(__file__).parent / "data" / "position_cues.toml"

# Quotes are short; statements are scored on their title and first part (a 50,000-word page must stay cheap).
MAX_QUOTE_CHARS = 5_000
MAX_STATEMENT_CHARS = 20_000

CLOSE_CHARS = 30
# A clause that starts with one of these verbs is an imperative: "Refuse the test." urges it.
_IMPERATIVE = re.compile(r"(?:opt|refuse|boycott|keep|skip|sit|take|pull|say no)\b(?!-)")
# ... unless a noun follows it: "Boycott organizers say ...", "opt-out forms are due" name things, not commands
_NOUN_AFTER = re.compile(r"[\s-]+(?:organi[sz]ers?|supporters?|movement|leaders?|advocates?|activists?|campaigns?"
                         r"|groups?|rates?|numbers|figures|efforts?|forms?|letters?|crowd|rally|season)\b")
_COPULA = re.compile(r"\b(?:is|are|was|were|be|been)\s+(?:\w+ly\s+|so\s+|very\s+|just\s+|a\s+|an\s+)?$")
# "Send the refusal letter", "have your child take the test": an imperative verb just before a target
_IMPERATIVE_VERB = re.compile(r"(?:send|sign|download|return|fill out|join|have|let|make sure|get|bring|hand in)\b")
_LEAD = re.compile(r"[\s\"'(,.!?-]*(?:(?:please|just|so|now|and|then|yes|simply),? )?")
# Sentence and clause breaks, as r"(?<=[.!?])\s+|\n+" and r"(?<=[.!?;:])\s+|\n+|\s+[-\u2013\u2014]\s+" would find
# them; every alternative starts with a white space character, written first so that the regex engine skips
# the other characters in C instead of trying the whole expression at every position (half the time).
_SENTENCE = re.compile(r"\s(?:(?<=[.!?]\s)\s*|(?<=\n)\n*)")
_CLAUSE_SPLIT = re.compile(r"\s(?:(?<=[.!?;:]\s)\s*|(?<=\n)\n*|\s*[-\u2013\u2014]\s+)")
# Whether a text may split into clauses at all (r"[.!?;:\n\u2013\u2014]|\s-\s"), in two cheap searches
_MAY_SPLIT = re.compile(r"[.!?;:\n\u2013\u2014]")
_SPACED_DASH = re.compile(r"\s-\s")
# A sanction ruled out just before it is named: "no school should lose", "teachers will not face ..."
_DENIED = re.compile(r"(?:\b(?:no|never)\b[^.;,]{0,40}?\b(?:should|will|shall|must|would|can|may)"
                     r"|\b(?:should|will|shall|must|would|can|may)(?: not|n't| never)"
                     r"|\b(?:won't|will not|never|not|before (?:we|i|they)) (?:let|allow|permit)\b[^.;,]{0,40}?"
                     # "there are absolutely no consequences for opting out": none at all
                     r"|\b(?:no|zero|without)(?: (?:real|any|further|negative|such|academic))?)"
                     # "no school should have its funding withheld": the sanction is still what is ruled out
                     r"(?: ever| be| have to| face| suffer| have| see| get)*(?: its| their| his| her| any)?\s+$")
_ABOUT = re.compile(r"\b(?:on|about|regarding|concerning)\s+(?:the\s+|new\s+|proposed\s+)?(?:[\w-]+\s+)?$")
_NEG_LEAD = re.compile(r"[\s\"'(,.!?-]*(?:please,? )?(?:don't|do not|never) ")
_NPI = re.compile(r"\b(?:any|anything|anyone|at all|ever)\b")
_TOKEN = re.compile(r"[a-z0-9']+")


class CuesError(ValueError):
    """The cue file is malformed; the message names the file and line."""


@dataclass
class Position:
    """A position with the evidence that decided it."""

    position: str
    confidence: float
    cues: list[str] = field(default_factory=list)
    negated: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    loose: list[str] = field(default_factory=list)  # evaluative words with nothing to evaluate
    anchored: bool = False  # a target's own (not weak) pattern matched: the text itself is about testing

    def evidence(self) -> dict[str, Any]:
        """The evidence as a small JSON-able dict (stored with the quote or document)."""
        out: dict[str, Any] = {"confidence": round(self.confidence, 2), "cues": self.cues[:8]}
        for key in ("negated", "targets", "notes"):
            if getattr(self, key):
                out[key] = getattr(self, key)[:8]
        return out

    def describe(self) -> str:
        """One line for people: position, confidence and the deciding words."""
        parts = [f"{self.position} ({self.confidence:.2f})"]
        if self.cues:
            parts.append("cues: " + ", ".join(self.cues[:5]))
        if self.negated:
            parts.append("negated: " + ", ".join(self.negated[:3]))
        if self.targets:
            parts.append("about: " + ", ".join(self.targets[:3]))
        if self.notes:
            parts.append("; ".join(self.notes[:3]))
        return " · ".join(parts)


@dataclass(slots=True)
class _Target:
    name: str
    polarity: int
    bare: str  # position when no cue evaluates it: supports | opposes | topic | none
    bare_weight: float
    priority: int


@dataclass(slots=True)
class _Cue:
    name: str
    kind: str  # eval | fixed
    polarity: int  # eval cues
    position: str  # fixed cues
    weight: float
    negation: str  # flip | ignore | neutral
    pairs: tuple[str, ...]  # eval cues: target names it may pair with (empty: any)
    pairing: str = "nearest"  # nearest target, or the highest-priority one (verbs: "we oppose any penalty ...")
    close: tuple[str, ...] = ()  # targets it pairs with only when they follow it closely (its object)
    after: bool = False  # pairs only with targets after it ("urge ... to opt out": what is urged follows)


@dataclass(slots=True)  # made and read for every quote: slots are quicker
class _Match:
    start: int
    end: int
    text: str
    name: str
    weak: bool = False  # a target's weak pattern matched (see Lexicon._target_groups)


class Lexicon:
    """The compiled cue file."""

    def __init__(self, path: Path = DATA, text: str | None = None):
        self.path = path
        raw = text if text is not None else path.read_text(encoding="utf-8")
        self.version = hashlib.sha1(raw.encode()).hexdigest()[:12]
        try:
            data = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as exc:
            raise CuesError(f"{path}: {exc}") from None
        self._lines = _table_lines(raw)
        self._load(data)

    # -- loading ---------------------------------------------------------------------------------

    def _error(self, where: str, msg: str) -> CuesError:
        return CuesError(f"{self.path}:{self._lines.get(where, 1)}: {msg}")

    def _check_keys(self, where: str, table: dict, allowed: set[str]) -> None:
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise self._error(where, f"unknown key {unknown[0]!r} in {where}")

    def _compile(self, where: str, patterns: Any) -> str:
        if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) and p for p in patterns):
            raise self._error(where, f"{where}: patterns must be a non-empty list of strings")
        for p in patterns:
            try:
                if re.compile(p).match(""):
                    raise self._error(where, f"{where}: pattern {p!r} matches the empty string")
            except re.error as exc:
                raise self._error(where, f"{where}: bad pattern {p!r}: {exc}") from None
        return "|".join(f"(?:{p})" for p in patterns)

    def _load(self, data: dict) -> None:
        self._check_keys("top", data, {"version", "targets", "cue", "negation", "contrast", "reported", "sarcasm",
                                       "decision", "senses"})
        self.targets: dict[str, _Target] = {}
        # a table group -> (target name, weak): weak patterns are words that are about testing only in a text
        # that is about testing ("threat", "refused", "penalties"), and do not make a text about it
        self._target_groups: dict[str, tuple[str, bool]] = {}
        target_parts = []
        for i, (name, t) in enumerate(sorted((data.get("targets") or {}).items(),
                                             key=lambda kv: -int(kv[1].get("priority", 0)))):
            where = f"targets.{name}"
            self._check_keys(where, t, {"polarity", "bare", "bare_weight", "priority", "patterns", "weak_patterns"})
            if t.get("polarity") not in (1, -1) or t.get("bare") not in ("supports", "opposes", "topic", "none"):
                raise self._error(where, f"{where}: polarity must be 1 or -1 and bare supports|opposes|topic|none")
            self.targets[name] = _Target(name, t["polarity"], t["bare"], float(t.get("bare_weight", 0.5)),
                                         int(t.get("priority", 0)))
            target_parts.append((f"t{i}", self._compile(where, t.get("patterns"))))
            self._target_groups[f"t{i}"] = (name, False)
            if "weak_patterns" in t:  # tried after the target's own patterns, at the same place
                target_parts.append((f"w{i}", self._compile(where, t["weak_patterns"])))
                self._target_groups[f"w{i}"] = (name, True)
        if not self.targets:
            raise self._error("top", "no [targets] defined")
        self.target_re = _Dispatch(target_parts)
        self.cues: list[_Cue] = []
        cue_parts = []
        for i, c in enumerate(data.get("cue") or []):
            where = f"cue.{i}"
            self._check_keys(where, c, {"name", "kind", "polarity", "position", "weight", "negation", "pairs",
                                        "patterns", "pairing", "close", "after"})
            self.cues.append(self._cue(where, c))
            cue_parts.extend((f"c{i}_{k}", p) for k, p in enumerate(c.get("patterns")))
            self._compile(where, c.get("patterns"))
        if not self.cues:
            raise self._error("top", "no [[cue]] entries")
        self.cue_re = _Dispatch(cue_parts)
        self._load_rules(data)

    def _cue(self, where: str, c: dict) -> _Cue:
        kind = c.get("kind", "eval")
        if kind not in ("eval", "fixed"):
            raise self._error(where, f"{where}: kind must be eval or fixed")
        if kind == "eval" and c.get("polarity") not in (1, -1):
            raise self._error(where, f"{where}: an eval cue needs polarity 1 or -1")
        if kind == "fixed" and c.get("position") not in ("supports", "opposes", "neutral"):
            raise self._error(where, f"{where}: a fixed cue needs position supports|opposes|neutral")
        if c.get("negation", "flip") not in ("flip", "ignore", "neutral"):
            raise self._error(where, f"{where}: negation must be flip, ignore or neutral")
        pairs, close = tuple(c.get("pairs", ())), tuple(c.get("close", ()))
        if any(p not in self.targets for p in (*pairs, *close)):
            raise self._error(where, f"{where}: pairs or close names an unknown target")
        if c.get("pairing", "nearest") not in ("nearest", "priority"):
            raise self._error(where, f"{where}: pairing must be nearest or priority")
        weight = c.get("weight", 1.0)
        if not isinstance(weight, int | float) or not 0 < weight <= 10:
            raise self._error(where, f"{where}: weight must be a number in (0, 10]")
        return _Cue(str(c.get("name") or f"cue{where}"), kind, int(c.get("polarity", 0)), c.get("position", ""),
                    float(weight), c.get("negation", "flip"), pairs, c.get("pairing", "nearest"), close,
                    bool(c.get("after", False)))

    def _load_rules(self, data: dict) -> None:
        neg = data.get("negation") or {}
        self._check_keys("negation", neg, {"patterns", "window", "clause_wide"})
        self.negation_re = re.compile(r"\b(?:" + self._compile("negation", neg.get("patterns")) + r")\b")
        wide = neg.get("clause_wide", [])
        if not isinstance(wide, list) or not all(isinstance(w, str) and w.strip() for w in wide):
            raise self._error("negation", "negation: clause_wide must be a list of words")
        self.clause_wide = frozenset(w.strip().lower() for w in wide)
        self.window = int(neg.get("window", 3))
        con = data.get("contrast") or {}
        self._check_keys("contrast", con, {"after", "before", "subordinate", "after_weight", "before_weight",
                                           "subordinate_weight", "conditions", "condition_weight"})
        condition = r"(?:" + self._compile("contrast", con.get("conditions") or ["if"]) + r")\b[^,;.]{3,120},"
        self.condition_re = re.compile(r"\W*" + condition)
        # Whether a condition is anywhere in a text: the same answer as condition_re.search (\W* may match
        # nothing), found a third as fast (the engine skips to the condition words' first letters).
        self._condition_anywhere = re.compile(condition)
        self.condition_w = float(con.get("condition_weight", 0.3))
        self.contrast_re = re.compile(r"\b(?:" + self._compile("contrast", con.get("after")) + r")\b")
        # Plain contrast words are in a sentence only if they are in the text: _clauses searches it once
        plain = all(re.fullmatch(r"[\w' ]+", p) for p in con.get("after"))
        self._contrast = _AtWords(f"(?:{self._compile('contrast', con.get('after'))})\\b") if plain else None
        self.subordinate_re = re.compile(r"^\W*(?:" + self._compile("contrast", con.get("subordinate")) + r")\b")
        self.after_w = float(con.get("after_weight", 1.4))
        self.before_w = float(con.get("before_weight", 0.6))
        self.sub_w = float(con.get("subordinate_weight", 0.6))
        rep = data.get("reported") or {}
        self._check_keys("reported", rep, {"patterns", "factor", "neutral"})
        self._reported = _AtWords(self._compile("reported", rep.get("patterns")))
        self.reported_re = self._reported.pattern
        self.reported_factor = float(rep.get("factor", 0.25))
        self.reported_neutral = float(rep.get("neutral", 0.8))
        sar = data.get("sarcasm") or {}
        self._check_keys("sarcasm", sar, {"patterns", "max_confidence"})
        self._sarcasm = _AtWords(self._compile("sarcasm", sar.get("patterns")))
        self.sarcasm_re = self._sarcasm.pattern
        self.sarcasm_cap = float(sar.get("max_confidence", 0.5))
        dec = data.get("decision") or {}
        self._check_keys("decision", dec, {"supports_margin", "opposes_margin", "mixed_ratio", "pronoun_weight",
                                           "statement_margin"})
        self.supports_margin = float(dec.get("supports_margin", 1.0))
        self.opposes_margin = float(dec.get("opposes_margin", 0.9))
        self.mixed_ratio = float(dec.get("mixed_ratio", 0.4))
        self.pronoun_weight = float(dec.get("pronoun_weight", 0.7))
        self.statement_margin = float(dec.get("statement_margin", 1.0))
        sen = data.get("senses") or {}
        self._check_keys("senses", sen, {"not_targets"})
        self._not_target = _AtWords(self._compile("senses", sen.get("not_targets")))
        self.not_target_re = self._not_target.pattern
        try:
            self._words: _Words | None = _Words([self.target_re, self.cue_re],
                                                [self._not_target, self._reported, self._sarcasm, self._contrast])
        except ValueError:
            self._words = None  # each table walks the text on its own

    def word_starts(self, text: str) -> list[int] | None:
        """Where the tables may match (``_Words``), or None when they walk the text each on its own."""
        return self._words.starts(text) if self._words is not None else None

    # -- matching --------------------------------------------------------------------------------

    def scan(self, text: str, at: list[int] | None = None) -> tuple[list[_Match], list[tuple[_Match, _Cue]]]:
        """Targets and cues of ``text`` (each table walks the words on its own: matches do not overlap);
        ``at`` is ``word_starts(text)`` when the caller has it."""
        if at is None:
            at = self.word_starts(text)
        return self.target_matches(text, at), self.cue_matches(text, at)

    def has(self, a: _AtWords, text: str, at: list[int] | None) -> bool:
        """Whether ``a`` (reported speech, sarcasm, contrast) matches in ``text``, whose word starts ``at`` are."""
        return a.has(text, at)

    def target_matches(self, text: str, at: list[int] | None = None) -> list[_Match]:
        """The targets of ``text``, but not where a sense that is no target ("blood test") covers them."""
        groups = self._target_groups
        out = [_Match(m.start(), m.end(), m.group(0), *groups[m.lastgroup])  # type: ignore[index]
               for m in self.target_re.finditer(text, at)]
        if out:
            nt = self._not_target
            blocked = nt.spans_at(text, at) if at is not None and nt.keys else nt.spans(text)
            if blocked:
                out = [t for t in out if not any(s <= t.start < e for s, e in blocked)]
        return out

    def cue_matches(self, text: str, at: list[int] | None = None) -> list[tuple[_Match, _Cue]]:
        """The evaluative and fixed cues of ``text`` with their entries."""
        out = []
        cues = self.cues
        for m in self.cue_re.finditer(text, at):
            cue = cues[int(m.lastgroup[1:].split("_", 1)[0])]  # type: ignore[index]
            out.append((_Match(m.start(), m.end(), m.group(0), cue.name), cue))
        return out


_WORD_CHAR = re.compile(r"\w")


class _AtWords:
    r"""The regex r"\b(?:body)", for a ``body`` whose matches start with a word character, with the same
    results found faster. Before a word character, \b means "at the start, or after a non-word character";
    an expression that starts with that character, r"\W(?:body)", lets the regex engine skip the other
    characters in C, where it would otherwise try the whole expression at each one. The start of the text,
    and a match right where the last one ended after a non-word character, are tried with ``pattern``."""

    def __init__(self, body: str, firsts: set[str] | None = None):
        self.body = body
        self.pattern = re.compile(rf"\b(?:{body})")
        firsts = _prefixes(body, 1) if firsts is None else firsts  # the first characters its matches can have
        # Unknown first characters ("") or non-word ones: \b means something else there, use the pattern
        words = all(c and _WORD_CHAR.match(c) for c in firsts)
        self.fast = re.compile(rf"\W(?:{body})") if words else None
        # In ASCII text \W is exactly this set, which the engine tests from a bitmap: twice as fast as \W
        self.ascii = re.compile(rf"[^0-9A-Za-z_](?:{body})") if words else None
        self.keys: tuple[str, ...] = ()  # the strings its matches start with, when a _Words pass joined it
        self._may: dict[str, bool] = {}  # a word's first KEY_CHARS characters -> whether a match may start there

    def _may_start(self, head: str) -> bool:
        """Whether a match may start at a word that starts with ``head`` (its first KEY_CHARS characters)."""
        may = head.startswith(self.keys) if self.keys else True
        if len(self._may) < MAX_HEADS:
            self._may[head] = may
        return may

    def search(self, text: str) -> bool:
        """Whether the pattern matches anywhere in ``text``."""
        if self.fast is None:
            return self.pattern.search(text) is not None
        fast = self.ascii if text.isascii() else self.fast
        return self.pattern.match(text) is not None or fast.search(text) is not None  # type: ignore[union-attr]

    def first(self, text: str) -> str | None:
        """The words of ``pattern.search(text)``, or None."""
        if self.fast is None:
            m = self.pattern.search(text)
            return m.group(0) if m else None
        m = self.pattern.match(text)
        if m is not None:
            return m.group(0)
        m = (self.ascii if text.isascii() else self.fast).search(text)  # type: ignore[union-attr]
        return m.group(0)[1:] if m else None

    def has(self, text: str, at: list[int] | None) -> bool:
        """search(), with the text's word starts ``at`` when a ``_Words`` pass found them for it."""
        return self.search_at(text, at) if at is not None and self.keys else self.search(text)

    def search_at(self, text: str, starts: list[int]) -> bool:
        """search(), when ``starts`` holds every word start where a match may begin (``_Words``)."""
        match, seen = self.pattern.match, self._may
        for p in starts:
            # most word starts are some other table's: their first characters rule them out without the regex
            head = text[p:p + KEY_CHARS]
            may = seen.get(head)
            if (may or (may is None and self._may_start(head))) and match(text, p) is not None:
                return True
        return False

    def spans_at(self, text: str, starts: list[int]) -> list[tuple[int, int]]:
        """spans(), when ``starts`` (in order) holds every word start where a match may begin."""
        out: list[tuple[int, int]] = []
        match, seen = self.pattern.match, self._may
        end = 0
        for p in starts:
            if p < end:
                continue
            head = text[p:p + KEY_CHARS]
            may = seen.get(head)
            if not (may or (may is None and self._may_start(head))):
                continue
            m = match(text, p)
            if m is not None:
                if m.end() == p:
                    return self.spans(text)  # an empty match: finditer's rules for those are its own
                end = m.end()
                out.append((p, end))
        return out

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The (start, end) of each match of ``pattern.finditer(text)``."""
        fast = self.fast
        if fast is None:
            return [m.span() for m in self.pattern.finditer(text)]
        if text.isascii():
            fast = self.ascii
        out: list[tuple[int, int]] = []
        match = self.pattern.match
        pos = 0
        while True:
            if pos == 0 or not _WORD_CHAR.match(text, pos - 1):
                m = match(text, pos)  # a match may start right here
                if m is not None:
                    if m.end() == pos:
                        break  # an empty match: finditer's rules for those are its own
                    out.append((pos, m.end()))
                    pos = m.end()
                    continue
            m = fast.search(text, pos)
            if m is None:
                return out
            if m.end() == m.start() + 1:
                break
            out.append((m.start() + 1, m.end()))
            pos = m.end()
        return [m.span() for m in self.pattern.finditer(text)]


KEY_CHARS = 4  # how many first characters of a word pick its table
_UNSEEN = object()  # a word head not looked up yet
MAX_HEADS = 20_000  # words' first characters remembered per table (a few MB at most; real texts need thousands)


class _Words:
    """The word starts where any of several tables and expressions may match, found in one pass over the
    text instead of one pass each (each pass costs about as much as the others together: the engine's step
    over the characters is the work). It is a trie gate like ``_Dispatch``'s, but inside a look-ahead, so that
    a match is one character long and never hides the next word start. Each table then tries only these
    places, with its own rules (``_Dispatch.finditer``, ``_AtWords.spans_at``). Expressions whose first
    characters are not known (or are no word characters) cannot join: ``joined`` says which did."""

    def __init__(self, tables: list[_Dispatch], others: list[_AtWords | None]):
        own: dict[str, list[str]] = {}
        for d in tables:
            for key, patterns in d.gated.items():
                own.setdefault(key, []).extend(patterns)
        self.joined: set[int] = set()
        for a in others:
            keys = _prefixes(a.body, KEY_CHARS) if a is not None and a.fast is not None else {""}
            if a is None or "" in keys or not all(_WORD_CHAR.match(k[0]) for k in keys):
                continue
            self.joined.add(id(a))
            a.keys = tuple(sorted(keys))
            for key in keys:
                own.setdefault(key, []).append(a.body)
        if not all(_WORD_CHAR.match(k[0]) for k in own):
            raise ValueError("a table key starts with a non-word character")  # not with the shipped lexicon
        # One expression: compiling it takes most of a second. (The text's first word is not searched for:
        # a table's own rules tell at once whether it matches there, and patterns may be anchored with ^.)
        # Its first character is any but an ASCII word character: the regex engine tests that from a bitmap,
        # a third faster than \W, which it looks up in the Unicode tables. Outside ASCII that is more than
        # \W (after "é" is no word start): starts() drops those places.
        self._gate = re.compile(rf"[^0-9A-Za-z_](?={_combine(own)})")

    def starts(self, text: str) -> list[int]:
        """The word starts, in order, where some table or expression may match."""
        out = [0] if _WORD_CHAR.match(text) else []
        found = [m.end() for m in self._gate.finditer(text)]
        if not text.isascii():
            match = _WORD_CHAR.match
            found = [p for p in found if not match(text, p - 1)]
        out.extend(found)
        return out


class _Dispatch:
    """Named patterns looked up by the first few characters of each word: Python's regex engine would
    otherwise try hundreds of alternatives at every position. Same results as one alternation in list order
    (the first pattern that matches at a place wins; matches do not overlap).

    Each pattern has the strings of up to KEY_CHARS characters its matches can start with (a shorter one:
    "then anything"). A word's table is that of the longest such string it starts with, and holds the
    patterns with a string that this one starts with: every pattern that can match there, and only those.
    Longer keys than two characters keep "the" words from trying every pattern that starts with "th"."""

    def __init__(self, parts: list[tuple[str, str]], key_chars: int = KEY_CHARS):
        prefixes = [(name, pattern, _prefixes(pattern, key_chars)) for name, pattern in parts]
        keys = {p for _, _, ps in prefixes for p in ps if p}
        if any("" in ps for _, _, ps in prefixes):
            keys |= set("abcdefghijklmnopqrstuvwxyz0123456789")
        self.key_chars = key_chars
        own: dict[str, list[str]] = {}  # key -> the patterns that have it as a start string (for the gate)
        self.sources: dict[str, str] = {}  # key -> its table's alternation, compiled when first needed
        for key in sorted(keys):
            alts = [(name, pattern) for name, pattern, ps in prefixes if any(key.startswith(p) for p in ps)]
            own[key] = [pattern for _, pattern, ps in prefixes if key in ps or ("" in ps and len(key) == 1)]
            self.sources[key] = "|".join(f"(?P<{name}>{pattern})" for name, pattern in alts)
        self.table: dict[str, re.Pattern[str]] = {}
        self._by_head: dict[str, re.Pattern[str] | None] = {}  # a word's first key_chars -> its table
        self.gated = {k: v for k, v in own.items() if v}
        self._gate: _AtWords | None = None

    @property
    def gate(self) -> _AtWords:
        """The table's own word-start expression, compiled when first needed: the lexicon finds its word
        starts with one pass for all tables (``_Words``), and compiling this one costs a third of a second."""
        if self._gate is None:
            self._gate = _AtWords(_combine(self.gated), {k[0] for k in self.gated})
        return self._gate

    def lookup(self, text: str, pos: int = 0) -> re.Pattern[str] | None:
        """The table of the word at ``pos``: that of the longest key it starts with."""
        head = text[pos:pos + self.key_chars]
        try:
            return self._by_head[head]
        except KeyError:
            pass
        sources = self.sources
        found = None
        for n in range(len(head), 0, -1):
            key = head[:n]
            if key in sources:
                found = self.table.get(key)
                if found is None:
                    found = self.table[key] = re.compile(sources[key])
                break
        # The answer depends on these few characters alone: the next word that starts with them is one
        # look-up. (Bounded: a text of random words must not grow it without end.)
        if len(self._by_head) < MAX_HEADS:
            self._by_head[head] = found
        return found

    def finditer(self, text: str, starts: list[int] | None = None) -> list[re.Match[str]]:
        """The matches, in order (``lastgroup`` names the pattern), as the words' tables find them; with
        ``starts`` (in order), only there (it must hold every word start where a table may match)."""
        out = []
        end = 0
        lookup, by_head, size = self.lookup, self._by_head, self.key_chars
        for pos in (starts if starts is not None else [p for p, _ in self.gate.spans(text)]):
            if pos < end:
                continue  # inside the last match: matches do not overlap
            # the combined expression found where a table may match; the word's own table says what and which
            r = by_head.get(text[pos:pos + size], _UNSEEN)
            if r is _UNSEEN:
                r = lookup(text, pos)
            if r is not None:
                m = r.match(text, pos)
                if m is not None and m.end() > pos:  # an empty match is no match
                    end = m.end()
                    out.append(m)
        return out


def _combine(alternations: dict[str, list[str]]) -> str:
    """One regular expression (the text that follows its leading \\b) that finds the word starts where some
    table matches, so that the words are walked in C, not in a Python loop. It is a trie of the keys, one
    literal character per step (the regex engine skips a branch on its first literal); at a key, a
    look-behind goes back to the word start and looks ahead for the patterns that have that key as a start
    string. When they fail, the regex engine backtracks to the shorter keys the word starts with: together
    these are the word's table. It has no named groups (with thousands of them the engine's saving of group
    marks on every backtrack made it three times slower than the tables), and it only tells where:
    ``_Dispatch.finditer`` asks the word's table at each place found what matched and where the match ends."""
    trie: dict[str, Any] = {}
    for key in alternations:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = key

    def build(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if "" in node:
            key = node[""]
            body = "|".join(f"(?:{p})" for p in alternations[key])
            alts.append(f"(?<=(?=(?:{body}))[\\s\\S]{{{len(key)}}})")
        return alts[0] if len(alts) == 1 else f"(?:{'|'.join(alts)})"

    return build(trie)


_WORD = re.compile(r"\b\w")


def _prefixes(pattern: str, k: int = 2) -> set[str]:
    """The strings of up to ``k`` characters a match of ``pattern`` can start with; a shorter string means
    "then anything", the empty string "could start with anything"."""
    from re import _parser  # type: ignore[attr-defined]

    try:
        parsed = _parser.parse(pattern)
    except Exception:  # noqa: BLE001 - an unusual pattern is tried at every word
        return {""}
    return _seq_prefixes(list(parsed), k) or {""}


def _seq_prefixes(items: list[Any], k: int) -> set[str]:
    done: set[str] = set()
    partial = {""}
    for op, av in items:
        if not partial:
            break
        name = str(op)
        if name == "AT":
            continue
        nxt: set[str] = set()
        optional = name in ("MAX_REPEAT", "MIN_REPEAT") and av[0] == 0
        for s in partial:
            need = k - len(s)
            if optional:
                nxt.add(s)  # skipped: the next item decides
                av = (1, *av[1:])
            heads = _item_prefixes(name, av, need)
            if heads is None:
                done.add(s)  # unknown from here on: a wildcard
                continue
            for h in heads:
                (done if len(h) >= need or h.endswith("\0") else nxt).add(s + h.rstrip("\0"))
        partial = {p for p in nxt if len(p) < k}
        done |= {p for p in nxt if len(p) >= k}
    return done | partial


def _class_chars(av: Any) -> set[str] | None:
    """The characters a parsed character class ``[...]`` matches, or None when it holds more than literals
    and ranges (a category or a negation)."""
    chars: set[str] = set()
    for kind, val in av:
        if str(kind) == "LITERAL":
            chars.add(chr(val))
        elif str(kind) == "RANGE":
            chars.update(chr(c) for c in range(val[0], val[1] + 1))
        else:
            return None
    return chars


def _item_prefixes(name: str, av: Any, need: int) -> set[str] | None:
    """Prefixes of one parsed item; a trailing NUL marks one after which the rest is unknown."""
    if name == "LITERAL":
        return {chr(av)}
    if name == "IN":
        return _class_chars(av)
    if name == "SUBPATTERN":
        return {p + ("" if len(p) >= need else "\0") for p in _seq_prefixes(list(av[-1]), need)}
    if name == "BRANCH":
        out: set[str] = set()
        for branch in av[1]:
            out |= {p + ("" if len(p) >= need else "\0") for p in _seq_prefixes(list(branch), need)}
        return out
    if name in ("MAX_REPEAT", "MIN_REPEAT") and av[0] >= 1:
        return {p[:need] + ("" if len(p) >= need else "\0") for p in _seq_prefixes(list(av[2]), need)}
    return None


def _table_lines(raw: str) -> dict[str, int]:
    """Line numbers of the tables in the TOML text, for error messages (tomllib gives none)."""
    lines: dict[str, int] = {"top": 1}
    cue = 0
    for number, line in enumerate(raw.splitlines(), 1):
        s = line.strip()
        if s == "[[cue]]":
            lines[f"cue.{cue}"] = number
            cue += 1
        elif s.startswith("[") and s.endswith("]") and not s.startswith("[["):
            lines[s.strip("[]").strip()] = number
    return lines


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The packaged lexicon, loaded once."""
    return Lexicon()


def lexicon_version() -> str:
    """What positions were scored with: the lexicon's digest and the model's version, so that a change of
    either makes `optout index` re-score."""
    from indexer.position_model import default_model  # noqa: PLC0415

    model = default_model()
    return default_lexicon().version + (f"+{model.version}" if model else "")


# -- scoring ---------------------------------------------------------------------------------------

def _normalize(text: str) -> str:
    """Straight quotes and hyphens, lower case. ``str.translate`` looks every character up in a dict (a
    tenth of a statement's time); most texts have none of these, and ``replace`` runs in C."""
    if not text.isascii():
        for a, b in _NORMALIZE.items():
            if a in text:
                text = text.replace(a, b)
    return text.lower()


_NORMALIZE = {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2010": "-",
              "\u2011": "-", "\u00a0": " "}


class _Tally:
    """The evidence summed so far. (A plain class: one is made per quote, and a dataclass with default
    factories costs several times as much to make.)"""

    __slots__ = ("sup", "opp", "neu", "topic", "sarcasm", "may_report", "may_sarcasm", "result")

    def __init__(self, may_report: Any = True, may_sarcasm: Any = True):
        self.sup = self.opp = self.neu = 0.0
        self.topic = self.sarcasm = False
        # whether the whole text has reported speech or sarcasm at all: most clauses need not be searched
        self.may_report = may_report
        self.may_sarcasm = may_sarcasm
        self.result = Position("none", 0.0)

    def add(self, position: str, weight: float, label: str) -> None:
        if position == "supports":
            self.sup += weight
        elif position == "opposes":
            self.opp += weight
        elif position == "neutral":
            self.neu += weight
        if label and label not in self.result.cues:
            self.result.cues.append(label)


def _flip(position: str) -> str:
    return {"supports": "opposes", "opposes": "supports"}.get(position, position)


def _clauses(text: str, lex: Lexicon, starts: list[int] | None = None,
             at: list[int] | None = None) -> list[tuple[int, int, float]]:
    """Clauses as (start, end, weight): after a contrast word they weigh more, the part before it less.
    With ``starts`` (sorted), sentences where none of them is are left out (their clauses hold none);
    ``at`` is ``lex.word_starts(text)`` when known."""
    # whether a sentence may hold a contrast word (the text has one, when they are plain words)
    contrast = lex._contrast.has(text, at) if lex._contrast is not None else True
    # One clause when nothing splits it: no sentence end followed by more, no dash, contrast or condition.
    # (A quote's closing full stop is no split: the split needs white space after it.)
    if not (_MAY_SPLIT.search(text) and _CLAUSE_SPLIT.search(text)) and not ("-" in text and _SPACED_DASH.search(text)) \
            and not (contrast and lex.contrast_re.search(text)) and not lex._condition_anywhere.search(text):
        w = lex.sub_w if lex.subordinate_re.search(text) else 1.0
        return [(0, len(text), w)] if text.strip() else []
    out: list[tuple[int, int, float]] = []
    bounds = [0]
    for m in _CLAUSE_SPLIT.finditer(text):
        bounds += [m.start(), m.end()]
    bounds.append(len(text))
    for a, b in zip(bounds[::2], bounds[1::2], strict=True):
        if starts is not None:
            i = bisect_left(starts, a)
            if i == len(starts) or starts[i] >= b:
                continue
        if not text[a:b].strip():
            continue
        cuts = [a]
        if contrast:
            for m in lex.contrast_re.finditer(text, a, b):
                cuts += [m.start(), m.end()]
        cuts.append(b)
        parts = [(x, y) for x, y in zip(cuts[::2], cuts[1::2], strict=True)]
        for i, (x, y) in enumerate(parts):
            if not text[x:y].strip():
                continue
            w = 1.0 if len(parts) == 1 else (lex.after_w if i == len(parts) - 1 else lex.before_w)
            if lex.subordinate_re.search(text[x:y]):
                w *= lex.sub_w
            cond = lex.condition_re.match(text, x, y)
            if cond:
                # "If the test is worthless, we back them": the condition weighs little, the main clause decides
                out.append((x, cond.end(), w * lex.condition_w))
                x = cond.end()
            out.append((x, y, w))
    return out


def _score_text(body: str, tally: _Tally, lex: Lexicon, context: dict[str, _Match],
                scanned: tuple[list[_Match], list[tuple[_Match, _Cue]]] | None = None,
                at: list[int] | None = None) -> None:
    """Scan ``body`` once (unless ``scanned`` holds its targets and cues; ``at``, its word starts), then
    score it clause by clause."""
    if scanned is None:
        at = lex.word_starts(body)
        scanned = lex.scan(body, at)
    targets, cues = scanned
    if not targets and not cues:
        return  # nothing to weigh: no need to split it into clauses
    starts = sorted([t.start for t in targets] + [m.start for m, _ in cues])
    size = len(body)
    for a, b, weight in _clauses(body, lex, starts, at):
        if a == 0 and b == size:  # the whole text is one clause (most quotes): the matches are its own
            ts, cs = targets, cues
        else:
            ts = [_Match(t.start - a, t.end - a, t.text, t.name, t.weak) for t in targets if a <= t.start < b]
            cs = [(_Match(m.start - a, m.end - a, m.text, m.name), c) for m, c in cues if a <= m.start < b]
        if ts or cs:  # a clause with neither adds nothing to the tally or the context
            _score_clause(body[a:b], weight, tally, lex, context, ts, cs)


def _negated(clause: str, start: int, lex: Lexicon) -> bool:
    """An odd number of negators in the few words before ``start`` ("not not" cancels out)."""
    before = clause[max(0, start - 80):start]
    tokens = _TOKEN.findall(before)
    window = " ".join(tokens[-lex.window:])
    count = len(lex.negation_re.findall(window))
    if count % 2 == 0 and lex.clause_wide.intersection(tokens[:-lex.window]):
        count += 1  # "nor is it an appropriate or useful tool": such a word negates the rest of its clause
    if count == 0 and _NPI.search(" ".join(tokens[-6:])):
        # "do not do anything to add value": "any..." carries a negation from earlier in the clause
        count = len(lex.negation_re.findall(" ".join(tokens[:-6] + tokens[-6:])))
    return count % 2 == 1


def _pick_target(cue: _Cue, m: _Match, targets: list[_Match], lex: Lexicon) -> _Match | None:
    allowed = [t for t in targets if (not cue.pairs or t.name in cue.pairs)
               and (t.name not in cue.close or 0 <= t.start - m.end <= CLOSE_CHARS)
               and (not cue.after or t.start >= m.end)]
    if len(allowed) < 2:
        return allowed[0] if allowed else None
    if cue.pairing == "nearest":
        return min(allowed, key=lambda t: abs(t.start - m.start))
    best = max(lex.targets[t.name].priority for t in allowed)
    top = [t for t in allowed if lex.targets[t.name].priority == best]
    return min(top, key=lambda t: abs(t.start - m.start))


_PRONOUN = re.compile(r"\b(it|they|them|this|these|that|those|her|him|their)\b")


def _score_clause(clause: str, weight: float, tally: _Tally, lex: Lexicon, context: dict[str, _Match],
                  targets: list[_Match], cues: list[tuple[_Match, _Cue]]) -> None:
    """Add one clause's evidence to ``tally``; ``context`` holds the last target of each kind seen so far
    (what "them" or "it" in a later clause most likely means)."""
    if any(lex.targets[t.name].bare != "none" for t in targets):
        tally.topic = True
    sarcastic = tally.may_sarcasm and lex._sarcasm.search(clause)
    weight = _frame(clause, weight, bool(targets or cues), sarcastic, tally, lex)
    used: set[int] = set()
    near: dict[str, _Match] = {}
    if context:  # (pronouns can stand only for targets seen before)
        found = _PRONOUN.findall(clause)
        # "proud of them": a pronoun for people stands for those who opt out, not for the test
        people = {w for w in found if w in ("they", "them", "her", "him", "those", "their")}
        if found:
            near = {k: v for k, v in context.items() if not (people and k == "test" and len(context) > 1)}
    signs = _cue_signs(clause, cues, targets, lex, near, used, tally)
    for (m, cue), found in zip(cues, signs, strict=True):
        if found is None:
            if cue.kind == "eval":
                tally.result.loose.append(m.text)
            continue
        position, label, w = found
        tally.add(_flip(position) if sarcastic else position, w * weight, label)
    if targets:  # (it only reads the targets)
        _bare_targets(clause, targets, used, any(c.kind == "eval" for _, c in cues), weight, sarcastic, tally, lex)
    for t in targets:
        if t.name not in tally.result.targets:
            tally.result.targets.append(t.name)
        if not t.weak:
            tally.result.anchored = True
        context[t.name] = t


def _frame(clause: str, weight: float, on_topic: bool, sarcastic: bool, tally: _Tally, lex: Lexicon) -> float:
    """Reported speech and sarcasm: what the clause's cues are worth."""
    reported = lex._reported.first(clause) if tally.may_report else None
    if reported:
        weight *= lex.reported_factor
        if on_topic:
            tally.add("neutral", lex.reported_neutral, "reported: " + reported)
    if sarcastic and on_topic:
        tally.sarcasm = True
        if "sarcasm" not in tally.result.notes:
            tally.result.notes.append("sarcasm")
    return weight


def _cue_signs(clause: str, cues: list[tuple[_Match, _Cue]], targets: list[_Match], lex: Lexicon,
               context: dict[str, _Match], used: set[int], tally: _Tally) -> list[tuple[str, str, float] | None]:
    """Each cue's (position, label, weight), or None. A governing verb with another evaluative cue between
    it and its target ("we oppose efforts to weaken testing") passes its polarity to that inner cue."""
    picks: list[_Match | None] = []
    for m, cue in cues:
        target = _pick_target(cue, m, targets, lex) if cue.kind == "eval" else None
        if target is None and cue.kind == "eval" and context:
            # "we stand with them": the pronoun stands for the last target of that kind; it sits right after the cue
            near = [_Match(m.end + 1, m.end + 1, f"({c.text})", c.name) for c in context.values()]
            target = _pick_target(cue, m, near, lex)
        picks.append(target)
    governed: dict[int, int] = {}
    floor: dict[int, int] = {}  # a governed cue's own negation is read after its governor ("no business telling")
    skip: set[int] = set()
    for i, ((m, cue), target) in enumerate(zip(cues, picks, strict=True)):
        if cue.pairing != "priority" or target is None:
            continue
        inner = [j for j, (mj, cj) in enumerate(cues) if cj.kind == "eval" and m.end <= mj.start < target.start]
        if inner:
            skip.add(i)
            sign = -cue.polarity if _negated(clause, m.start, lex) and cue.negation == "flip" else cue.polarity
            for j in inner:
                governed[j] = governed.get(j, 1) * sign
                floor[j] = max(floor.get(j, 0), m.end)
    out: list[tuple[str, str, float] | None] = []
    for i, ((m, cue), target) in enumerate(zip(cues, picks, strict=True)):
        if i in skip or (cue.kind == "eval" and target is None) or _gerund_subject(clause, m, cue):
            out.append(None)
            continue
        found = _cue_position(clause, m, cue, target, lex, tally, floor.get(i, 0))
        if target is not None and target in targets:
            used.add(targets.index(target))
        if found and governed.get(i, 1) < 0:
            found = (_flip(found[0]), f"{m.text} (governed)", found[2])
        out.append(found)
    return out


_COPULA_AFTER = re.compile(r"\b(?:is|are|was|were|isn't|aren't|wasn't)\b")


def _gerund_subject(clause: str, m: _Match, cue: _Cue) -> bool:
    """"Encouraging refusals is not leadership": an urging verb that is the clause's subject is what the clause
    judges, not the speaker urging."""
    return (cue.after and m.text.endswith("ing") and not clause[:m.start].strip(" \"'(-")
            and bool(_COPULA_AFTER.search(clause, m.end)))


def _bare_targets(clause: str, targets: list[_Match], used: set[int], evaluated: bool, weight: float,
                  sarcastic: bool, tally: _Tally, lex: Lexicon) -> None:
    """Targets nothing evaluated: imperatives ("Refuse the test."), punishment words, reported sanctions."""
    lead = _LEAD.match(clause).end()
    neg_lead = _NEG_LEAD.match(clause)
    for i, t in enumerate(targets):
        if i in used:
            continue
        info = lex.targets[t.name]
        if not used and neg_lead and t.start == neg_lead.end() and _IMPERATIVE.match(t.text):
            # "Don't opt out; ...": a negated imperative urges the opposite
            position = "opposes" if info.polarity > 0 else "supports"
            tally.add(_flip(position) if sarcastic else position, weight, f"imperative: don't {t.text}")
            continue
        verb = _IMPERATIVE_VERB.match(clause, lead)
        if not used and ((t.start <= lead and _IMPERATIVE.match(t.text) and not _NOUN_AFTER.match(clause, t.end))
                         or (verb and info.bare == "topic" and t.start - verb.end() <= CLOSE_CHARS)):
            position = "supports" if info.polarity > 0 else "opposes"
            tally.add(_flip(position) if sarcastic else position, weight, f"imperative: {t.text}")
            continue
        if info.bare == "opposes" and evaluated:
            continue  # a sanction in a clause that evaluates something is not a plain report of one
        if info.bare in ("supports", "opposes"):
            position = info.bare
            before = clause[max(0, t.start - 60):t.start]
            if info.bare == "opposes" and _ABOUT.search(before):
                continue  # "a letter on participation penalties": names the topic, takes no side
            if info.bare == "opposes" and _DENIED.search(before):
                position = "supports"  # "no child will lose recess over a refusal": the sanction is ruled out
            tally.add(_flip(position) if sarcastic else position, info.bare_weight * weight,
                      f"{'not ' if position != info.bare else ''}{t.text} [{t.name}]")


def _cue_position(clause: str, m: _Match, cue: _Cue, target: _Match | None, lex: Lexicon,
                  tally: _Tally, floor: int = 0) -> tuple[str, str, float] | None:
    negated = cue.negation != "ignore" and _negated(clause[floor:], m.start - floor, lex)
    if negated:
        tally.result.negated.append(m.text)
    if cue.kind == "fixed":
        if negated:
            return ("neutral" if cue.negation == "neutral" else _flip(cue.position)), f"not {m.text}", cue.weight
        return cue.position, m.text, cue.weight
    if target is None:
        return None
    polarity = lex.targets[target.name].polarity
    if target.start <= m.start < target.end:
        polarity = -1  # inside "refused to give a redundant test" a word judges the test, not the refusal
    sign = cue.polarity * polarity
    if negated:
        sign = -sign if cue.negation == "flip" else 0
    if lex.targets[target.name].bare not in ("supports", "opposes") and target.start <= len(clause):
        # Negators before the cue belong to the cue ("we don't support opting out"), not to its target;
        # sanctions and punishments keep their sense under negation ("no child should be punished").
        if target.start >= m.end and _negated(clause[m.end:], target.start - m.end, lex):
            sign = -sign
    if sign == 0:
        return "neutral", f"not {m.text}", cue.weight
    label = f"{'not ' if negated else ''}{m.text} → {target.text}"
    # "X is irresponsible": the predicate is what the clause asserts.
    weight = cue.weight * (1.5 if _COPULA.search(clause[max(0, m.start - 30):m.start]) else 1.0)
    if target.text.startswith("("):
        weight *= lex.pronoun_weight  # the target was resolved from a pronoun
    return ("supports" if sign > 0 else "opposes"), label, weight


def _decide(tally: _Tally, lex: Lexicon, margin_scale: float = 1.0) -> Position:
    res = tally.result
    sup, opp, neu = tally.sup, tally.opp, tally.neu
    res.scores = {"supports": round(sup, 2), "opposes": round(opp, 2), "neutral": round(neu, 2)}
    margin = sup - opp
    strong, weak = max(sup, opp), min(sup, opp)
    if strong == 0 and neu == 0:
        res.position = "neutral" if tally.topic else "none"
        res.confidence = 0.3 if tally.topic else 0.6
        return res
    if weak > 0 and weak >= lex.mixed_ratio * strong:
        res.position, res.confidence = "neutral", 0.4
        res.notes.append("both sides")
    elif neu >= abs(margin):
        res.position = "neutral"
        res.confidence = min(0.9, 0.4 + 0.5 * (neu - abs(margin)) / (neu + 1))
    elif margin >= lex.supports_margin * margin_scale:
        res.position = "supports"
    elif -margin >= lex.opposes_margin * margin_scale:
        res.position = "opposes"
    else:
        res.position, res.confidence = ("neutral" if tally.topic or strong else "none"), 0.3
        res.notes.append("weak evidence")
    if res.position in ("supports", "opposes"):
        clean = 1 - (weak + neu) / (strong + neu + 1e-9)
        res.confidence = round(min(0.95, (1 - 1 / (1 + abs(margin))) * (0.5 + 0.5 * clean) + 0.2), 2)
        if tally.sarcasm:
            res.confidence = min(res.confidence, lex.sarcasm_cap)
    return res


def score(text: str | None, lexicon: Lexicon | None = None, title: str | None = None,
          max_chars: int = MAX_QUOTE_CHARS) -> Position:
    """The position of one text (a quote, or a statement with its ``title``)."""
    return _score(text, lexicon, title, max_chars)[0]


def _score(text: str | None, lexicon: Lexicon | None = None, title: str | None = None,
           max_chars: int = MAX_QUOTE_CHARS) -> tuple[Position, bool | None]:
    """score(), and whether the text it read (normalised) has a sarcasm marker; None when not searched."""
    lex = lexicon or default_lexicon()
    body = (text or "")[:max_chars]
    if title:
        body = title + ".\n" + body
    body = _normalize(body)
    at = lex.word_starts(body)
    targets, cues = lex.scan(body, at)
    if not targets and not cues:
        return _unweighed([]), None  # nothing to weigh (a third of bench/tagging.py's quotes)
    may_report, may_sarcasm = lex._reported.has(body, at), lex._sarcasm.has(body, at)
    if not targets and not may_report and not may_sarcasm and _all_eval(cues) \
            and lex._contrast is not None and not lex._contrast.has(body, at):
        # Evaluative words with nothing to evaluate (an eighth of bench/tagging.py's quotes): with no
        # target there is no context for a pronoun either, so each clause would only list its cues as
        # loose, and every cue is in some clause (only contrast words fall between clauses).
        return _unweighed([m.text for m, _ in cues]), False
    tally = _Tally(may_report=may_report, may_sarcasm=may_sarcasm)
    _score_text(body, tally, lex, {}, (targets, cues), at)
    return _decide(tally, lex), tally.may_sarcasm


def _unweighed(loose: list[str]) -> Position:
    """What _decide() makes of a tally nothing was added to, with these loose evaluative words."""
    return Position("none", 0.6, scores={"supports": 0.0, "opposes": 0.0, "neutral": 0.0}, loose=loose)


def _all_eval(cues: list[tuple[_Match, _Cue]]) -> bool:
    return all(c.kind == "eval" for _, c in cues)


def score_quote(text: str | None, use_model: bool = True) -> Position:
    """The position of a quote's words: the lexicon's evidence blended with the model's."""
    res, sarcasm = _score(text)
    if not use_model:
        return res
    text = text or ""
    if not text.isascii() or len(text) > MAX_QUOTE_CHARS:
        sarcasm = None  # the lexicon read other words than text.lower(): the model's check searches its own
    return _with_model(res, text, sarcasm)


def score_statement(title: str | None, text: str | None, lexicon: Lexicon | None = None,
                    use_model: bool = True) -> Position:
    """The position of a statement-kind document: each sentence of its title and first part votes with its
    own position (weighted by confidence), so one stray cue in a long text does not make it "both sides";
    then that is blended with what the model reads in the title and first part."""
    res = _score_sentences(title, text, lexicon)
    if not use_model:
        return res
    return _with_model(res, ((title + ". ") if title else "") + (text or "")[:MAX_STATEMENT_CHARS])


def _with_model(res: Position, text: str, sarcasm: bool | None = None) -> Position:
    """``res`` blended with the model's reading of ``text``; ``sarcasm``, when known, is whether
    ``text.lower()`` has a sarcasm marker."""
    if (not res.targets and res.position not in _SIDES) or not text.strip():
        # the model is asked only about text the lexicon sees is about testing (or takes a side on)
        return res
    from indexer.position_model import default_model  # noqa: PLC0415 - loaded when first needed

    model = default_model()
    if model is None:
        return res
    # sarcastic words mean their opposite, which word counts cannot read: the model may not take a side
    if sarcasm is None:
        sarcasm = default_lexicon()._sarcasm.search(text.lower())
    sides = not sarcasm
    return combine(res, model.probabilities(text), model.combine, sides)


_SIDES = ("supports", "opposes")


def combine(res: Position, probs: dict[str, float], weights: dict[str, float], sides: bool = True) -> Position:
    """Blend the lexicon's position ``res`` with the model's label probabilities ``probs``.

    The lexicon counts as a distribution too: its confidence on its own label, the rest shared by the others.
    ``weights["lexicon_weight"]`` is its share of the blend (the model has the rest); the blended label wins,
    except that "supports" needs at least ``weights["supports_min"]`` (a wrong "supports" costs most: below
    it the result is neutral or none), the model may not take a side the lexicon did not when ``sides`` is
    false (sarcasm), words that take no side ("up to parents", "both sides") keep a lexicon neutral, and with
    ``weights["keep_side"]`` a lexicon side of at least that confidence is not turned into the other side.
    The weights were chosen by cross-validation on the train files (bench/train_positions.py --choose).
    When the label changes, the evidence says so."""
    if not probs:
        return res
    lexicon_weight = weights.get("lexicon_weight", 1.0)
    others = max(1, len(probs) - 1)
    blended = {}
    for label, p in probs.items():
        own = res.confidence if label == res.position else (1.0 - res.confidence) / others
        blended[label] = (1.0 - lexicon_weight) * p + lexicon_weight * own
    if not sides and res.position not in _SIDES:
        for label in _SIDES:
            blended[label] = 0.0
    label = max(blended, key=blended.get)  # type: ignore[arg-type]
    if label == "supports" and blended[label] < weights.get("supports_min", 0.0):
        # not sure enough to say "supports": abstain (not the other side, which was even less likely)
        label = max((k for k in blended if k in ("neutral", "none")), key=blended.get)  # type: ignore[arg-type]
    if label in _SIDES and res.position not in _SIDES and res.scores.get("neutral", 0) > 0:
        return res  # the lexicon found words that take no side: they stand
    if label == res.position:
        return res
    if label in _SIDES and res.position in _SIDES and res.confidence >= weights.get("keep_side", 1.01):
        return res  # a clear cue is not turned into the other side by word counts
    res.notes.append(f"model: {label} {probs[label]:.2f} (lexicon: {res.position} {res.confidence:.2f})")
    res.position = label
    res.confidence = round(min(0.8, blended[label]), 2)  # a learned guess is worth less than a clear cue
    return res


def _score_sentences(title: str | None, text: str | None, lexicon: Lexicon | None) -> Position:
    lex = lexicon or default_lexicon()
    body = ((title + ".\n") if title else "") + (text or "")[:MAX_STATEMENT_CHARS]
    body = _normalize(body)
    doc = _Tally()
    context: dict[str, _Match] = {}
    first = True
    for sentence in _SENTENCE.split(body):
        if not sentence.strip():
            continue
        tally = _Tally(may_sarcasm=len(body) < 2000 or lex._sarcasm.search(sentence))
        _score_text(sentence, tally, lex, context)
        res = _decide(tally, lex)
        vote = res.confidence * (2.0 if first and title else 1.0)  # a statement's headline states its stand
        first = False
        doc.topic = doc.topic or tally.topic
        doc.sarcasm = doc.sarcasm or tally.sarcasm
        if res.position in ("supports", "opposes") or (res.position == "neutral" and tally.neu > 0):
            doc.add(res.position, vote, "")
            for key in ("cues", "negated", "targets", "notes"):
                items = getattr(doc.result, key)
                items.extend(x for x in getattr(res, key) if x not in items)
    # the votes are confidences (below 1 each): one clear sentence with nothing against it is enough
    return _decide(doc, lex, lex.statement_margin)


def inherit_context(quotes: list[Any], positions: list[Position], gap: int = 1) -> None:
    """A quote with evaluative cues but nothing it is about ("it's the best way to go") takes, at low
    confidence, the position of the same speaker's neighbouring quote: one remark cut into pieces."""
    for i, (q, p) in enumerate(zip(quotes, positions, strict=True)):
        if p.position not in ("none", "neutral") or p.targets or not p.loose or not getattr(q, "speaker", None):
            continue
        for j in [*range(i - 1, i - gap - 2, -1), *range(i + 1, i + gap + 2)]:
            if 0 <= j < len(quotes) and quotes[j].speaker == q.speaker and positions[j].targets \
                    and positions[j].position in ("supports", "opposes") and positions[j].confidence >= 0.5:
                p.position = positions[j].position
                p.confidence = round(min(0.45, positions[j].confidence / 2), 2)
                p.notes.append(f"context: the speaker's quote {j + 1}")
                break


def position_quotes(quotes: list[Any], on_topic: bool = True, title: str | None = None) -> None:
    """Set ``position`` and ``position_evidence`` on each quote (objects with text and speaker), in place.

    ``on_topic`` false: the document names no test (its tags). Then unless its ``title`` or one of its quotes
    is itself about testing (a target's own words: "state tests", "opt out"), words that are about testing
    only in such a text ("threat", "refused", "penalties", "investigation") take no side: the quotes are
    "none". (A political story's "a clear threat" or "he refused to apologize" is no stand on tests.)"""
    found = [score_quote(q.text) for q in quotes]
    if not on_topic and not any(p.anchored for p in found) and any(p.position != "none" for p in found) \
            and not about_testing(title):
        for p in found:
            off_topic(p)
    inherit_context(quotes, found)
    for q, p in zip(quotes, found, strict=True):
        q.position, q.position_evidence = p.position, p.evidence()


def about_testing(text: str | None) -> bool:
    """Whether ``text`` (a title, say) has a target's own words, not only weak ones."""
    if not text:
        return False
    lex = default_lexicon()
    body = _normalize(text[:MAX_QUOTE_CHARS])
    return any(not t.weak for t in lex.target_matches(body, lex.word_starts(body)))


def off_topic(p: Position) -> None:
    """Make ``p`` "none": its text and its document are not about testing (the evidence says so)."""
    if p.position != "none":
        p.notes.append(f"off topic: nothing in the quote or its document is about testing (words: {p.position})")
        p.position, p.confidence = "none", 0.5


def document_position(title: str | None, text: str | None, kind: str | None) -> Position | None:
    """The position of a statement-kind document; None for other kinds (their quotes carry positions)."""
    if kind != "statement":
        return None
    return score_statement(title, text)
