"""A crawl on a full disk stops soon after storage fails, keeps its summary and says why (issue 16)."""

from __future__ import annotations

import errno

import pytest
from scrapy.exceptions import DropItem

import crawler.runner
from archive import ArchiveError
from crawler.items import PageItem
from crawler.pipelines import STORAGE_FAILED, ArchivePipeline
from crawler.stats import CrawlStats
from testsupport.cli import invoke


class _FullDisk:
    def record_page(self, **_kw):
        raise ArchiveError("cannot write capture to warc/x.warc.gz: No space left on device") from OSError(
            errno.ENOSPC, "No space left on device")


class _OnePageBroken:
    def record_page(self, **_kw):
        raise ArchiveError("bad page") from ValueError("odd")


class _Engine:
    def __init__(self):
        self.closed: list[str] = []

    def close_spider(self, spider, reason):
        self.closed.append(reason)


class _Stats:
    def __init__(self):
        self.values = {}

    def set_value(self, key, value):
        self.values[key] = value


class _Crawler:
    def __init__(self, archive):
        self.engine, self.stats = _Engine(), _Stats()
        self.spider = type("S", (), {"archive": archive})()


def _item(i: int) -> PageItem:
    return PageItem(source="s", url=f"http://127.0.0.1/{i}.html", requested_url=f"http://127.0.0.1/{i}.html",
                    status=200, body=b"<html></html>", response_headers=[], request_headers=[], kind=None,
                    extracted={"title": "t", "text": "x"})


def _feed(pipeline: ArchivePipeline, n: int) -> None:
    for i in range(n):
        with pytest.raises(DropItem, match="could not be archived"):
            pipeline.process_item(_item(i))


def test_the_crawl_stops_after_a_few_pages_that_cannot_be_stored():
    crawler = _Crawler(_FullDisk())
    pipeline = ArchivePipeline(crawler)
    _feed(pipeline, ArchivePipeline.MAX_STORAGE_FAILURES - 1)
    assert crawler.engine.closed == []
    _feed(pipeline, 3)
    assert crawler.engine.closed == [STORAGE_FAILED]  # asked once
    assert "No space left" in crawler.stats.values["optout/storage_error"]


def test_one_bad_page_is_not_a_storage_failure():
    crawler = _Crawler(_OnePageBroken())
    _feed(ArchivePipeline(crawler), 10)
    assert crawler.engine.closed == []


def test_a_storage_stop_is_not_an_interruption():
    stats = CrawlStats({"optout/storage_error": "disk full"}, finish_reason=STORAGE_FAILED)
    assert stats.storage_error == "disk full" and not stats.interrupted
    assert CrawlStats({}, finish_reason="shutdown").interrupted


def test_the_command_says_why_and_exits_4(tmp_path, monkeypatch):
    sources = tmp_path / "s.toml"
    sources.write_text('[[sources]]\nid = "x"\nname = "X"\nfeeds = ["http://127.0.0.1:9/feed.xml"]\n')
    stopped = CrawlStats({"optout/storage_error": "cannot write capture: No space left on device"},
                         finish_reason=STORAGE_FAILED)
    monkeypatch.setattr(crawler.runner, "run_crawl", lambda *a, **kw: stopped)
    run = invoke("crawl", "--sources", str(sources), "--no-defaults", data_dir=tmp_path / "d")
    assert run.returncode == 4
    assert "crawl stopped: pages could not be stored" in run.stderr and "No space left" in run.stderr
    assert "crawl summary" in run.stdout  # the summary still prints
