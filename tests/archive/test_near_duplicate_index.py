"""Near-duplicate candidates come from indexed simhash bands (catalog migration 4), with the answers the
full scan gave."""

import random
import sqlite3

from archive import Archive
from archive.catalog import MIGRATIONS, Catalog, _signed64
from archive.model import Document
from archive.simhash import simhash
from archive.store import NEAR_DUPLICATE_BITS


def _scan(docs, doc_id, source, value):
    """What the old full scan returned: every document of another source sharing a 16-bit band."""
    bands = [(value >> s) & 0xFFFF for s in (0, 16, 32, 48)]
    return [(i, h) for i, src, h in docs
            if i != doc_id and src != source and any(((h >> s) & 0xFFFF) == b for s, b in zip((0, 16, 32, 48), bands, strict=True))]


def _flip(value, bits, rng):
    for b in rng.sample(range(64), bits):
        value ^= 1 << b
    return value


def test_indexed_bands_give_the_scans_answers(tmp_path):
    rng = random.Random(5)
    docs, base = [], [rng.getrandbits(64) for _ in range(40)]
    with Archive(tmp_path / "data") as archive, archive.catalog.transaction() as conn:
        for i in range(400):
            value = _flip(rng.choice(base), rng.randint(0, 6), rng) if rng.random() < 0.7 else rng.getrandbits(64)
            doc = Document(id=f"d{i:04d}", url=f"https://s{i % 5}.example/{i}", canonical_url=f"https://s{i % 5}.example/{i}",
                           source=f"s{i % 5}", text="x", simhash=value)
            archive.catalog.upsert_document(conn, doc)
            docs.append((doc.id, doc.source, value))
    with Archive(tmp_path / "data") as archive:
        for doc_id, source, value in rng.sample(docs, 60):
            probe = _flip(value, rng.randint(0, 4), rng)
            assert archive.catalog.simhash_neighbours(doc_id, source, probe) == _scan(docs, doc_id, source, probe)


def test_the_lookup_uses_the_band_indexes_not_a_scan(tmp_path):
    with Archive(tmp_path / "data") as archive:
        plan = " ".join(archive.catalog.simhash_query_plan())
    assert "MULTI-INDEX OR" in plan and all(f"documents_simhash_b{k}" in plan for k in range(4))
    assert "SCAN documents" not in plan


def test_migration_fills_the_bands_of_existing_documents(tmp_path):
    path = tmp_path / "archive.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS[:3]:
        for statement in step.split(";"):
            if statement.strip():
                conn.execute(statement)
    conn.execute("PRAGMA user_version = 3")
    texts = {"a": "Parents in Harbor County sent letters refusing the spring exams for their children " * 5,
             "b": "Parents in Harbor County sent letters refusing the spring exams for their children " * 5 + "Also."}
    for i, (doc_id, text) in enumerate(texts.items()):
        conn.execute("INSERT INTO documents (id, url, canonical_url, source, text, simhash) VALUES (?, ?, ?, ?, ?, ?)",
                     (doc_id, f"https://o{i}.example/x", f"https://o{i}.example/x", f"o{i}", text,
                      _signed64(simhash(text))))
    conn.close()
    catalog = Catalog(path)  # migrates to the current schema
    found = dict(catalog.simhash_neighbours("b", "o1", simhash(texts["b"])))
    assert "a" in found and found["a"] == simhash(texts["a"])
    assert bin(found["a"] ^ simhash(texts["b"])).count("1") <= NEAR_DUPLICATE_BITS
    catalog.close()


def test_imported_wire_copies_are_linked_to_the_first_outlet(tmp_path):
    import io
    import json

    story = ("The board of the Lakeview district heard two hours of comment from parents who plan to keep "
             "their children home on exam days, and from teachers who asked for a portfolio instead. ") * 3
    rows = [
        {"id": "first", "url": "https://lakeview-ledger.example/a", "source": "ledger", "title": "Board hears parents",
         "text": story},
        {"id": "copy", "url": "https://wire-3.example/b", "source": "wire-3", "title": "Board hears parents",
         "text": story + "\nThis story was distributed by Wire-3 News."},
        {"id": "other", "url": "https://wire-4.example/c", "source": "wire-4", "title": "Budget vote",
         "text": "The council approved a road budget after a short debate about potholes and bus routes. " * 4},
        {"id": "kept", "url": "https://wire-5.example/d", "source": "wire-5", "title": "Board hears parents",
         "text": story, "near_duplicate_of": "other"},  # a link the export already made stays as it was
    ]
    with Archive(tmp_path / "data") as archive:
        archive.import_jsonl(io.StringIO("\n".join(json.dumps(r) for r in rows)))
        assert archive.get("copy").near_duplicate_of == "first"
        assert archive.get("first").near_duplicate_of is None
        assert archive.get("other").near_duplicate_of is None
        assert archive.get("kept").near_duplicate_of == "other"
