"""The attribution vocabularies (indexer/data/speech_verbs.toml, attribution.toml): inflections and validation."""

import shutil
from importlib import resources
from pathlib import Path

import pytest

from indexer import lexicon

DATA = Path(str(resources.files("indexer").joinpath("data")))


def test_inflections_follow_spelling_rules():
    assert lexicon.inflections("reply") == ["replies", "replied", "replying"]
    assert lexicon.inflections("quip") == ["quips", "quipped", "quipping"]
    assert lexicon.inflections("argue") == ["argues", "argued", "arguing"]
    assert lexicon.inflections("gush") == ["gushes", "gushed", "gushing"]


def test_packaged_lexicon_has_irregular_and_regular_forms():
    lx = lexicon.default()
    assert {"said", "told", "wrote", "joked", "implored", "gushed", "insisted", "saying"} <= lx.verbs
    assert "go" not in lx.verbs  # only part of "go on"
    assert ("went", "on") in lx.phrasal


def _copy(tmp_path: Path) -> Path:
    for name in (lexicon.VERB_FILE, lexicon.WORD_FILE):
        shutil.copy(DATA / name, tmp_path / name)
    return tmp_path


def test_duplicate_word_names_file_and_line(tmp_path):
    d = _copy(tmp_path)
    path = d / lexicon.WORD_FILE
    path.write_text(path.read_text(encoding="utf-8").replace('"Mrs", "Ms"', '"Mrs", "Mrs", "Ms"', 1), encoding="utf-8")
    with pytest.raises(lexicon.LexiconError, match=r"attribution\.toml:\d+: honorifics: 'Mrs' is listed twice"):
        lexicon.load(d)


def test_uppercase_verb_is_rejected(tmp_path):
    d = _copy(tmp_path)
    path = d / lexicon.VERB_FILE
    path.write_text(path.read_text(encoding="utf-8").replace('"add",', '"Add",', 1), encoding="utf-8")
    with pytest.raises(lexicon.LexiconError, match=r"speech_verbs\.toml:\d+: regular: 'Add' must be lowercase"):
        lexicon.load(d)


def test_unknown_key_is_rejected(tmp_path):
    d = _copy(tmp_path)
    path = d / lexicon.WORD_FILE
    path.write_text('nicknames = ["Bo"]\n' + path.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(lexicon.LexiconError, match=r"unknown key 'nicknames'"):
        lexicon.load(d)


def test_kind_of_an_organization_known_only_from_the_text():
    from indexer.quotes import default_extractor

    x = default_extractor()
    assert x.organization_kind("Fairview Teachers Association") == "union"
    assert x.organization_kind("Aurora Public Schools") == "district"
    assert x.organization_kind("Harlan State Department of Education") == "agency"
    assert x.organization_kind("Valley Gazette") == "media"
    assert x.organization_kind("Quillby Group") == "other"
    assert x.organization_kind("NEA") == "union"  # the gazetteer's kind


def test_unknown_org_kind_is_rejected(tmp_path):
    d = _copy(tmp_path)
    path = d / lexicon.WORD_FILE
    path.write_text(path.read_text(encoding="utf-8").replace("\nmedia = [", "\npress = [", 1), encoding="utf-8")
    with pytest.raises(lexicon.LexiconError, match=r"attribution\.toml:\d+: org_kinds: unknown kind 'press'"):
        lexicon.load(d)
