"""Downloader middleware: retries that back off and honor Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message


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
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry middleware, waiting before each retry: Retry-After when the server gives it,
    else an exponential backoff. The wait does not block other requests."""

    def __init__(self, settings):  # type: ignore[no-untyped-def]
        super().__init__(settings)
        self.backoff = settings.getfloat("OPTOUT_RETRY_BACKOFF", 1.0)
        self.retry_after_max = settings.getfloat("OPTOUT_RETRY_AFTER_MAX", 60.0)

    async def process_response(self, request: Request, response: Response, spider=None) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is None:
            wait = self.backoff * 2 ** (request.meta.get("retry_times", 0))
        elif wait > self.retry_after_max:
            return response  # the server asks for more patience than a crawl has: a failure with a reason
        await sleep(wait)
        return retry
