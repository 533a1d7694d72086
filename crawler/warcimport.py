"""`optout import-warc`: web archives made by other tools (Webrecorder, Archive-It, ArchiveBox, Heritrix, wget)
read into the archive.

Files are streamed record by record with warcio (a 2 GB WARC is never read whole; one record's payload at a
time, bounded like a crawl's responses). Every HTML or PDF response (or resource) record becomes a capture,
through the crawl's own extraction stage (crawler.pipelines.ExtractionPipeline) and the archive
(Archive.record_page), with the record's target URI and date and the file it came from as provenance; an
article becomes a document (the same document as a live or Wayback copy of its URL). Revisit records are
captures of the payload they refer to when that payload was read from these files. Importing a file twice
adds nothing: a capture with the same URL, date and payload sha1 is archived already. Records that cannot be
used are counted with their reasons.
"""

from __future__ import annotations

import hashlib
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive import Archive, ArchiveError
from crawler.items import PageItem
from crawler.sources import Source
from crawler.wayback import looks_like_soft_404

_PAGE_TYPES = ("text/html", "application/xhtml", "application/pdf")
MAX_STORAGE_FAILURES = 3


class WarcImportError(ValueError):
    """A file that cannot be imported at all (not a WARC), named with the reason."""


@dataclass
class ImportReport:
    """What an import did: outcomes, records it could not use (by reason) and files it could not finish."""

    files: int = 0
    records: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    unusable: Counter[str] = field(default_factory=Counter)
    file_problems: list[tuple[str, str]] = field(default_factory=list)
    storage_error: str | None = None

    @property
    def archived(self) -> int:
        return sum(self.counts[k] for k in ("new", "updated", "unchanged", "captured"))


def check_warc(path: Path) -> None:
    """WarcImportError unless ``path`` is a readable file that starts like a WARC (gzipped or not)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(64 * 1024)
    except IsADirectoryError:
        raise WarcImportError(f"{path}: is a directory, not a WARC file") from None
    except OSError as exc:
        raise WarcImportError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 4096)
        except zlib.error:
            raise WarcImportError(f"{path}: a damaged gzip file, not a readable WARC") from None
    if head.startswith(b"filedesc://"):
        raise WarcImportError(f"{path}: an ARC file (the older format); convert it to WARC first (warcio recompress)")
    if not head.startswith(b"WARC/"):
        raise WarcImportError(f"{path}: not a WARC file (it does not start with a WARC record)")


def warc_date(value: str | None) -> str | None:
    """A WARC-Date (W3C ISO, possibly with fractions of a second) as the archive's UTC form."""
    if not value or len(value) < 19 or value[4] != "-" or value[10] != "T":
        return None
    return value[:19] + "Z"


class WarcImport:
    """One import of WARC files into an archive (see the module docstring)."""

    def __init__(self, archive: Archive, sources: list[Source], max_bytes: int, force_source: Source | None = None,
                 progress: Callable[[ImportReport], None] | None = None):
        from crawler.pipelines import ExtractionPipeline

        self.archive, self.sources, self.max_bytes = archive, sources, max_bytes
        self.force_source, self.progress = force_source, progress
        self.report = ImportReport()
        self.extraction = ExtractionPipeline()
        # Payload digest -> (our capture's WARC file, offset, sha1): what revisits refer to (kept small: a big
        # file has many records, and the capture itself holds the status, headers and body).
        self.payloads: dict[str, tuple[str, int, str]] = {}
        self.storage_failures = 0

    def run(self, paths: list[Path]) -> ImportReport:
        for path in paths:
            check_warc(path)  # every file first: nothing is imported when one of them is no WARC
        for path in paths:
            if self.report.storage_error:
                break
            self.report.files += 1
            self._file(path)
        return self.report

    def _file(self, path: Path) -> None:
        from warcio.archiveiterator import ArchiveIterator

        read = 0
        try:
            with open(path, "rb") as fh:
                records = ArchiveIterator(fh, check_digests=True)
                for record in records:
                    read += 1
                    self._record(record, path)
                    if self.progress:
                        self.progress(self.report)
                    if self.report.storage_error:
                        return
                size = fh.seek(0, 2)
            if records.offset < size:  # a gzip member cut short ends the iteration without an error
                self.report.file_problems.append(
                    (str(path), f"truncated or damaged after {read} record(s) (the last {size - records.offset} "
                                "bytes are no complete record)"))
        except (KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - warcio raises assorted errors on truncated or damaged files
            self.report.file_problems.append(
                (str(path), f"truncated or damaged after {read} record(s) ({type(exc).__name__}: {str(exc)[:100]})"))

    # -- one record --------------------------------------------------------------------------------------

    def _record(self, record: Any, path: Path) -> None:
        self.report.records += 1
        kind = record.rec_type
        if kind in ("request", "warcinfo", "metadata"):
            self.report.counts[f"{kind} records"] += 1
            return
        if kind not in ("response", "revisit", "resource"):
            self.report.unusable[f"{kind or 'unreadable'} record"] += 1
            return
        url = record.rec_headers.get_header("WARC-Target-URI") or ""
        when = warc_date(record.rec_headers.get_header("WARC-Date"))
        if not url.startswith(("http://", "https://")) or when is None:
            self.report.unusable["no http(s) target URI or no date"] += 1
            return
        if kind == "revisit":
            self._revisit(record, url, when, path)
            return
        status, headers = self._status_and_headers(record)
        if not 200 <= status < 300:
            self.report.unusable[f"HTTP {status} response" if status else "no HTTP status"] += 1
            return
        ctype = next((v for k, v in headers if k.lower() == "content-type"), "") or ""
        if not any(t in ctype.lower() for t in _PAGE_TYPES):
            self.report.unusable[f"not HTML or PDF ({ctype.split(';')[0].strip() or 'no type'})"] += 1
            return
        body = record.content_stream().read(self.max_bytes + 1)
        if len(body) > self.max_bytes:
            self.report.unusable[f"larger than {self.max_bytes} bytes"] += 1
            return
        if record.digest_checker.passed is False or (
                record.digest_checker.passed is None and record.rec_headers.get_header("WARC-Block-Digest")):
            self.report.unusable["truncated or damaged record (its digest does not match)"] += 1
            return
        digest = record.rec_headers.get_header("WARC-Payload-Digest")
        self._archive(url, when, status, headers, body, path, record.rec_headers.get_header("WARC-Record-ID"), digest)

    @staticmethod
    def _status_and_headers(record: Any) -> tuple[int, list[tuple[str, str]]]:
        if record.rec_type == "resource":  # a file kept without HTTP headers (wget, ArchiveBox)
            ctype = record.rec_headers.get_header("Content-Type") or ""
            return 200, [("Content-Type", ctype)]
        http = record.http_headers
        if http is None:
            return 0, []
        try:
            status = int(http.get_statuscode() or 0)
        except ValueError:
            status = 0
        return status, list(http.headers)

    def _revisit(self, record: Any, url: str, when: str, path: Path) -> None:
        """A revisit says the page was the same as an earlier capture: a capture of that payload."""
        digest = record.rec_headers.get_header("WARC-Payload-Digest")
        earlier = self.payloads.get(digest or "")
        if earlier is None:
            self.report.unusable["revisit of a record not read from these files"] += 1
            return
        file, offset, sha1 = earlier
        try:
            raw = self.archive.warc.read(file, offset, sha1=sha1)
        except ArchiveError as exc:
            self.report.unusable[f"revisit: its earlier capture cannot be read ({exc})"[:120]] += 1
            return
        self._archive(url, when, raw.status, raw.headers, raw.body, path, record.rec_headers.get_header("WARC-Record-ID"),
                      None)

    def _source_for(self, url: str) -> Source | None:
        if self.force_source is not None:
            return self.force_source
        return next((s for s in self.sources if s.allows(url)), None)

    def _archive(self, url: str, when: str, status: int, headers: list[tuple[str, str]], body: bytes, path: Path,
                 record_id: str | None, digest: str | None) -> None:
        from scrapy.exceptions import DropItem

        sha1 = hashlib.sha1(body).hexdigest()
        catalog = self.archive.catalog
        if catalog.has_capture(url, when, sha1):
            self.report.counts["archived before"] += 1
            if digest:
                self._remember(digest, url, sha1)
            return
        source = self._source_for(url)
        ctype = next((v for k, v in headers if k.lower() == "content-type"), None)
        item = PageItem(source=source.id if source else "", url=url, requested_url=url, status=status, body=body,
                        response_headers=headers, request_headers=[], kind=source.kind if source else None,
                        content_type=ctype, source_organization=source.organization if source else None,
                        time_zone=source.time_zone if source else None)
        try:
            self.extraction.process_item(item)
        except DropItem as exc:
            self.report.unusable[str(exc)[:120]] += 1
            return
        extracted = item.extracted
        if looks_like_soft_404(extracted):
            self.report.counts["soft 404s kept as captures"] += 1
            extracted = None  # the evidence that the page was gone then: a capture, no document
        origin = f"{path.name}#{record_id or '?'}"
        fields = [("via", "imported WARC file"), ("imported-from", path.name), ("original-record-id", record_id or ""),
                  ("original-warc-date", when)]
        try:
            outcome, _doc = self.archive.record_page(
                source=source.id if source else None, url=url, status=status, body=body, response_headers=headers,
                request_headers=None, extracted=extracted, kind=source.kind if source else None,
                source_organization=source.organization if source else None, captured_at=when, origin=origin,
                origin_type="warc", provenance=fields)
        except (ArchiveError, OSError) as exc:
            self.report.unusable[f"could not be archived: {exc}"[:120]] += 1
            self.storage_failures += 1
            if self.storage_failures >= MAX_STORAGE_FAILURES:
                self.report.storage_error = str(exc)[:300]
            return
        self.storage_failures = 0
        self.report.counts[outcome] += 1
        if digest:
            self._remember(digest, url, sha1)

    def _remember(self, digest: str, url: str, sha1: str) -> None:
        cap = self.archive.catalog.last_capture(url, sha1)
        if cap is not None and cap.warc_file:
            self.payloads[digest] = (cap.warc_file, cap.warc_offset or 0, sha1)


def import_warcs(paths: list[Path], archive: Archive, sources: list[Source], force_source: Source | None = None,
                 progress: Callable[[ImportReport], None] | None = None, max_bytes: int | None = None) -> ImportReport:
    """Import WARC files into ``archive``; WarcImportError (nothing imported) when one is not a WARC."""
    from archive.locks import exclusive
    from crawler.settings import SETTINGS

    limit = max_bytes or int(SETTINGS["DOWNLOAD_MAXSIZE"])
    # Two imports at once could both find a record missing and archive it twice.
    with exclusive(archive.path, "import-warc", "another `optout import-warc` is running on this data directory; "
                                                "try again when it ends"):
        return WarcImport(archive, sources, limit, force_source, progress).run([Path(p) for p in paths])
