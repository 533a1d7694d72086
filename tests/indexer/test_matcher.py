"""The token-trie matcher against a brute-force reading of its rules, and its shared per-text caches."""

from __future__ import annotations

import random
import re

import pytest

from indexer.matcher import Matcher

_TOKEN = re.compile(r"\w+|[^\w\s]")


def brute_force(forms: list[tuple[str, str]], text: str) -> list[tuple[int, int, str, str]]:
    """Every start tried against every form, longest first: the rules the matcher promises, spelled out."""
    exact: dict[tuple[str, ...], str] = {}
    folded: dict[tuple[str, ...], str] = {}
    for form, value in forms:
        tokens = tuple(_TOKEN.findall(form.strip()))
        if not tokens:
            continue
        if " " in form.strip() and len(form.strip()) >= 8:
            folded.setdefault(tuple(t.lower() for t in tokens), value)
        else:
            exact.setdefault(tokens, value)
    spans = list(_TOKEN.finditer(text))
    words = [m.group() for m in spans]
    found, i = [], 0
    while i < len(words):
        hit = None
        for size in range(len(words) - i, 0, -1):
            value = exact.get(tuple(words[i:i + size]))
            if value is None:
                value = folded.get(tuple(w.lower() for w in words[i:i + size]))
            if value is None:
                continue
            start, end = spans[i].start(), spans[i + size - 1].end()
            if Matcher._bounded(text, start, end):
                hit = (start, end, text[start:end], value), size
                break
        if hit:
            found.append(hit[0])
            i += hit[1]
        else:
            i += 1
    return found


VOCABULARY = ["New", "York", "new", "york", "State", "state", "United", "Federation", "of", "Teachers", "ACT",
              "act", "MAP", "map", "STEP", "M", "-", ".", "the", "The", "union", "test", "tests", "www", "nea", "org"]


@pytest.mark.parametrize("seed", range(40))
def test_matches_what_trying_every_form_at_every_start_finds(seed: int) -> None:
    rng = random.Random(seed)
    forms = []
    for k in range(rng.randint(1, 25)):
        form = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(1, 4)))
        forms.append((form.replace(" - ", "-").replace(" . ", "."), f"v{k}"))
    text = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(0, 120))).replace(" - ", rng.choice(["-", " - "]))
    assert list(Matcher(forms).finditer(text)) == brute_force(forms, text)


def test_case_rules_and_longest_form() -> None:
    m = Matcher([("ACT", "ACT"), ("New York State United Teachers", "NYSUT"), ("New York", "NY"), ("MAP", "MAP")])
    text = "The ACT and the act; NEW YORK STATE UNITED TEACHERS met in New York. A map, the MAP."
    assert [(surface, value) for _s, _e, surface, value in m.finditer(text)] == [
        ("ACT", "ACT"), ("NEW YORK STATE UNITED TEACHERS", "NYSUT"), ("New York", "NY"), ("MAP", "MAP")]


def test_pieces_of_longer_tokens_do_not_count() -> None:
    m = Matcher([("STEP", "STEP"), ("nea", "NEA")])
    assert list(m.finditer("M-STEP scores at www.nea.org")) == []
    assert [v for *_, v in m.finditer("the STEP test; nea members")] == ["STEP", "NEA"]


def test_a_matcher_built_after_a_text_was_scanned_still_finds_its_forms() -> None:
    """Texts are tokenised once for every matcher; a newer vocabulary's first words must not be missed."""
    text = "Members of the Zephyrine Educators Guild voted against the Quillon Benchmark this spring, " * 3
    first = Matcher([("Zephyrine Educators Guild", "ZEG")])
    assert [v for *_, v in first.finditer(text)] == ["ZEG"] * 3
    later = Matcher([("Quillon Benchmark", "QB")])
    assert [v for *_, v in later.finditer(text)] == ["QB"] * 3


def test_the_case_sensitive_form_wins_a_tie_in_length() -> None:
    m = Matcher([("m - step", "any case"), ("M-STEP", "this case")])
    assert [v for *_, v in m.finditer("the M-STEP and the m-step")] == ["this case", "any case"]
