"""A loopback stand-in for the Wayback Machine, for backfill tests and the backfill bench: the CDX API
(``/cdx/search/cdx``: url with matchType exact/prefix/domain, from/to, statuscode and mimetype filters,
collapse=digest, output=json, limit with showResumeKey/resumeKey paging) and original captures at
``/web/{timestamp}id_/{url}`` (with the Archive's X-Archive-Orig-* headers). Faults a real Archive shows:
garbage or error answers, a resume key that loops, 429 with Retry-After, captures that redirect.

Built on testsupport.faultserver (its request log and concurrency counter tell tests what was asked).
All pages it serves are made up by the tests.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

from testsupport.faultserver import FaultServer, _Handler, send


@dataclass
class StoredCapture:
    timestamp: str  # YYYYMMDDhhmmss
    original: str
    body: bytes
    mimetype: str = "text/html"
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)  # extra original headers
    location: str | None = None  # a redirect the Archive answers instead of the bytes

    @property
    def digest(self) -> str:
        return hashlib.sha1(self.body).hexdigest().upper()[:32]


def urlkey(url: str) -> str:
    """A SURT-like sort key: host labels reversed (without www.), then the path and query."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    return ",".join(reversed(host.split("."))) + ")" + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class WaybackServer(FaultServer):
    """``captures`` may be added to at any time; ``cdx_mode`` makes the CDX endpoint misbehave:
    "garbage", "404", "empty", "loop" (the same resume key every page), "html" (an error page)."""

    def __init__(self) -> None:
        super().__init__({"/cdx/search/cdx": self._cdx}, fallback=self._capture)
        self.captures: list[StoredCapture] = []
        self.cdx_mode: str | None = None
        self.throttle_first = 0  # answer this many requests with 429 + Retry-After: 0 first
        self.capture_delay = 0.0  # seconds before each capture is answered (a slow Archive, to interrupt)
        self._throttled = 0
        self._tlock = threading.Lock()

    def add(self, timestamp: str, original: str, body: bytes | str, **kw: object) -> StoredCapture:
        cap = StoredCapture(timestamp, original, body.encode("utf-8") if isinstance(body, str) else body, **kw)  # type: ignore[arg-type]
        self.captures.append(cap)
        return cap

    def _throttle(self, handler: _Handler) -> bool:
        with self._tlock:
            if self._throttled < self.throttle_first:
                self._throttled += 1
                send(handler, 429, b"slow down", "text/plain", [("Retry-After", "0")])
                return True
        return False

    # -- the CDX API ----------------------------------------------------------------------------------

    def rows(self, query: list[tuple[str, str]]) -> list[list[str]]:
        """The CDX rows matching ``query`` (without paging), sorted like the real index."""
        q = dict(query)
        target, match = q.get("url", ""), q.get("matchType", "exact")
        filters = [v for k, v in query if k == "filter"]
        out: list[tuple[str, StoredCapture]] = []
        for cap in self.captures:
            if not _matches(cap.original, target, match):
                continue
            if q.get("from") and cap.timestamp[:len(q["from"])] < q["from"]:
                continue
            if q.get("to") and cap.timestamp[:len(q["to"])] > q["to"]:
                continue
            values = {"statuscode": str(cap.status), "mimetype": cap.mimetype}
            # Like the real API: each filter is a regular expression the whole field must match.
            if all(re.fullmatch(f.split(":", 1)[1], values.get(f.split(":", 1)[0], "")) for f in filters):
                out.append((urlkey(cap.original), cap))
        out.sort(key=lambda kc: (kc[0], kc[1].timestamp))
        rows, last = [], None
        for key, cap in out:
            if q.get("collapse") == "digest" and last == (key, cap.digest):
                continue
            last = (key, cap.digest)
            rows.append([key, cap.timestamp, cap.original, cap.mimetype, str(cap.status), cap.digest, str(len(cap.body))])
        if (q.get("collapse") or "").startswith("timestamp:"):
            width = int(q["collapse"].split(":")[1])
            kept, seen = [], set()
            for row in rows:
                if (row[0], row[1][:width]) not in seen:
                    seen.add((row[0], row[1][:width]))
                    kept.append(row)
            rows = kept
        return rows

    def _cdx(self, handler: _Handler) -> None:
        if self._throttle(handler):
            return
        mode = self.cdx_mode
        if mode == "garbage":
            return send(handler, 200, b"\x00\x01 this is not json {{", "text/plain")
        if mode == "404":
            return send(handler, 404, b"<html><body>Not Found</body></html>")
        if mode == "html":
            return send(handler, 200, b"<html><body><h1>Wayback Machine</h1><p>Error.</p></body></html>")
        query = parse_qsl(urlsplit(handler.path).query, keep_blank_values=True)
        if mode == "empty":
            return send(handler, 200, b"", "text/plain")
        q = dict(query)
        rows = self.rows(query)
        limit = int(q.get("limit") or 0) or len(rows) or 1
        start = int(q["resumeKey"].rsplit("-", 1)[1]) if q.get("resumeKey", "").startswith("key-") else 0
        page = rows[start:start + limit]
        data: list[list[str]] = [["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"], *page]
        if q.get("showResumeKey") == "true" and (start + limit < len(rows) or mode == "loop"):
            data += [[], ["key-1" if mode == "loop" else f"key-{start + limit}"]]
        if len(data) == 1:
            data = []  # the real API answers [] when nothing matches
        send(handler, 200, json.dumps(data).encode(), "application/json")

    # -- captures ---------------------------------------------------------------------------------------

    def _capture(self, handler: _Handler) -> None:
        if self._throttle(handler):
            return
        raw = handler.path
        if not raw.startswith("/web/"):
            return send(handler, 404, b"not here")
        stamp, _, original = raw[len("/web/"):].partition("/")
        stamp = stamp.removesuffix("id_")
        original = unquote(original) if original.startswith("http%3A") else original
        cap = next((c for c in self.captures if c.timestamp == stamp and c.original == original), None)
        if cap is None:
            return send(handler, 404, b"<html><body><p>Wayback Machine has not archived that URL.</p></body></html>")
        if self.capture_delay:
            time.sleep(self.capture_delay)
        if cap.location:
            return send(handler, 302, b"", headers=[("Location", cap.location)])
        headers = [("X-Archive-Orig-" + k, v) for k, v in cap.headers]
        headers += [("Memento-Datetime", stamp), ("X-Archive-Orig-Content-Length", str(len(cap.body)))]
        ctype = cap.mimetype + ("; charset=utf-8" if cap.mimetype.startswith("text/") else "")
        send(handler, cap.status, cap.body, ctype, headers)


def _matches(original: str, target: str, match: str) -> bool:
    if match == "exact":
        return original == target
    if match == "prefix":
        strip = lambda u: u.split("://", 1)[-1].removeprefix("www.")  # noqa: E731
        return strip(original).startswith(strip(target))
    host = (urlsplit(original).hostname or "").lower().removeprefix("www.")
    want = target.lower().split("://", 1)[-1].split("/")[0].removeprefix("www.")
    return host == want or host.endswith("." + want)
