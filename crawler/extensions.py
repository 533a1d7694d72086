"""The crawl report: a Scrapy extension that counts what happens to each source's pages in Scrapy's stats
collector, records every failure in the archive (for `optout sources status`), and reports progress.

It learns everything through signals: Scrapy's item signals (an item archived, or dropped by a pipeline
stage with the reason) and the spider's ``page_failed`` (a request that failed). Neither the spider nor
the pipelines know it exists."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from scrapy import signals

from archive import ArchiveError
from crawler import stats as crawl_stats
from crawler.failures import page_failed
from crawler.items import PageItem
from crawler.stats import CrawlStats

COUNTED_OUTCOMES = ("new", "updated", "unchanged")


class CrawlReport:
    """Per-source counts, failures and progress of a crawl.

    Settings: ``OPTOUT_PROGRESS`` (a callable given a CrawlStats view, or None) and
    ``OPTOUT_PROGRESS_INTERVAL`` (seconds between two calls, default 0.25).
    """

    def __init__(self, crawler: Any):
        self.crawler = crawler
        self.stats = crawler.stats
        self.listener: Callable[[CrawlStats], None] | None = crawler.settings.get("OPTOUT_PROGRESS")
        self.interval = crawler.settings.getfloat("OPTOUT_PROGRESS_INTERVAL", 0.25)
        self.task: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlReport:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(ext.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(ext.item_error, signal=signals.item_error)
        crawler.signals.connect(ext.page_failed, signal=page_failed)
        return ext

    # -- signals ---------------------------------------------------------------------------------------

    def spider_opened(self, spider: Any) -> None:
        self.stats.set_value(crawl_stats.FAILURES_KEY, [])
        if self.listener is not None:
            from scrapy.utils.asyncio import create_looping_call

            self.task = create_looping_call(self.report)
            self.task.start(self.interval, now=False)

    def spider_closed(self, spider: Any, reason: str) -> None:
        self.stats.set_value("optout/finish_reason", reason)
        if self.task is not None and self.task.running:
            self.task.stop()
        self.report()

    def item_scraped(self, item: PageItem, response: Any = None, spider: Any = None) -> None:
        if item.outcome in COUNTED_OUTCOMES:
            self.stats.inc_value(crawl_stats.key(item.source, item.outcome))
        if item.failure:
            self._record(spider, item.source, item.url, item.failure)

    def item_dropped(self, item: PageItem, response: Any = None, exception: BaseException | None = None,
                     spider: Any = None) -> None:
        self._record(spider, item.source, item.url, str(exception) or "dropped")

    def item_error(self, item: PageItem, response: Any = None, spider: Any = None, failure: Any = None) -> None:
        value = getattr(failure, "value", failure)
        self._record(spider, item.source, item.url, f"could not be archived: {type(value).__name__}: {value}"[:300])

    def page_failed(self, source: str, url: str, reason: str, spider: Any = None) -> None:
        self._record(spider, source, url, reason)

    # -- the work --------------------------------------------------------------------------------------

    def _record(self, spider: Any, source: str, url: str, reason: str) -> None:
        self.stats.inc_value(crawl_stats.key(source, "failed"))
        self.stats.get_value(crawl_stats.FAILURES_KEY, []).append((source, url, reason))
        spider = spider or self.crawler.spider
        try:
            spider.archive.record_failure(source, url, reason)
        except (ArchiveError, OSError, sqlite3.Error):
            pass  # storage itself is failing (the archive pipeline stops the crawl); the stats keep the count

    def report(self) -> None:
        if self.listener is not None:
            self.listener(CrawlStats(self.stats.get_stats()))
