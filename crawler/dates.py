"""Publication dates: the date a page states, as written (never shifted by time-zone conversion)."""

from __future__ import annotations

import re
from datetime import date
from email.utils import parsedate_tz

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], 1)}
_MONTHS.update({k[:3]: v for k, v in list(_MONTHS.items())})
_MON = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")
_ISO_ANY = re.compile(r"(?<!\d)((?:19|20)\d{2})-(\d{2})-(\d{2})(?!\d)")
_MDY = re.compile(rf"\b{_MON}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{{2}})\b", re.IGNORECASE)
_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MON},?\s+((?:19|20)\d{{2}})\b", re.IGNORECASE)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|-|$)")
_URL_DATE_COMPACT = re.compile(r"/((?:19|20)\d{2})(\d{2})(\d{2})(?:/|-|_)")


def _valid(y: int, m: int, d: int) -> str | None:
    try:
        value = date(y, m, d)
    except ValueError:
        return None
    if not 1990 <= y <= date.today().year + 1:
        return None
    return value.isoformat()


def parse_iso(value: str | None) -> str | None:
    """The date part of an ISO 8601 string exactly as written ("2014-10-06T22:00:00-04:00" -> "2014-10-06")."""
    if not value:
        return None
    m = _ISO.match(value)
    if m:
        return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


def parse_rfc822(value: str | None) -> str | None:
    """The date of an RFC 822 feed date as written ("Mon, 06 Oct 2014 18:00:00 GMT")."""
    if not value:
        return None
    parts = parsedate_tz(value)
    if not parts:
        return None
    return _valid(parts[0], parts[1], parts[2])


def parse_any(value: str | None) -> str | None:
    """ISO, RFC 822 or a written date ("Saturday, March 12, 2016"); dateparser for the rest."""
    if not value:
        return None
    for parser in (parse_iso, parse_rfc822, find_written_date):
        found = parser(value)
        if found:
            return found
    if len(value) > 60:
        return None
    import dateparser  # slow to import: only when the cheap parsers fail

    parsed = dateparser.parse(value, settings={"REQUIRE_PARTS": ["day", "month", "year"],
                                               "RETURN_AS_TIMEZONE_AWARE": False})
    return _valid(parsed.year, parsed.month, parsed.day) if parsed else None


def _month(name: str) -> int:
    return _MONTHS[name.lower().rstrip(".")[:3]]


def find_written_date(text: str) -> str | None:
    """The first full date written out in ``text`` ("March 12, 2016", "12 March 2016", "2016-03-12")."""
    best: tuple[int, str] | None = None
    for regex, order in ((_MDY, "mdy"), (_DMY, "dmy"), (_ISO_ANY, "ymd")):
        m = regex.search(text)
        if not m:
            continue
        if order == "mdy":
            value = _valid(int(m.group(3)), _month(m.group(1)), int(m.group(2)))
        elif order == "dmy":
            value = _valid(int(m.group(3)), _month(m.group(2)), int(m.group(1)))
        else:
            value = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if value and (best is None or m.start() < best[0]):
            best = (m.start(), value)
    return best[1] if best else None


def date_from_url(url: str) -> str | None:
    """A date in the URL path (/2015/04/03/ or /20150403-)."""
    for regex in (_URL_DATE, _URL_DATE_COMPACT):
        m = regex.search(url)
        if m:
            value = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if value:
                return value
    return None
