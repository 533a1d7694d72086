"""Citations for quotes and documents (APA, MLA, Chicago), with the date the page was archived."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlsplit

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_MLA_MONTHS = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def citation(hit: Any, style: str) -> str:
    """A citation of the page a quote comes from; the archive date says when the copy was taken."""
    title = hit.title or "(untitled)"
    site = urlsplit(hit.url).hostname or ""
    published = _date(hit.published)
    archived = _date(getattr(hit, "captured_at", None))
    speaker = hit.speaker or hit.speaker_org or site
    if style == "apa":
        when = f"{published.year}, {_MONTHS[published.month - 1]} {published.day}" if published else "n.d."
        got = f" Archived {_MONTHS[archived.month - 1]} {archived.day}, {archived.year}." if archived else ""
        return f"{site}. ({when}). {title}. {hit.url}{got} [Quote: {speaker}]"
    if style == "mla":
        when = f"{published.day} {_MLA_MONTHS[published.month - 1]} {published.year}, " if published else ""
        got = f" Accessed {archived.day} {_MLA_MONTHS[archived.month - 1]} {archived.year}." if archived else ""
        return f"\"{title}.\" {site}, {when}{hit.url}.{got} Quoting {speaker}."
    when = f"{_MONTHS[published.month - 1]} {published.day}, {published.year}" if published else "n.d."
    got = f" Archived {_MONTHS[archived.month - 1]} {archived.day}, {archived.year}." if archived else ""
    return f"{speaker}, quoted in \"{title},\" {site}, {when}, {hit.url}.{got}"
