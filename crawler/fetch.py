"""Single polite fetches outside a crawl (`optout extract URL`, `optout sources add`): robots.txt obeyed,
size and time bounded, http(s) only."""

from __future__ import annotations

import urllib.error
import urllib.request
import urllib.robotparser
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from crawler.settings import SETTINGS, USER_AGENT

MAX_BYTES = SETTINGS["DOWNLOAD_MAXSIZE"]
TIMEOUT = 20


class FetchError(OSError):
    """A page that could not be fetched, with the reason."""


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
            raise FetchError(f"refused redirect to {newurl}")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_opener = urllib.request.build_opener(_NoFileRedirects)


def allowed_by_robots(url: str) -> bool:
    robots_url = urljoin(url, "/robots.txt")
    parser = urllib.robotparser.RobotFileParser()
    try:
        response = _raw(robots_url)
    except FetchError:
        return True
    if response.status >= 400:
        return True
    parser.parse(response.body.decode("utf-8", "replace").splitlines())
    return parser.can_fetch(USER_AGENT, url)


def _raw(url: str) -> FetchResponse:
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(f"not an http(s) URL: {url}")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            body = response.read(MAX_BYTES + 1)
            status, final, headers = response.status, response.geturl(), dict(response.headers.items())
    except urllib.error.HTTPError as exc:
        return FetchResponse(url, exc.code, b"", exc.headers.get("Content-Type"), dict(exc.headers.items()))
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(f"cannot fetch {url}: {reason}") from None
    if len(body) > MAX_BYTES:
        raise FetchError(f"{url}: response larger than {MAX_BYTES // (1024 * 1024)} MB")
    return FetchResponse(final, status, body, headers.get("Content-Type"), headers)


def fetch(url: str, check_robots: bool = True) -> FetchResponse:
    """GET ``url`` once, as the crawler would; FetchError when refused or unreachable."""
    if check_robots and not allowed_by_robots(url):
        raise FetchError(f"{url}: disallowed by robots.txt")
    response = _raw(url)
    if response.status >= 400:
        raise FetchError(f"{url}: HTTP {response.status}")
    return response
