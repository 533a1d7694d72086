"""Downloader middleware: retries that back off and honor Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.asyncio import sleep
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.response import response_status_message
from twisted.internet.defer import Deferred


def retry_after_seconds(value: bytes | str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry middleware, waiting before each retry: Retry-After when the server gives it,
    else an exponential backoff. The wait does not block requests to other sites; a Retry-After also
    slows every later request to the same site, since the server asked the whole crawler to wait."""

    def __init__(self, settings):  # type: ignore[no-untyped-def]
        super().__init__(settings)
        self.backoff = settings.getfloat("OPTOUT_RETRY_BACKOFF", 1.0)
        self.retry_after_max = settings.getfloat("OPTOUT_RETRY_AFTER_MAX", 60.0)
        self.max_delay = settings.getfloat("AUTOTHROTTLE_MAX_DELAY", 60.0)

    def _backoff(self, request: Request) -> float:
        # retry_times counts retries already made; the retry request carries the new count.
        return self.backoff * 2 ** max(0, request.meta.get("retry_times", 1) - 1)

    async def process_response(self, request: Request, response: Response, spider=None) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is not None and wait > self.retry_after_max:
            return response  # the server asks for more patience than a crawl has: a failure with a reason
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        if wait is None:
            wait = self._backoff(retry)
        else:
            self._slow_site(request, wait)
        if wait > 0:
            await sleep(wait)
        return retry

    async def process_exception(self, request: Request, exception: Exception, spider=None) -> Request | None:  # type: ignore[override]
        retry = super().process_exception(request, exception)
        if isinstance(retry, Request):
            wait = self._backoff(retry)
            if wait > 0:
                await sleep(wait)
        return retry

    def _slow_site(self, request: Request, wait: float) -> None:
        """Keep at least ``wait`` seconds between requests to this site (AutoThrottle lowers it again)."""
        crawler = getattr(self, "crawler", None)
        engine = getattr(crawler, "engine", None)
        downloader = getattr(engine, "downloader", None)
        if downloader is None:
            return
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is not None:
            slot.delay = max(slot.delay, min(wait, self.max_delay))


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware with one repair: every request that arrives while a site's
    robots.txt is still being fetched waits for the same answer.

    Scrapy 2.19 hands the pending Deferred itself to each waiting request; the first waiter consumes
    its result and every later one receives None, which the middleware reads as "no robots.txt, allow
    everything" (scrapy/scrapy#6802 dropped the relay that used to prevent this). A crawl starting
    several feeds and listing pages of one site at once would fetch disallowed ones. Here each waiter
    gets a Deferred of its own, and a robots.txt that cannot be fetched answers every waiter too.
    """

    async def robot_parser(self, request: Request):  # type: ignore[no-untyped-def, override]
        url = urlparse_cached(request)
        netloc = url.netloc
        known = self._parsers.get(netloc, _MISSING)
        if isinstance(known, Deferred):
            mine: Deferred = Deferred()

            def relay(result):  # type: ignore[no-untyped-def]
                mine.callback(result)
                return result  # the next waiter gets the same parser

            known.addBoth(relay)
            return await maybe_deferred_to_future(mine)
        if known is not _MISSING:
            return known
        pending: Deferred = Deferred()
        self._parsers[netloc] = pending
        robots_request = Request(f"{url.scheme}://{netloc}/robots.txt", priority=self.DOWNLOAD_PRIORITY,
                                 meta={"dont_obey_robotstxt": True}, callback=NO_CALLBACK)
        parser = None
        try:
            response = await self.crawler.engine.download_async(robots_request)
            self._stats.inc_value("robotstxt/response_count")
            # A missing robots.txt (4xx) or a broken server (5xx after retries) allows everything.
            body = response.body if response.status < 400 else b""
            parser = build_from_crawler(self._parserimpl, self.crawler, body)
        except Exception as exc:  # noqa: BLE001 - an unreachable robots.txt restricts nothing
            self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        self._parsers[netloc] = parser
        pending.callback(parser)
        return parser


_MISSING = object()
