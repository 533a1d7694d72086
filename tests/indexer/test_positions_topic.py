"""Words that are about testing only in a text about testing ("threat", "refused", "penalties"): a document
that names no test and whose title and quotes have none of a target's own words gets no side from them."""

from types import SimpleNamespace

import pytest

from indexer import positions
from indexer.annotate import annotate
from indexer.positions import CuesError, Lexicon, about_testing, default_lexicon, position_quotes, score_quote

# A fictional city-hall story: nothing in it is about tests.
CITY_QUOTES = [
    ("Any landlord who bullies tenants should face penalties, and he refused to apologize.", "Rosa Quill"),
    ("That is a grave threat to our harbor, and we will punish whoever did it.", "Ivo Marsh"),
    ("He refused to apologize.", "Rosa Quill"),
]
WEAK_ONLY = "We will not punish a single family for that choice."
ANCHORED = "Families may opt their children out of the state tests."


def _quotes(items: list[tuple[str, str]]) -> list[SimpleNamespace]:
    return [SimpleNamespace(text=t, speaker=s, position=None, position_evidence=None) for t, s in items]


def test_weak_words_alone_take_a_side_but_do_not_anchor_a_quote():
    for text, _ in CITY_QUOTES:
        found = score_quote(text)
        assert found.position in ("supports", "opposes")  # what the words alone would say ...
        assert not found.anchored  # ... from weak patterns only
    assert score_quote(ANCHORED).anchored


def test_a_document_about_nothing_testing_gets_no_side_from_weak_words():
    quotes = _quotes(CITY_QUOTES)
    position_quotes(quotes, on_topic=False, title="Harbor board meets on rents")
    assert [q.position for q in quotes] == ["none", "none", "none"]
    assert all(any(n.startswith("off topic") for n in q.position_evidence["notes"]) for q in quotes)


def test_a_document_that_names_a_test_keeps_the_words_positions():
    quotes = _quotes(CITY_QUOTES)
    position_quotes(quotes, on_topic=True)
    assert [q.position for q in quotes] == [score_quote(t).position for t, _ in CITY_QUOTES]
    assert "none" not in [q.position for q in quotes]


def test_one_quote_about_testing_puts_the_whole_document_on_the_topic():
    quotes = _quotes([(WEAK_ONLY, "Ada Fenn"), (ANCHORED, "Ada Fenn")])
    position_quotes(quotes, on_topic=False)
    assert quotes[0].position == score_quote(WEAK_ONLY).position != "none"


def test_a_title_about_testing_puts_the_document_on_the_topic():
    quotes = _quotes([(WEAK_ONLY, "Ada Fenn")])
    position_quotes(quotes, on_topic=False, title="Parents in Orchard County opt out of the spring tests")
    assert quotes[0].position != "none"
    quotes = _quotes([(WEAK_ONLY, "Ada Fenn")])
    position_quotes(quotes, on_topic=False, title="Mayor faces the threat of a recall")
    assert quotes[0].position == "none"


def test_about_testing_reads_only_a_targets_own_words():
    assert about_testing("Students opt out of the state tests")
    assert not about_testing("A grave threat, and penalties for whoever refused")
    assert not about_testing("")
    assert not about_testing(None)


def test_annotate_passes_the_documents_tags_and_title():
    story = (
        "The harbor board met on Tuesday.\n"
        "\u201cThat is a grave threat to our harbor, and we will punish whoever did it,\u201d said Ivo Marsh, "
        "the board's chair.\n"
        "\u201cHe refused to apologize,\u201d said Rosa Quill, a tenant organizer."
    )
    _tags, quotes = annotate("Harbor board meets on rents", story, "2016-05-02")
    assert quotes and all(q.position == "none" for q in quotes)
    testing = story.replace("The harbor board met on Tuesday.", "The harbor board met on Tuesday about the PARCC tests.")
    tags, quotes = annotate("Harbor board meets", testing, "2016-05-02")
    assert tags.tests and any(q.position != "none" for q in quotes)


def test_weak_patterns_are_checked_like_patterns(tmp_path):
    raw = positions.DATA.read_text(encoding="utf-8")
    broken = raw.replace("weak_patterns = ['scores?\\b'", "weak_patterns = ['scores?(\\b'", 1)
    assert broken != raw
    with pytest.raises(CuesError) as err:
        Lexicon(path=tmp_path / "cues.toml", text=broken)
    assert "cues.toml:" in str(err.value) and "targets.test" in str(err.value)
    empty = raw.replace("weak_patterns = ['scores?\\b', '(?:the |these )results', 'bubbl\\w+', 'booklets?']",
                        "weak_patterns = []", 1)
    assert empty != raw
    with pytest.raises(CuesError, match="non-empty list"):
        Lexicon(path=tmp_path / "cues.toml", text=empty)


def test_the_shipped_lexicon_has_weak_patterns_for_every_general_word_target():
    weak = {name for name, is_weak in default_lexicon()._target_groups.values() if is_weak}
    assert {"sanction", "punish", "optout"} <= weak
