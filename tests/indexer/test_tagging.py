"""Tagging traps and bad input, on short fictional texts written for these tests."""

import pytest

from indexer.annotate import annotate
from indexer.tagger import default_tagger
from testsupport.samples import HOSTILE_TEXTS


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


@pytest.mark.parametrize("name", sorted(HOSTILE_TEXTS))
def test_bad_input_is_tagged_without_crashing(name):
    # How long these take is printed by bench/bad_input.py (a time limit here would flake under load).
    tags_, quotes = annotate("A title", HOSTILE_TEXTS[name], "2015-01-01")
    assert isinstance(quotes, list) and isinstance(tags_.organizations, list)
