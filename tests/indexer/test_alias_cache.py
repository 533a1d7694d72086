"""The alias tables a search resolves names with are cached beside the index, keyed on the gazetteer's
version; while the gazetteer files' sizes and times are unchanged, their digest is not computed again, and
an edit (of any size) is seen by the next search."""

import json
import os
import shutil
from pathlib import Path

import pytest

from indexer import aliases, gazetteer, gazetteer_files

EDIT = """

[[organization]]
name = "Wrenfield Parents Circle"
full_name = "Wrenfield Parents Circle"
aliases = ["Wrenfield circle"]
kind = "advocacy"
level = "local"
"""


@pytest.fixture()
def folder(monkeypatch, tmp_path):
    """A copy of the packaged gazetteer, read through $OPTOUT_GAZETTEER."""
    copy = tmp_path / "gazetteer"
    shutil.copytree(Path(gazetteer.__file__).parent / "data", copy)
    monkeypatch.setenv(gazetteer.ENV, str(copy))
    gazetteer.default.cache_clear()
    yield copy
    gazetteer.default.cache_clear()


def test_unchanged_files_are_not_digested_again(folder, tmp_path, monkeypatch):
    cache = tmp_path / "aliases.json"
    first = aliases.cached_alias_tables(cache)
    assert first["orgs"]["nysut"] == "NYSUT"
    assert json.loads(cache.read_text())["files"] == gazetteer_files.signature()

    def no_digest(*args: object) -> str:
        raise AssertionError("the digest was computed although no file changed")

    monkeypatch.setattr(gazetteer_files, "version", no_digest)
    assert aliases.cached_alias_tables(cache)["orgs"] == first["orgs"]


def test_an_edit_is_seen_by_the_next_search(folder, tmp_path):
    cache = tmp_path / "aliases.json"
    assert "wrenfield circle" not in aliases.cached_alias_tables(cache)["orgs"]
    with open(folder / "organizations.toml", "a", encoding="utf-8") as fh:
        fh.write(EDIT)
    gazetteer.default.cache_clear()
    assert aliases.cached_alias_tables(cache)["orgs"]["wrenfield circle"] == "Wrenfield Parents Circle"


def test_an_edit_of_the_same_size_is_seen_too(folder, tmp_path):
    cache = tmp_path / "aliases.json"
    tables = aliases.cached_alias_tables(cache)
    assert tables["tests"]["parcc"] == "PARCC"
    path = folder / "tests.toml"
    text = path.read_text(encoding="utf-8")
    assert '"PARCC"' in text
    before = path.stat()
    path.write_text(text.replace('"PARCC"', '"PARCX"', 1), encoding="utf-8")  # same size, a later time
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))
    gazetteer.default.cache_clear()
    assert "parcx" in aliases.cached_alias_tables(cache)["tests"]


def test_a_cache_without_file_stamps_is_still_used_and_stamped(folder, tmp_path):
    cache = tmp_path / "aliases.json"
    tables = aliases.cached_alias_tables(cache)
    del tables["files"]
    tables["orgs"]["only-in-the-cache"] = "NYSUT"  # proof that the cached tables, not new ones, are returned
    cache.write_text(json.dumps(tables), encoding="utf-8")
    again = aliases.cached_alias_tables(cache)
    assert again["orgs"]["only-in-the-cache"] == "NYSUT"
    assert json.loads(cache.read_text())["files"] == gazetteer_files.signature()


def test_a_missing_gazetteer_folder_is_a_gazetteer_error(monkeypatch, tmp_path):
    monkeypatch.setenv(gazetteer.ENV, str(tmp_path / "missing"))
    assert gazetteer_files.signature() is None
    with pytest.raises(gazetteer.GazetteerError, match="cannot read the gazetteer file"):
        aliases.cached_alias_tables(tmp_path / "aliases.json")
