"""Positions toward opting out: the lexicon, its rules, bad input and the labelled set's split."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from archive.model import Quote
from indexer.positions import (
    DATA,
    POSITIONS,
    CuesError,
    Lexicon,
    inherit_context,
    position_quotes,
    score_quote,
    score_statement,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "positions"


# Sentences written for these tests (not in the labelled set), one per nuance.
@pytest.mark.parametrize("text, expected", [
    ("Our chapter will defend any family that keeps its children out of the state exam.", "supports"),
    ("We are urging every parent in the county to opt out this April.", "supports"),
    ("Educators who refuse to administer the MCAS will have our full support.", "supports"),
    ("No family should ever be punished for refusing the exam.", "supports"),
    ("The state tests are a waste of precious class time.", "supports"),
    ("These assessments give principals useful information about every classroom.", "opposes"),
    ("We want every single student to take the test this spring.", "opposes"),
    ("Opting out is a serious mistake that hurts our neediest schools.", "opposes"),
    ("Schools that miss the participation target will lose Title I funding.", "opposes"),
    ("That choice belongs to each family; the district takes no position on it.", "neutral"),
    ("The council will review refusal figures at its June meeting.", "neutral"),
    ("The gym will be used for the science test on Friday morning.", "none"),
    ("Our members ratified the contract by a wide margin.", "none"),
    ("You can opt out of the parent newsletter at any time.", "none"),
])
def test_each_nuance(text, expected):
    assert score_quote(text).position == expected


def test_negation_flips_and_double_negation_cancels():
    # the lexicon's rules (the model reads word counts, which know no negation scope)
    assert score_quote("We support opting out.", use_model=False).position == "supports"
    assert score_quote("We do not support opting out.", use_model=False).position == "opposes"
    assert score_quote("I told parents not to opt out.", use_model=False).position == "opposes"


def test_reported_speech_is_not_the_speakers_position():
    own = score_quote("These exams are flawed and harmful.")
    reported = score_quote("Critics say these exams are flawed and harmful.")
    assert own.position == "supports"
    assert reported.position == "neutral"
    assert any(c.startswith("reported") for c in reported.cues)


def test_contrast_clause_wins():
    assert score_quote("I understand the frustration, but I urge every family to take the test.").position == "opposes"


def test_evidence_names_cue_target_and_confidence():
    # the lexicon's evidence (the blend with the model may abstain on this mild wording: neutral)
    p = score_quote("We don't encourage parents to boycott the exams.", use_model=False)
    ev = p.evidence()
    assert p.position == "opposes"
    assert "encourage" in ev["negated"]
    assert "optout" in ev["targets"]
    assert 0 < ev["confidence"] <= 1
    assert "opposes" in p.describe()


@pytest.mark.parametrize("text", ["", "   ", "not not not", "no no never not", "😀🔥📚" * 200,
                                  "¡No al examen estatal!", "我们支持家长", "\x00\x01\x02", "opt " * 20000,
                                  "test " * 50000, None])
def test_bad_input_gives_a_position(text):
    p = score_quote(text)
    assert p.position in POSITIONS
    assert 0 <= p.confidence <= 1


def test_fifty_thousand_word_statement_gives_a_position():
    text = "The union stands with families who refuse the state tests. " * 5000 + "word " * 20000
    p = score_statement("A very long statement", text)
    assert p.position == "supports"


def test_statement_votes_by_sentence():
    p = score_statement("Union urges families to refuse the spring exams",
                        "The exams take a week of teaching.\nWe are encouraging every parent to opt out.\n"
                        "Contact your local for a refusal letter.")
    assert p.position == "supports"


def test_context_inherits_from_the_same_speakers_quote():
    quotes = [Quote("We are telling parents to opt out.", "Ann Vale"), Quote("It is the smart thing to do.", "Ann Vale"),
              Quote("It is the smart thing to do.", "Bo Reyes")]
    position_quotes(quotes)
    assert [q.position for q in quotes] == ["supports", "supports", "none"]
    assert quotes[1].position_evidence["confidence"] < 0.5


def test_inherit_context_needs_a_speaker():
    quotes = [Quote("We are telling parents to opt out."), Quote("It is the smart thing to do.")]
    found = [score_quote(q.text) for q in quotes]
    inherit_context(quotes, found)
    assert found[1].position == "none"


def _cue_file(tmp_path: Path, body: str) -> Path:
    text = DATA.read_text(encoding="utf-8") + body
    path = tmp_path / "cues.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_cue_pattern_names_file_and_line(tmp_path):
    path = _cue_file(tmp_path, '\n[[cue]]\nname = "broken"\npolarity = 1\npatterns = ["(unclosed"]\n')
    line = len(DATA.read_text(encoding="utf-8").splitlines()) + 2
    with pytest.raises(CuesError, match=rf"cues.toml:{line}: .*bad pattern"):
        Lexicon(path)


@pytest.mark.parametrize("body, message", [
    ('\n[[cue]]\nname = "x"\npolarity = 2\npatterns = ["abc"]\n', "polarity"),
    ('\n[[cue]]\nname = "x"\npolarity = 1\ncolour = "red"\npatterns = ["abc"]\n', "unknown key 'colour'"),
    ('\n[[cue]]\nname = "x"\nkind = "fixed"\nposition = "maybe"\npatterns = ["abc"]\n', "position"),
    ('\n[[cue]]\nname = "x"\npolarity = 1\npatterns = ["a?"]\n', "empty string"),
    ('\n[[cue]]\nname = "x"\npolarity = 1\npairs = ["nothing"]\npatterns = ["abc"]\n', "unknown target"),
    ("\n[[cue]\n", r"\S"),
])
def test_malformed_cue_files_are_errors(tmp_path, body, message):
    with pytest.raises(CuesError, match=message) as err:
        Lexicon(_cue_file(tmp_path, body))
    assert "cues.toml" in str(err.value)


def test_labelled_set_size_and_fixed_split():
    seen: dict[str, str] = {}
    counts = {"quotes": 0, "statements": 0}
    for path in sorted(FIXTURES.glob("*.jsonl")):
        kind, part = path.name.split(".")[:2]
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            assert row["label"] in POSITIONS
            digest = int(hashlib.sha1(row["text"].encode()).hexdigest(), 16)
            assert part == ("test" if digest % 3 == 0 else "train"), row["id"]
            assert row["text"] not in seen, f"{row['id']} is in two files"
            seen[row["text"]] = part
            counts[kind] += 1
    assert counts["quotes"] >= 300 and counts["statements"] >= 60


def test_a_target_word_before_a_noun_is_no_command():
    # "Boycott the exam." urges it; "Boycott organizers say ..." only names them
    assert score_quote("Boycott the exam.", use_model=False).position == "supports"
    named = score_quote("Boycott organizers describe the turnout as large.", use_model=False)
    assert not any(c.startswith("imperative") for c in named.cues)


def test_honestly_is_no_praise():
    assert "honest" not in score_quote("Our board is split on opting out, and honestly, so am I.", use_model=False).cues
