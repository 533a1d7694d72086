"""Reading posting blocks straight from a segment that has deleted documents (re-indexed or removed ones)
gives exactly what Whoosh's own matchers give, which skip the deleted documents one posting at a time."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest

import indexer.whoosh_backend as wb
from indexer.engine import DOCS

WORDS = ["parents", "refuse", "state", "tests", "union", "opt", "out", "spring", "board", "teachers", "scores",
         "families", "district", "letter", "boycott", "exam"]


def _doc(n: int, rng: random.Random) -> SimpleNamespace:
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 60)))
    return SimpleNamespace(
        id=f"d{n:04d}", url=f"https://news.example/{n}", title=f"Story {n}", text=text,
        organizations=[], states=[], tests=[], quotes=[], source="gazette", kind="news",
        near_duplicate_of=None, source_organization=None, position=None, published="2016-04-01")


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    """Two segments of 600 documents each (blocks of postings span many documents), then a third of them
    written again and some deleted: both segments keep deleted documents."""
    rng = random.Random(3)
    backend = wb.WhooshBackend(tmp_path_factory.mktemp("deleted"))
    backend.create()
    ix = backend.open(DOCS)
    for part in range(2):
        with ix.writer() as w:
            for n in range(part * 600, part * 600 + 600):
                w.add_document(**wb.document_fields(_doc(n, rng)))
    w = ix.writer()
    for n in rng.sample(range(1200), 400):
        w.update_document(**wb.document_fields(_doc(n, rng)))
    for n in rng.sample(range(1200), 50):
        w.delete_by_term("id", f"d{n:04d}")
    w.commit(merge=False)  # (a merge would drop the deleted documents)
    c = wb._Collection(backend.open(DOCS), DOCS)
    assert sum(1 for leaf, _ in c.reader.leaf_readers() if leaf.has_deletions()) >= 2
    yield c
    c.searcher.close()


def _public(reader, fieldname, text):
    """Document numbers, weights and raw values the way Whoosh's matchers give them."""
    ids, weights, values = [], [], []
    for leaf, offset in reader.leaf_readers():
        if (fieldname, text) not in leaf:
            continue
        m = leaf.postings(fieldname, text)
        while m.is_active():
            ids.append(m.id() + offset)
            weights.append(m.weight())
            values.append(m.value())
            m.next()
    return ids, weights, values


@pytest.mark.parametrize("word", WORDS)
def test_block_readers_skip_the_deleted_documents_as_whoosh_does(collection, word):
    reader = collection.reader
    (word,) = collection.analyze(word, "content")  # the indexed form ("parents" is "parent")
    ids, weights, values = _public(reader, "content", word)
    assert ids
    assert wb._postings(reader, "content", word) == (ids, weights)
    assert wb._term_ids(reader, "content", word) == set(ids)
    assert wb._postings_values(reader, "content", word) == (ids, weights, values)
    wanted = set(ids[::3]) | set(range(0, 2000, 7))  # deleted numbers asked for too
    decode = reader.schema["content"].format.decode_positions
    found = wb._positions(reader, decode, "content", word, wanted)
    assert found == {d: decode(v) for d, v in zip(ids, values, strict=True) if d in wanted}


def test_deleted_documents_are_not_found_by_a_search(collection):
    live = {collection.reader.stored_fields(d)["id"] for d in collection.universe}
    matched = collection.matched(wb.ql.Text("boycott"))
    assert matched and matched <= collection.universe
    assert {collection.reader.stored_fields(d)["id"] for d in matched} <= live
