"""Run a crawl in this process: Scrapy's engine, the sources, the archive, and progress reports."""

from __future__ import annotations

import signal
import sqlite3
from collections.abc import Callable
from typing import Any

from archive import Archive, ArchiveError
from archive.store import now_iso
from crawler.settings import SETTINGS
from crawler.sources import Source
from crawler.stats import CrawlStats

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _EarlyStop:
    """Remembers a Ctrl-C or SIGTERM that arrives before Scrapy's own handlers are in place (while Scrapy
    is imported or the reactor starts), so that it stops the crawl as soon as the crawl can be stopped,
    instead of raising KeyboardInterrupt inside Twisted (which prints tracebacks and carries on)."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.previous = {sig: signal.getsignal(sig) for sig in _STOP_SIGNALS}
        for sig in _STOP_SIGNALS:
            signal.signal(sig, self.handle)

    def handle(self, signum: int, _frame: Any) -> None:
        self.signum = self.signum or signum

    def restore(self) -> None:
        # Scrapy's handlers outlive its reactor; left in place, they would make a later Ctrl-C (such as
        # the one that ends `optout demo --keep-serving`) do nothing at all.
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)


def run_crawl(sources: list[Source], archive: Archive, *, refresh: bool = False, max_articles: int | None = None,
              settings: dict[str, Any] | None = None,
              on_progress: Callable[[CrawlStats], None] | None = None) -> CrawlStats:
    """Crawl ``sources`` into ``archive`` and return the per-source counts.

    Scrapy's reactor can start once per process, so call this once per process. Ctrl-C or SIGTERM stop
    the crawl cleanly (the returned stats say which signal): every page already written stays, and the
    next run picks up the rest.
    """
    from archive.locks import exclusive

    # Two crawls on one data dir would fetch every page twice and double each site's request rate.
    with exclusive(archive.path, "crawl", "another `optout crawl` is running on this data directory; "
                                          "try again when it ends"):
        return _locked_crawl(sources, archive, refresh=refresh, max_articles=max_articles, settings=settings,
                             on_progress=on_progress)


def _locked_crawl(sources: list[Source], archive: Archive, *, refresh: bool, max_articles: int | None,
                  settings: dict[str, Any] | None,
                  on_progress: Callable[[CrawlStats], None] | None) -> CrawlStats:
    early = _EarlyStop()
    try:
        stats = _crawl(sources, archive, early, refresh=refresh, max_articles=max_articles, settings=settings,
                       on_progress=on_progress)
    finally:
        early.restore()
    finished = now_iso()
    try:
        for source in sources:
            archive.catalog.record_run(source.id, stats.values.get("optout/started", finished), finished,
                                       stats.row(source.id), stats.succeeded(source.id), name=source.name)
    except (ArchiveError, OSError, sqlite3.Error):
        if stats.storage_error is None:
            raise
        # Storage is failing: the summary and the storage error still reach the user.
    return stats


def _crawl(sources: list[Source], archive: Archive, early: _EarlyStop, *, refresh: bool,
           max_articles: int | None, settings: dict[str, Any] | None,
           on_progress: Callable[[CrawlStats], None] | None) -> CrawlStats:
    from scrapy.crawler import CrawlerProcess

    from crawler.spider import ArchiveSpider

    class Process(CrawlerProcess):
        """Scrapy's process, remembering which signal stopped it."""

        def _signal_shutdown(self, signum: int, frame: Any) -> None:
            early.signum = early.signum or signum
            super()._signal_shutdown(signum, frame)

        def _setup_reactor(self, install_signal_handlers: bool) -> None:
            super()._setup_reactor(install_signal_handlers)
            from twisted.internet import reactor

            # Runs right after Scrapy has put its own signal handlers in place.
            reactor.addSystemEventTrigger("after", "startup", stop_if_asked)

    def stop_if_asked() -> None:
        if early.signum is not None:  # a signal came while the reactor was starting
            process._signal_shutdown(early.signum, None)

    started = now_iso()
    merged = {**SETTINGS, **(settings or {}), "OPTOUT_PROGRESS": on_progress}
    process = Process(merged)
    crawler = process.create_crawler(ArchiveSpider)
    process.crawl(crawler, sources=sources, archive=archive, refresh=refresh, max_articles=max_articles)
    if early.signum is None:
        process.start()
    values = dict(crawler.stats.get_stats()) if crawler.stats else {}
    values["optout/started"] = started
    reason = "shutdown" if early.signum is not None else values.get("optout/finish_reason")
    return CrawlStats(values, finish_reason=reason, signal=early.signum)
