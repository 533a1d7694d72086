"""Reading the ISO dates the catalog stores ("2015", "2015-03", "2015-03-31", "2015-03-31T10:00:00Z").

The catalog keeps a document's publication date as the page states it, in ISO form, at whatever
precision the page gave. Everything on the catalog and index side reads those strings here, so one
rule decides what counts as a year or a date. (Users' dates, "last spring" or "March 2015", are the
query language's business.)
"""

from __future__ import annotations

import re
from datetime import date, datetime

_YEAR = re.compile(r"^\s*(\d{4})")
_PARTS = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def year_of(value: str | None) -> int | None:
    """The year an ISO date string begins with, or None when it does not begin with one."""
    m = _YEAR.match(value or "")
    return int(m.group(1)) if m else None


def date_parts(value: str | None) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) at the precision the string has: "2015" -> (2015, None, None), "2015-03" ->
    (2015, 3, None). A month out of range makes the whole value unreadable (None); a day that is not on
    the calendar is dropped, keeping year and month."""
    m = _PARTS.match(value or "")
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    if year < 1 or (month is not None and not 1 <= month <= 12):
        return None
    day = int(m.group(3)) if m.group(3) else None
    if day is not None and month is not None:
        try:
            date(year, month, day)
        except ValueError:
            day = None
    return year, month, day


def date_of(value: str | None) -> date | None:
    """The calendar date of a full ISO date or date-time string; None for a year or month alone, or junk."""
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def datetime_of(value: str | None) -> datetime | None:
    """Midnight (naive: the publisher's local date, never shifted) of ``date_of(value)``."""
    day = date_of(value)
    return datetime(day.year, day.month, day.day) if day else None
