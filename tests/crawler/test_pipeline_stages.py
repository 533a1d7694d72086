"""The item pipeline's stages and the crawl report, in process: the extraction stage decides what a page is
(dropping it with a reason), the crawl report counts outcomes in Scrapy's stats through signals."""

from __future__ import annotations

import pytest
from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler import failures
from crawler.extensions import CrawlReport
from crawler.items import PageItem
from crawler.pipelines import ExtractionPipeline
from crawler.stats import CrawlStats
from testsupport.faultserver import make_article


def _item(body: bytes, ctype: str | None = "text/html; charset=utf-8", **kw) -> PageItem:
    return PageItem(source="s", url="http://127.0.0.1/a.html", requested_url="http://127.0.0.1/a.html", status=200,
                    body=body, response_headers=[], request_headers=[], kind="news", content_type=ctype, **kw)


@pytest.mark.parametrize("body, ctype, reason", [
    (b"   \n", "text/html", "empty response body"),
    (b"\x00\x01\x02binary" * 50, "application/octet-stream", "binary content, not a page (application/octet-stream)"),
    (b'{"a": 1}', "application/json", "not an HTML page (application/json)"),
])
def test_extraction_stage_drops_what_is_not_a_page(body, ctype, reason):
    with pytest.raises(DropItem, match=reason.replace("(", r"\(").replace(")", r"\)")):
        ExtractionPipeline().process_item(_item(body, ctype))


def test_extraction_stage_keeps_pdfs_and_textless_pages_as_captures():
    pdf = ExtractionPipeline().process_item(_item(b"%PDF-1.4 ...", "application/pdf"))
    # A PDF that cannot be read is kept as a capture with its reason (issue 13: readable ones are extracted).
    assert pdf.note == "pdf" and pdf.extracted is None and pdf.failure.startswith("broken PDF")
    empty = ExtractionPipeline().process_item(_item(b"<html><head><title>Gallery</title></head><body><img src='a.png'></body></html>"))
    assert empty.note == "no text" and empty.failure == "no article text found"


def test_extraction_stage_extracts_with_the_feed_hints():
    article = make_article(321, "/2016/05/a.html")
    item = ExtractionPipeline().process_item(_item(article.html("http://127.0.0.1").encode(),
                                                   hints={"title": "From the feed", "published": None, "authors": []}))
    assert item.extracted is not None
    assert item.extracted["title"] and item.extracted["text"].strip()


class _Archive:
    def __init__(self) -> None:
        self.failures: list[tuple[str, str, str]] = []

    def record_failure(self, source: str, url: str, reason: str) -> None:
        self.failures.append((source, url, reason))


class _Spider:
    name = "fake"

    def __init__(self) -> None:
        self.archive = _Archive()


def test_crawl_report_counts_through_signals():
    crawler = get_crawler(settings_dict={"OPTOUT_PROGRESS": None})
    report = CrawlReport.from_crawler(crawler)
    spider = _Spider()
    crawler.signals.send_catch_log(signal=signals.spider_opened, spider=spider)
    new = _item(b"", outcome="new")
    kept = _item(b"", outcome="captured", failure="no article text found")
    crawler.signals.send_catch_log(signal=signals.item_scraped, item=new, response=None, spider=spider)
    crawler.signals.send_catch_log(signal=signals.item_scraped, item=kept, response=None, spider=spider)
    crawler.signals.send_catch_log(signal=signals.item_dropped, item=_item(b""), response=None,
                                   exception=DropItem("empty response body"), spider=spider)
    crawler.signals.send_catch_log(signal=failures.page_failed, source="t", url="http://127.0.0.1/x",
                                   reason="HTTP 404", spider=spider)
    crawler.signals.send_catch_log(signal=signals.spider_closed, spider=spider, reason="finished")
    stats = CrawlStats(crawler.stats.get_stats(), finish_reason="finished")
    assert stats.row("s")["new"] == 1 and stats.row("s")["failed"] == 2
    assert stats.row("t")["failed"] == 1 and stats.total("failed") == 3
    assert stats.reasons["s"] == [(kept.url, "no article text found"), (kept.url, "empty response body")]
    assert spider.archive.failures[-1] == ("t", "http://127.0.0.1/x", "HTTP 404")
    assert report.stats is crawler.stats


def test_all_failed_only_when_no_source_succeeded():
    from crawler.stats import key

    failed = CrawlStats({key("a", "fetched"): 1, key("a", "failed"): 1, key("b", "failed"): 1}, "finished")
    assert failed.all_failed(["a", "b"])
    some = CrawlStats({**failed.values, key("c", "skipped"): 2}, "finished")
    assert not some.all_failed(["a", "b", "c"])
    stopped = CrawlStats(failed.values, "shutdown")
    assert not stopped.all_failed(["a", "b"])  # a stopped crawl says so with its own exit code


@pytest.mark.parametrize("reason, transient", [
    ("HTTP 503", True), ("timed out", True), ("could not be archived: disk full", True),
    ("HTTP 404", False), ("disallowed by robots.txt", False), ("empty response body", False),
])
def test_failure_classification(reason, transient):
    assert failures.is_transient(reason) is transient
