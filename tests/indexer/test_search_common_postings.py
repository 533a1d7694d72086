"""The flat copy of common words' postings written beside the index gives exactly the postings, and so
exactly the results, that decoding Whoosh's blocks gives; a missing or damaged copy is only slower."""

import shutil

import pytest

import indexer.whoosh_backend as wb
from archive import Archive
from indexer.engine import DOCS, QUOTES
from indexer.searching import Searcher

QUERIES = ["opt out", "parents refuse tests", '"state tests" boycott', "teachers union", "NYSUT statements from 2020"]


def _results(data):
    archive = Archive(data)
    searcher = Searcher(archive)
    try:
        out = []
        for text in QUERIES:
            found = searcher.search(text, searcher.filters())
            quotes = searcher.quotes(text, searcher.filters())
            out.append((found.total, [(h.id, h.score) for h in found.hits], found.facets,
                        quotes.total, [(q.doc_id, q.text, q.score) for q in quotes.hits]))
        return out
    finally:
        searcher.close()
        archive.close()


@pytest.fixture()
def data(sample_archive, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(sample_archive, copy)
    for old in (copy / "index").glob(".common-*"):
        old.unlink()
    return copy


def _check_copies(data):
    backend = wb.WhooshBackend(data / "index")
    assert list((data / "index").glob(".common-documents-*.bin"))
    with backend.session() as session:
        for name in (DOCS, QUOTES):
            collection = session.collection(name)
            terms = collection._cache()["common"]["terms"]
            assert terms  # words in two documents or more exist in the sample archive
            assert set(terms) == set(collection.common_terms())  # every common word, none lost with a helper
            for fieldname, text in terms:
                assert collection._common_postings((fieldname, text)) == wb._postings(collection.reader, fieldname, text)
    assert not list((data / "index").glob(".common-*.tmp*")) and not list((data / "index").glob(".common-*.terms"))


def _broken_share(self, part, parts, terms):
    raise OSError("disk gone")  # in the forked helper: the parent must write that share itself


@pytest.mark.parametrize("helper", ["forked", "none", "failing"])
def test_common_postings_equal_decoded_postings(data, monkeypatch, helper):
    monkeypatch.setattr(wb, "_COMMON_MIN_DF", 2)
    before = _results(data)
    if helper == "failing":
        monkeypatch.setattr(wb._Collection, "common_share", _broken_share)
    wb.WhooshBackend(data / "index").warm(helper=helper != "none")
    _check_copies(data)
    assert _results(data) == before


def test_a_damaged_copy_is_only_slower(data, monkeypatch):
    monkeypatch.setattr(wb, "_COMMON_MIN_DF", 2)
    before = _results(data)
    wb.WhooshBackend(data / "index").warm()
    for copy in (data / "index").glob(".common-*.bin"):
        copy.write_bytes(copy.read_bytes()[:100])  # cut short
    assert _results(data) == before
    for copy in (data / "index").glob(".common-*.bin"):
        copy.unlink()
    assert _results(data) == before


def test_positions_decode_as_whoosh_decodes_them():
    # Phrases read positions with a decoder of their own (the deltas summed in C): the same lists as the
    # format's, with and without the pickle's closing byte.
    import random

    from whoosh.formats import Positions

    from indexer.whoosh_backend import _decode_positions, encode_positions

    fmt, rng = Positions(), random.Random(5)
    for n in [0, 1, 2, 3, 10, 200] * 50:
        positions = sorted(rng.sample(range(100_000), n))
        value = fmt.encode(positions) if n != 1 else encode_positions(positions)
        for v in (value, value[:-1]):
            assert _decode_positions(v) == fmt.decode_positions(v) == positions
