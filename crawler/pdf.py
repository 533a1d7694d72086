"""PDF statements and letters: a PDF's bytes -> the same Extraction an HTML page gives (title, date, authors,
text one paragraph per line, language, kind), read with pdfminer.six's layout analysis (so two-column pages
come out column by column).

Every PDF is untrusted input: the work is bounded (size, page count, time, nesting of form objects, how far
compressed streams inflate) and anything past a bound, a broken file or a PDF without a text layer (a scan)
raises PdfFailure with a one-line reason, never hangs or crashes the crawl. pdfminer is imported here only."""

from __future__ import annotations

import io
import re
import time
import zlib
from collections import Counter
from dataclasses import dataclass
from statistics import median
from typing import Any

from crawler import dates, kinds, metadata
from crawler.extract import Extraction
from crawler.language import guess_language

MAX_PDF_BYTES = 30_000_000  # larger PDFs are kept as captures but not read
MAX_PAGES = 300  # a statement or a letter; a longer PDF is a report or a bomb
MAX_SECONDS = 30.0  # for the whole file
MAX_FORM_DEPTH = 12  # form XObjects drawn inside form XObjects
MAX_STREAM_BYTES = 50_000_000  # one stream, inflated
MAX_INFLATED_BYTES = 200_000_000  # all streams together, inflated
MAX_OBJECTS = 500_000
# A line printed on at least this share of pages (and on two or more) is a running header or footer.
FURNITURE_SHARE = 0.5
_PAGE_NUMBER = re.compile(r"^(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?$|^-\s*\d{1,4}\s*-$", re.IGNORECASE)
_BAD_TITLE = re.compile(r"^(microsoft (word|powerpoint)|untitled|document\d*$|slide \d)|\.(docx?|pdf|rtf|odt|pages)$|"
                        r"^[\w-]+$", re.IGNORECASE)
_BAD_AUTHOR = re.compile(r"^(admin(istrator)?|user|owner|staff|windows user|unknown)$", re.IGNORECASE)


class PdfFailure(ValueError):
    """Why a PDF yields no document: the reason is one line, fit to record as a crawl failure."""


def looks_like_pdf(body: bytes, content_type: str | None = None) -> bool:
    """A PDF by its type (application/pdf) or its magic number (``%PDF-`` near the start)."""
    return "pdf" in (content_type or "").lower() or b"%PDF-" in body[:1024]


@dataclass
class _Line:
    text: str
    size: float
    page: int


class _Budget:
    """The time a file may take; checked from inside pdfminer's drawing callbacks."""

    def __init__(self, seconds: float):
        self.deadline = time.monotonic() + seconds
        self.seconds = seconds
        self.ticks = 0

    def tick(self) -> None:
        self.ticks += 1
        if self.ticks % 512 == 0 and time.monotonic() > self.deadline:
            raise PdfFailure(f"PDF took longer than {self.seconds:g} s to read (left unread)")


def _quiet_pdfminer() -> None:
    """pdfminer logs a warning for every odd font or object: a crawl reports one reason per file instead."""
    import logging

    logging.getLogger("pdfminer").setLevel(logging.ERROR)


def extract_pdf(body: bytes, url: str, default_kind: str | None = None, *, feed_entry: dict[str, Any] | None = None,
                max_pages: int = MAX_PAGES, max_seconds: float = MAX_SECONDS,
                max_bytes: int = MAX_PDF_BYTES) -> Extraction:
    """The article in a PDF: text, title, date, authors, language and kind, like ``crawler.extract.extract``
    (``feed_entry``: what a feed said of it, filling what the file lacks).

    Raises PdfFailure (with the reason) for a broken, encrypted, oversized or over-deep PDF and for one
    without a text layer (an image-only scan)."""
    if len(body) > max_bytes:
        raise PdfFailure(f"PDF larger than {max_bytes // 1_000_000} MB (left unread)")
    if b"%PDF-" not in body[:1024]:
        raise PdfFailure("not a PDF (no %PDF- header)")
    _quiet_pdfminer()
    budget = _Budget(max_seconds)
    try:
        doc, info = _open(body)
        _check_page_count(doc, max_pages)  # before anything is inflated or drawn
        _check_streams(doc, budget)
        lines, pages, images = _read_pages(doc, max_pages, budget)
    except PdfFailure:
        raise
    except RecursionError:
        raise PdfFailure("PDF objects nested too deeply (left unread)") from None
    except MemoryError:
        raise PdfFailure("PDF too large to read in memory (left unread)") from None
    except Exception as exc:  # noqa: BLE001 - pdfminer raises assorted errors on broken files
        raise PdfFailure(f"broken PDF ({type(exc).__name__}: {str(exc)[:80]})".replace("\n", " ")) from None
    out = _extraction(url, default_kind, info, lines, pages, images)
    entry = feed_entry or {}
    out.title = out.title or metadata.clean(entry.get("title")) or None
    if not out.published and dates.parse_any(entry.get("published")):
        out.published, out.date_evidence = dates.parse_any(entry.get("published")), "feed"
    if not out.authors:
        out.authors = [a for a in entry.get("authors") or [] if metadata.plausible_author(a, [])]
    return out


def _open(body: bytes) -> tuple[Any, dict[str, Any]]:
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser

    try:
        doc = PDFDocument(PDFParser(io.BytesIO(body)))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise PdfFailure("encrypted PDF (needs a password)") from None
    info: dict[str, Any] = {}
    for entry in doc.info:
        info.update({k: _info_text(v) for k, v in entry.items()})
    return doc, info


def _info_text(value: Any) -> str | None:
    """An Info dictionary value as text (PDFDocEncoding or UTF-16 with a BOM)."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    value = resolve1(value)
    if isinstance(value, bytes):
        if value.startswith((b"\xfe\xff", b"\xff\xfe")):
            return value.decode("utf-16", errors="replace").strip("\x00 ")
        return decode_text(value).strip("\x00 ")
    return value.strip() if isinstance(value, str) else None


def _check_streams(doc: Any, budget: _Budget) -> None:
    """Refuse a file whose compressed streams inflate past the bounds (a zip bomb in PDF form), before
    pdfminer inflates any of them whole."""
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFObjectNotFound, PDFStream

    total, count = 0, 0
    for xref in doc.xrefs:
        for objid in xref.get_objids():
            count += 1
            if count > MAX_OBJECTS:
                raise PdfFailure(f"PDF has more than {MAX_OBJECTS} objects (left unread)")
            budget.tick()
            try:
                obj = doc.getobj(objid)
            except PDFObjectNotFound:
                continue
            if not isinstance(obj, PDFStream) or obj.rawdata is None or obj.decipher:
                continue
            filters = obj.get_filters()
            if not filters or filters[0][0] not in LITERALS_FLATE_DECODE:
                continue
            try:
                inflated = len(zlib.decompressobj().decompress(obj.rawdata, MAX_STREAM_BYTES + 1))
            except zlib.error:
                continue  # pdfminer's own recovery deals with it
            if inflated > MAX_STREAM_BYTES:
                raise PdfFailure(f"a PDF stream inflates past {MAX_STREAM_BYTES // 1_000_000} MB (a PDF bomb; left unread)")
            total += inflated
            if total > MAX_INFLATED_BYTES:
                raise PdfFailure(f"PDF streams inflate past {MAX_INFLATED_BYTES // 1_000_000} MB (left unread)")


def _page_count(doc: Any) -> int | None:
    from pdfminer.pdftypes import resolve1

    try:
        count = resolve1(resolve1(doc.catalog.get("Pages")).get("Count"))
    except (AttributeError, TypeError):
        return None
    return count if isinstance(count, int) else None


def _check_page_count(doc: Any, max_pages: int) -> None:
    declared = _page_count(doc)
    if declared is not None and declared > max_pages:
        raise PdfFailure(f"PDF has {declared} pages, more than the {max_pages} read (left unread)")


def _read_pages(doc: Any, max_pages: int, budget: _Budget) -> tuple[list[_Line], int, int]:
    """The text lines of every page in reading order, the number of pages and of pages without text."""
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    device = _bounded_aggregator(PDFResourceManager(caching=True), LAParams(), budget)
    interpreter = PDFPageInterpreter(device.rsrcmgr, device)
    lines: list[_Line] = []
    pages = textless = 0
    for page in PDFPage.create_pages(doc):
        pages += 1
        if pages > max_pages:
            raise PdfFailure(f"PDF has more than the {max_pages} pages read (left unread)")
        interpreter.process_page(page)
        found = list(_layout_lines(device.get_result(), pages))
        textless += not found
        lines.extend(found)
        budget.tick()
    return lines, pages, textless


def _bounded_aggregator(rsrcmgr: Any, laparams: Any, budget: _Budget) -> Any:
    """pdfminer's layout aggregator, stopped by the time budget and the nesting bound."""
    from pdfminer.converter import PDFPageAggregator

    class Bounded(PDFPageAggregator):
        depth = 0

        def begin_figure(self, name: str, bbox: Any, matrix: Any) -> None:
            self.depth += 1
            if self.depth > MAX_FORM_DEPTH:
                raise PdfFailure(f"PDF form objects nested more than {MAX_FORM_DEPTH} deep (a PDF bomb; left unread)")
            budget.tick()
            super().begin_figure(name, bbox, matrix)

        def end_figure(self, name: str) -> None:
            self.depth -= 1
            super().end_figure(name)

        def render_char(self, *args: Any, **kwargs: Any) -> float:
            budget.tick()
            return super().render_char(*args, **kwargs)

        def paint_path(self, *args: Any, **kwargs: Any) -> None:
            budget.tick()
            super().paint_path(*args, **kwargs)

    return Bounded(rsrcmgr, laparams=laparams)


def _layout_lines(layout: Any, page: int) -> list[_Line]:
    """Each text box of a page (in pdfminer's reading order) as one paragraph, with its main font size."""
    from pdfminer.layout import LTChar, LTTextBox

    out = []
    for box in _text_boxes(layout, LTTextBox):
        rows, sizes = [], []
        for line in box:
            rows.append(line.get_text().strip())
            sizes.extend(ch.size for ch in line if isinstance(ch, LTChar))
        text = _join_rows([r for r in rows if r])
        if text:
            out.append(_Line(text, round(median(sizes), 1) if sizes else 0.0, page))
    return out


def _text_boxes(layout: Any, box_type: type) -> list[Any]:
    """Text boxes at the top of the page and inside figures (text drawn in form objects)."""
    from pdfminer.layout import LTFigure

    found = []
    for obj in layout:
        if isinstance(obj, box_type):
            found.append(obj)
        elif isinstance(obj, LTFigure):
            found.extend(_text_boxes(obj, box_type))
    return found


def _join_rows(rows: list[str]) -> str:
    """Lines of one paragraph joined; a word broken at a line end ("opt-\\nout" stays, "refus-\\ning" joins)."""
    text = ""
    for row in rows:
        if text.endswith("-") and row[:1].islower() and len(text) > 1 and text[-2].isalpha():
            text = text[:-1] + row
        else:
            text = f"{text} {row}" if text else row
    return " ".join(text.split())


def _drop_furniture(lines: list[_Line], pages: int) -> list[_Line]:
    """Page numbers, and headers or footers repeated on most pages, are not the statement's text."""
    lines = [ln for ln in lines if not _PAGE_NUMBER.match(ln.text)]
    if pages < 2:
        return lines
    on_pages = Counter(text for text, _page in {(ln.text.lower(), ln.page) for ln in lines})
    return [ln for ln in lines if on_pages[ln.text.lower()] < max(2, FURNITURE_SHARE * pages)]


def _extraction(url: str, default_kind: str | None, info: dict[str, Any], lines: list[_Line], pages: int,
                textless: int) -> Extraction:
    lines = _drop_furniture(lines, pages)
    if not lines:
        what = "an image-only (scanned) PDF" if pages else "a PDF with no pages"
        raise PdfFailure(f"no text: {what}, {pages} page(s) without a text layer (OCR is not attempted)")
    out = Extraction(url=url)
    title_line = _title_line(lines)
    out.title = _info_title(info.get("Title")) or (title_line.text if title_line else None)
    body = [ln for ln in lines if ln is not title_line and ln.text != out.title]
    out.text = "\n".join(ln.text for ln in body)
    out.authors = _info_authors(info.get("Author"))
    out.language = guess_language(out.text)
    out.published, out.date_evidence = _date(body, info, out.language)
    decision = kinds.decide_kind(default_kind, url, out.title, out.text, [], "", bool(out.authors))
    out.kind, out.page_kind, out.kind_evidence = decision.kind, decision.page_kind, decision.explain()
    out.listing_evidence = f"pdf: {pages} page(s)" + (f", {textless} without text" if textless else "")
    return out


def _title_line(lines: list[_Line]) -> _Line | None:
    """The first page's line in the largest type, when it is clearly larger than the body text."""
    body_size = median(ln.size for ln in lines)
    first = [ln for ln in lines if ln.page == lines[0].page][:12]
    best = max(first, key=lambda ln: ln.size)
    if best.size >= 1.2 * body_size and 3 <= len(best.text) <= 200 and sum(c.isalpha() for c in best.text) >= 3:
        return best
    return None


def _info_title(value: str | None) -> str | None:
    value = metadata.clean(value)
    if not value or len(value) < 4 or len(value) > 250 or _BAD_TITLE.search(value):
        return None
    return value


def _info_authors(value: str | None) -> list[str]:
    """The Info Author when it names people (not an account name like "Administrator" or "jsmith")."""
    if not value:
        return []
    names = [n.strip() for n in re.split(r"\s*(?:;|,|&|\band\b)\s*", metadata.clean(value)) if n.strip()]
    return [n for n in names if not _BAD_AUTHOR.match(n) and metadata.plausible_author(n, [])]


def _date(body: list[_Line], info: dict[str, Any], language: str | None) -> tuple[str | None, str]:
    """A line near the top that is a date (a letter's or a release's dateline), else the Info CreationDate."""
    for ln in body[:15]:
        found = dates.written_dates(ln.text, language, limit=200, most=1)
        if found and _is_dateline(ln.text, found[0][0], found[0][1]):
            return found[0][2], "pdf text: dateline"
    created = _pdf_date(info.get("CreationDate"))
    if created:
        return created, "pdf metadata: CreationDate"
    return None, ""


def _is_dateline(text: str, start: int, end: int) -> bool:
    """A date with at most a place or a label beside it ("Albany, N.Y. - March 31, 2015"), not a sentence
    that mentions a date ("Testing begins April 14, 2015")."""
    words = re.findall(r"[^\W\d_][\w.']*", text[:start] + " " + text[end:])
    return len(words) <= 4 and all(w[0].isupper() for w in words)


def _pdf_date(value: str | None) -> str | None:
    """"D:20150331120000-04'00'" -> "2015-03-31" (the local date the file states); implausible years dropped."""
    m = re.match(r"^(?:D:)?(\d{4})(\d{2})(\d{2})", (value or "").strip())
    if not m or not 1993 <= int(m.group(1)) <= time.gmtime().tm_year:
        return None
    return dates.parse_iso(f"{m.group(1)}-{m.group(2)}-{m.group(3)}")
