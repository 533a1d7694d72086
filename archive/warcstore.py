"""Raw HTTP captures as WARC request/response records (warcio), and reading them back.

warcio is imported where records are written or read, not at import time: `optout search` never needs it."""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from archive.errors import ArchiveError

# Start a new WARC file past this size so no single file grows without bound.
MAX_WARC_BYTES = 1 << 30


@dataclass
class WarcLocation:
    file: str
    offset: int
    length: int


@dataclass
class RawResponse:
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class WarcStore:
    """Appends captures to gzip-per-record WARC files under ``directory``."""

    def __init__(self, directory: Path):
        self.directory = directory
        self._file: Path | None = None

    def _current(self) -> Path:
        if self._file is None or (self._file.exists() and self._file.stat().st_size > MAX_WARC_BYTES):
            stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
            self.directory.mkdir(parents=True, exist_ok=True)
            self._file = self.directory / f"optout-{stamp}-{os.getpid()}.warc.gz"
        return self._file

    def write(self, url: str, status: int, reason: str, response_headers: list[tuple[str, str]], body: bytes,
              request_headers: list[tuple[str, str]] | None = None, method: str = "GET",
              captured_at: str | None = None) -> WarcLocation:
        """Append a response record (and its request record) for one fetch; returns where it lies."""
        from warcio.statusandheaders import StatusAndHeaders
        from warcio.warcwriter import WARCWriter

        path = self._current()
        warc_date = (captured_at or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        # Headers that describe the transfer, not the stored payload, would make the record unreadable.
        headers = [(k, v) for k, v in response_headers
                   if k.lower() not in ("content-encoding", "transfer-encoding", "content-length")]
        headers.append(("Content-Length", str(len(body))))
        with open(path, "ab") as fh:
            offset = fh.tell()
            writer = WARCWriter(fh, gzip=True)
            http_headers = StatusAndHeaders(f"{status} {reason or 'OK'}", headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=http_headers,
                warc_headers_dict={"WARC-Date": warc_date},
            )
            writer.write_record(record)
            length = fh.tell() - offset
            if request_headers is not None:
                req_headers = StatusAndHeaders(f"{method} {_path_of(url)} HTTP/1.1", request_headers, is_http_request=True)
                req = writer.create_warc_record(url, "request", http_headers=req_headers,
                                                warc_headers_dict={"WARC-Date": warc_date,
                                                                   "WARC-Concurrent-To": record.rec_headers.get_header("WARC-Record-ID")})
                writer.write_record(req)
            fh.flush()
            os.fsync(fh.fileno())
        return WarcLocation(path.name, offset, length)

    def read(self, file: str, offset: int) -> RawResponse:
        """Read the response record at ``offset`` of ``file`` back, exactly as captured."""
        from warcio.archiveiterator import ArchiveIterator

        path = self.directory / Path(file).name
        try:
            with open(path, "rb") as fh:
                fh.seek(offset)
                for record in ArchiveIterator(fh):
                    if record.rec_type != "response":
                        continue
                    body = record.content_stream().read()
                    status = int(record.http_headers.get_statuscode() or 0)
                    return RawResponse(record.rec_headers.get_header("WARC-Target-URI"), status,
                                       list(record.http_headers.headers), body)
        except (OSError, ValueError) as exc:
            raise ArchiveError(f"cannot read capture from {path}: {exc}") from exc
        raise ArchiveError(f"no response record at {path}:{offset}")


def _path_of(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def sha1_hex(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()
