"""The golden set (tests/fixtures/golden): tagging and quote scores must not drop below their floors."""

from pathlib import Path

import pytest

from indexer.evaluation import evaluate, load_golden

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "golden"
# Pinned floors: raise them when the tagger improves; a drop below fails the build.
FLOORS = {
    "organizations": 0.92,
    "states": 0.97,
    "tests": 0.95,
    "quotes": 0.98,
    "attributed": 0.95,
    "speaker_org": 0.88,
}


@pytest.fixture(scope="module")
def scores():
    fixtures = load_golden(GOLDEN)
    assert len(fixtures) >= 25
    return evaluate(fixtures)[0]


@pytest.mark.parametrize("field", sorted(FLOORS))
def test_f1_floor(scores, field):
    assert scores[field].f1 >= FLOORS[field], f"{field} F1 {scores[field].f1:.3f} < floor {FLOORS[field]}"


def test_not_quotes_are_never_quotes():
    from indexer.annotate import annotate

    for fx in load_golden(GOLDEN):
        _tags, quotes = annotate(fx["title"], fx["text"], fx["published"])
        texts = [q.text for q in quotes]
        for phrase in fx["expected"].get("not_quotes", []):
            assert phrase not in texts, (fx["file"], phrase)
