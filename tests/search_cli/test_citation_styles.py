"""`optout quotes --cite STYLE`: every citation style runs and gives each hit a citation (the wording of
each style is tested with the citation code, not here)."""

import json

import pytest

from testsupport.cli import invoke

STYLES = ("apa", "mla", "chicago")


@pytest.fixture(scope="module")
def cited(sample_archive):
    out = {}
    for style in STYLES:
        result = invoke("quotes", "opt out", "--cite", style, "--format", "json", data_dir=sample_archive)
        assert result.returncode == 0, (style, result.stderr)
        out[style] = json.loads(result.stdout)
    return out


@pytest.mark.parametrize("style", STYLES)
def test_every_hit_has_a_citation(cited, style):
    hits = cited[style]
    assert hits
    assert all(isinstance(h["citation"], str) and h["citation"].strip() for h in hits)


def test_the_styles_differ(cited):
    first = [h["citation"] for h in (cited[s][0] for s in STYLES)]
    assert len(set(first)) == len(STYLES)


@pytest.mark.parametrize("style", STYLES)
def test_table_output_with_citations(sample_archive, style):
    plain = invoke("quotes", "opt out", data_dir=sample_archive)
    result = invoke("quotes", "opt out", "--cite", style, data_dir=sample_archive)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout) > len(plain.stdout)


def test_an_unknown_style_is_a_usage_error(sample_archive):
    result = invoke("quotes", "opt out", "--cite", "harvard", data_dir=sample_archive)
    assert result.returncode == 2 and "harvard" in result.stderr
