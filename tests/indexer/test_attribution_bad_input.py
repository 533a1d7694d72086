"""Hostile texts for the quote extractor: each completes without an exception and gives sane results."""

import pytest

from indexer.annotate import annotate
from indexer.quotes import MAX_QUOTES, default_extractor

BAD = {
    "5 MB paragraph": "Pat Quill said the tests ran long " * 150_000,
    "10,000 quotation marks": "\u201cyes\u201d " * 5_000 + '"' * 10_000,
    "unbalanced marks": "\u201cWe never close this quote, said Ada Brook. " * 2_000 + "\u201d" * 500,
    "nested 50 deep": "Lou Park said " + "\u201cand then \u2018" * 50 + "deep words here" + "\u2019\u201d" * 50,
    "500 capitalised words": " ".join(f"Name{i:03d}".replace("0", "O") for i in range(500)) + " said, \u201cthese are five words here.\u201d",
    "mixed scripts": "\u201c\u0645\u0631\u062d\u0628\u0627 \u4f60\u597d \u043f\u0440\u0438\u0432\u0435\u0442 \u05e9\u05dc\u05d5\u05dd,\u201d "
                     "said \u00c9lodie \u0141ukasz-N\u00e9meth. \u201c\u0917\u0923\u093f\u0924 \u0915\u0940 \u092a\u0930\u0940\u0915\u094d\u0937\u093e "
                     "\u0915\u0920\u093f\u0928 \u0939\u0948,\u201d she added." * 50,
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_completes(name):
    text = BAD[name]
    quotes = default_extractor().extract(text, "2016-01-01")
    assert len(quotes) <= MAX_QUOTES + 2 * text.count("\n") + 2
    for q in quotes:
        assert q.start is not None and 0 <= q.start <= q.end <= len(text)
        assert q.speaker is None or len(q.speaker.split()) <= 5
    tags, again = annotate("Title", text, "2016-01-01")
    assert isinstance(tags.organizations, list) and isinstance(again, list)


def test_long_capitalised_run_is_not_a_speaker():
    quotes = default_extractor().extract(BAD["500 capitalised words"], "2016-01-01")
    assert [q.text for q in quotes] == ["these are five words here."]
    assert quotes[0].speaker is None


def test_mixed_scripts_keep_a_latin_speaker():
    quotes = default_extractor().extract(BAD["mixed scripts"][:400], "2016-01-01")
    assert quotes and quotes[0].speaker == "\u00c9lodie \u0141ukasz-N\u00e9meth"
