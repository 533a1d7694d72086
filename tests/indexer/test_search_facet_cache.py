"""Facet counts and field lengths come from a cache file beside the index; an index update must never
leave them stale."""

import io
import json
import shutil

from archive import Archive
from indexer.build import build_index
from indexer.searching import Searcher


def test_facets_follow_an_index_update(sample_archive, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(sample_archive, data)
    archive = Archive(data)
    try:
        before = Searcher(archive)
        counts = before.search("", before.filters(), limit=1).facets
        assert list((data / "index").glob(".cache-documents.pickle"))
        before.close()
        doc = {"id": "f00dfacade000001", "url": "http://127.0.0.1:1/official/notice.html", "kind": "official",
               "title": "A fictional notice about the testing calendar", "published": "2031-05-02",
               "text": "The fictional district office moved the testing calendar by a week."}
        archive.import_jsonl(io.StringIO(json.dumps(doc) + "\n"), name="new.jsonl")
        build_index(archive)
        after = Searcher(archive)
        updated = after.search("", after.filters(), limit=1).facets
        after.close()
        assert updated["kind"].get("official", 0) == counts["kind"].get("official", 0) + 1
        assert updated["year"].get("2031") == 1 and "2031" not in counts["year"]
    finally:
        archive.close()


def _brute_counts(collection, fields, matched):
    """Each facet value's matches counted the plain way: its documents, intersected with the match set."""
    out = {}
    for fieldname in fields:
        counts = {v: len(set(ids) & matched) for v, ids in collection.facet_postings().get(fieldname, {}).items()}
        out[fieldname] = {v: n for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n}
    return out


def test_facet_counts_by_bit_masks_are_the_plain_counts_also_after_updates(sample_archive, tmp_path):
    from indexer.engine import DOCS, FACETS, QUOTES
    from indexer.querylang import Text
    from indexer.whoosh_backend import WhooshBackend, bitmask

    assert bitmask([0, 9, 3], 10) == 0b1000001001 and bitmask([], 0) == 0
    data = tmp_path / "data"
    shutil.copytree(sample_archive, data)
    with Archive(data) as archive:
        changed = [d.export_dict() | {"text": d.text + " An added line about the test calendar."}
                   for d in list(archive.documents())[:5]]
        archive.import_jsonl(io.StringIO("\n".join(json.dumps(d) for d in changed) + "\n"), name="changed.jsonl")
        build_index(archive)  # updates: the old versions are deleted documents in the index
    with WhooshBackend(data / "index").session() as session:
        for name in (DOCS, QUOTES):
            collection = session.collection(name)
            assert name == QUOTES or collection.reader.has_deletions()
            sets = [collection.matched(Text(word)) for word in ("test", "opt", "union", "calendar")]
            sets += [set(collection.universe), set(list(collection.universe)[:3]), set()]
            for matched in sets:
                assert collection.facet_counts(FACETS, matched) == _brute_counts(collection, FACETS, matched)
