"""Listing and home pages are kept as captures, never as searchable documents (fictional pages)."""

import sqlite3
from pathlib import Path

import pytest

from archive import Archive
from archive.catalog import MIGRATIONS
from crawler import listing
from crawler.extract import extract
from crawler.listing import recheck_archive
from indexer.build import build_index

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
HEADERS = [("Content-Type", "text/html; charset=utf-8")]


def read(name):
    return (PAGES / name).read_bytes()


@pytest.mark.parametrize("name, url, expected", [
    ("listing-home.html", "https://parents.example/", True),
    ("listing-section.html", "https://parents.example/category/news/", True),
    ("listing-section.html", "https://parents.example/latest", True),     # og:type website + teasers + links
    ("article-with-related.html", "https://parents.example/news/meeting", False),  # related links, real text
    ("kind-news.html", "https://parents.example/", True),                 # whatever it says, a home page
    ("kind-news.html", "https://parents.example/2018/05/10/x", False),
])
def test_detect(name, url, expected):
    ex = extract(read(name), url)
    assert ex.is_listing is expected
    if expected:
        assert ex.listing_evidence


def test_declared_types_decide():
    links = "".join(f"<li><a href='/s/{i}'>Another story about the families and the exams {i}</a></li>" for i in range(30))
    collection = ("<html><head><script type='application/ld+json'>{\"@type\": \"CollectionPage\"}</script></head>"
                  "<body><h1>Archive</h1><ul>" + links + "</ul></body></html>")
    assert extract(collection.encode(), "https://parents.example/archive-2016").is_listing
    website = ("<html><head><meta property='og:type' content='website'></head><body><article><h1>A long story</h1>"
               + "<p>Parents and teachers talked for hours about the tests and what refusing them means.</p>" * 30
               + "</article><ul>" + links + "</ul></body></html>")
    # og:type website and many links, but real text: an article (precision first)
    assert not extract(website.encode(), "https://parents.example/news/long-story").is_listing


def test_home_urls():
    assert listing.is_home("https://x.example/") and listing.is_home("https://x.example")
    assert listing.is_home("https://x.example/en/") and listing.is_home("https://x.example/index.html")
    assert not listing.is_home("https://x.example/blog/posts/a-story/index.html")
    assert not listing.is_home("https://x.example/?p=123")  # a WordPress article by id


def record(archive, url, body, extracted):
    return archive.record_page(source="s", url=url, status=200, body=body, response_headers=HEADERS,
                               extracted=extracted)


def test_listing_pages_are_captures_only(tmp_path):
    with Archive(tmp_path) as archive:
        ex = extract(read("listing-home.html"), "https://parents.example/").to_dict()
        assert record(archive, "https://parents.example/", read("listing-home.html"), ex) == ("captured", None)
        assert archive.catalog.count() == 0
        article = extract(read("kind-news.html"), "https://parents.example/2018/05/10/x").to_dict()
        outcome, doc_id = record(archive, "https://parents.example/2018/05/10/x", read("kind-news.html"), article)
        assert outcome == "new"
        flag, facts = archive.catalog.page_facts(doc_id)
        assert flag is False and facts["date_evidence"] and facts["kind_evidence"]


def test_a_document_that_turns_out_a_listing_is_marked_and_left_out_of_the_index(tmp_path):
    with Archive(tmp_path) as archive:
        url = "https://parents.example/news/"
        article = extract(read("kind-news.html"), url).to_dict()
        _, doc_id = record(archive, url, read("kind-news.html"), article)
        again = extract(read("listing-section.html"), url).to_dict()
        assert again["is_listing"]
        assert record(archive, url, read("listing-section.html"), again)[0] == "captured"
        assert archive.catalog.page_facts(doc_id)[0] is True
        assert len(archive.captures(doc_id)) == 2  # both captures kept, with the document
        assert build_index(archive, rebuild=True).indexed == 0


def test_rebuild_drops_listing_pages_of_an_old_archive(tmp_path):
    with Archive(tmp_path) as archive:
        home = extract(read("listing-home.html"), "https://parents.example/").to_dict()
        home["is_listing"] = False  # as an archive written before detection existed
        _, home_id = record(archive, "https://parents.example/", read("listing-home.html"), home)
        story = extract(read("kind-news.html"), "https://parents.example/2018/05/10/x").to_dict()
        _, story_id = record(archive, "https://parents.example/2018/05/10/x", read("kind-news.html"), story)
        with archive.catalog.transaction() as conn:
            for doc_id in (home_id, story_id):
                archive.catalog.set_page_facts(conn, doc_id, None)
        assert recheck_archive(archive) == (2, 1)
        assert archive.catalog.page_facts(home_id)[0] is True and archive.catalog.page_facts(story_id)[0] is False
        assert recheck_archive(archive) == (0, 0)  # checked once
        report = build_index(archive, rebuild=True)
        assert report.indexed == 1
        assert archive.get(home_id).id == home_id  # kept in the catalog


def test_migration_from_schema_1_keeps_documents_unchecked(tmp_path):
    conn = sqlite3.connect(tmp_path / "archive.sqlite3")
    conn.executescript(MIGRATIONS[0])
    conn.execute("INSERT INTO documents (id, url, canonical_url, text) VALUES ('d1', 'https://old.example/', "
                 "'https://old.example/', 'Old home page text')")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Archive(tmp_path) as archive:
        assert archive.catalog.unchecked_listing_ids() == ["d1"]
        assert recheck_archive(archive) == (1, 1)  # no capture: judged by its URL, a home page
        assert archive.catalog.listing_ids() == {"d1"}
