"""The archive facade: a data directory holding the catalog, the WARC captures and the index."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from archive.catalog import Catalog
from archive.errors import ArchiveError, ImportFormatError, NotFound
from archive.model import KINDS, POSITIONS, Capture, Document, Quote
from archive.version import DISTRIBUTION

if TYPE_CHECKING:
    from archive.warcstore import RawResponse, WarcStore

# The URL, simhash, hashing and WARC modules are imported where documents are written or captures read:
# a search opens the archive for its catalog alone, and importing them cost each `optout search` ~10 ms.

# Two texts whose 64-bit simhashes differ in at most this many bits are near-duplicates.
NEAR_DUPLICATE_BITS = 3


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def resolve_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """``data_dir``, else $OPTOUT_HOME, else the platform's user data folder."""
    if data_dir:
        return Path(data_dir).expanduser()
    if os.environ.get("OPTOUT_HOME"):
        return Path(os.environ["OPTOUT_HOME"]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(DISTRIBUTION, appauthor=False))


def prepare_data_dir(path: Path) -> Path:
    """Create the data directory if missing; fail clearly if it cannot be used."""
    if path.exists() and not path.is_dir():
        raise ArchiveError(f"data dir {path}{_named_by(path)} exists and is not a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
        (path / "warc").mkdir(exist_ok=True)
    except OSError as exc:
        raise ArchiveError(f"cannot create data dir {path}{_named_by(path)}: {exc.strerror or exc}") from exc
    if not os.access(path, os.W_OK | os.X_OK):
        raise ArchiveError(f"data dir {path}{_named_by(path)} is not writable")
    return path


def _named_by(path: Path) -> str:
    """Where a data dir came from, when the user may not know: $OPTOUT_HOME."""
    home = os.environ.get("OPTOUT_HOME")
    return " (from $OPTOUT_HOME)" if home and Path(home).expanduser() == path else ""


def read_only_archive(path: Path) -> bool:
    """True for an existing archive whose directory this process may read but not write (a newsroom's
    shared copy on a read-only mount): it is opened for reading only."""
    return (path / "archive.sqlite3").is_file() and os.access(path, os.R_OK | os.X_OK) \
        and not os.access(path, os.W_OK)


def content_hash(title: str | None, text: str) -> str:
    """SHA-1 of the title and text with whitespace runs made one space, lowercased (split() and re's \\s
    agree on what whitespace is; split and join is three times faster than a substitution)."""
    import hashlib  # noqa: PLC0415 - see above

    normalized = " ".join(f"{title or ''}\n{text}".split()).lower()
    return hashlib.sha1(normalized.encode("utf-8")).hexdigest()


def document_problem(doc: Document) -> str | None:
    """Why a document could not be exported and restored as it is, or None when it is sound."""
    if not doc.id or not doc.url or not isinstance(doc.text, str):
        return "missing id, URL or text"
    if doc.content_hash and content_hash(doc.title, doc.text) != doc.content_hash:
        return "its text no longer matches the content hash stored when it was archived"
    return None


class Archive:
    """Everything kept in one data directory. Use as a context manager or call close()."""

    def __init__(self, data_dir: str | os.PathLike | None = None, read_only: bool = False):
        """``read_only``: open an existing archive for reading only, even where it could be written
        (`optout serve`): nothing is created, migrated or written, and what other processes commit
        meanwhile is seen."""
        path = resolve_data_dir(data_dir)
        mounted_read_only = read_only_archive(path)
        if read_only and not (path / "archive.sqlite3").is_file():
            raise ArchiveError(f"no archive in {path}{_named_by(path)} yet: run `optout crawl` (or `optout demo`)")
        self.read_only = read_only or mounted_read_only
        self.path = path if self.read_only else prepare_data_dir(path)
        self.catalog = Catalog(self.path / "archive.sqlite3", read_only=self.read_only, immutable=mounted_read_only)

    @cached_property
    def warc(self) -> WarcStore:
        """The WARC files of the raw captures (opened when first used)."""
        from archive.warcstore import WarcStore  # noqa: PLC0415 - see the module's imports

        return WarcStore(self.path / "warc")

    @property
    def index_dir(self) -> Path:
        return self.path / "index"

    @property
    def sources_file(self) -> Path:
        return self.path / "sources.toml"

    def close(self) -> None:
        self.catalog.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing -----------------------------------------------------------------------------------

    def record_page(self, *, source: str | None, url: str, status: int, body: bytes,
                    response_headers: list[tuple[str, str]], request_headers: list[tuple[str, str]] | None = None,
                    reason: str = "OK", extracted: dict[str, Any] | None = None, kind: str | None = None,
                    source_organization: str | None = None, captured_at: str | None = None,
                    origin: str | None = None, origin_type: str | None = None,
                    provenance: list[tuple[str, str]] | None = None) -> tuple[str, str | None]:
        """Store one fetched page: its raw capture in WARC, its extracted document in the catalog.

        A page not fetched live (a Wayback capture, a record of an imported WARC file) gives the time it was
        captured then, its ``origin`` and ``origin_type``, and ``provenance`` fields for the WARC metadata
        record. A capture older than the document's current version joins the document's captures without
        replacing its text.

        Returns (outcome, document id) where outcome is "new", "updated", "unchanged" or "captured"
        (a capture kept without a document, e.g. a PDF with no text, or an older copy of a document).
        """
        from archive.warcstore import sha1_hex  # noqa: PLC0415 - see the module's imports

        captured_at = captured_at or now_iso()
        content_type = next((v for k, v in response_headers if k.lower() == "content-type"), None)
        loc = self.warc.write(url, status, reason, response_headers, body, request_headers, captured_at=captured_at,
                              provenance=provenance)
        capture = Capture(url=url, status=status, captured_at=captured_at, warc_file=loc.file,
                          warc_offset=loc.offset, warc_length=loc.length, content_type=content_type,
                          length=len(body), sha1=sha1_hex(body), origin=origin, origin_type=origin_type)
        if not extracted or not (extracted.get("text") or "").strip():
            with self.catalog.transaction() as conn:
                self.catalog.add_capture(conn, capture)
            return "captured", None
        if extracted.get("is_listing"):
            return self._record_listing(url, extracted, capture)
        doc = self._document_from_extraction(url, extracted, source, kind, source_organization, captured_at)
        existing = self.catalog.document_row(doc.id)
        if existing is not None and (existing["updated_at"] or "") > captured_at:
            # An older copy (a Wayback capture of a page archived since): evidence of what the page said
            # then, one more capture of the same document; the current text stays.
            with self.catalog.transaction() as conn:
                capture.document_id = doc.id
                self.catalog.add_capture(conn, capture)
            return "captured", doc.id
        with self.catalog.transaction() as conn:
            doc.captured_at = self.catalog.first_captured_at(doc.id) or doc.captured_at
            doc.near_duplicate_of = self._near_duplicate(doc)
            outcome = self.catalog.upsert_document(conn, doc)
            if outcome != "unchanged":
                # A changed text must be tagged and indexed again.
                self.catalog.mark_untagged(doc.id)
            self.catalog.set_page_facts(conn, doc.id, False, _facts(extracted))
            capture.document_id = doc.id
            self.catalog.add_capture(conn, capture)
        return outcome, doc.id

    def rederive(self, doc_id: str, extracted: dict[str, Any]) -> str:
        """Replace a document's extracted fields with a new extraction of its own archived capture (a
        document whose stored text was damaged); its captures are left as they are."""
        row = self.catalog.document_row(doc_id)
        if row is None:
            raise NotFound(f"no document {doc_id}")
        doc = self._document_from_extraction(row["url"], extracted, row["source"], row["kind"],
                                             row["source_organization"], row["captured_at"])
        doc.id = doc_id  # the same document, whatever canonical URL the new extraction reports
        with self.catalog.transaction() as conn:
            # Forced: the damaged row still carries the content hash of the text it should have.
            outcome = self.catalog.upsert_document(conn, doc, force=True)
            self.catalog.mark_untagged(doc_id)
        return outcome

    def _record_listing(self, url: str, extracted: dict[str, Any], capture: Capture) -> tuple[str, str | None]:
        """A listing or home page is kept as a capture only; a document archived under its URL before is
        marked (kept, never searchable)."""
        from archive.urls import document_id  # noqa: PLC0415 - see the module's imports

        doc_id = document_id(extracted.get("canonical_url") or url)
        with self.catalog.transaction() as conn:
            if self.catalog.document_row(doc_id) is not None:
                self.catalog.set_page_facts(conn, doc_id, True, _facts(extracted))
                capture.document_id = doc_id
            self.catalog.add_capture(conn, capture)
        return "captured", None

    def _document_from_extraction(self, url: str, ex: dict[str, Any], source: str | None, kind: str | None,
                                  source_organization: str | None, captured_at: str) -> Document:
        from archive.simhash import simhash  # noqa: PLC0415 - see the module's imports
        from archive.urls import canonical_url, clean_url, document_id  # noqa: PLC0415 - see the module's imports

        identity = ex.get("canonical_url") or url
        doc_kind = ex.get("kind") or kind
        return Document(
            id=document_id(identity), url=clean_url(url), canonical_url=canonical_url(identity), source=source,
            kind=doc_kind if doc_kind in KINDS else "news", title=ex.get("title"), published=ex.get("published"),
            authors=list(ex.get("authors") or []), language=ex.get("language"), text=ex.get("text") or "",
            captured_at=captured_at, updated_at=captured_at, content_hash=content_hash(ex.get("title"), ex.get("text") or ""),
            simhash=simhash(ex.get("text") or ""), source_organization=source_organization,
        )

    def _near_duplicate(self, doc: Document) -> str | None:
        """The earliest document of another source whose text is nearly the same, if any."""
        from archive.simhash import hamming  # noqa: PLC0415 - see the module's imports

        if doc.simhash is None or len(doc.text) < 200:
            return None
        for other_id, other in self.catalog.simhash_neighbours(doc.id, doc.source, doc.simhash):
            if hamming(other, doc.simhash) <= NEAR_DUPLICATE_BITS:
                return other_id
        return None

    def record_failure(self, source: str | None, url: str, reason: str) -> None:
        """Remember that ``url`` could not be archived, and why (shown by `sources status`)."""
        self.catalog.record_failure(source, url, reason[:500], now_iso())

    # -- reading -----------------------------------------------------------------------------------

    def get(self, id_or_url: str) -> Document:
        """The document with this id, URL or canonical URL."""
        from archive.urls import canonical_url  # noqa: PLC0415 - see the module's imports

        key = id_or_url.strip()
        row = self.catalog.document_row(key)
        if row is None and "://" in key:
            row = self.catalog.find_by_url(key) or self.catalog.find_by_url(canonical_url(key))
        if row is None:
            raise NotFound(f"no document with id or URL {key!r}")
        return self.catalog.to_document(row)

    def documents(self, with_annotations: bool = True) -> Iterator[Document]:
        for row in self.catalog.iter_rows():
            yield self.catalog.to_document(row, with_annotations)

    def captures(self, doc_id: str) -> list[Capture]:
        return self.catalog.captures(doc_id)

    def raw(self, doc_id: str) -> RawResponse:
        """The latest raw capture of a document, as fetched."""
        caps = [c for c in self.catalog.captures(doc_id) if c.warc_file]
        if not caps:
            raise NotFound(f"document {doc_id} has no archived capture (it was imported)")
        # The latest by capture time: a Wayback copy archived after a live fetch is the older one.
        cap = max(caps, key=lambda c: (c.captured_at or "", c.id or 0))
        return self.warc.read(cap.warc_file, cap.warc_offset, sha1=cap.sha1, length=cap.length)

    # -- exchange ----------------------------------------------------------------------------------

    def export_jsonl(self, out: IO[str]) -> int:
        """Write every document as one JSON object per line (the export contract); returns the count."""
        n, damaged = 0, []
        for doc in self.documents():
            # A line that `import` would refuse, or one whose text is no longer what was archived, would
            # make the export a backup that cannot be restored: leave it out and fail loudly at the end.
            problem = document_problem(doc)
            if problem:
                damaged.append(doc.id or "?")
                continue
            out.write(json.dumps(doc.export_dict(), ensure_ascii=False) + "\n")
            n += 1
        if damaged:
            shown = ", ".join(damaged[:5]) + (f" and {len(damaged) - 5} more" if len(damaged) > 5 else "")
            raise ArchiveError(f"{len(damaged)} damaged document(s) left out of the export ({n} written): {shown}; "
                               "run `optout verify`")
        return n

    def import_jsonl(self, lines: IO[str], name: str = "<stdin>") -> int:
        """Import documents exported by export_jsonl. Every line is checked before anything is written,
        and all of them are written in one transaction: a bad line leaves the archive untouched.

        Two passes, one document in memory at a time: the first checks every line (keeping a copy of
        input that cannot be read twice, such as a pipe), the second writes."""
        source, spool = _rereadable(lines)
        try:
            n = 0
            for number, line in enumerate(source, 1):
                if line.strip():
                    _parse_import_line(line, name, number)
                    n += 1
            source.seek(0)
            with self.catalog.transaction() as conn:
                for number, line in enumerate(source, 1):
                    if line.strip():
                        self._import_one(conn, _parse_import_line(line, name, number))
        finally:
            if spool is not None:
                spool.close()
        return n

    def _import_one(self, conn: Any, doc: Document) -> None:
        from archive.simhash import simhash  # noqa: PLC0415 - see the module's imports

        doc.content_hash = content_hash(doc.title, doc.text)
        doc.simhash = simhash(doc.text)
        if doc.near_duplicate_of is None:
            # Linked as a crawl links them (an indexed look-up of the simhash bands, not a scan): an export
            # made elsewhere, or documents written by another tool, may hold the same story twice.
            doc.near_duplicate_of = self._near_duplicate(doc)
        outcome = self.catalog.upsert_document(conn, doc)
        if outcome == "unchanged":
            self.catalog.set_near_duplicate(doc.id, doc.near_duplicate_of)
        tags = {"organization": doc.organizations, "state": doc.states, "test": doc.tests}
        self.catalog.set_tags(conn, doc.id, tags, doc.quotes, "imported")
        # Kept as exported until `optout index` re-scores them ("imported" is no lexicon version).
        self.catalog.set_positions(conn, doc.id, doc.position, None, [(q.position, None) for q in doc.quotes],
                                   "imported")
        self.catalog.mark_unindexed(doc.id)


def _rereadable(lines: IO[str]) -> tuple[IO[str], IO[str] | None]:
    """``lines`` itself when it can be read again from the start, else a temporary copy made while reading
    (returned second, to be closed)."""
    try:
        if lines.seekable():
            lines.seek(0, 1)
            return lines, None
    except (OSError, ValueError, AttributeError):
        pass
    import tempfile

    spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed by the caller
    for line in lines:
        spool.write(line)
    spool.seek(0)
    return spool, spool


def _facts(extracted: dict[str, Any]) -> dict[str, Any]:
    """The evidence an extraction gives for its date, kind and listing decision (stored beside the document)."""
    keys = ("date_evidence", "kind_evidence", "page_kind", "listing_evidence")
    return {k: extracted[k] for k in keys if extracted.get(k)}


_REQUIRED = {"id": str, "url": str, "text": str}
_LISTS = ("authors", "organizations", "states", "tests", "quotes")


def _parse_import_line(line: str, name: str, number: int) -> Document:
    from archive.urls import canonical_url  # noqa: PLC0415 - see the module's imports

    where = f"{name}, line {number}"
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(f"{where}: not valid JSON ({exc.msg})") from None
    _check_shape(data, where)
    kind = data.get("kind") or "news"
    quotes = _import_quotes(data, where)
    canon = data.get("canonical_url") or canonical_url(data["url"])
    return Document(
        id=data["id"], url=data["url"], canonical_url=canon, source=data.get("source"), kind=kind,
        title=data.get("title"), published=data.get("published"), authors=[str(a) for a in data.get("authors") or []],
        language=data.get("language"), text=data["text"], captured_at=data.get("captured_at"),
        organizations=list(data.get("organizations") or []), states=list(data.get("states") or []),
        tests=list(data.get("tests") or []), quotes=quotes, near_duplicate_of=data.get("near_duplicate_of"),
        updated_at=data.get("captured_at"), position=data.get("position"),
    )


def _check_shape(data: Any, where: str) -> None:
    """An object with the required strings, lists where lists belong and a known kind."""
    if not isinstance(data, dict):
        raise ImportFormatError(f"{where}: expected a JSON object")
    for key, typ in _REQUIRED.items():
        if not isinstance(data.get(key), typ) or not data[key]:
            raise ImportFormatError(f"{where}: missing or invalid {key!r}")
    for key in _LISTS:
        if data.get(key) is not None and not isinstance(data[key], list):
            raise ImportFormatError(f"{where}: {key!r} must be a list")
    kind = data.get("kind") or "news"
    if kind not in KINDS:
        raise ImportFormatError(f"{where}: unknown kind {kind!r}")


def _import_quotes(data: dict[str, Any], where: str) -> list[Quote]:
    try:
        quotes = [Quote.from_dict(q) for q in data.get("quotes") or []]
    except (TypeError, AttributeError):
        raise ImportFormatError(f"{where}: malformed quotes") from None
    if any(not isinstance(q.text, str) for q in quotes):
        raise ImportFormatError(f"{where}: a quote has no text")
    if any(p not in (None, *POSITIONS) for p in [data.get("position"), *(q.position for q in quotes)]):
        raise ImportFormatError(f"{where}: position must be one of {', '.join(POSITIONS)} or null")
    return quotes
