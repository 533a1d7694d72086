"""Tagging traps and bad input, on short fictional texts written for these tests."""

import time

import pytest

from indexer.annotate import annotate
from indexer.tagger import default_tagger


def tags(text, published="2015-04-01", title=""):
    return default_tagger().tag(title, text, published)


def test_transit_mta_is_not_the_teachers_union():
    t = tags("The MTA said subway fares would rise in March, and bus riders, including teachers, complained.")
    assert "MTA" not in t.organizations


def test_teachers_mta_in_education_context():
    t = tags("The MTA urged Massachusetts parents to skip the MCAS tests, saying teachers were worried.")
    assert "MTA" in t.organizations and "MCAS" in t.tests and "MA" in t.states


def test_map_act_fair_only_in_education_context():
    assert "MAP" not in tags("The county released a MAP of new bus routes and street closures.").tests
    assert "MAP" in tags("Seattle students refused the MAP test, saying the exam scores were useless.").tests
    assert "ACT" not in tags("", title="LAWMAKERS MUST ACT NOW ON SCHOOL FUNDING").tests
    assert "FAIR" not in tags("", title="TEACHERS WANT A FAIR DEAL ON PAY").tests


def test_state_abbreviations_only_in_datelines_addresses_and_party_tags():
    assert tags("", title="OPT-OUT FIGHT HEATS UP IN STATEHOUSE OR IN COURT").states == []
    assert "NY" in tags("ALBANY, N.Y. — Lawmakers debated the tests on Tuesday.").states
    assert "FL" in tags("Sen. Jane Roe (R-Fla.) criticized the exams.").states
    assert "MA" in tags("Write to us at 2 Main Street, Quincy, MA 02171.").states


def test_washington_the_capital_is_not_the_state():
    assert "WA" not in tags("Lawmakers in Washington argued over federal testing rules, The Washington Post reported.").states
    assert "WA" in tags("Teachers in Washington state refused the Smarter Balanced exams.").states


def test_generic_state_tests_become_the_state_program():
    t = tags("BUFFALO, N.Y. — Thousands of New York families kept children out of the state tests this week.",
             published="2015-04-15")
    assert "New York State Testing Program" in t.tests


def test_roles_imply_organizations():
    t = tags('"Yes, we want parents to refuse," said Karen Magee, president of the state teachers\' union, in Albany.',
             published="2015-04-01")
    assert "NYSUT" in t.organizations


@pytest.mark.parametrize("text", [
    "",
    '"' * 5000,
    "“" * 3000 + " words " + "”" * 10,
    '"Unbalanced quote that never ends, said nobody in particular' * 200,
    ("Parents refused the PARCC tests, said Jane Roe. " * 50000)[:5_000_000],
    "Los padres dijeron “no queremos más exámenes estandarizados en nuestras escuelas” ayer. 家长们拒绝考试。" * 100,
])
def test_bad_input_is_tagged_quickly_without_crashing(text):
    start = time.perf_counter()
    tags_, quotes = annotate("A title", text, "2015-01-01")
    assert time.perf_counter() - start < 1.0
    assert isinstance(quotes, list) and isinstance(tags_.organizations, list)
