"""A gazetteer edit re-tags only the documents that name what it changed, with the same results as tagging
every document again."""

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

import indexer.build as build
from archive import Archive
from indexer import gazetteer, gazetteer_edits, quotes, tagger
from indexer.gazetteer_edits import Candidates, changed_names, changed_programs

DATA = Path(gazetteer.__file__).parent / "data"

# A maintainer adds a person the sample articles quote (fictional), with a role in a union they name.
PERSON = """

[[person]]
name = "Marisol Keane"
aliases = ["Mari Keane"]
[[person.roles]]
title = "spokeswoman"
organization = "NYSUT"
start = 2010
"""

# A city the sample union pages name, placed (wrongly, so that it changes their tags) in New Jersey.
CITY = """

[[city]]
name = "Riverside"
state = "NJ"
aliases = ["Riverside"]
"""

EDITS = Path(__file__).resolve().parent.parent / "fixtures" / "gazetteer_edits"
# A state-level entry no sample document names: the documents keep their tags.
TERRITORY = (EDITS / "territory.toml").read_text(encoding="utf-8")
# A state-level entry whose city list (wrongly, so that it changes their tags) holds a city the sample union
# pages name.
STATE_WITH_CITY = (EDITS / "state_with_city.toml").read_text(encoding="utf-8")
# A second state program for New York: documents that speak of "state tests" lose the test inferred for them.
STATE_PROGRAM = (EDITS / "state_program.toml").read_text(encoding="utf-8")


def _fresh_vocabularies() -> None:
    for cached in (gazetteer.default, tagger.default_tagger, quotes.default_extractor):
        cached.cache_clear()


@pytest.fixture()
def edit(monkeypatch, tmp_path):
    """edit(file, text): a copy of the packaged gazetteer with ``text`` appended to ``file``, in use."""

    def apply(name: str, text: str) -> Path:
        folder = tmp_path / "gazetteer"
        shutil.copytree(DATA, folder)
        with open(folder / name, "a", encoding="utf-8") as fh:
            fh.write(text)
        monkeypatch.setenv(gazetteer.ENV, str(folder))
        _fresh_vocabularies()
        return folder

    yield apply
    monkeypatch.delenv(gazetteer.ENV, raising=False)
    _fresh_vocabularies()


def _copy(sample_archive: Path, tmp_path: Path, name: str) -> Path:
    copy = tmp_path / name
    shutil.copytree(sample_archive, copy)
    return copy


def _annotations(data: Path) -> dict[str, tuple]:
    with Archive(data) as archive:
        return {d.id: (d.organizations, d.states, d.tests, d.position,
                       [(q.text, q.speaker, q.speaker_role, q.speaker_org, q.position) for q in d.quotes])
                for d in archive.documents()}


def _naming(data: Path, word: str) -> set[str]:
    with Archive(data) as archive:
        return {d.id for d in archive.documents() if word in f"{d.title} {d.text}".lower()}


@pytest.mark.parametrize(("workers", "part", "text", "words"), [
    (0, "people.toml", PERSON, ("keane", "marisol")), (2, "people.toml", PERSON, ("keane", "marisol")),
    (0, "states.toml", CITY, ("riverside",)), (2, "states.toml", STATE_WITH_CITY, ("riverside",))])
def test_an_edit_re_tags_the_documents_naming_it_with_the_results_of_re_tagging_all(
        sample_archive, tmp_path, edit, monkeypatch, workers, part, text, words):
    monkeypatch.setattr(build, "PARALLEL_MIN", 1)
    data, full = _copy(sample_archive, tmp_path, "data"), _copy(sample_archive, tmp_path, "full")
    before = _annotations(data)
    edit(part, text)
    shutil.rmtree(full / gazetteer_edits.SNAPSHOTS)  # without the copy of the old gazetteer: every document
    with Archive(full) as archive:
        everything = build.build_index(archive, workers=workers)
    with Archive(data) as archive:
        total = archive.catalog.count()
        report = build.build_index(archive, workers=workers)
        assert archive.catalog.stale_tagged_ids(gazetteer.default().version) == []
    naming = set().union(*(_naming(data, w) for w in words))
    assert 0 < len(naming) < total
    assert (everything.tagged, everything.kept) == (total, 0)
    assert (report.tagged, report.kept) == (len(naming), total - len(naming))
    after = _annotations(data)
    assert after == _annotations(full)  # the same as tagging every document again
    changed = {i for i in after if after[i] != before[i]}
    assert changed and changed <= naming  # the edit did change what those documents say
    assert report.indexed == len(changed)
    with Archive(data) as archive:
        again = build.build_index(archive, workers=workers)
    assert (again.tagged, again.indexed, again.kept) == (0, 0, 0)


def test_the_check_shows_progress_and_copies_no_document_uses_are_removed(sample_archive, tmp_path, edit):
    data = _copy(sample_archive, tmp_path, "data")
    (old,) = [p.name for p in (data / gazetteer_edits.SNAPSHOTS).iterdir()]
    edit("people.toml", PERSON)
    stages = []
    with Archive(data) as archive:
        build.build_index(archive, workers=0, progress=lambda stage, done, total: stages.append((stage, done, total)))
        total = archive.catalog.count()
    assert (gazetteer_edits.CHECKING, total, total) in stages
    # every document is tagged with the edited gazetteer now: the old copy is of no use
    assert [p.name for p in (data / gazetteer_edits.SNAPSHOTS).iterdir()] == [gazetteer.default().version] != [old]


def test_copies_in_use_are_kept(tmp_path):
    for version in ("aaaaaaaaaaaa", "bbbbbbbbbbbb", "cccccccccccc"):
        (tmp_path / gazetteer_edits.SNAPSHOTS / version).mkdir(parents=True)
    gazetteer_edits.prune(tmp_path, {"aaaaaaaaaaaa", "cccccccccccc", "imported"})
    assert sorted(p.name for p in (tmp_path / gazetteer_edits.SNAPSHOTS).iterdir()) == ["aaaaaaaaaaaa", "cccccccccccc"]
    gazetteer_edits.prune(tmp_path / "elsewhere", set())  # no copies at all: nothing to do


def _assert_everything_tagged_again(data: Path) -> None:
    with Archive(data) as archive:
        report = build.build_index(archive, workers=0)
        assert (report.tagged, report.kept) == (archive.catalog.count(), 0)


def test_a_state_program_edit_re_tags_that_states_documents_on_state_tests_with_the_results_of_re_tagging_all(
        sample_archive, tmp_path, edit):
    data, full = _copy(sample_archive, tmp_path, "data"), _copy(sample_archive, tmp_path, "full")
    before = _annotations(data)
    edit("tests.toml", STATE_PROGRAM)
    shutil.rmtree(full / gazetteer_edits.SNAPSHOTS)
    with Archive(full) as archive:
        build.build_index(archive, workers=0)
    with Archive(data) as archive:
        total = archive.catalog.count()
        report = build.build_index(archive, workers=0)
        on_state_tests = {d.id for d in archive.documents() if "NY" in before[d.id][1]
                          and tagger.mentions_state_tests(d.title, d.text)}
    assert 0 < len(on_state_tests) < total
    assert (report.tagged, report.kept) == (len(on_state_tests), total - len(on_state_tests))
    after = _annotations(data)
    assert after == _annotations(full)
    changed = {i for i in after if after[i] != before[i]}
    assert changed and changed <= on_state_tests  # they lost the test inferred for them


def test_a_state_no_document_names_keeps_every_document_as_it_is(sample_archive, tmp_path, edit):
    data = _copy(sample_archive, tmp_path, "data")
    before = _annotations(data)
    edit("states.toml", TERRITORY)
    with Archive(data) as archive:
        report = build.build_index(archive, workers=0)
        total = archive.catalog.count()
        assert archive.catalog.stale_tagged_ids(gazetteer.default().version) == []
    assert (report.tagged, report.kept, report.indexed) == (0, total, 0)
    assert _annotations(data) == before


def test_without_a_copy_of_the_old_gazetteer_every_document_is_tagged_again(sample_archive, tmp_path, edit):
    data = _copy(sample_archive, tmp_path, "data")
    for copy in (data / gazetteer_edits.SNAPSHOTS).iterdir():
        (copy / "people.toml").write_text("not = [valid", encoding="utf-8")  # damaged: not trusted
    edit("people.toml", PERSON)
    _assert_everything_tagged_again(data)


def test_the_cli_says_how_many_documents_kept_their_tags(sample_archive, tmp_path, edit):
    from testsupport.cli import invoke

    data = _copy(sample_archive, tmp_path, "data")
    edit("people.toml", PERSON)
    run = invoke("index", data_dir=data)
    assert run.returncode == 0, run.stderr
    assert "kept their tags" in run.stdout


# -- what an edit changes ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def packaged():
    return gazetteer.load(DATA)


def test_no_edit_changes_nothing(packaged):
    assert changed_names(packaged, gazetteer.load(DATA)) == []


def test_a_new_organization_names_its_forms_and_descriptions(packaged):
    org = gazetteer.Organization("Quarrington Board", "Quarrington Board of Trustees", ["Quarrington trustees"],
                                 "district", "local", descriptions=["county school panel"])
    new = replace(packaged, organizations={**packaged.organizations, org.name: org})
    names = changed_names(packaged, new)
    assert set(names) == {"Quarrington Board", "Quarrington Board of Trustees", "Quarrington trustees",
                          "county school panel", "panel"}


def test_an_organization_edit_names_the_people_holding_roles_in_it(packaged):
    nysut = packaged.organizations["NYSUT"]
    new = replace(packaged, organizations={**packaged.organizations, "NYSUT": replace(nysut, kind="advocacy")})
    names = changed_names(packaged, new)
    holders = [p for p in packaged.people if any(r.organization == "NYSUT" for r in p.roles)]
    assert holders and all(p.name in names and p.surname in names for p in holders)
    assert "New York State United Teachers" in names


def test_a_person_edit_names_the_person_and_surname(packaged):
    person = packaged.people[0]
    changed = replace(person, aliases=[*person.aliases, "R. W."])
    new = replace(packaged, people=[changed, *packaged.people[1:]])
    assert set(changed_names(packaged, new)) == {person.name, *person.aliases, "R. W.", person.surname}


def test_a_test_edit_names_the_test_and_a_program_edit_its_states(packaged):
    name, parcc = next(iter(packaged.tests.items()))
    assert not parcc.state_program
    new = replace(packaged, tests={**packaged.tests, name: replace(parcc, years=[1990, 1991])})
    assert set(changed_names(packaged, new)) == {parcc.name, parcc.full_name, *parcc.aliases}
    assert changed_programs(packaged, new) == set()
    program = next(t for t in packaged.tests.values() if t.state_program)
    ended = replace(packaged, tests={**packaged.tests, program.name: replace(program, years=[1990, 1991])})
    assert changed_programs(packaged, ended) == set(program.states)
    made = replace(packaged, tests={**packaged.tests, name: replace(parcc, state_program=True)})
    assert changed_programs(packaged, made) == set(parcc.states)  # a program after the edit
    assert changed_programs(made, packaged) == set(parcc.states)  # and before it
    reordered = replace(packaged, tests=dict(reversed(list(packaged.tests.items()))))
    assert changed_names(packaged, reordered) is None


def test_a_document_of_a_changed_programs_state_is_a_candidate_where_it_speaks_of_state_tests():
    found = Candidates([], program_states={"NY"})
    assert found.may_change(None, "Families refused the state\u2019s tests this spring.", None, ["NJ", "NY"])
    assert not found.may_change(None, "Families refused the state tests this spring.", None, ["NJ"])
    assert not found.may_change(None, "Families met the principal.", None, ["NY"])


def test_a_state_edit_names_every_form_of_the_state_before_and_after(packaged):
    ny = packaged.states["NY"]
    moved = replace(ny, capital="Quillport", cities=[*ny.cities, "Port Quill"])
    new = replace(packaged, states={**packaged.states, "NY": moved})
    forms = {"NY", ny.name, *ny.ap, ny.capital, *ny.cities, *ny.demonyms, "Quillport", "Port Quill"}
    assert set(changed_names(packaged, new)) == forms
    territory = gazetteer.State("GU", "Guam", ["Guam"], "Hagatna", ["Dededo"], demonyms=["Guamanians"])
    added = replace(packaged, states={**packaged.states, "GU": territory})
    assert set(changed_names(packaged, added)) == {"GU", "Guam", "Hagatna", "Dededo", "Guamanians"}
    assert set(changed_names(added, packaged)) == {"GU", "Guam", "Hagatna", "Dededo", "Guamanians"}  # removed
    reordered = replace(packaged, states=dict(reversed(list(packaged.states.items()))))
    assert changed_names(packaged, reordered) is None  # where two states share a form, the first listed wins


def test_a_city_edit_names_the_city_before_and_after(packaged):
    quillport = gazetteer.City("Quillport", "NY", ["Quillport", "Quill Port"])
    added = replace(packaged, cities=[*packaged.cities, quillport])
    assert set(changed_names(packaged, added)) == {"Quillport", "Quill Port"}
    assert changed_names(added, replace(added, cities=[quillport, *packaged.cities])) is None  # moved
    renamed = replace(added, cities=[*packaged.cities, replace(quillport, aliases=["Port Quill"])])
    assert set(changed_names(added, renamed)) == {"Quillport", "Quill Port", "Port Quill"}
    twice = replace(packaged, cities=[*packaged.cities, quillport, replace(quillport, state="NJ")])
    assert changed_names(packaged, twice) is None  # two cities with one name


def test_moving_entries_may_change_any_document(packaged):
    orgs = dict(reversed(list(packaged.organizations.items())))
    assert changed_names(packaged, replace(packaged, organizations=orgs)) is None
    assert changed_names(packaged, replace(packaged, people=list(reversed(packaged.people)))) is None


def test_a_document_is_a_candidate_when_it_holds_every_word_of_a_name():
    found = Candidates(["Quarrington Board of Trustees", "Lu Ostrowski", "NEA"])
    assert found.may_change("Board of the district", "The QUARRINGTON trustees voted.", None)
    assert found.may_change(None, "", "Quarrington Board of Trustees")  # the source organization counts
    assert not found.may_change("Board meets", "The trustees of the board voted.", None)
    assert not found.may_change(None, "Quarrington's board voted.", None)  # no "trustees", no "of"
    assert not found.may_change(None, "a linear and nearby reading", None)  # "nea" only inside words
    assert found.may_change(None, "the NEA-backed plan", None)
    assert not found.may_change(None, "Mr. Lu spoke", None)  # "Lu" alone is not the name "Lu Ostrowski"
    assert found.may_change(None, "Lu Ostrowski's remarks", None)
    assert not Candidates([]).may_change("t", "anything", None)


def test_a_copy_is_kept_once_and_a_damaged_one_is_not_trusted(tmp_path, packaged):
    gazetteer_edits.save(tmp_path, packaged)
    copy = tmp_path / gazetteer_edits.SNAPSHOTS / packaged.version
    assert sorted(p.name for p in copy.iterdir()) == sorted(gazetteer.FILES)
    assert gazetteer_edits.load_copy(tmp_path, packaged.version) == packaged
    gazetteer_edits.save(tmp_path, packaged)  # already there: nothing written
    assert [p.name for p in (tmp_path / gazetteer_edits.SNAPSHOTS).iterdir()] == [packaged.version]
    (copy / "tests.toml").write_text((copy / "tests.toml").read_text() + "\n# edited\n", encoding="utf-8")
    assert gazetteer_edits.load_copy(tmp_path, packaged.version) is None  # not the version it claims
    assert gazetteer_edits.load_copy(tmp_path, "0123456789ab") is None
