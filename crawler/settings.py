"""Scrapy settings for optout crawls. Every deviation from Scrapy's defaults says why."""

from __future__ import annotations

from typing import Any

from crawler import __version__

USER_AGENT = f"optout-archive/{__version__} (+https://github.com/optout-archive/optout-archive; news archive bot)"

SETTINGS: dict[str, Any] = {
    "USER_AGENT": USER_AGENT,
    "ROBOTSTXT_OBEY": True,
    # Politeness: at most two requests at a time per site, adapted to how fast it answers.
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 0.5,  # default 5 s is too slow for sites that answer quickly
    "AUTOTHROTTLE_MAX_DELAY": 30,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 2.0,
    "DOWNLOAD_DELAY": 0,
    # Limits: no article page is this large; bigger answers are failures, not memory spikes.
    "DOWNLOAD_MAXSIZE": 10 * 1024 * 1024,  # also bounds decompressed size (gzip bombs)
    "DOWNLOAD_WARNSIZE": 5 * 1024 * 1024,
    "DOWNLOAD_TIMEOUT": 30,  # default 180 s lets one slow server hold a crawl for minutes
    "REDIRECT_MAX_TIMES": 5,  # default 20; real articles redirect once or twice
    "RETRY_ENABLED": True,
    "RETRY_TIMES": 2,
    "RETRY_HTTP_CODES": [429, 500, 502, 503, 504, 522, 524, 408],
    "OPTOUT_RETRY_BACKOFF": 1.0,  # seconds, doubled at each retry when no Retry-After is given
    "OPTOUT_RETRY_AFTER_MAX": 60.0,  # never wait longer than this for a Retry-After
    "DOWNLOADER_MIDDLEWARES": {
        "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
        "crawler.middlewares.BackoffRetryMiddleware": 550,
    },
    "ITEM_PIPELINES": {"crawler.pipelines.ArchivePipeline": 300},
    "COOKIES_ENABLED": False,  # articles do not need sessions; cookies only make crawls stateful
    "TELNETCONSOLE_ENABLED": False,  # no listening ports from a CLI tool
    "LOG_LEVEL": "WARNING",
    "LOG_INSTALL_ROOT_HANDLER": False,  # the CLI prints its own progress; Scrapy's log would drown it
    "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    "DNS_TIMEOUT": 10,
    "DEPTH_LIMIT": 3,  # feeds -> articles and listing -> articles never need more
    "MEMUSAGE_ENABLED": False,
}
