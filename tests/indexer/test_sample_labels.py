"""The bundled sample web's hand labels (tests/fixtures/sample_web_expected.json), written apart from the
golden set: extraction metadata must match exactly, tags and quotes must stay above the floors of
[sample_labels] in tests/fixtures/baselines.toml."""

import pytest

from indexer.evaluation import evaluate
from testsupport import sample_labels
from testsupport.baselines import floors


@pytest.fixture(scope="module")
def extracted():
    return sample_labels.extracted()


def test_metadata_matches_labels(extracted):
    wrong = [(a["path"], field, getattr(ex, field), a[field]) for a, ex in extracted
             for field in ("title", "published", "authors", "kind") if getattr(ex, field) != a[field]]
    assert wrong == []


def test_tags_and_quotes_above_floors(extracted):
    pinned = floors("sample_labels")
    scores, misses = evaluate(sample_labels.fixtures(extracted))
    low = {k: round(scores[k].f1, 3) for k, floor in pinned.items() if scores[k].f1 < floor}
    assert not low, (low, misses[:20])
