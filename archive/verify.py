"""`optout verify`: is what the archive shows still what was captured? Captures against their WARC records
(length, sha1, the record's own digest), documents against their content hash, and SQLite's integrity check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from archive.errors import ArchiveError
from archive.store import Archive, document_problem
from archive.urls import canonical_url


@dataclass
class Damage:
    """One thing that is not as it was archived."""

    what: str  # "capture" | "document" | "catalog"
    id: str  # capture id, document id, or "" for the catalog
    url: str
    reason: str


@dataclass
class VerifyReport:
    captures: int = 0
    documents: int = 0
    damage: list[Damage] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.damage


def verify(archive: Archive, progress: Callable[[str, int, int], None] | None = None) -> VerifyReport:
    """Check every capture, every document and the catalog file; nothing is changed."""
    report = VerifyReport()
    catalog = archive.catalog
    report.damage += [Damage("catalog", "", str(catalog.path), p) for p in catalog.integrity_problems()]
    total = catalog.capture_count()
    for n, cap in enumerate(catalog.iter_captures(), 1):
        report.captures += 1
        try:
            archive.warc.read(cap.warc_file or "", cap.warc_offset or 0, sha1=cap.sha1, length=cap.length)
        except (ArchiveError, OSError, ValueError) as exc:
            report.damage.append(Damage("capture", str(cap.id), cap.url, str(exc)))
        if progress and (n % 200 == 0 or n == total):
            progress("captures", n, total)
    total = catalog.count()
    for n, doc in enumerate(archive.documents(with_annotations=False), 1):
        report.documents += 1
        problem = document_problem(doc)
        if problem:
            report.damage.append(Damage("document", doc.id or "?", doc.url or "", problem))
        if progress and (n % 200 == 0 or n == total):
            progress("documents", n, total)
    return report


def forget_damaged_captures(archive: Archive, report: VerifyReport) -> int:
    """Let the next crawl fetch again every URL whose capture is damaged (a crawl skips URLs it fetched)."""
    urls = {d.url for d in report.damage if d.what == "capture"}
    for url in urls:
        archive.catalog.forget_fetch(canonical_url(url))
    return len(urls)
