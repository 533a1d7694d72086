"""The catalog's named queries: what the indexer and the archive facade ask instead of writing SQL."""

import io
import json

from archive import Archive, Quote
from archive.simhash import simhash

TEXT = "Families in the fictional river town kept their children home from the spring tests again this year. "


def row(doc_id, *, kind="statement", source=None, title="A statement", published="2015-04-01", text=TEXT * 3,
        organizations=(), quotes=()):
    return json.dumps({"id": doc_id, "url": f"https://example.org/{doc_id}", "source": source, "kind": kind,
                       "title": title, "published": published, "text": text, "organizations": list(organizations),
                       "quotes": list(quotes)})


def archive_with(tmp_path, *rows):
    archive = Archive(tmp_path / "data")
    archive.import_jsonl(io.StringIO("\n".join(rows)))
    return archive


def test_untagged_and_unindexed_ids_in_archive_order(tmp_path):
    with archive_with(tmp_path, row("a"), row("b"), row("c")) as archive:
        catalog = archive.catalog
        assert catalog.all_ids() == ["a", "b", "c"]
        assert catalog.untagged_ids() == []  # imported documents carry their tags
        assert catalog.unindexed_ids() == ["a", "b", "c"]
        with catalog.transaction() as conn:
            catalog.mark_indexed(conn, [("a", 1), ("c", 1)])
            catalog.mark_untagged("c")
        assert catalog.unindexed_ids() == ["b"] and catalog.untagged_ids() == ["c"]
        catalog.mark_unindexed("a")
        assert catalog.unindexed_ids() == ["a", "b"]
        catalog.reset_tagging()
        assert catalog.untagged_ids() == ["a", "b", "c"] == catalog.unindexed_ids()


def test_a_failed_transaction_rolls_back_named_writes(tmp_path):
    with archive_with(tmp_path, row("a")) as archive:
        catalog = archive.catalog
        try:
            with catalog.transaction():
                catalog.mark_untagged("a")
                raise RuntimeError("stop")
        except RuntimeError:
            pass
        assert catalog.untagged_ids() == []


def test_first_captured_at_and_near_duplicate(tmp_path):
    with archive_with(tmp_path, row("a")) as archive:
        catalog = archive.catalog
        assert catalog.first_captured_at("missing") is None
        catalog.set_near_duplicate("a", "b")
        assert catalog.document_row("a")["near_duplicate_of"] == "b"


def test_simhash_neighbours_find_close_texts_of_other_sources(tmp_path):
    other = TEXT.replace("spring", "autumn") * 3
    unrelated = "A recipe for bread: flour, water, salt and patience, baked in a hot oven until done. " * 3
    with archive_with(tmp_path, row("a", source="one"), row("b", source="two", text=other),
                      row("c", source="two", text=unrelated), row("d", source="one", text=other)) as archive:
        found = dict(archive.catalog.simhash_neighbours("x", "one", simhash(TEXT * 3)))
        assert "a" not in found and "d" not in found  # the same source is never its own duplicate
        assert "b" in found and found["b"] == simhash(other) and found["b"] >= 0


def test_statements_by_and_quotes_by_org(tmp_path):
    said = {"text": "We stand with the parents", "speaker": "Mara Quill", "speaker_org": "RFT"}
    with archive_with(
        tmp_path,
        row("tagged", title="RFT on the tests", organizations=["RFT"]),
        row("mention", title="A union view", organizations=["RFT"]),
        row("news", kind="news", title="RFT news", organizations=["RFT"], quotes=[said]),
    ) as archive:
        catalog = archive.catalog
        # A source that speaks for the organization: its statements are the organization's, whatever the title.
        archive.record_page(source="rft-site", url="https://rft.example.org/our-view", status=200, body=b"<html/>",
                            response_headers=[], kind="statement", source_organization="RFT",
                            extracted={"title": "Our view", "text": TEXT.replace("river", "valley") * 3})
        own = archive.get("https://rft.example.org/our-view").id
        # "mention" is tagged RFT but its title does not name it: a mention, not its statement.
        assert sorted(r["id"] for r in catalog.statements_by("RFT")) == sorted([own, "tagged"])
        quotes = catalog.quotes_by_org("RFT")
        assert [(q["id"], q["text"], q["speaker"]) for q in quotes] == [("news", said["text"], "Mara Quill")]
        assert catalog.quotes("news") == [Quote(said["text"], "Mara Quill", None, "RFT", None, None)]
