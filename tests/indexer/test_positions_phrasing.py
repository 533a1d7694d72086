"""Phrasings from real reporting that the cue file once read wrong (the sentences here are our own)."""

from indexer.positions import score_quote


def test_work_on_is_no_praise():
    # "work on X" is fixing X, not saying X works: no side from it
    for text in ("Refusal numbers in the high schools are something we need to work on.",
                 "We are working on a shorter state test for next spring."):
        assert score_quote(text, use_model=False).position not in ("supports", "opposes"), text


def test_works_still_praises():
    assert score_quote("Opting out works: the state listened.", use_model=False).position == "supports"
    assert score_quote("The quiet room is working for families who skip the test.",
                       use_model=False).position == "supports"


def test_funding_taken_away_is_a_sanction():
    found = score_quote("Districts could have their federal aid withheld when students refuse the exam.",
                        use_model=False)
    assert "sanction" in found.targets


def test_passive_sanction_ruled_out_sides_with_opt_outs():
    for text in ("No school should have its funding withheld because families opted out of the state test.",
                 "No district should see its aid pulled over a boycott of the PARCC."):
        found = score_quote(text, use_model=False)
        assert found.position == "supports", text
        assert any(c.startswith("not ") for c in found.cues), found.cues


def test_failure_to_is_not_failure():
    # "failure to sit for the exam" is not sitting for it: the sanction decides, not a verdict on the test
    found = score_quote("Failure to sit for the exam will count as a zero on the report card.", use_model=False)
    assert found.position == "opposes"
    assert not any(c.startswith("failure") for c in found.cues), found.cues
    assert score_quote("This new test has been a failure from the first day.", use_model=False).position == "supports"


def test_cannot_fix_what_we_cannot_measure_defends_the_tests():
    # the saying defends measuring; the tests' own "cannot measure" still sides against them
    assert score_quote("You cannot improve what you do not measure, and the state test is how we measure.",
                       use_model=False).position == "opposes"
    assert score_quote("These exams cannot measure what a child has learned.", use_model=False).position == "supports"


def test_dropping_the_tests_only_makes_it_harder():
    found = score_quote("Scrapping the state tests only makes it harder to see which schools are struggling.",
                        use_model=False)
    assert found.position == "opposes"


def test_an_indicator_of_is_praise_of_a_test_only():
    assert score_quote("The state test is a good indicator of whether a school is on track.",
                       use_model=False).position == "opposes"
    assert score_quote("Scores on one exam are not an indicator of what a child can do.",
                       use_model=False).position == "supports"
    # of refusals it judges nothing
    assert score_quote("Refusal rates are an indicator of how angry parents are.",
                       use_model=False).position not in ("supports", "opposes")


def test_the_right_for_parents_to_opt_out():
    found = score_quote("Our board will defend the right for families to refuse the state exam.", use_model=False)
    assert found.position == "supports"
    assert any(c.startswith("right for families") for c in found.cues), found.cues
    assert score_quote("The district respects the right of students to opt out.",
                       use_model=False).position == "supports"


def test_a_negated_doubt_affirms():
    assert score_quote("Nobody here questions the right of students to opt out.",
                       use_model=False).position == "supports"
    assert score_quote("No one doubts the value of the state test.", use_model=False).position == "opposes"
    # plain negation still flips
    assert score_quote("No one supports the new test.", use_model=False).position == "supports"
    assert score_quote("The state test has no value at all.", use_model=False).position == "supports"


def test_nor_negates_the_rest_of_its_clause():
    found = score_quote("The exam is not good for our students, nor is it an appropriate or useful tool for teachers.",
                        use_model=False)
    assert found.position == "supports"
    assert "useful" in found.negated


def test_please_note_is_no_urging():
    found = score_quote("Please note that families opting out of the state test must send a letter.", use_model=False)
    assert not any(c.startswith("please") for c in found.cues), found.cues
    assert score_quote("Please opt your child out of the state test.", use_model=False).position == "supports"


def test_the_speakers_own_refusal():
    assert score_quote("As a mother of two, I have opted my kids out of the state test.",
                       use_model=False).position == "supports"
    assert score_quote("We already refused the field test last spring.", use_model=False).position == "supports"


def test_no_consequences_rules_the_sanction_out():
    found = score_quote("There are absolutely no consequences for opting your child out of the exam.", use_model=False)
    assert found.position == "supports"
    assert any(c.startswith("not ") for c in found.cues), found.cues


def test_words_of_fault():
    for text in ("The new exam gives specious results.", "The test wreaks havoc on the school calendar."):
        assert score_quote(text, use_model=False).position == "supports", text


def test_a_matter_of_is_no_praise():
    found = score_quote("Whether to sit the state test is a matter of family choice.", use_model=False)
    assert not any(c.startswith("matter") for c in found.cues), found.cues
    assert score_quote("The state test matters to every school in this county.",
                       use_model=False).position == "opposes"
