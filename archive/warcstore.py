"""Raw HTTP captures as WARC request/response records (warcio), and reading them back.

warcio is imported where records are written or read, not at import time: `optout search` never needs it."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

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

    def _open_append(self, path: Path) -> BinaryIO:
        """The file records are appended to (a seam for fault-injection tests)."""
        return open(path, "ab")

    def write(self, url: str, status: int, reason: str, response_headers: list[tuple[str, str]], body: bytes,
              request_headers: list[tuple[str, str]] | None = None, method: str = "GET",
              captured_at: str | None = None, provenance: list[tuple[str, str]] | None = None) -> WarcLocation:
        """Append a response record (and its request record) for one fetch; returns where it lies.

        ``provenance`` (WARC named fields, e.g. the Wayback address a capture was read from) is written as
        a metadata record concurrent to the response, and its ``WARC-Source-URI`` also on the response.

        The append is atomic: the records are built in memory and written in one go; if the write fails
        (disk full, I/O error, interrupt) the file is cut back to where the records began, so no half record
        ever sits before later ones. If even that fails, later records go to a new file."""
        response, request = self._records(url, status, reason, response_headers, body, request_headers, method,
                                          captured_at, provenance)
        path = self._current()
        with self._open_append(path) as fh:
            fh.seek(0, os.SEEK_END)
            offset = fh.tell()
            try:
                fh.write(response + request)
                fh.flush()
                os.fsync(fh.fileno())
            except BaseException as exc:
                self._undo_append(fh, path, offset)
                if isinstance(exc, OSError):
                    raise ArchiveError(f"cannot write capture to {path}: {exc.strerror or exc}") from exc
                raise
        return WarcLocation(path.name, offset, len(response))

    def _undo_append(self, fh: BinaryIO, path: Path, offset: int) -> None:
        """Cut ``path`` back to ``offset`` after a failed append; if that fails, stop appending to it."""
        try:
            fh.truncate(offset)
            os.fsync(fh.fileno())
        except (OSError, ValueError):
            self._file = None  # the next record starts a new file rather than following a half record

    @staticmethod
    def _records(url: str, status: int, reason: str, response_headers: list[tuple[str, str]], body: bytes,
                 request_headers: list[tuple[str, str]] | None, method: str,
                 captured_at: str | None, provenance: list[tuple[str, str]] | None = None) -> tuple[bytes, bytes]:
        """The gzipped response record and, as one more run of bytes, its request record (if there are
        request headers) and its provenance metadata record (if any)."""
        from warcio.statusandheaders import StatusAndHeaders
        from warcio.warcwriter import WARCWriter

        warc_date = (captured_at or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        # Headers that describe the transfer, not the stored payload, would make the record unreadable.
        headers = [(k, v) for k, v in response_headers
                   if k.lower() not in ("content-encoding", "transfer-encoding", "content-length")]
        headers.append(("Content-Length", str(len(body))))
        out = io.BytesIO()
        writer = WARCWriter(out, gzip=True)
        http_headers = StatusAndHeaders(f"{status} {reason or 'OK'}", headers, protocol="HTTP/1.1")
        extra = {k: v for k, v in (provenance or []) if k == "WARC-Source-URI"}
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=http_headers,
            warc_headers_dict={"WARC-Date": warc_date, **extra},
        )
        writer.write_record(record)
        response = out.getvalue()
        meta = _metadata_record(url, warc_date, record.rec_headers.get_header("WARC-Record-ID"), provenance)
        if request_headers is None:
            return response, meta
        out = io.BytesIO()
        writer = WARCWriter(out, gzip=True)
        req_headers = StatusAndHeaders(f"{method} {_path_of(url)} HTTP/1.1", request_headers, is_http_request=True)
        req = writer.create_warc_record(url, "request", http_headers=req_headers,
                                        warc_headers_dict={"WARC-Date": warc_date,
                                                           "WARC-Concurrent-To": record.rec_headers.get_header("WARC-Record-ID")})
        writer.write_record(req)
        return response, out.getvalue() + meta

    def read(self, file: str, offset: int, *, sha1: str | None = None, length: int | None = None) -> RawResponse:
        """Read the response record at ``offset`` of ``file`` back, exactly as captured.

        The payload is checked against the record's own WARC-Payload-Digest and, when given, the catalog's
        ``sha1`` and ``length``: a damaged capture raises DamagedCapture instead of being shown as archived."""
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
                    _check_payload(path, offset, body, record.rec_headers.get_header("WARC-Payload-Digest"),
                                   sha1, length)
                    return RawResponse(record.rec_headers.get_header("WARC-Target-URI"), status,
                                       list(record.http_headers.headers), body)
        except DamagedCapture:
            raise
        except FileNotFoundError as exc:
            raise ArchiveError(f"cannot read capture from {path}: the WARC file is missing") from exc
        except (OSError, ValueError, EOFError, zlib.error) as exc:
            raise DamagedCapture(f"the capture at {path.name}:{offset} is damaged and cannot be shown as archived "
                                 f"({type(exc).__name__}: {exc})") from exc
        except Exception as exc:  # noqa: BLE001 - warcio raises assorted errors on damaged input
            raise DamagedCapture(f"the capture at {path.name}:{offset} is damaged and cannot be shown as archived "
                                 f"({type(exc).__name__})") from exc
        raise DamagedCapture(f"no response record at {path.name}:{offset} (the WARC file is truncated or damaged)")


class DamagedCapture(ArchiveError):
    """A capture whose WARC record is unreadable or whose bytes differ from what was archived."""


def _check_payload(path: Path, offset: int, body: bytes, digest: str | None, sha1: str | None,
                   length: int | None) -> None:
    where = f"{path.name}:{offset}"
    if length and len(body) != length:  # 0: a length the catalog never knew
        raise DamagedCapture(f"the capture at {where} is damaged: {len(body)} bytes where {length} were archived")
    got = hashlib.sha1(body)
    if sha1 and got.hexdigest() != sha1.lower():
        raise DamagedCapture(f"the capture at {where} is damaged: its sha1 differs from the one archived")
    if digest and digest.lower().startswith("sha1:"):
        expected = digest.split(":", 1)[1].strip().upper()
        if base64.b32encode(got.digest()).decode() != expected and got.hexdigest().upper() != expected:
            raise DamagedCapture(f"the capture at {where} is damaged: its payload digest does not match")


def _metadata_record(url: str, warc_date: str, concurrent_to: str, provenance: list[tuple[str, str]] | None) -> bytes:
    """A gzipped WARC metadata record (application/warc-fields) naming where a capture came from."""
    if not provenance:
        return b""
    from warcio.warcwriter import WARCWriter

    fields = "".join(f"{k}: {' '.join(str(v).split())}\r\n" for k, v in provenance).encode("utf-8")
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    record = writer.create_warc_record(url, "metadata", payload=io.BytesIO(fields),
                                       warc_content_type="application/warc-fields",
                                       warc_headers_dict={"WARC-Date": warc_date, "WARC-Concurrent-To": concurrent_to})
    writer.write_record(record)
    return out.getvalue()


def _path_of(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def sha1_hex(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()
