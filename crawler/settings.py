"""Scrapy settings for optout crawls. Every deviation from Scrapy's defaults says why.

A few limits can be changed through the environment, for tests and benchmarks that need a fast crawl
(the CLI's own options, such as ``--timeout``, still win over these):

    OPTOUT_MAX_BYTES           largest response body, compressed or decompressed (default 10 MB)
    OPTOUT_RETRY_BACKOFF       seconds before the first retry, doubled at each retry (default 1)
    OPTOUT_RETRY_AFTER_MAX     longest Retry-After the crawl will wait for (default 60)
    OPTOUT_THROTTLE_START      AutoThrottle's first delay between requests to one site (default 0.5)
    OPTOUT_TIMEOUT             seconds to wait for one response (default 30)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from crawler import __version__

USER_AGENT = f"optout-archive/{__version__} (+https://github.com/optout-archive/optout-archive; news archive bot)"

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

SETTINGS: dict[str, Any] = {
    "USER_AGENT": USER_AGENT,  # default "Scrapy/VERSION": sites should know who is asking, and how to reach us
    "ROBOTSTXT_OBEY": True,  # default False outside a Scrapy project; an archive bot always obeys (Protego)
    # Politeness: at most two requests at a time per site, adapted to how fast it answers.
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    "AUTOTHROTTLE_ENABLED": True,  # default off: adapt the delay to each site's response times
    "AUTOTHROTTLE_START_DELAY": 0.5,  # default 5 s is too slow for sites that answer quickly
    "AUTOTHROTTLE_MAX_DELAY": 30,  # default 60: a site slower than this is failing anyway
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 2.0,  # default 1: the two requests per site allowed above
    "DOWNLOAD_DELAY": 0,
    # Limits: no article page is this large; bigger answers are failures, not memory spikes.
    "DOWNLOAD_MAXSIZE": DEFAULT_MAX_BYTES,  # also bounds decompressed size (gzip bombs)
    "DOWNLOAD_WARNSIZE": DEFAULT_MAX_BYTES // 2,  # default 32 MB, above the limit itself
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
        # Scrapy 2.19's own lets requests through while robots.txt is being fetched (see the class).
        "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
        "crawler.middlewares.SharedRobotsTxtMiddleware": 100,
    },
    # Only the web: a feed or a redirect must never make the crawler read local files or other schemes.
    "DOWNLOAD_HANDLERS": {"file": None, "data": None, "ftp": None, "s3": None},
    # Two stages: what the page is and says, then the archive (see crawler/pipelines.py).
    "ITEM_PIPELINES": {"crawler.pipelines.ExtractionPipeline": 200, "crawler.pipelines.ArchivePipeline": 300},
    # Per-source counts, failures and progress through Scrapy's stats and signals (crawler/extensions.py).
    "EXTENSIONS": {"crawler.extensions.CrawlReport": 500},
    # A page the extraction stage refuses is a failure recorded with its reason, not a log warning
    # (default WARNING, which would print each refused page with its whole body).
    "DEFAULT_DROPITEM_LOG_LEVEL": "DEBUG",
    "COOKIES_ENABLED": False,  # articles do not need sessions; cookies only make crawls stateful
    "TELNETCONSOLE_ENABLED": False,  # no listening ports from a CLI tool
    "REMOTE_CONTROL_ENABLED": False,  # nor Scrapy 2.19's remote-control HTTP server
    "LOG_LEVEL": "WARNING",  # default DEBUG: failures are recorded with reasons, not logged per request
    "LOG_INSTALL_ROOT_HANDLER": False,  # the CLI prints its own progress; Scrapy's log would drown it
    "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",  # silences the warning of Scrapy versions that still ask
    "DNS_TIMEOUT": 10,  # default 60: a host that does not resolve in 10 s is "host not found"
    "DEPTH_LIMIT": 3,  # home -> feed -> article and listing -> article never need more
    "MEMUSAGE_ENABLED": False,  # default on: its periodic checks and e-mail reports are for long-running servers
    # Scrapy re-reads each callback's source code (inspect + ast) for every response, since its cache of
    # bound methods never hits: measured at 7% of a crawl's CPU. The check only warns about spider bugs.
    "WARN_ON_GENERATOR_RETURN_VALUE": False,
    # The spider deduplicates by canonical URL itself and sends every request with dont_filter, so that a
    # redirect loop (A -> B -> A) reaches the redirect limit, a failure with a reason, instead of vanishing
    # in a duplicate filter; no need to keep a fingerprint per request.
    "DUPEFILTER_CLASS": "scrapy.dupefilters.BaseDupeFilter",
}


def _number(environ: Mapping[str, str], name: str, minimum: float) -> float | None:
    raw = environ.get(name)
    if raw is None or not raw.strip():
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"${name} must be a number, not {raw!r}") from None
    if value < minimum:
        raise ValueError(f"${name} must be at least {minimum:g}, not {raw!r}")
    return value


def environment_overrides(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Settings given through OPTOUT_* environment variables (see the module docstring)."""
    environ = os.environ if environ is None else environ
    out: dict[str, Any] = {}
    max_bytes = _number(environ, "OPTOUT_MAX_BYTES", 1024)
    if max_bytes is not None:
        out["DOWNLOAD_MAXSIZE"] = int(max_bytes)
        out["DOWNLOAD_WARNSIZE"] = int(max_bytes) // 2
    for name, key, minimum in (("OPTOUT_RETRY_BACKOFF", "OPTOUT_RETRY_BACKOFF", 0.0),
                               ("OPTOUT_RETRY_AFTER_MAX", "OPTOUT_RETRY_AFTER_MAX", 0.0),
                               ("OPTOUT_THROTTLE_START", "AUTOTHROTTLE_START_DELAY", 0.0),
                               ("OPTOUT_TIMEOUT", "DOWNLOAD_TIMEOUT", 0.1)):
        value = _number(environ, name, minimum)
        if value is not None:
            out[key] = value
    return out


SETTINGS.update(environment_overrides())
