"""`optout verify --repair`: re-derive damaged documents from their own sound captures (extraction runs
again on the archived bytes); damaged captures are left for the next crawl to fetch again."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from archive.errors import ArchiveError


@dataclass
class RepairReport:
    rederived: list[str] = field(default_factory=list)
    not_repaired: list[tuple[str, str]] = field(default_factory=list)  # (document id, why)
    refetch: int = 0  # URLs the next crawl will fetch again


def repair(archive: Any, report: Any) -> RepairReport:
    """Repair what ``report`` (archive.verify.VerifyReport) found damaged."""
    from archive.verify import forget_damaged_captures
    from crawler.extract import extract_page
    from crawler.pdf import PdfFailure

    out = RepairReport(refetch=forget_damaged_captures(archive, report))
    for damage in report.damage:
        if damage.what != "document":
            continue
        try:
            raw = archive.raw(damage.id)  # verified against its record and the catalog's sha1
        except ArchiveError as exc:
            out.not_repaired.append((damage.id, str(exc)))
            continue
        content_type = next((v for k, v in raw.headers if k.lower() == "content-type"), None)
        row = archive.catalog.document_row(damage.id)
        try:
            ex = extract_page(raw.body, raw.url, content_type, row["kind"] if row is not None else None)
        except PdfFailure as exc:
            out.not_repaired.append((damage.id, str(exc)))
            continue
        if not ex.text.strip():
            out.not_repaired.append((damage.id, "its capture has no article text"))
            continue
        archive.rederive(damage.id, ex.to_dict())
        out.rederived.append(damage.id)
    return out
