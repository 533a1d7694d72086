"""After a gazetteer edit that may change any document, `optout index` tags every document again and rewrites
in the search index only the documents whose annotations changed; a run killed before its index commit loses
none of them. (Edits that can change only the documents naming them: tests/indexer/test_gazetteer_edits.py.)"""

import shutil
from pathlib import Path

import pytest

import indexer.build as build
from archive import Archive
from indexer import gazetteer, gazetteer_edits, quotes, tagger
from indexer.engine import DOCS, Request, open_backend
from indexer.querylang import FieldTerm

EDIT = """

[[organization]]
name = "Quarrington Board"
full_name = "Quarrington Board of Trustees"
aliases = ["school board"]
kind = "district"
level = "local"
"""


def _fresh_vocabularies() -> None:
    for cached in (gazetteer.default, tagger.default_tagger, quotes.default_extractor):
        cached.cache_clear()


@pytest.fixture()
def edited(monkeypatch, tmp_path):
    """A copy of the packaged gazetteer with one more organization, read through $OPTOUT_GAZETTEER."""
    folder = tmp_path / "gazetteer"
    shutil.copytree(Path(gazetteer.__file__).parent / "data", folder)
    with open(folder / "organizations.toml", "a", encoding="utf-8") as fh:
        fh.write(EDIT)
    monkeypatch.setenv(gazetteer.ENV, str(folder))
    _fresh_vocabularies()
    yield folder
    monkeypatch.delenv(gazetteer.ENV)
    _fresh_vocabularies()


@pytest.fixture()
def data(sample_archive, tmp_path):
    """A copy of the sample archive without the copy of the gazetteer it was tagged with: what an edit
    changed cannot be told, so every document is tagged again."""
    copy = tmp_path / "data"
    shutil.copytree(sample_archive, copy)
    shutil.rmtree(copy / gazetteer_edits.SNAPSHOTS)
    return copy


def _tagged_with_board(data: Path) -> set[str]:
    with Archive(data) as archive:
        return {d.id for d in archive.documents() if "Quarrington Board" in d.organizations}


def _board_hits(data: Path) -> set[str]:
    with open_backend(data / "index").session() as session:
        found = session.search(DOCS, Request(match=FieldTerm("organizations", ("quarrington board",)), window=100))
        return {h["id"] for h in found.hits}


@pytest.mark.parametrize("workers", [0, 2])
def test_a_gazetteer_edit_re_tags_everything_and_rewrites_only_what_changed(data, edited, monkeypatch, workers):
    monkeypatch.setattr(build, "PARALLEL_MIN", 1)
    with Archive(data) as archive:
        total = archive.catalog.count()
        report = build.build_index(archive, workers=workers)
        assert archive.catalog.untagged_ids() == archive.catalog.unindexed_ids() == []
        assert archive.catalog.stale_tagged_ids(gazetteer.default().version) == []
    changed = _tagged_with_board(data)
    assert 0 < len(changed) < total  # the edit names an organization some documents mention
    assert (report.tagged, report.indexed, report.rebuilt) == (total, len(changed), False)
    assert _board_hits(data) == changed  # the index holds the new tags
    assert open_backend(data / "index").doc_count() == total
    with Archive(data) as archive:
        again = build.build_index(archive, workers=workers)
    assert (again.tagged, again.indexed) == (0, 0)


def test_documents_changed_in_a_run_killed_before_its_index_commit_are_indexed_by_the_next(data, edited,
                                                                                           monkeypatch):
    class Killed(Exception):
        pass

    def killed(*args, **kwargs):
        raise Killed

    with monkeypatch.context() as m:
        m.setattr(build.Catalog, "mark_indexed", killed)  # dies after the annotations are stored, before marking
        with Archive(data) as archive, pytest.raises(Killed):
            build.build_index(archive, workers=0)
    changed = _tagged_with_board(data)
    assert changed  # the new tags were stored ...
    with Archive(data) as archive:
        assert set(archive.catalog.unindexed_ids()) >= changed  # ... and their documents left to index
        report = build.build_index(archive, workers=0)
    assert report.tagged == 0 and report.indexed >= len(changed)
    assert _board_hits(data) == changed


def test_imported_annotations_are_kept_as_exported(data, edited):
    with Archive(data) as archive:
        first = archive.catalog.all_ids()[0]
        archive.catalog.conn.execute("UPDATE documents SET tagged_with = 'imported' WHERE id = ?", (first,))
        assert first not in archive.catalog.stale_tagged_ids(gazetteer.default().version)
        report = build.build_index(archive, workers=0)
        assert report.tagged == archive.catalog.count() - 1


def test_a_gazetteer_folder_that_cannot_be_read_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv(gazetteer.ENV, str(tmp_path / "missing"))
    with pytest.raises(gazetteer.GazetteerError, match=r"missing/organizations\.toml: cannot read"):
        gazetteer.load()
    with pytest.raises(gazetteer.GazetteerError, match="cannot read"):
        gazetteer.version()


def test_optout_index_names_an_unreadable_gazetteer_folder_in_one_line(monkeypatch, tmp_path):
    from testsupport.cli import invoke

    missing = tmp_path / "no-such-folder"
    monkeypatch.setenv(gazetteer.ENV, str(missing))
    _fresh_vocabularies()
    try:
        run = invoke("index", data_dir=tmp_path / "data", env={gazetteer.ENV: str(missing)})
    finally:
        monkeypatch.delenv(gazetteer.ENV)
        _fresh_vocabularies()
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        f"error: GazetteerError: {missing / 'organizations.toml'}: cannot read the gazetteer file: No such file or directory"]
