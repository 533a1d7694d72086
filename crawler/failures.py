"""Why a page or a discovery URL failed, in words a maintainer can act on, and whether the failure may
pass (so the next crawl tries again) or is for good. Also the signal that reports a failure."""

from __future__ import annotations

from twisted.python.failure import Failure

# Sent by the spider (``crawler.signals.send_catch_log(page_failed, source=..., url=..., reason=...)``)
# for every request that failed; the crawl report extension counts and records it.
page_failed = object()

SIZE_REASON = "response larger than the size limit"
# Failures worth trying again at the next crawl: the feed that listed such an article is fetched in
# full next time (no conditional GET), so the article is found again.
_TRANSIENT = ("HTTP 5", "HTTP 429", "HTTP 408", "timed out", "connection refused", "host not found",
              "connection lost", "download failed", "could not be archived")


def is_transient(reason: str) -> bool:
    """True for a failure that may pass by itself (a server error, a time-out, a lost connection)."""
    return reason.startswith(_TRANSIENT)


def _ignored_reason(text: str, lowered: str) -> str:
    if "robots" in lowered:
        return "disallowed by robots.txt"
    if "redirect" in lowered:
        return "too many redirects"
    if "maxsize" in lowered or "max size" in lowered:
        return f"{SIZE_REASON} (after decompression)"
    return f"ignored: {text}"[:200] if text else "ignored"


def failure_reason(failure: Failure) -> str:
    """A short human reason for a failed request."""
    from scrapy import exceptions as sx
    from twisted.internet import defer
    from twisted.internet import error as tx

    exc = failure.value
    name = type(exc).__name__
    text = (str(exc).splitlines() or [""])[0]
    lowered = f"{name} {text}".lower()
    if isinstance(exc, sx.IgnoreRequest):
        return _ignored_reason(text, lowered)
    if isinstance(exc, sx.DownloadTimeoutError | tx.TimeoutError | defer.TimeoutError) or "timed out" in lowered \
            or "took longer than" in lowered:
        return "timed out"
    if "larger than download max size" in lowered or "max size" in lowered:
        return SIZE_REASON
    if isinstance(exc, sx.CannotResolveHostError | tx.DNSLookupError) or "dns lookup" in lowered:
        return "host not found"
    if isinstance(exc, sx.DownloadConnectionRefusedError | tx.ConnectionRefusedError) or "refused" in lowered:
        return "connection refused"
    if isinstance(exc, sx.ResponseDataLossError | tx.ConnectionLost | tx.ConnectionDone):
        return "connection lost before the response was complete"
    if isinstance(exc, sx.UnsupportedURLSchemeError | sx.NotSupported):
        return f"not fetched: {text}"[:200] if text else "not fetched: unsupported URL"
    if isinstance(exc, sx.DownloadCancelledError | defer.CancelledError):
        # Scrapy's HTTP handler cancels a download for one reason: the body outgrew DOWNLOAD_MAXSIZE
        # (downloads cut short by a stopping crawl are not reported; see ArchiveSpider.on_error).
        return SIZE_REASON
    if isinstance(exc, sx.DownloadFailedError | tx.ConnectError):
        return f"download failed: {text}"[:200] if text else "download failed"
    return f"{name}: {text}"[:200] if text else name
