import shutil
from importlib import resources
from pathlib import Path

import pytest

from indexer.gazetteer import FILES, GazetteerError, load


def test_packaged_gazetteer_is_large_enough_and_consistent():
    g = load()
    assert len(g.organizations) >= 80 and len(g.people) >= 60 and len(g.tests) >= 60 and len(g.states) == 51
    for name in ("NEA", "AFT", "NYSUT", "UFT", "MTA", "CTU", "CTA", "NJEA", "WEA", "FEA", "CEA", "PSEA",
                 "United Opt Out National", "Network for Public Education", "FairTest", "PARCC", "Smarter Balanced"):
        assert name in g.organizations
    for name in ("PARCC", "Smarter Balanced", "MCAS", "MAP", "FAIR", "STAAR", "Regents Exams",
                 "New York State Testing Program", "NAEP", "SAT", "ACT"):
        assert name in g.tests
    assert g.person("Randi Weingarten").role_at(2015).organization == "AFT"
    assert g.person("Karen Magee").role_at(2015).organization == "NYSUT"
    assert g.states["NY"].ap == ["N.Y."]
    assert len(g.version) == 12


@pytest.fixture()
def copy(tmp_path) -> Path:
    for name in FILES:
        source = resources.files("indexer").joinpath(f"data/{name}")
        shutil.copy(str(source), tmp_path / name)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_unknown_key_names_file_line_and_entry(copy):
    edit(copy / "organizations.toml", 'name = "NEA"\n', 'name = "NEA"\nfounded = 1857\n')
    with pytest.raises(GazetteerError, match=r"organizations.toml:\d+: entry 'NEA': unknown key 'founded'"):
        load(copy)


def test_bad_references_and_values(copy):
    edit(copy / "people.toml", 'organization = "AFT"', 'organization = "American Fed"')
    with pytest.raises(GazetteerError, match=r"people.toml:\d+: entry 'Randi Weingarten': role organization 'American Fed'"):
        load(copy)


def test_duplicate_alias_between_organizations(copy):
    edit(copy / "organizations.toml", 'aliases = ["American Federation of Teachers"]',
         'aliases = ["American Federation of Teachers", "NEA"]')
    with pytest.raises(GazetteerError, match="also used by 'NEA'"):
        load(copy)


def test_toml_syntax_error(copy):
    (copy / "tests.toml").write_text("[[test]\nname = ")
    with pytest.raises(GazetteerError, match="tests.toml: TOML error"):
        load(copy)


def test_test_years_and_states_checked(copy):
    edit(copy / "tests.toml", 'name = "MCAS"', 'name = "MCAS"\nyears_given = 3')
    with pytest.raises(GazetteerError, match="entry 'MCAS': unknown key 'years_given'"):
        load(copy)
