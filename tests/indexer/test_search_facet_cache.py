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
