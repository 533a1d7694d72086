"""Dates as people type them ("2015", "March 2015", "spring 2015", "2015-16", "last spring", "2014 to 2016")
read as inclusive ranges of days. The one date-parsing helper for search options and the query language."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta


class DateError(ValueError):
    """A date the user must fix; the message says which forms are understood."""


HINT = "try 2015, March 2015, 2015-03-31, spring 2015, 2015-16 (a school year), last spring or '2 years ago'"

# Meteorological seasons (first month, number of months); winter 2015 runs from December 2015 to February 2016.
SEASONS = {"spring": (3, 3), "summer": (6, 3), "fall": (9, 3), "autumn": (9, 3), "winter": (12, 3)}
# A school year: July 1 to June 30 (the reporting year states and NCES use).
SCHOOL_YEAR_START = 7

_YEAR = r"(19[7-9]\d|20\d\d)"
_RANGE_SEP = re.compile(r"^\s*(?:from\s+|between\s+)?(.+?)\s+(?:to|through|thru|until|and|-|–|\.\.)\s+(.+?)\s*$", re.I)
_SCHOOL = re.compile(rf"^(?:(?:sy|school\s+year)\s*)?{_YEAR}\s*[-–/]\s*(\d{{2}}|\d{{4}})$", re.I)
_SEASON = re.compile(rf"^(spring|summer|fall|autumn|winter)\s+(?:of\s+)?{_YEAR}$", re.I)
_RELATIVE_SEASON = re.compile(r"^(last|this|past|previous)\s+(spring|summer|fall|autumn|winter)$", re.I)
_RELATIVE_UNIT = re.compile(r"^(last|this|past|previous)\s+(year|month|week)$", re.I)
_LAST_N = re.compile(r"^(?:the\s+)?(?:last|past)\s+(\d{1,3})\s+(day|week|month|year)s?$", re.I)


@dataclass(frozen=True)
class DateSpan:
    """Days from ``start`` to ``end`` (both included); None means open on that side."""

    start: date | None
    end: date | None

    def describe(self) -> str:
        """"2015-03-01 to 2015-05-31", "from 2015-03-01", "up to 2016-06-30"."""
        if self.start and self.end:
            return f"{self.start.isoformat()} to {self.end.isoformat()}"
        if self.start:
            return f"from {self.start.isoformat()}"
        if self.end:
            return f"up to {self.end.isoformat()}"
        return "any date"

    def contains(self, day: date | None) -> bool:
        if day is None:
            return self.start is None and self.end is None
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _months(year: int, month: int, count: int) -> DateSpan:
    """``count`` months starting with ``month`` of ``year`` (may run into the next year)."""
    last_index = year * 12 + month - 1 + count - 1
    return DateSpan(date(year, month, 1), _month_end(last_index // 12, last_index % 12 + 1))


def season(name: str, year: int) -> DateSpan:
    first, count = SEASONS[name.lower()]
    return _months(year, first, count)


def school_year(first_year: int) -> DateSpan:
    return _months(first_year, SCHOOL_YEAR_START, 12)


def _relative_season(which: str, name: str, today: date) -> DateSpan:
    """"last spring": the most recent spring that has ended; "this spring": the one of this year (for
    winter: the one under way or about to start)."""
    if which.lower() == "this":
        year = today.year - 1 if name.lower() == "winter" and today.month < 3 else today.year
        return season(name, year)
    year = today.year
    while season(name, year).end >= today:  # type: ignore[operator]
        year -= 1
    return season(name, year)


def _relative_unit(which: str, unit: str, today: date) -> DateSpan:
    back = which.lower() != "this"
    unit = unit.lower()
    if unit == "year":
        year = today.year - back
        return DateSpan(date(year, 1, 1), date(year, 12, 31))
    if unit == "month":
        index = today.year * 12 + today.month - 1 - back
        return _months(index // 12, index % 12 + 1, 1)
    monday = today - timedelta(days=today.weekday()) - timedelta(weeks=back)
    return DateSpan(monday, monday + timedelta(days=6))


def _last_n(n: int, unit: str, today: date) -> DateSpan:
    unit = unit.lower()
    if unit == "day":
        start = today - timedelta(days=n)
    elif unit == "week":
        start = today - timedelta(weeks=n)
    elif unit == "month":
        index = today.year * 12 + today.month - 1 - n
        day = min(today.day, calendar.monthrange(index // 12, index % 12 + 1)[1])
        start = date(index // 12, index % 12 + 1, day)
    else:
        start = today.replace(year=today.year - n) if not (today.month == 2 and today.day == 29) \
            else date(today.year - n, 2, 28)
    return DateSpan(start, today)


def _school_year(m: re.Match[str]) -> DateSpan | None:
    first, second = int(m.group(1)), m.group(2)
    following = first + 1
    if len(second) == 4 and int(second) == following or len(second) == 2 and int(second) == following % 100:
        return school_year(first)
    if len(second) == 4 and int(second) > first and not m.group(0).lower().startswith(("sy", "school")):
        return DateSpan(date(first, 1, 1), date(int(second), 12, 31))  # "2014-2017": whole years
    return None


def _simple(value: str, today: date) -> DateSpan | None:
    """The forms read without dateparser (exact and fast)."""
    if re.fullmatch(_YEAR, value):
        return DateSpan(date(int(value), 1, 1), date(int(value), 12, 31))
    m = _SCHOOL.fullmatch(value)
    if m and (span := _school_year(m)):
        return span
    m = re.fullmatch(rf"{_YEAR}-(\d{{1,2}})", value)
    if m and 1 <= int(m.group(2)) <= 12:
        return _months(int(m.group(1)), int(m.group(2)), 1)
    m = re.fullmatch(rf"{_YEAR}-(\d{{1,2}})-(\d{{1,2}})", value)
    if m:
        try:
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise DateError(f"{value!r} is not a real day ({HINT})") from None
        return DateSpan(day, day)
    m = _SEASON.fullmatch(value)
    if m:
        return season(m.group(1), int(m.group(2)))
    m = _RELATIVE_SEASON.fullmatch(value)
    if m:
        return _relative_season(m.group(1), m.group(2), today)
    m = _RELATIVE_UNIT.fullmatch(value)
    if m:
        return _relative_unit(m.group(1), m.group(2), today)
    m = _LAST_N.fullmatch(value)
    if m:
        return _last_n(int(m.group(1)), m.group(2), today)
    return None


def _month_year(value: str) -> DateSpan | None:
    """"March 2015", "Mar. 2015"."""
    m = re.fullmatch(rf"([A-Za-z]{{3,9}})\.?,?\s+{_YEAR}", value)
    if not m:
        return None
    names = {n.lower(): i for i, n in enumerate(calendar.month_name) if n}
    names.update({n.lower(): i for i, n in enumerate(calendar.month_abbr) if n})
    month = names.get(m.group(1).lower()) or names.get(m.group(1).lower()[:3])
    return _months(int(m.group(2)), month, 1) if month else None


def _dateparser(value: str, today: date) -> DateSpan | None:
    """Single days written in words or numbers ("March 31, 2015", "04/01/2015", "2 weeks ago")."""
    import dateparser

    settings = {"RETURN_AS_TIMEZONE_AWARE": False, "RELATIVE_BASE": datetime.combine(today, datetime.min.time()),
                "PREFER_DAY_OF_MONTH": "first", "DATE_ORDER": "MDY"}
    try:
        parsed = dateparser.parse(value, languages=["en"], settings=settings)
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed is None:
        return None
    return DateSpan(parsed.date(), parsed.date())


def parse_span(text: str, today: date | None = None) -> DateSpan:
    """What a user typed for a date or a period, as an inclusive range of days; DateError if unreadable."""
    today = today or date.today()
    value = re.sub(r"\s+", " ", (text or "").strip())
    if not value:
        raise DateError(f"an empty date ({HINT})")
    if len(value) > 100:
        raise DateError("a date of more than 100 characters")
    span = _simple(value, today) or _month_year(value)
    if span:
        return span
    m = _RANGE_SEP.fullmatch(value)
    if m and not _SCHOOL.fullmatch(value):
        first, last = parse_span(m.group(1), today), parse_span(m.group(2), today)
        if first.start and last.end and first.start > last.end:
            raise DateError(f"{text!r}: the range ends before it starts")
        return DateSpan(first.start, last.end)
    span = _dateparser(value, today)
    if span is None:
        raise DateError(f"cannot read the date {text!r} ({HINT})")
    return span


def resolve_range(since: str | None = None, until: str | None = None, during: str | None = None,
                  today: date | None = None) -> DateSpan:
    """--since (from the start of what it names), --until (to its end), --during (exactly what it names)."""
    start = end = None
    if during:
        span = parse_span(during, today)
        start, end = span.start, span.end
    if since:
        start = max(filter(None, [start, parse_span(since, today).start]), default=None)
    if until:
        end = min(filter(None, [end, parse_span(until, today).end]), default=None)
    if start and end and start > end:
        raise DateError(f"the dates leave nothing: {start.isoformat()} is after {end.isoformat()}")
    return DateSpan(start, end)


def parse_date(text: str | None, end: bool = False, today: date | None = None) -> datetime | None:
    """The first (or with ``end`` the last) moment of what ``text`` names, as a datetime; None for no text."""
    if not text:
        return None
    span = parse_span(text, today)
    day = span.end if end else span.start
    if day is None:
        return None
    return datetime.combine(day, datetime.max.time().replace(microsecond=0)) if end else \
        datetime.combine(day, datetime.min.time())
