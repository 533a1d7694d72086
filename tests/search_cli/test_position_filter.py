"""`--position` on `optout search` and `optout quotes`: the matched set is exactly the hits with that
position, which the export also carries (issue 11, item 3)."""

from __future__ import annotations

import json

import pytest

from testsupport.cli import invoke


@pytest.fixture(scope="module")
def exported(sample_archive):
    run = invoke("export", data_dir=sample_archive)
    assert run.returncode == 0
    return [json.loads(x) for x in run.stdout.splitlines()]


def _all(args, data):
    run = invoke(*args, "--format", "json", "--limit", "1000", data_dir=data)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.mark.parametrize("position", ["supports", "opposes", "neutral", "none"])
def test_quotes_by_position_match_the_export(sample_archive, exported, position):
    expected = sorted(q["text"] for d in exported for q in d["quotes"] if q.get("position") == position)
    hits = _all(["quotes", "--position", position], sample_archive)
    assert sorted(h["text"] for h in hits) == expected
    assert all(h["position"] == position for h in hits)


def test_statements_by_position_match_the_export(sample_archive, exported):
    expected = sorted(d["id"] for d in exported if d["kind"] == "statement" and d.get("position") == "supports")
    assert expected, "the sample web has statements that support opting out"
    hits = _all(["search", "--position", "supports"], sample_archive)
    assert sorted(h["id"] for h in hits) == expected


def test_positions_combine_as_any_of(sample_archive):
    one = _all(["quotes", "--position", "supports"], sample_archive)
    two = _all(["quotes", "--position", "opposes"], sample_archive)
    both = _all(["quotes", "--position", "supports", "--position", "opposes"], sample_archive)
    assert len(both) == len(one) + len(two)


def test_an_unknown_position_is_a_usage_error(sample_archive):
    run = invoke("quotes", "--position", "maybe", data_dir=sample_archive)
    assert run.returncode == 2 and "maybe" in run.stderr
