"""The fast paths of positions give what the plain definitions give.

The cue tables are found by a combined gate expression and tables keyed by up to four first characters; the
definition is simpler: at each word start not inside the last match, the first pattern in list order that
matches there. Statements' sentences and texts are normalised without ``str.translate``.
"""

from __future__ import annotations

import json
import random
import re
import tomllib
from pathlib import Path

from indexer import positions
from indexer.positions import _WORD, Lexicon, _Dispatch, _normalize, default_lexicon

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "positions"


def _reference(parts: list[tuple[str, str]], text: str) -> list[tuple[int, int, str]]:
    compiled = [(name, re.compile(p)) for name, p in parts]
    out, end = [], 0
    for w in _WORD.finditer(text):
        pos = w.start()
        if pos < end:
            continue
        for name, r in compiled:
            m = r.match(text, pos)
            if m and m.end() > pos:
                out.append((pos, m.end(), name))
                end = m.end()
                break
    return out


def _texts() -> list[str]:
    texts = []
    for path in sorted(FIXTURES.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            texts.append(_normalize(row["text"]))
    rng = random.Random(7)
    words = " ".join(texts).split()
    # the reference tries every pattern at every word: a sample of the fixtures, and shuffled words
    return rng.sample(texts, 120) + [" ".join(rng.choice(words) for _ in range(rng.randint(1, 40)))
                                     for _ in range(60)]


def test_dispatch_matches_the_definition_on_small_tables():
    parts = [("a", "the tests?"), ("b", "th\\w+ (?:test|exam)"), ("c", "t"), ("d", "(?:no|not) (?:the )?tests?"),
             ("e", "[\\w-]+ out"), ("f", "opt(?:ing)?[- ]out")]
    d = _Dispatch(parts)
    for text in ["the tests and the exam", "they test", "not the test, no tests", "opting out, opt-out",
                 "t", "x t the", "théâtre the test", "", "pull out of it"]:
        got = [(m.start(), m.end(), m.lastgroup) for m in d.finditer(text)]
        assert got == _reference(parts, text), text


def _group_name(name: str, weak: bool) -> str:
    return name + ("~weak" if weak else "")


def test_lexicon_scan_matches_the_definition():
    lex = default_lexicon()
    data = tomllib.loads(positions.DATA.read_text(encoding="utf-8"))
    by_priority = sorted(data["targets"].items(), key=lambda kv: -int(kv[1].get("priority", 0)))
    # each target's own patterns, then its weak ones (tried after them at the same place)
    target_parts = [(f"{name}{suffix}", "|".join(f"(?:{p})" for p in t[key])) for name, t in by_priority
                    for key, suffix in (("patterns", ""), ("weak_patterns", "~weak")) if key in t]
    assert any(name.endswith("~weak") for name, _ in target_parts)
    cue_parts = [(c.get("name") or str(i), p) for i, c in enumerate(data["cue"]) for p in c["patterns"]]
    for text in _texts():
        targets = [(m.start(), m.end(), _group_name(*lex._target_groups[m.lastgroup]))
                   for m in lex.target_re.finditer(text)]
        assert targets == _reference(target_parts, text), text
        cues = [(m.start, m.end, m.name) for m, _ in lex.cue_matches(text)]
        assert cues == _reference(cue_parts, text), text


def test_normalize_is_the_translation_then_lower_case():
    table = str.maketrans(positions._NORMALIZE)
    for text in ["Plain ASCII Text", "\u201cWe\u2019ll refuse\u201d \u2010 they said\u00a0now", "\u0130stanbul \u2011 x",
                 "", "\u201c" * 5, "caf\u00e9 \u2018test\u2019"]:
        assert _normalize(text) == text.translate(table).lower()


def test_a_lexicon_from_text_uses_the_same_dispatch():
    lex = Lexicon(text=positions.DATA.read_text(encoding="utf-8"))
    assert [(t.start, t.name) for t in lex.target_matches("we opt out of the test")] == \
        [(t.start, t.name) for t in default_lexicon().target_matches("we opt out of the test")]


def test_one_pass_over_the_words_finds_what_each_table_finds_on_its_own():
    lex = default_lexicon()
    assert lex._words is not None and len(lex._words.joined) == 4  # the shipped expressions all join the pass
    others = [lex._not_target, lex._reported, lex._sarcasm, lex._contrast]
    texts = _texts() + ["\"refuse the test,\" she said, but oh great, another exam", "opt-out (opting out) - now",
                        "caf\u00e9 refus\u00e9 the test", "", "   ", "test", "don't take the test; critics say it's fine",
                        # a table's word right after a letter outside ASCII is inside a word: no start there
                        "z\u00fcrichrefuse the test, \u00e9opt out and na\u00efveboycott the exam"]
    for text in texts:
        at = lex.word_starts(text)
        assert at == sorted(set(at))
        assert all(p == 0 or not re.match(r"\w", text[p - 1]) for p in at), text
        assert [(m.start(), m.end(), m.lastgroup) for m in lex.target_re.finditer(text, at)] == \
            [(m.start(), m.end(), m.lastgroup) for m in lex.target_re.finditer(text)], text
        assert [(m.start, m.end, m.name) for m, _ in lex.cue_matches(text, at)] == \
            [(m.start, m.end, m.name) for m, _ in lex.cue_matches(text)], text
        for a in others:
            assert a.search_at(text, at) == (a.pattern.search(text) is not None), (a.body[:40], text)
            assert a.spans_at(text, at) == [m.span() for m in a.pattern.finditer(text)], (a.body[:40], text)


def test_first_is_the_words_of_the_first_match():
    lex = default_lexicon()
    for text in _texts() + ["critics say the test is fine", "some parents said they would opt out", ""]:
        m = lex._reported.pattern.search(text)
        assert lex._reported.first(text) == (m.group(0) if m else None), text


def test_remembered_word_heads_are_bounded_and_change_nothing(monkeypatch):
    monkeypatch.setattr(positions, "MAX_HEADS", 5)
    lex = Lexicon(text=positions.DATA.read_text(encoding="utf-8"))
    reference = default_lexicon()
    for text in _texts():
        at = lex.word_starts(text)
        assert [(t.start, t.end, t.name) for t in lex.target_matches(text, at)] == \
            [(t.start, t.end, t.name) for t in reference.target_matches(text)], text
        assert [(m.start, m.end, m.name) for m, _ in lex.cue_matches(text, at)] == \
            [(m.start, m.end, m.name) for m, _ in reference.cue_matches(text)], text
        assert lex.has(lex._reported, text, at) == (reference._reported.pattern.search(text) is not None), text
    for table in (lex.target_re, lex.cue_re):
        assert 0 < len(table._by_head) <= 5
    assert len(lex._reported._may) <= 5


def test_a_text_with_nothing_to_weigh_is_what_an_empty_tally_decides():
    lex = default_lexicon()
    for text in ["The weather was fine on Tuesday.", "", "123", "caf\u00e9 au lait"]:
        assert positions._score(text)[0] == positions._decide(positions._Tally(), lex), text


def _every_clause(text: str) -> positions.Position:
    """The position as the clause-by-clause path finds it, with no shortcut."""
    lex = default_lexicon()
    body = _normalize(text)
    at = lex.word_starts(body)
    targets, cues = lex.scan(body, at)
    tally = positions._Tally(may_report=lex._reported.has(body, at), may_sarcasm=lex._sarcasm.has(body, at))
    positions._score_text(body, tally, lex, {}, (targets, cues), at)
    return positions._decide(tally, lex)


def test_shortcuts_give_what_every_clause_gives():
    lex = default_lexicon()
    texts = _texts() + ["We are so proud of them. It is wrong, and it is a disgrace.", "I support it; they oppose it",
                        "Critics say we are proud of it.", "Oh great, we love it", "It is wrong but we love it."]
    shortcut = 0
    for text in texts:
        assert positions._score(text)[0] == _every_clause(text), text
        body = _normalize(text)
        targets, cues = lex.scan(body)
        shortcut += bool(cues and not targets)
    assert shortcut > 10  # the texts exercise the cue-only shortcut, not only the full path


def test_a_condition_is_found_anywhere_as_the_clause_rule_finds_it():
    lex = default_lexicon()
    texts = _texts() + ["if they test us, we refuse", "we refuse, if asked", "verify, if you can, the count,",
                        "...when the state insists on it, we will opt out", "unless", ""]
    found = 0
    for text in texts:
        anywhere = lex._condition_anywhere.search(text) is not None
        assert anywhere == (lex.condition_re.search(text) is not None), text
        found += anywhere
    assert found >= 3
