"""The SQLite catalog: schema, migrations and every read and write of catalog rows."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from archive.errors import ArchiveError
from archive.model import Capture, Document, Quote

# Each entry migrates the schema from version i to i + 1; never edit a released entry, append a new one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE sources (
        id TEXT PRIMARY KEY, name TEXT, kind TEXT, organization TEXT,
        last_attempt TEXT, last_success TEXT
    );
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        canonical_url TEXT NOT NULL UNIQUE,
        source TEXT,
        source_organization TEXT,
        kind TEXT NOT NULL DEFAULT 'news',
        title TEXT, published TEXT, authors TEXT NOT NULL DEFAULT '[]', language TEXT,
        text TEXT NOT NULL DEFAULT '',
        captured_at TEXT, updated_at TEXT,
        content_hash TEXT, simhash INTEGER, near_duplicate_of TEXT,
        version INTEGER NOT NULL DEFAULT 1,
        indexed_version INTEGER NOT NULL DEFAULT 0,
        tagged_with TEXT
    );
    CREATE INDEX documents_source ON documents(source);
    CREATE INDEX documents_published ON documents(published);
    CREATE TABLE captures (
        id INTEGER PRIMARY KEY,
        document_id TEXT REFERENCES documents(id),
        url TEXT NOT NULL, status INTEGER, captured_at TEXT NOT NULL,
        warc_file TEXT, warc_offset INTEGER, warc_length INTEGER,
        content_type TEXT, length INTEGER, sha1 TEXT
    );
    CREATE INDEX captures_document ON captures(document_id);
    CREATE INDEX captures_url ON captures(url);
    CREATE TABLE annotations (
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        field TEXT NOT NULL, value TEXT NOT NULL, gazetteer_version TEXT,
        PRIMARY KEY (document_id, field, value)
    );
    CREATE INDEX annotations_value ON annotations(field, value);
    CREATE TABLE quotes (
        id INTEGER PRIMARY KEY,
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        text TEXT NOT NULL, speaker TEXT, speaker_role TEXT, speaker_org TEXT,
        start INTEGER, "end" INTEGER, gazetteer_version TEXT
    );
    CREATE INDEX quotes_document ON quotes(document_id);
    CREATE TABLE failures (
        id INTEGER PRIMARY KEY, source TEXT, url TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL
    );
    CREATE INDEX failures_source ON failures(source, at);
    CREATE TABLE fetch_state (
        url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, lastmod TEXT, fetched_at TEXT
    );
    CREATE TABLE crawl_runs (
        id INTEGER PRIMARY KEY, source TEXT, started TEXT, finished TEXT,
        discovered INTEGER, fetched INTEGER, new INTEGER, updated INTEGER, failed INTEGER
    );
    """,
    # 2: listing/home pages are marked (NULL: never checked, 0: an article, 1: a listing page, kept in the
    # catalog but never indexed), and the evidence behind a document's date, kind and listing decision.
    """
    ALTER TABLE documents ADD COLUMN is_listing INTEGER;
    ALTER TABLE documents ADD COLUMN page_facts TEXT
    """,
    # 3: positions toward opting out (indexer/positions.py) on quotes and statement documents.
    """
    ALTER TABLE quotes ADD COLUMN position TEXT;
    ALTER TABLE quotes ADD COLUMN position_evidence TEXT;
    ALTER TABLE documents ADD COLUMN position TEXT;
    ALTER TABLE documents ADD COLUMN position_evidence TEXT;
    ALTER TABLE documents ADD COLUMN positioned_with TEXT;
    CREATE INDEX quotes_position ON quotes(position);
    """,
    # 4: where a capture came from when it was not fetched live (origin_type 'wayback': origin is the
    # Wayback address it was read from; 'warc': origin names the imported WARC file and record), and the
    # resumable cursors of `optout backfill` (one per CDX query: the resume key of the next page).
    """
    ALTER TABLE captures ADD COLUMN origin TEXT;
    ALTER TABLE captures ADD COLUMN origin_type TEXT;
    CREATE INDEX captures_origin ON captures(origin);
    CREATE TABLE backfill_cursors (
        source TEXT NOT NULL, query TEXT NOT NULL, resume_key TEXT, pages INTEGER NOT NULL DEFAULT 0,
        done INTEGER NOT NULL DEFAULT 0, updated_at TEXT, PRIMARY KEY (source, query)
    );
    """,
    # 5: near-duplicates through an index: the four 16-bit bands of each simhash in indexed columns
    # (simhash_neighbours looks the bands up instead of scanning every document).
    """
    ALTER TABLE documents ADD COLUMN simhash_b0 INTEGER;
    ALTER TABLE documents ADD COLUMN simhash_b1 INTEGER;
    ALTER TABLE documents ADD COLUMN simhash_b2 INTEGER;
    ALTER TABLE documents ADD COLUMN simhash_b3 INTEGER;
    UPDATE documents SET simhash_b0 = simhash & 65535, simhash_b1 = (simhash >> 16) & 65535,
        simhash_b2 = (simhash >> 32) & 65535, simhash_b3 = (simhash >> 48) & 65535 WHERE simhash IS NOT NULL;
    CREATE INDEX documents_simhash_b0 ON documents(simhash_b0);
    CREATE INDEX documents_simhash_b1 ON documents(simhash_b1);
    CREATE INDEX documents_simhash_b2 ON documents(simhash_b2);
    CREATE INDEX documents_simhash_b3 ON documents(simhash_b3);
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating and migrating as needed) the catalog at ``path``."""
    try:
        conn = sqlite3.connect(str(path), timeout=30, isolation_level=None)
    except sqlite3.Error as exc:
        raise ArchiveError(f"cannot open catalog {path}: {exc}") from exc
    conn.row_factory = sqlite3.Row
    try:
        # WAL lets `optout search` read while a crawl or an index run writes.
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        migrate(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ArchiveError(f"{path} is not a usable optout catalog: {exc}") from exc
    return conn


def connect_read_only(path: Path, immutable: bool = True) -> sqlite3.Connection:
    """Open the catalog for reading only, without creating, migrating or writing anything. ``immutable``
    (a read-only mount): no WAL or lock files are needed beside it; otherwise (`optout serve` over a live
    archive) the connection sees what a crawl or an index run commits meanwhile. The connection may be
    used from several threads, one at a time (the web app serializes its requests' reads)."""
    flags = "mode=ro&immutable=1" if immutable else "mode=ro"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True, isolation_level=None,
                               check_same_thread=False)
        conn.row_factory = sqlite3.Row
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as exc:
        raise ArchiveError(f"cannot open catalog {path} for reading: {exc}") from exc
    if version != SCHEMA_VERSION:
        conn.close()
        raise ArchiveError(f"{path} has schema version {version}, this optout reads {SCHEMA_VERSION}; "
                           "open it once where it is writable to migrate it" if version < SCHEMA_VERSION else
                           f"{path} has schema version {version}, newer than this optout ({SCHEMA_VERSION}); upgrade optout")
    return conn


def migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Bring the schema up to SCHEMA_VERSION, one transaction per step."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise ArchiveError(f"{path} has schema version {version}, newer than this optout ({SCHEMA_VERSION}); upgrade optout")
    for step in range(version, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[step].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {step + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


class Catalog:
    """Rows of the catalog. Every multi-row write runs in one transaction."""

    def __init__(self, path: Path, read_only: bool = False, immutable: bool = True):
        self.path = path
        self.read_only = read_only
        self.conn = connect_read_only(path, immutable) if read_only else connect(path)

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (including KeyboardInterrupt).
        Storage failures (a full disk, a read-only file) become ArchiveError naming the cause."""
        if self.read_only:
            raise ArchiveError(f"the archive at {self.path.parent} is read-only: this command needs to write to it")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                # SQLite may already have rolled back (a full disk does): keep the original error, not
                # "cannot rollback - no transaction is active".
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            raise ArchiveError(f"cannot write the catalog {self.path}: {exc}") from exc

    # -- documents -------------------------------------------------------------------------------

    def document_row(self, doc_id: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()

    def find_by_url(self, url: str) -> sqlite3.Row | None:
        row = self.conn.execute("SELECT * FROM documents WHERE canonical_url = ? OR url = ?", (url, url)).fetchone()
        if row is None:
            row = self.conn.execute(
                "SELECT d.* FROM documents d JOIN captures c ON c.document_id = d.id WHERE c.url = ? LIMIT 1", (url,)
            ).fetchone()
        return row

    def upsert_document(self, conn: sqlite3.Connection, doc: Document, force: bool = False) -> str:
        """Insert ``doc`` or update the existing row; returns "new", "updated" or "unchanged" (``force``
        writes even an unchanged content hash: a repair of a damaged row)."""
        row = conn.execute("SELECT content_hash, version, title, published FROM documents WHERE id = ?", (doc.id,)).fetchone()
        values = {
            "url": doc.url, "canonical_url": doc.canonical_url, "source": doc.source,
            "source_organization": doc.source_organization, "kind": doc.kind, "title": doc.title,
            "published": doc.published, "authors": json.dumps(doc.authors, ensure_ascii=False),
            "language": doc.language, "text": doc.text, "content_hash": doc.content_hash,
            "simhash": _signed64(doc.simhash), "near_duplicate_of": doc.near_duplicate_of,
            **dict(zip(_BANDS, simhash_bands(doc.simhash) if doc.simhash is not None else (None,) * 4, strict=True)),
        }
        if row is None:
            values.update(id=doc.id, captured_at=doc.captured_at, updated_at=doc.updated_at or doc.captured_at, version=1)
            cols = ", ".join(values)
            conn.execute(f"INSERT INTO documents ({cols}) VALUES ({', '.join('?' * len(values))})", list(values.values()))
            return "new"
        same = row["content_hash"] == doc.content_hash and row["title"] == doc.title and row["published"] == doc.published
        if same and not force:
            return "unchanged"
        values.update(updated_at=doc.updated_at, version=row["version"] + 1)
        sets = ", ".join(f"{k} = ?" for k in values)
        conn.execute(f"UPDATE documents SET {sets} WHERE id = ?", [*values.values(), doc.id])
        return "updated"

    def add_capture(self, conn: sqlite3.Connection, cap: Capture) -> int:
        cur = conn.execute(
            "INSERT INTO captures (document_id, url, status, captured_at, warc_file, warc_offset, warc_length,"
            " content_type, length, sha1, origin, origin_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (cap.document_id, cap.url, cap.status, cap.captured_at, cap.warc_file, cap.warc_offset,
             cap.warc_length, cap.content_type, cap.length, cap.sha1, cap.origin, cap.origin_type),
        )
        return int(cur.lastrowid)

    def captures(self, doc_id: str) -> list[Capture]:
        rows = self.conn.execute("SELECT * FROM captures WHERE document_id = ? ORDER BY id", (doc_id,)).fetchall()
        return [Capture(**{k: r[k] for k in r.keys()}) for r in rows]

    def set_tags(self, conn: sqlite3.Connection, doc_id: str, tags: dict[str, Iterable[str]],
                 quotes: list[Quote], gazetteer_version: str, unindexed: bool = False) -> None:
        """Replace a document's annotations and quotes in one go; ``unindexed``: its index entry is now out
        of date (marked in the same transaction, so a run killed before the index commits redoes it)."""
        conn.execute("DELETE FROM annotations WHERE document_id = ?", (doc_id,))
        conn.execute("DELETE FROM quotes WHERE document_id = ?", (doc_id,))
        conn.executemany(
            "INSERT OR IGNORE INTO annotations (document_id, field, value, gazetteer_version) VALUES (?, ?, ?, ?)",
            [(doc_id, field, value, gazetteer_version) for field, values in tags.items() for value in values],
        )
        conn.executemany(
            'INSERT INTO quotes (document_id, seq, text, speaker, speaker_role, speaker_org, start, "end",'
            " gazetteer_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(doc_id, i, q.text, q.speaker, q.speaker_role, q.speaker_org, q.start, q.end, gazetteer_version)
             for i, q in enumerate(quotes)],
        )
        conn.execute("UPDATE documents SET tagged_with = ? WHERE id = ?", (gazetteer_version, doc_id))
        if unindexed:
            conn.execute("UPDATE documents SET indexed_version = 0 WHERE id = ?", (doc_id,))

    def tags(self, doc_id: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {"organization": [], "state": [], "test": []}
        for r in self.conn.execute("SELECT field, value FROM annotations WHERE document_id = ? ORDER BY rowid", (doc_id,)):
            out.setdefault(r["field"], []).append(r["value"])
        return out

    def quotes(self, doc_id: str) -> list[Quote]:
        rows = self.conn.execute("SELECT * FROM quotes WHERE document_id = ? ORDER BY seq", (doc_id,)).fetchall()
        return [Quote(r["text"], r["speaker"], r["speaker_role"], r["speaker_org"], r["start"], r["end"], r["position"],
                      _json_or_none(r["position_evidence"])) for r in rows]

    def to_document(self, row: sqlite3.Row, with_annotations: bool = True) -> Document:
        doc = Document(
            id=row["id"], url=row["url"], canonical_url=row["canonical_url"], source=row["source"],
            kind=row["kind"], title=row["title"], published=row["published"], authors=json.loads(row["authors"]),
            language=row["language"], text=row["text"], captured_at=row["captured_at"],
            content_hash=row["content_hash"], simhash=_unsigned64(row["simhash"]),
            near_duplicate_of=row["near_duplicate_of"], version=row["version"], updated_at=row["updated_at"],
            source_organization=row["source_organization"], position=row["position"],
            position_evidence=_json_or_none(row["position_evidence"]),
        )
        if with_annotations:
            tags = self.tags(doc.id)
            doc.organizations, doc.states, doc.tests = tags["organization"], tags["state"], tags["test"]
            doc.quotes = self.quotes(doc.id)
        return doc

    def iter_rows(self) -> Iterator[sqlite3.Row]:
        """Every document row, in archive order."""
        # A separate cursor per call so callers may write while iterating in batches.
        yield from self.conn.execute("SELECT * FROM documents ORDER BY rowid")

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM documents").fetchone()[0])

    def mark_indexed(self, conn: sqlite3.Connection, ids_versions: Iterable[tuple[str, int]]) -> None:
        conn.executemany("UPDATE documents SET indexed_version = ? WHERE id = ?", [(v, i) for i, v in ids_versions])

    def reset_indexed(self) -> None:
        self.conn.execute("UPDATE documents SET indexed_version = 0")

    # -- named queries of the archive facade and the indexer ---------------------------------------
    # Callers never see SQL: a server database can replace SQLite by implementing these methods.
    # Writes made inside ``transaction()`` join it (the transaction runs on this same connection).

    def all_ids(self) -> list[str]:
        """Every document id, in archive order."""
        return [r[0] for r in self.conn.execute("SELECT id FROM documents ORDER BY rowid")]

    def untagged_ids(self) -> list[str]:
        """Documents never tagged (or whose text changed since they were tagged), in archive order."""
        return [r[0] for r in self.conn.execute("SELECT id FROM documents WHERE tagged_with IS NULL ORDER BY rowid")]

    def stale_tagged_ids(self, gazetteer_version: str) -> list[str]:
        """Documents tagged with another gazetteer than ``gazetteer_version``, in archive order (imported
        annotations are kept as exported)."""
        return [doc_id for doc_id, _version in self.stale_tagged(gazetteer_version)]

    def stale_tagged(self, gazetteer_version: str) -> list[tuple[str, str]]:
        """(id, the gazetteer version it was tagged with) of the documents stale_tagged_ids() names."""
        return [(r[0], r[1]) for r in self.conn.execute(
            "SELECT id, tagged_with FROM documents WHERE tagged_with IS NOT NULL AND tagged_with NOT IN (?, 'imported')"
            " ORDER BY rowid", (gazetteer_version,))]

    def tagging_versions(self) -> set[str]:
        """The gazetteer versions documents are tagged with."""
        return {r[0] for r in self.conn.execute("SELECT DISTINCT tagged_with FROM documents WHERE tagged_with IS NOT NULL")}

    def tagging_texts(self, ids: list[str], batch: int = 500) -> Iterator[sqlite3.Row]:
        """id, title, text, source_organization and states (their codes joined by commas, or None) of these
        documents, read in batches."""
        for start in range(0, len(ids), batch):
            part = ids[start:start + batch]
            yield from self.conn.execute(
                "SELECT id, title, text, source_organization, (SELECT group_concat(value, ',') FROM annotations"
                " WHERE document_id = documents.id AND field = 'state') AS states FROM documents WHERE id IN"
                f" ({', '.join('?' * len(part))})", part)

    def restamp_tagged(self, conn: sqlite3.Connection, ids: list[str], gazetteer_version: str) -> None:
        """Mark documents as tagged with ``gazetteer_version``, their annotations and quotes kept as they
        are (the caller knows that version gives them the same)."""
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            marks = ", ".join("?" * len(part))
            conn.execute(f"UPDATE documents SET tagged_with = ? WHERE id IN ({marks})", [gazetteer_version, *part])
            conn.execute(f"UPDATE annotations SET gazetteer_version = ? WHERE document_id IN ({marks})",
                         [gazetteer_version, *part])
            conn.execute(f"UPDATE quotes SET gazetteer_version = ? WHERE document_id IN ({marks})",
                         [gazetteer_version, *part])

    def unindexed_ids(self) -> list[str]:
        """Documents whose current version is not in the search index yet, in archive order."""
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM documents WHERE indexed_version != version ORDER BY rowid")]

    def first_captured_at(self, doc_id: str) -> str | None:
        """When the document was first captured, or None when it is not archived yet."""
        row = self.conn.execute("SELECT captured_at FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return None if row is None else row["captured_at"]

    def simhash_neighbours(self, doc_id: str, source: str | None, simhash: int) -> list[tuple[str, int]]:
        """(id, simhash) of documents from other sources sharing a 16-bit band with ``simhash``, oldest first.

        Simhashes within a few bits of each other share at least one band, so this finds every candidate;
        the bands are indexed columns, so it looks up four keys instead of reading every document.
        """
        rows = self.conn.execute(
            "SELECT id, simhash FROM documents WHERE (simhash_b0 = ? OR simhash_b1 = ? OR simhash_b2 = ?"
            " OR simhash_b3 = ?) AND id != ? AND source IS NOT ? AND simhash IS NOT NULL ORDER BY rowid",
            (*simhash_bands(simhash), doc_id, source),
        ).fetchall()
        return [(r["id"], _unsigned64(r["simhash"])) for r in rows]

    def simhash_query_plan(self) -> list[str]:
        """How SQLite runs simhash_neighbours (EXPLAIN QUERY PLAN details), to check it uses the band indexes."""
        rows = self.conn.execute(
            "EXPLAIN QUERY PLAN SELECT id, simhash FROM documents WHERE (simhash_b0 = ? OR simhash_b1 = ?"
            " OR simhash_b2 = ? OR simhash_b3 = ?) AND id != ? AND source IS NOT ? AND simhash IS NOT NULL"
            " ORDER BY rowid", (0, 0, 0, 0, "", None)).fetchall()
        return [str(r["detail"]) for r in rows]

    def mark_untagged(self, doc_id: str) -> None:
        """The document's text changed: tag it (and index it) again."""
        self.conn.execute("UPDATE documents SET tagged_with = NULL WHERE id = ?", (doc_id,))

    def mark_unindexed(self, doc_id: str) -> None:
        """The document's tags changed: write it to the search index again."""
        self.conn.execute("UPDATE documents SET indexed_version = 0 WHERE id = ?", (doc_id,))

    def reset_tagging(self) -> None:
        """Every document is to be tagged and indexed again."""
        self.conn.execute("UPDATE documents SET tagged_with = NULL, indexed_version = 0")

    def set_near_duplicate(self, doc_id: str, near_duplicate_of: str | None) -> None:
        self.conn.execute("UPDATE documents SET near_duplicate_of = ? WHERE id = ?", (near_duplicate_of, doc_id))

    def statements_by(self, organization: str) -> list[sqlite3.Row]:
        """Statements published by ``organization`` (canonical name): documents of its own sources, or, from
        sources that speak for no one, statements tagged with it whose title names it.

        Rows have id, title, url, published, text, position and position_evidence.
        """
        return self.conn.execute(
            "SELECT DISTINCT d.id, d.title, d.url, d.published, d.text, d.position, d.position_evidence FROM documents d"
            " LEFT JOIN annotations a ON a.document_id = d.id AND a.field = 'organization'"
            " WHERE d.kind = 'statement' AND (d.source_organization = ? OR"
            "   (d.source_organization IS NULL AND a.value = ? AND d.title LIKE '%' || ? || '%'))",
            (organization, organization, organization),
        ).fetchall()

    def quotes_by_org(self, organization: str) -> list[sqlite3.Row]:
        """Quotes whose speaker speaks for ``organization``, with their document, by publication date.

        Rows have text, speaker, speaker_role, position, position_evidence, id (the document's), title, url and
        published.
        """
        return self.conn.execute(
            "SELECT q.text, q.speaker, q.speaker_role, q.position, q.position_evidence, d.id, d.title, d.url,"
            " d.published FROM quotes q"
            " JOIN documents d ON d.id = q.document_id WHERE q.speaker_org = ? ORDER BY d.published",
            (organization,),
        ).fetchall()

    # -- crawl bookkeeping -------------------------------------------------------------------------

    def record_failure(self, source: str | None, url: str, reason: str, at: str) -> None:
        self.conn.execute("INSERT INTO failures (source, url, reason, at) VALUES (?, ?, ?, ?)", (source, url, reason, at))

    def clear_failures(self, urls: Iterable[str]) -> None:
        """Forget the failures of URLs that have now been archived (they are no longer failing)."""
        self.conn.executemany("DELETE FROM failures WHERE url = ?", [(u,) for u in urls])

    def failures(self, source: str | None = None, limit: int = 20) -> list[sqlite3.Row]:
        if source is None:
            return self.conn.execute("SELECT * FROM failures ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return self.conn.execute(
            "SELECT * FROM failures WHERE source = ? ORDER BY id DESC LIMIT ?", (source, limit)
        ).fetchall()

    def fetch_state(self, url: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM fetch_state WHERE url = ?", (url,)).fetchone()

    def set_fetch_state(self, url: str, etag: str | None, last_modified: str | None, lastmod: str | None,
                        fetched_at: str) -> None:
        self.conn.execute(
            "INSERT INTO fetch_state (url, etag, last_modified, lastmod, fetched_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,"
            " lastmod = COALESCE(excluded.lastmod, fetch_state.lastmod), fetched_at = excluded.fetched_at",
            (url, etag, last_modified, lastmod, fetched_at),
        )

    def record_run(self, source: str, started: str, finished: str, counts: dict[str, int], success: bool,
                   name: str | None = None) -> None:
        """One crawl of a source: its counts, its last attempt and (if it succeeded) last success."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO crawl_runs (source, started, finished, discovered, fetched, new, updated, failed)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (source, started, finished, counts.get("discovered", 0), counts.get("fetched", 0),
                 counts.get("new", 0), counts.get("updated", 0), counts.get("failed", 0)),
            )
            conn.execute("INSERT OR IGNORE INTO sources (id) VALUES (?)", (source,))
            conn.execute("UPDATE sources SET last_attempt = ?, name = COALESCE(?, name) WHERE id = ?",
                         (finished, name, source))
            if success:
                conn.execute("UPDATE sources SET last_success = ? WHERE id = ?", (finished, source))

    def source_status(self) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT s.id, s.last_attempt, s.last_success,"
            " (SELECT count(*) FROM documents d WHERE d.source = s.id) AS documents,"
            " (SELECT count(*) FROM failures f WHERE f.source = s.id) AS failures"
            " FROM sources s ORDER BY s.id"
        ).fetchall()
        return [dict(r) for r in rows]

    def source_names(self) -> dict[str, str]:
        """Source id -> display name, for the sources whose name the catalog knows (citations)."""
        rows = self.conn.execute("SELECT id, name FROM sources WHERE name IS NOT NULL AND name != ''").fetchall()
        return {r["id"]: r["name"] for r in rows}

    # -- integrity (optout verify) --------------------------------------------------------------------

    def iter_captures(self) -> Iterator[Capture]:
        """Every capture that has a WARC record, in archive order."""
        for r in self.conn.execute("SELECT * FROM captures WHERE warc_file IS NOT NULL ORDER BY id"):
            yield Capture(**{k: r[k] for k in r.keys()})

    def capture_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM captures WHERE warc_file IS NOT NULL").fetchone()[0])

    def integrity_problems(self, limit: int = 20) -> list[str]:
        """What SQLite's own integrity check finds (an empty list when the file is sound)."""
        try:
            rows = self.conn.execute(f"PRAGMA integrity_check({int(limit)})").fetchall()
        except sqlite3.DatabaseError as exc:
            return [str(exc)]
        problems = [str(r[0]) for r in rows]
        return [] if problems == ["ok"] else problems

    def forget_fetch(self, url: str) -> None:
        """Forget that ``url`` was fetched, so the next crawl fetches it again (a damaged capture)."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM fetch_state WHERE url = ?", (url,))

    # -- page facts (listing pages, date and kind evidence) ----------------------------------------

    def set_page_facts(self, conn: sqlite3.Connection, doc_id: str, is_listing: bool | None,
                       facts: dict[str, Any] | None = None) -> None:
        """Mark a document as a listing page (or an article) and keep the evidence of its date and kind."""
        conn.execute("UPDATE documents SET is_listing = ?, page_facts = COALESCE(?, page_facts) WHERE id = ?",
                     (None if is_listing is None else int(is_listing),
                      json.dumps(facts, ensure_ascii=False) if facts is not None else None, doc_id))

    def page_facts(self, doc_id: str) -> tuple[bool | None, dict[str, Any]]:
        """(is_listing, evidence) of a document; (None, {}) when never checked."""
        row = self.conn.execute("SELECT is_listing, page_facts FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return None, {}
        flag = None if row["is_listing"] is None else bool(row["is_listing"])
        return flag, json.loads(row["page_facts"]) if row["page_facts"] else {}

    def unchecked_listing_ids(self) -> list[str]:
        """Documents archived before listing pages were detected."""
        return [r["id"] for r in self.conn.execute("SELECT id FROM documents WHERE is_listing IS NULL ORDER BY rowid")]

    def listing_ids(self) -> set[str]:
        """Documents marked as listing pages (never searchable)."""
        return {r["id"] for r in self.conn.execute("SELECT id FROM documents WHERE is_listing = 1")}

    # -- positions (indexer/positions.py) --------------------------------------------------------------

    def set_positions(self, conn: sqlite3.Connection, doc_id: str, position: str | None,
                      evidence: dict[str, Any] | None, quotes: list[tuple[str | None, dict[str, Any] | None]],
                      version: str, unindexed: bool = True) -> None:
        """Store a document's position (statements; None otherwise) and its quotes' positions, by quote order.
        The document is marked for re-indexing (the search index carries the positions) unless ``unindexed``
        is False: the caller knows its index entry holds these positions already."""
        conn.execute(
            "UPDATE documents SET position = ?, position_evidence = ?, positioned_with = ?"
            + (", indexed_version = 0" if unindexed else "") + " WHERE id = ?",
            (position, _json_dumps_or_none(evidence), version, doc_id))
        conn.executemany(
            "UPDATE quotes SET position = ?, position_evidence = ? WHERE document_id = ? AND seq = ?",
            [(p, _json_dumps_or_none(e), doc_id, i) for i, (p, e) in enumerate(quotes)])

    def position_pending(self, version: str) -> list[str]:
        """Ids of documents whose positions were computed with another lexicon version, or never."""
        rows = self.conn.execute(
            "SELECT id FROM documents WHERE positioned_with IS NULL OR positioned_with != ? ORDER BY rowid", (version,))
        return [r["id"] for r in rows]

    def declared_organizations(self) -> list[str]:
        """Organizations the archive itself names: those its sources speak for and those speakers were
        found to speak for (known organizations whether or not the gazetteer lists them)."""
        rows = self.conn.execute(
            "SELECT source_organization AS name FROM documents WHERE source_organization IS NOT NULL"
            " UNION SELECT speaker_org FROM quotes WHERE speaker_org IS NOT NULL ORDER BY 1").fetchall()
        return [r[0] for r in rows if r[0]]

    # -- history: Wayback backfill and WARC import (crawler/wayback.py, crawler/warcimport.py) ----------

    def has_capture_origin(self, origin: str) -> bool:
        """Whether a capture read from ``origin`` (a Wayback address) is archived already."""
        return self.conn.execute("SELECT 1 FROM captures WHERE origin = ? LIMIT 1", (origin,)).fetchone() is not None

    def origin_captures(self, urls: Iterable[str], origin_type: str, since: str | None = None,
                        until: str | None = None) -> int:
        """How many captures of any of ``urls`` came from ``origin_type`` ('wayback', 'warc'), captured
        between ``since`` and ``until`` (ISO strings, inclusive) when given."""
        urls = list(dict.fromkeys(urls))
        if not urls:
            return 0
        marks = ", ".join("?" * len(urls))
        row = self.conn.execute(
            f"SELECT count(*) FROM captures WHERE origin_type = ? AND url IN ({marks})"
            " AND captured_at >= ? AND captured_at <= ?",
            (origin_type, *urls, since or "", until or "9999"),
        ).fetchone()
        return int(row[0])

    def has_capture(self, url: str, captured_at: str, sha1: str) -> bool:
        """Whether this very capture (URL, capture time and payload sha1) is archived already."""
        return self.conn.execute(
            "SELECT 1 FROM captures WHERE url = ? AND captured_at = ? AND sha1 = ? LIMIT 1", (url, captured_at, sha1)
        ).fetchone() is not None

    def last_capture(self, url: str, sha1: str) -> Capture | None:
        """The latest archived capture of ``url`` with this payload sha1, or None."""
        r = self.conn.execute("SELECT * FROM captures WHERE url = ? AND sha1 = ? AND warc_file IS NOT NULL"
                              " ORDER BY id DESC LIMIT 1", (url, sha1)).fetchone()
        return None if r is None else Capture(**{k: r[k] for k in r.keys()})

    def backfill_cursor(self, source: str, query: str) -> sqlite3.Row | None:
        """The stored cursor of one backfill query (resume_key, pages, done, updated_at), or None."""
        return self.conn.execute("SELECT * FROM backfill_cursors WHERE source = ? AND query = ?",
                                 (source, query)).fetchone()

    def set_backfill_cursor(self, source: str, query: str, resume_key: str | None, pages: int, done: bool,
                            at: str) -> None:
        """Remember where a backfill query stands: the resume key of its next page, or done."""
        self.conn.execute(
            "INSERT INTO backfill_cursors (source, query, resume_key, pages, done, updated_at) VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(source, query) DO UPDATE SET resume_key = excluded.resume_key, pages = excluded.pages,"
            " done = excluded.done, updated_at = excluded.updated_at",
            (source, query, resume_key, pages, int(done), at),
        )

    def clear_backfill_cursor(self, source: str, query: str) -> None:
        """Forget a backfill query's cursor (the next backfill starts it from the beginning)."""
        self.conn.execute("DELETE FROM backfill_cursors WHERE source = ? AND query = ?", (source, query))

    def near_duplicates(self, doc_id: str) -> list[sqlite3.Row]:
        """Documents recorded as near-duplicates of ``doc_id`` (id, title, url, source, published)."""
        return self.conn.execute(
            "SELECT id, title, url, source, published FROM documents WHERE near_duplicate_of = ? ORDER BY published, id",
            (doc_id,)).fetchall()


_BANDS = ("simhash_b0", "simhash_b1", "simhash_b2", "simhash_b3")


def simhash_bands(simhash: int) -> tuple[int, int, int, int]:
    """The four 16-bit bands of a 64-bit simhash (signed or unsigned: the masks make them agree)."""
    return tuple((simhash >> shift) & 0xFFFF for shift in (0, 16, 32, 48))  # type: ignore[return-value]


def _json_or_none(text: str | None) -> Any:
    return json.loads(text) if text else None


def _json_dumps_or_none(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _signed64(value: int | None) -> int | None:
    # SQLite integers are signed 64-bit; simhashes are unsigned.
    if value is None:
        return None
    return value - (1 << 64) if value >= (1 << 63) else value


def _unsigned64(value: int | None) -> int | None:
    if value is None:
        return None
    return value + (1 << 64) if value < 0 else value
