"""Evidence exports: the chosen documents' WARC records as a plain WARC file or a WACZ package (WACZ 1.1.1:
the WARC records, a CDXJ index, a pages list and datapackage.json with sha256 hashes) that replays in
ReplayWeb.page.

The records are copied byte for byte from the archive's own WARC files (their digests stay what they were
when captured); each one is checked against the catalog first, and a damaged one fails the export naming
its document. Output goes to a temporary file beside the target, renamed into place only when complete:
a failed export never leaves half a file. warcio and cdxj-indexer are imported only here."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

from archive.errors import ArchiveError, NotFound
from archive.version import DISTRIBUTION, package_version

if TYPE_CHECKING:
    from archive.model import Capture
    from archive.store import Archive

WACZ_VERSION = "1.1.1"
EVIDENCE_FORMATS = ("wacz", "warc")
WARC_NAME = "archive/data.warc.gz"  # inside the package
INDEX_NAME = "indexes/index.cdx"  # plain CDXJ: small packages need no compressed ZipNum index
PAGES_NAME = "pages/pages.jsonl"
_ID_CHARS = set("0123456789abcdef")


@dataclass
class EvidenceReport:
    """What an evidence export wrote."""

    documents: int = 0
    captures: int = 0
    records: int = 0
    bytes: int = 0
    # Documents chosen but without any archived capture (imported from JSONL): nothing to replay.
    without_captures: list[str] = field(default_factory=list)


@dataclass
class _Page:
    url: str
    ts: str
    title: str | None
    doc_id: str


def looks_like_ids(select: str) -> bool:
    """True when ``select`` is a comma list of document ids (16 hex digits each), not a query."""
    parts = [p.strip().lower() for p in select.split(",")]
    return bool(parts) and all(len(p) == 16 and set(p) <= _ID_CHARS for p in parts)


def parse_ids(select: str) -> list[str]:
    """The ids of a comma list, lower-cased, in order, each once."""
    seen: dict[str, None] = {}
    for part in select.split(","):
        if part.strip():
            seen.setdefault(part.strip().lower(), None)
    return list(seen)


def check_ids(archive: Archive, ids: Iterable[str]) -> list[str]:
    """``ids`` if every one is an archived document, else NotFound naming the unknown ones."""
    ids = list(ids)
    unknown = [i for i in ids if archive.catalog.document_row(i) is None]
    if unknown:
        shown = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        raise NotFound(f"no document with id {shown} (nothing was exported)")
    return ids


def export_evidence(archive: Archive, doc_ids: Iterable[str] | None, out: str | os.PathLike, fmt: str,
                    title: str | None = None) -> EvidenceReport:
    """Write the captures of ``doc_ids`` (None: every document) to ``out`` as ``fmt`` ("wacz" or "warc").

    A ``.warc.gz`` target gets gzip-per-record WARC, a ``.warc`` target uncompressed WARC. Raises
    ArchiveError (naming the document) when a capture is damaged or missing; then nothing is written."""
    if fmt not in EVIDENCE_FORMATS:
        raise ArchiveError(f"unknown evidence format {fmt!r} (use {' or '.join(EVIDENCE_FORMATS)})")
    target = Path(out)
    if target.is_dir():
        raise ArchiveError(f"{target} is a directory; give a file name such as evidence.{fmt}")
    ids = list(doc_ids) if doc_ids is not None else archive.catalog.all_ids()
    if not ids:
        raise ArchiveError("no documents chosen: nothing to export")
    report = EvidenceReport()
    with tempfile.TemporaryDirectory(prefix=".optout-export-", dir=_parent(target)) as tmp:
        warc_path = Path(tmp) / "data.warc.gz"
        with open(warc_path, "wb") as warc_out:
            pages = _copy_records(archive, ids, warc_out, report)
        if not report.captures:
            raise ArchiveError("none of the chosen documents has an archived capture (they were imported): "
                               "nothing to export")
        staged = Path(tmp) / "out"
        if fmt == "warc":
            _write_plain_warc(warc_path, staged, gzipped=target.name.lower().endswith(".gz"))
        else:
            _write_wacz(warc_path, pages, staged, title)
        report.bytes = staged.stat().st_size
        try:
            os.replace(staged, target)
        except OSError as exc:
            raise ArchiveError(f"cannot write {target}: {exc.strerror or exc}") from exc
    return report


def _parent(target: Path) -> Path:
    parent = target.resolve().parent
    if not parent.is_dir():
        raise ArchiveError(f"cannot write {target}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise ArchiveError(f"cannot write {target}: folder {parent} is not writable")
    return parent


def _copy_records(archive: Archive, ids: list[str], out: IO[bytes], report: EvidenceReport) -> list[_Page]:
    """Append every capture's response (and request) record of ``ids`` to ``out``; the pages to list."""
    pages: list[_Page] = []
    for doc_id in ids:
        row = archive.catalog.document_row(doc_id)
        captures = [c for c in archive.catalog.captures(doc_id) if c.warc_file]
        if not captures:
            report.without_captures.append(doc_id)
            continue
        for cap in captures:
            try:
                # Checks the payload against the catalog's sha1 and length and the record's own digest.
                archive.warc.read(cap.warc_file, cap.warc_offset, sha1=cap.sha1, length=cap.length)
                records, url, ts = _raw_records(archive.warc.directory / Path(cap.warc_file).name, cap)
            except ArchiveError as exc:
                raise ArchiveError(f"document {doc_id}: {exc} (nothing was exported; run `optout verify`)") from None
            for raw in records:
                out.write(raw if raw[:2] == b"\x1f\x8b" else gzip.compress(raw))
                report.records += 1
            report.captures += 1
            pages.append(_Page(url=url, ts=ts, title=row["title"] if row is not None else None, doc_id=doc_id))
        report.documents += 1
    return pages


def _raw_records(path: Path, cap: Capture) -> tuple[list[bytes], str, str]:
    """The bytes of the response record at the capture's offset and of the request record made with it
    (the next record, when its WARC-Concurrent-To names the response); with the response's URL and date."""
    from warcio.archiveiterator import ArchiveIterator

    spans: list[tuple[int, int]] = []
    url = ts = ""
    try:
        with open(path, "rb") as fh:
            fh.seek(cap.warc_offset or 0)
            it = ArchiveIterator(fh)
            response_id = None
            for record in it:
                record.content_stream().read()  # to the end of the record, so its length is known
                rid = record.rec_headers.get_header("WARC-Record-ID")
                if response_id is None:
                    if record.rec_type not in ("response", "revisit", "resource"):
                        raise ArchiveError(f"no response record at {path.name}:{cap.warc_offset}")
                    response_id, url = rid, record.rec_headers.get_header("WARC-Target-URI") or cap.url
                    ts = record.rec_headers.get_header("WARC-Date") or cap.captured_at
                elif record.rec_type != "request" or record.rec_headers.get_header("WARC-Concurrent-To") != response_id:
                    break
                spans.append((it.get_record_offset(), it.get_record_length()))  # absolute: warcio counts from tell()
                if len(spans) == 2:
                    break
            records = []
            for offset, length in spans:
                fh.seek(offset)
                records.append(fh.read(length))
    except ArchiveError:
        raise
    except Exception as exc:  # noqa: BLE001 - warcio raises assorted errors on damaged input
        raise ArchiveError(f"the capture at {path.name}:{cap.warc_offset} is damaged ({type(exc).__name__})") from None
    if not records:
        raise ArchiveError(f"no response record at {path.name}:{cap.warc_offset}")
    return records, url, ts


def _write_plain_warc(warc_path: Path, staged: Path, gzipped: bool) -> None:
    if gzipped:
        os.replace(warc_path, staged)
        return
    with gzip.open(warc_path, "rb") as src, open(staged, "wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)


def _cdxj(warc_path: Path) -> bytes:
    """The CDXJ index of the package's WARC file (sorted, as replay tools want it)."""
    from cdxj_indexer.main import write_cdx_index

    text = io.StringIO()
    with open(warc_path, "rb") as fh:
        write_cdx_index(text, fh, {"sort": True, "post_append": True, "filename": Path(WARC_NAME).name})
    return text.getvalue().encode("utf-8")


def _pages_jsonl(pages: list[_Page], title: str | None) -> bytes:
    lines = [json.dumps({"format": "json-pages-1.0", "id": "pages", "title": title or "optout evidence"})]
    for n, page in enumerate(pages, 1):
        entry = {"id": f"{page.doc_id}-{n}", "url": page.url, "ts": page.ts}
        if page.title:
            entry["title"] = page.title
        lines.append(json.dumps(entry, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _sha256_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return "sha256:" + digest.hexdigest(), size


def _resource(path: str, data: bytes | None = None, file: Path | None = None) -> dict[str, object]:
    if file is not None:
        hash_, size = _sha256_file(file)
    else:
        hash_, size = "sha256:" + hashlib.sha256(data or b"").hexdigest(), len(data or b"")
    return {"name": Path(path).name.lower(), "path": path, "hash": hash_, "bytes": size}


def _write_wacz(warc_path: Path, pages: list[_Page], staged: Path, title: str | None) -> None:
    """The WACZ zip: the WARC and the index stored uncompressed (replay reads them by offset)."""
    index, pages_data = _cdxj(warc_path), _pages_jsonl(pages, title)
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    package = {
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        "title": title or "optout evidence",
        "description": f"{len(pages)} capture(s) exported from an optout archive",
        "created": created,
        "modified": created,
        "software": f"{DISTRIBUTION} {package_version()}",
        "resources": [_resource(WARC_NAME, file=warc_path), _resource(INDEX_NAME, index),
                      _resource(PAGES_NAME, pages_data)],
    }
    if pages:
        package["mainPageURL"], package["mainPageDate"] = pages[0].url, pages[0].ts
    package_bytes = json.dumps(package, indent=2, ensure_ascii=False).encode("utf-8")
    digest = {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest()}
    with zipfile.ZipFile(staged, "w") as zf:
        zf.write(warc_path, WARC_NAME, compress_type=zipfile.ZIP_STORED)
        zf.writestr(INDEX_NAME, index, compress_type=zipfile.ZIP_STORED)
        zf.writestr(PAGES_NAME, pages_data, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("datapackage.json", package_bytes, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("datapackage-digest.json", json.dumps(digest, indent=2), compress_type=zipfile.ZIP_DEFLATED)


def iter_pages(path: str | os.PathLike) -> Iterator[dict[str, object]]:
    """The page entries of a WACZ package (for checks and tests)."""
    with zipfile.ZipFile(path) as zf:
        for n, line in enumerate(zf.read(PAGES_NAME).decode("utf-8").splitlines()):
            if n and line.strip():
                yield json.loads(line)
