"""Failures are forgotten once the page is archived; a run that archived pages is a success, even if it
was stopped; the catalog learns each source's name from the crawl (issue 16, "also")."""

from __future__ import annotations

from archive import Archive
from crawler.items import PageItem
from crawler.pipelines import ArchivePipeline
from crawler.stats import CrawlStats, key

URL = "http://127.0.0.1/refusal.html"


def test_an_archived_page_clears_its_old_failures(tmp_path):
    with Archive(tmp_path) as archive:
        archive.record_failure("s", URL, "HTTP 503")
        archive.record_failure("s", "http://127.0.0.1/other.html", "HTTP 404")
        spider = type("S", (), {"archive": archive})()
        item = PageItem(source="s", url=URL, requested_url=URL, status=200, body=b"<html><p>x</p></html>",
                        response_headers=[("Content-Type", "text/html")], request_headers=[], kind="news",
                        extracted={"title": "Refusal letters", "text": "Parents handed in refusal letters."})
        ArchivePipeline().process_item(item, spider)
        assert [r["url"] for r in archive.catalog.failures("s")] == ["http://127.0.0.1/other.html"]


def test_a_stopped_run_that_archived_pages_is_a_success():
    values = {key("s", "new"): 2, key("s", "fetched"): 2}
    assert CrawlStats(values, finish_reason="shutdown").succeeded("s")
    failed = {key("s", "fetched"): 1, key("s", "failed"): 1}
    assert not CrawlStats(failed, finish_reason="shutdown").succeeded("s")


def test_record_run_keeps_the_source_name(tmp_path):
    with Archive(tmp_path) as archive:
        archive.catalog.record_run("lv", "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z", {}, True,
                                   name="Lakeview Teachers Association")
        assert archive.catalog.source_names() == {"lv": "Lakeview Teachers Association"}
