"""Bulk-written segments (indexer/whoosh_segments.py) are byte for byte the segments Whoosh's own
SegmentWriter writes, and a SegmentBuilder that starts new segments when its pools are full gives the index
one writer gives."""

import random
from datetime import datetime
from pathlib import Path

import pytest
from whoosh import index as windex
from whoosh.writing import SegmentWriter

from indexer.whoosh_backend import WhooshBackend, documents_schema, quotes_schema
from indexer.whoosh_segments import BulkSegmentWriter

WORDS = ("opt out refusal tests testing parents union teachers board state exam scores boycott letter "
         "federal funding participation rate district superintendent naïve café İzmir co-op U.S. 95 2015 "
         "the a of and it's NYSUT PARCC").split()


def _documents(n, seed=3):
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 90)))
        orgs = ",".join(sorted(rng.sample(["NEA", "AFT", "NYSUT", "UFT"], rng.randint(0, 2))))
        docs.append({
            "id": f"d{i:05d}", "url": f"https://news.example/{i}", "title": f"Story {i} {rng.choice(WORDS)}",
            "content": body, "source": rng.choice(["gazette", "herald"]), "kind": rng.choice(["news", "statement"]),
            "organizations": orgs, "states": rng.choice(["ny", "nj,ny", ""]), "tests": "",
            "speakers": "", "publisher": "", "position": rng.choice(["", "supports"]), "dup_of": None,
            "published": datetime(2014 + i % 4, 1 + i % 12, 1 + i % 28), "year": str(2014 + i % 4),
        })
    return docs


def _quotes(docs):
    return [{"id": f"{d['id']}:0", "doc_id": d["id"], "text": d["content"][:120], "speaker": "Ana Ruiz",
             "speaker_org": d["organizations"], "title": d["title"], "kind": d["kind"], "position": d["position"]}
            for d in docs if d["content"]]


def _write(folder: Path, schema, rows, cls):
    folder.mkdir(parents=True)
    ix = windex.create_in(str(folder), schema)
    # A pool large enough that Whoosh never spills sorted runs (a spilled run comes back as new bytes
    # objects, which only changes how the pickled blocks share equal values, not what they hold).
    writer = cls(ix, _lk=False, limitmb=512, compound=False)
    for row in rows:
        writer.add_document(**row)
    segment = writer._finalize_segment()
    writer._commit_toc([segment])
    writer._finish()
    return {p.name.replace(segment.segment_id(), "SEG"): p.read_bytes()
            for p in folder.iterdir() if segment.segment_id() in p.name}


@pytest.mark.parametrize("n", [1, 40, 700])  # 700: common words' postings span several blocks of 128
def test_bulk_segments_are_the_bytes_whoosh_writes(tmp_path, n):
    docs = _documents(n)
    for name, schema, rows in (("docs", documents_schema, docs), ("quotes", quotes_schema, _quotes(docs))):
        ours = _write(tmp_path / "bulk" / name, schema(), rows, BulkSegmentWriter)
        theirs = _write(tmp_path / "whoosh" / name, schema(), rows, SegmentWriter)
        assert sorted(ours) == sorted(theirs) and len(ours) >= 3
        assert {k: v for k, v in ours.items() if v != theirs[k]} == {}


def test_the_bulk_writer_refuses_fields_it_cannot_write(tmp_path):
    from whoosh.fields import TEXT, Schema

    ix = windex.create_in(str(tmp_path), Schema(body=TEXT(vector=True)))
    with pytest.raises(ValueError, match="body"):
        BulkSegmentWriter(ix, _lk=False)


class _Doc:
    """What the backend's field functions read from an archive Document."""

    def __init__(self, row):
        self.id, self.url, self.title, self.text = row["id"], row["url"], row["title"], row["content"]
        self.source, self.kind = row["source"], row["kind"]
        self.organizations = row["organizations"].split(",") if row["organizations"] else []
        self.states = row["states"].split(",") if row["states"] else []
        self.tests, self.quotes, self.near_duplicate_of = [], [], None
        self.source_organization, self.position = None, row["position"] or None
        self.published = row["published"].date().isoformat()


def _search_all(backend):
    from indexer.engine import DOCS, Request
    from indexer.querylang import Text

    with backend.session() as session:
        out = {}
        for word in ("refusal", "union", "naïve", "parents"):
            r = session.search(DOCS, Request(match=Text(word), rank=[Text(word)], window=1000))
            out[word] = (r.total, sorted(h["id"] for h in r.hits))
        return out


def test_a_builder_that_starts_new_segments_gives_the_index_one_writer_gives(tmp_path):
    docs = [_Doc(r) for r in _documents(300)]
    one, many = WhooshBackend(tmp_path / "one"), WhooshBackend(tmp_path / "many")
    one.create()
    many.create()
    with one.writer() as w:
        for d in docs:
            w.add(d, update=False)
    builder = many.segment_builder(limitmb=1)
    builder.limit = 40_000  # bytes: a new segment every few dozen documents
    for d in docs:
        builder.add(d)
    segments = builder.finish()
    assert len(segments[0]) > 3
    with many.writer() as w:
        w.adopt(segments)
    assert many.doc_count() == one.doc_count() == 300
    assert _search_all(many) == _search_all(one)
    assert all(total > 0 for total, _ in _search_all(one).values())
