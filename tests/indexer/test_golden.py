"""The golden set (tests/fixtures/golden): tagging and quote scores must not drop below their floors
([golden] in tests/fixtures/baselines.toml)."""

from pathlib import Path

import pytest

from indexer.evaluation import evaluate, load_golden
from testsupport import baselines

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "golden"
# Pinned floors, with the digest of the golden set they were measured on: tests/fixtures/baselines.toml.
FIELDS = sorted(baselines.load()["golden"]["floors"])


@pytest.fixture(scope="module")
def pinned():
    return baselines.floors("golden")  # fails, naming the change, when the golden set is not the measured one


@pytest.fixture(scope="module")
def scores():
    fixtures = load_golden(GOLDEN)
    assert len(fixtures) >= 25
    return evaluate(fixtures)[0]


@pytest.mark.parametrize("field", FIELDS)
def test_f1_floor(scores, pinned, field):
    assert scores[field].f1 >= pinned[field], f"{field} F1 {scores[field].f1:.3f} < floor {pinned[field]}"


def test_not_quotes_are_never_quotes():
    from indexer.annotate import annotate

    for fx in load_golden(GOLDEN):
        _tags, quotes = annotate(fx["title"], fx["text"], fx["published"])
        texts = [q.text for q in quotes]
        for phrase in fx["expected"].get("not_quotes", []):
            assert phrase not in texts, (fx["file"], phrase)
