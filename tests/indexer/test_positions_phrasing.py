"""Phrasings from real reporting that the cue file once read wrong (the sentences here are our own)."""

import pytest

from indexer.positions import score_quote

SIDES = ("supports", "opposes")


def _lexicon(text: str):
    return score_quote(text, use_model=False)


@pytest.mark.parametrize(("text", "expected"), [
    # "works" and "matters" still praise ...
    ("Opting out works: the state listened.", "supports"),
    ("The quiet room is working for families who skip the test.", "supports"),
    ("The state test matters to every school in this county.", "opposes"),
    # ... a passive sanction ruled out sides with the opt-outs
    ("No school should have its funding withheld because families opted out of the state test.", "supports"),
    ("No district should see its aid pulled over a boycott of the PARCC.", "supports"),
    ("There are absolutely no consequences for opting your child out of the exam.", "supports"),
    # "failure to" is not doing something; "a failure" is still a verdict
    ("Failure to sit for the exam will count as a zero on the report card.", "opposes"),
    ("This new test has been a failure from the first day.", "supports"),
    # the saying defends measuring; the tests' own "cannot measure" still sides against them
    ("You cannot improve what you do not measure, and the state test is how we measure.", "opposes"),
    ("These exams cannot measure what a child has learned.", "supports"),
    ("Scrapping the state tests only makes it harder to see which schools are struggling.", "opposes"),
    # "an indicator of" praises a test
    ("The state test is a good indicator of whether a school is on track.", "opposes"),
    ("Scores on one exam are not an indicator of what a child can do.", "supports"),
    # the right for (or of) parents to opt out
    ("Our board will defend the right for families to refuse the state exam.", "supports"),
    ("The district respects the right of students to opt out.", "supports"),
    # a negated doubt affirms; plain negation still flips
    ("Nobody here questions the right of students to opt out.", "supports"),
    ("No one doubts the value of the state test.", "opposes"),
    ("No one supports the new test.", "supports"),
    ("The state test has no value at all.", "supports"),
    # what the speaker did
    ("As a mother of two, I have opted my kids out of the state test.", "supports"),
    ("We already refused the field test last spring.", "supports"),
    ("Please opt your child out of the state test.", "supports"),
    # words of fault
    ("The new exam gives specious results.", "supports"),
    ("The test wreaks havoc on the school calendar.", "supports"),
])
def test_position(text, expected):
    assert _lexicon(text).position == expected


@pytest.mark.parametrize("text", [
    # "work on X" is fixing X, not saying X works
    "Refusal numbers in the high schools are something we need to work on.",
    "We are working on a shorter state test for next spring.",
    # indicators of refusals judge nothing
    "Refusal rates are an indicator of how angry parents are.",
])
def test_no_side(text):
    assert _lexicon(text).position not in SIDES


@pytest.mark.parametrize(("text", "word"), [
    ("Please note that families opting out of the state test must send a letter.", "please"),
    ("Failure to sit for the exam will count as a zero on the report card.", "failure"),
    ("Whether to sit the state test is a matter of family choice.", "matter"),
])
def test_not_a_cue(text, word):
    cues = _lexicon(text).cues
    assert not any(c.startswith(word) for c in cues), cues


@pytest.mark.parametrize(("text", "cue"), [
    ("No school should have its funding withheld because families opted out of the state test.", "not "),
    ("There are absolutely no consequences for opting your child out of the exam.", "not "),
    ("Our board will defend the right for families to refuse the state exam.", "right for families"),
])
def test_deciding_cue(text, cue):
    cues = _lexicon(text).cues
    assert any(c.startswith(cue) for c in cues), cues


def test_funding_taken_away_is_a_sanction():
    found = _lexicon("Districts could have their federal aid withheld when students refuse the exam.")
    assert "sanction" in found.targets


def test_nor_negates_the_rest_of_its_clause():
    found = _lexicon("The exam is not good for our students, nor is it an appropriate or useful tool for teachers.")
    assert found.position == "supports"
    assert "useful" in found.negated



def test_clause_wide_negators_are_data(tmp_path):
    from indexer.positions import DATA, CuesError, Lexicon, score

    raw = DATA.read_text(encoding="utf-8")
    text = "The exam is not good for our students, nor is it an appropriate or useful tool for teachers."
    assert "useful" in score(text, Lexicon(path=tmp_path / "cues.toml", text=raw)).negated
    without = raw.replace("clause_wide = ['nor']", "clause_wide = []", 1)
    assert without != raw
    assert "useful" not in score(text, Lexicon(path=tmp_path / "cues.toml", text=without)).negated
    broken = raw.replace("clause_wide = ['nor']", "clause_wide = ['']", 1)
    with pytest.raises(CuesError) as err:
        Lexicon(path=tmp_path / "cues.toml", text=broken)
    assert "cues.toml:" in str(err.value) and "clause_wide" in str(err.value)
