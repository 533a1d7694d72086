"""Common words counted segment by segment are the words Whoosh's merged term list counts."""

from indexer.whoosh_backend import WhooshBackend, _common_words
from tests.indexer.test_whoosh_segments import _Doc, _documents


def test_common_words_over_several_segments_match_the_merged_reader(tmp_path):
    backend = WhooshBackend(tmp_path / "index")
    backend.create()
    builder = backend.segment_builder(limitmb=1)
    builder.limit = 30_000  # bytes: several segments
    for row in _documents(250):
        builder.add(_Doc(row))
    segments = builder.finish()
    assert len(segments[0]) > 2
    with backend.writer() as w:
        w.adopt(segments)
    with backend.session() as session:
        reader = session.collection("documents").reader
        assert len(list(reader.leaf_readers())) > 2
        for min_df in (1, 5, 60, 200, 10_000):
            merged = [t.decode() for t, info in reader.iter_field("content") if info.doc_frequency() >= min_df]
            assert _common_words(reader, "content", min_df) == merged
        assert _common_words(reader, "content", 60)  # some words are that common in these documents
