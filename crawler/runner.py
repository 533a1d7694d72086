"""Run a crawl in this process: Scrapy's engine, the sources, the archive, and progress reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from archive import Archive
from archive.store import now_iso
from crawler.settings import SETTINGS
from crawler.sources import Source
from crawler.stats import CrawlStats


def run_crawl(sources: list[Source], archive: Archive, *, refresh: bool = False, max_articles: int | None = None,
              settings: dict[str, Any] | None = None,
              on_progress: Callable[[CrawlStats], None] | None = None) -> CrawlStats:
    """Crawl ``sources`` into ``archive`` and return the per-source counts.

    Scrapy's reactor can start once per process, so call this once per process. Ctrl-C stops the
    crawl cleanly: every page already written stays, and the next run picks up the rest.
    """
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    from crawler.spider import ArchiveSpider

    stats = CrawlStats(listener=on_progress)
    merged = {**SETTINGS, **(settings or {})}
    process = CrawlerProcess(merged)
    crawler = process.create_crawler(ArchiveSpider)

    def closed(spider: Any, reason: str) -> None:
        stats.finish_reason = reason

    crawler.signals.connect(closed, signal=signals.spider_closed)
    started = now_iso()
    process.crawl(crawler, sources=sources, archive=archive, stats=stats, refresh=refresh,
                  max_articles=max_articles)
    process.start()
    finished = now_iso()
    for source in sources:
        row = stats.row(source.id)
        # A source whose every fetch failed has not had a successful crawl, nor has a stopped one.
        success = (row["failed"] == 0 or row["fetched"] > row["failed"] or row["skipped"] > 0) and not stats.interrupted
        archive.catalog.record_run(source.id, started, finished, row, success)
    return stats
