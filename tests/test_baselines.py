"""tests/fixtures/baselines.toml: every floor is tied to the corpus it was measured on."""

import pytest

from testsupport import baselines


def test_every_baseline_matches_its_corpus():
    # Fails loudly, naming the baseline and how to measure it again, when a corpus file changed.
    for name in baselines.load():
        assert baselines.floors(name)


def test_digest_follows_every_byte_and_file_name(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.json").write_text('{"x": 1}')
    first = baselines.corpus_digest(["corpus"], root=tmp_path)
    assert baselines.corpus_digest(["corpus"], root=tmp_path) == first
    (corpus / "a.json").write_text('{"x": 2}')
    changed = baselines.corpus_digest(["corpus"], root=tmp_path)
    assert changed != first
    (corpus / "a.json").rename(corpus / "b.json")
    assert baselines.corpus_digest(["corpus"], root=tmp_path) not in (first, changed)
    (corpus / "b.json").unlink()
    assert baselines.corpus_digest(["corpus"], root=tmp_path) != changed


def test_a_changed_corpus_fails_the_floor(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus.json"
    corpus.write_text("[]")
    digest = baselines.corpus_digest(["corpus.json"], root=tmp_path)
    file = tmp_path / "baselines.toml"
    file.write_text(f'[x]\ncorpus = ["corpus.json"]\ndigest = "{digest}"\nmeasured_with = "bench"\n'
                    "[x.floors]\nf1 = 0.9\n")
    monkeypatch.setattr(baselines, "ROOT", tmp_path)
    assert baselines.floors("x", file) == {"f1": 0.9}
    corpus.write_text("[1]")
    with pytest.raises(baselines.CorpusChanged, match=r"\[x\].*changed.*bench"):
        baselines.floors("x", file)


@pytest.mark.parametrize("text, message", [
    ('[x]\ncorpus = []\n', "lacks"),
    ('[x]\ncorpus = []\ndigest = ""\nmeasured_with = ""\n[x.floors]\nf1 = 1.5\n', r"\(0, 1\]"),
    ("[x\n", "baselines.toml"),
])
def test_a_bad_baselines_file_names_itself(tmp_path, text, message):
    file = tmp_path / "baselines.toml"
    file.write_text(text)
    with pytest.raises(ValueError, match=message):
        baselines.load(file)
