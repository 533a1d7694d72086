"""Single polite fetches outside a crawl (`optout extract URL`, `optout sources add/check`): robots.txt obeyed
with the crawl's own parser (Protego, Scrapy's default, so wildcard and ``$`` rules mean the same here as in
a crawl), size and time bounded, http(s) only."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from protego import Protego

from crawler.settings import SETTINGS, USER_AGENT

MAX_BYTES = SETTINGS["DOWNLOAD_MAXSIZE"]
TIMEOUT = min(float(SETTINGS["DOWNLOAD_TIMEOUT"]), 20.0)
_CHUNK = 64 * 1024


class FetchError(OSError):
    """A page that could not be fetched, with the reason."""

    def __init__(self, message: str, reason: str | None = None):
        super().__init__(message)
        self.reason = reason or message

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else self.reason


@dataclass
class FetchResponse:
    url: str
    status: int
    body: bytes
    content_type: str | None
    headers: dict[str, str]


class _NoFileRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = SETTINGS["REDIRECT_MAX_TIMES"]

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise FetchError(f"refused redirect to {newurl}", "redirect to a non-web URL")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_NoFileRedirects)
# robots.txt answers per site, for the life of the process (a `sources add` fetches several URLs of one site).
_robots: dict[str, Protego | None] = {}


def allowed_by_robots(url: str) -> bool:
    """True unless the site's robots.txt disallows ``url`` for our user agent. A missing or broken
    robots.txt allows everything; a site that cannot be reached at all raises FetchError."""
    robots_url = urljoin(url, "/robots.txt")
    if robots_url not in _robots:
        try:
            response = _raw(robots_url)
        except FetchError as exc:
            if exc.reason == "too large" or exc.reason == "too many redirects":
                _robots[robots_url] = None
            else:  # the site itself cannot be reached: say so about the site, not its robots.txt
                raise FetchError(f"cannot reach {urlsplit(url).netloc}: {exc.reason}", exc.reason) from None
        else:
            if response.status >= 400:
                _robots[robots_url] = None
            else:
                _robots[robots_url] = Protego.parse(response.body.decode("utf-8", "replace"))
    parser = _robots[robots_url]
    # The same user agent string Scrapy's robots.txt middleware matches the rules against.
    return parser is None or parser.can_fetch(url, USER_AGENT)


def _raw(url: str) -> FetchResponse:
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise FetchError(f"not an http(s) URL: {url}", "not an http(s) URL")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
    deadline = time.monotonic() + 3 * TIMEOUT  # a server dripping bytes cannot hold us forever
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            chunks, size = [], 0
            while size <= MAX_BYTES:
                chunk = response.read(_CHUNK)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if time.monotonic() > deadline:
                    raise FetchError(f"cannot fetch {url}: timed out", "timed out")
            body = b"".join(chunks)
            status, final, headers = response.status, response.geturl(), dict(response.headers.items())
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:
            raise FetchError(f"cannot fetch {url}: too many redirects", "too many redirects") from None
        return FetchResponse(url, exc.code, b"", exc.headers.get("Content-Type"), dict(exc.headers.items()))
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        if isinstance(exc, FetchError):
            raise
        cause = getattr(exc, "reason", exc)
        if isinstance(cause, TimeoutError) or "timed out" in str(cause):
            reason = "timed out"
        elif isinstance(cause, OSError) and cause.strerror:
            reason = cause.strerror  # "Connection refused", "Name or service not known"
        else:
            reason = str(cause)
        raise FetchError(f"cannot fetch {url}: {reason}", reason) from None
    if len(body) > MAX_BYTES:
        limit = f"{MAX_BYTES // (1024 * 1024)} MB" if MAX_BYTES >= 1024 * 1024 else f"{MAX_BYTES} bytes"
        raise FetchError(f"{url}: response larger than {limit}", "too large")
    return FetchResponse(final, status, body, headers.get("Content-Type"), headers)


def fetch(url: str, check_robots: bool = True) -> FetchResponse:
    """GET ``url`` once, as the crawler would; FetchError when refused or unreachable."""
    if check_robots and not allowed_by_robots(url):
        raise FetchError(f"{url}: disallowed by robots.txt")
    response = _raw(url)
    if response.status >= 400:
        raise FetchError(f"{url}: HTTP {response.status}")
    return response
