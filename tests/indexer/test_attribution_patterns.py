"""Speaker attribution patterns (tests/fixtures/attribution/patterns.json, fictional texts)."""

import json
from pathlib import Path

import pytest

from indexer.quotes import default_extractor

CASES = json.loads((Path(__file__).resolve().parent.parent / "fixtures" / "attribution" / "patterns.json")
                   .read_text(encoding="utf-8"))


def _find(quotes, start):
    return next((q for q in quotes if q.text.startswith(start)), None)


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["pattern"] for c in CASES["cases"]])
def test_pattern(case):
    quotes = default_extractor().extract(case["text"], "2016-03-01")
    quote = _find(quotes, case["quote"])
    assert quote is not None, [q.text for q in quotes]
    assert (quote.speaker, quote.speaker_org) == (case["speaker"], case["speaker_org"])


@pytest.mark.parametrize("case", CASES["not_quotes"], ids=[c["pattern"] for c in CASES["not_quotes"]])
def test_not_a_quote(case):
    quotes = default_extractor().extract(case["text"], "2016-03-01")
    assert all(q.text.strip(" ,.") != case["words"] for q in quotes)
