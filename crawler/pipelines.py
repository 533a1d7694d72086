"""The item pipeline, two stages: extraction (is the page an article, and what does it say), then the
archive (WARC capture + catalog document). A stage that refuses a page raises DropItem with the reason;
the crawl report extension and the spider learn of every outcome through Scrapy's item signals."""

from __future__ import annotations

import sqlite3
from typing import Any

from scrapy.exceptions import DropItem

from archive import ArchiveError, canonical_url
from archive.store import now_iso
from crawler.items import PageItem
from crawler.pdf import looks_like_pdf

_HTML_TYPES = ("text/html", "application/xhtml", "text/plain", "application/xml", "text/xml")
# C0 control characters that text does not use (tab, newlines, form feed and escape are left out).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27))


class ExtractionPipeline:
    """Refuses what is not a page (empty, binary, not HTML) and extracts the title, date, authors, text
    and kind of every HTML page and PDF; a PDF it cannot read is kept as a capture with the reason."""

    def process_item(self, item: PageItem, spider: Any = None) -> PageItem:
        body = item.body
        if not body.strip():
            raise DropItem("empty response body")
        lowered_type = (item.content_type or "").lower()
        if looks_like_pdf(body, lowered_type):
            return _extract_pdf(item)
        html_like = not item.content_type or any(t in lowered_type for t in _HTML_TYPES) or _sniffs_as_html(body)
        if _looks_binary(body[:4096]):
            raise DropItem(f"binary content, not a page ({lowered_type.split(';')[0] or 'no type'})")
        if not html_like:
            raise DropItem(f"not an HTML page ({lowered_type.split(';')[0]})")
        from crawler.extract import extract

        try:
            # NULs are dropped for extraction only; the capture keeps the bytes exactly as served.
            extraction = extract(body.replace(b"\x00", b""), item.url, item.content_type, item.kind, item.hints,
                                 time_zone=item.time_zone)
        except Exception as exc:  # noqa: BLE001 - one odd page must not stop the crawl
            raise DropItem(f"extraction failed: {type(exc).__name__}: {exc}"[:200]) from None
        if not extraction.text.strip():
            item.note = "no text"
            item.failure = "no article text found"  # the capture is kept all the same
            return item
        item.extracted = extraction.to_dict()
        return item


def _extract_pdf(item: PageItem) -> PageItem:
    """A PDF statement or letter, read like a page; one that cannot be read (a scan, a broken file, a
    bomb) is kept as a capture all the same (it is evidence) and its reason recorded."""
    from crawler.pdf import PdfFailure, extract_pdf

    item.note = "pdf"
    try:
        extraction = extract_pdf(item.body, item.url, item.kind, feed_entry=item.hints)
    except PdfFailure as exc:
        item.failure = str(exc)
        return item
    item.extracted = extraction.to_dict()
    return item


class ArchivePipeline:
    """Writes each page to the crawl's archive: the raw response to WARC, the document to the catalog."""

    # Consecutive pages that could not be stored before the crawl stops: fetching on while every write
    # fails (a full disk) would only lose more pages and hammer the sites for nothing.
    MAX_STORAGE_FAILURES = 3

    def __init__(self, crawler: Any = None):
        self.crawler = crawler
        self.storage_failures = 0

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchivePipeline:
        return cls(crawler)

    def process_item(self, item: PageItem, spider: Any = None) -> PageItem:
        spider = spider or self.crawler.spider
        archive = spider.archive
        try:
            outcome, _doc_id = archive.record_page(
                source=item.source, url=item.url, status=item.status, body=item.body,
                response_headers=item.response_headers, request_headers=item.request_headers,
                extracted=item.extracted, kind=item.kind, source_organization=item.source_organization,
            )
            # Remember the fetch so the next crawl does not fetch this page again (pages without article
            # text too: asking again each crawl would only pile up identical captures; a newer sitemap
            # lastmod or --refresh still fetches them). Written after the capture: a crawl killed in
            # between fetches the page once more, never loses it.
            fetched_at = now_iso()
            for url in {canonical_url(item.requested_url), canonical_url(item.url)}:
                archive.catalog.set_fetch_state(url, None, None, item.lastmod, fetched_at)
            if item.failure is None:  # archived now: its earlier failures no longer hold
                archive.catalog.clear_failures({item.requested_url, item.url})
        except (ArchiveError, OSError, sqlite3.Error) as exc:
            self._storage_failed(exc, spider)
            raise DropItem(f"could not be archived: {exc}"[:300]) from None
        self.storage_failures = 0
        item.outcome = outcome
        # The body is in the WARC file now; do not keep megabytes alive in Scrapy's item references.
        item.body = b""
        return item


    def _storage_failed(self, exc: BaseException, spider: Any) -> None:
        if not is_storage_failure(exc):
            return
        self.storage_failures += 1
        if self.storage_failures == self.MAX_STORAGE_FAILURES and self.crawler is not None:
            self.crawler.stats.set_value(STORAGE_ERROR_KEY, str(exc)[:300])
            self.crawler.engine.close_spider(spider, STORAGE_FAILED)


STORAGE_FAILED = "storage_failed"  # the crawl's finish reason when it stopped because nothing could be stored
STORAGE_ERROR_KEY = "optout/storage_error"


def is_storage_failure(exc: BaseException) -> bool:
    """A failure of the disk or the catalog file (full, read-only, I/O error), not of one page."""
    cause = exc.__cause__ or exc
    return isinstance(cause, OSError | sqlite3.OperationalError)


def _sniffs_as_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head


def _looks_binary(sample: bytes) -> bool:
    """Bytes no text page has: many NULs or other control characters (UTF-16 pages start with a BOM)."""
    if not sample or sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    # A few stray NULs in a text page (a bad CMS export) are not binary: counted with the other control
    # bytes against the threshold, so such a page is archived and extracted rather than lost.
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > 0.02 * len(sample)
