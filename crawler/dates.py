"""Publication dates: the date a page states, as written (never shifted by time-zone conversion)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_tz
from functools import lru_cache
from pathlib import Path

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


def parse_any(value: str | None, lang: str | None = None) -> str | None:
    """ISO, RFC 822 or a written date ("Saturday, March 12, 2016"); dateparser (in ``lang`` and English) for the rest."""
    if not value or not isinstance(value, str):
        return None
    for parser in (parse_iso, parse_rfc822, find_written_date):
        found = parser(value)
        if found:
            return found
    if len(value) > 60:
        return None
    try:
        parsed = _parser(known_language(lang)).get_date_data(value).date_obj
    except (ValueError, TypeError, OverflowError, AttributeError):
        return None
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


# -- time stamps with offsets, and the publisher's local date ---------------------------------------

_STAMP = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*"
    r"(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?", re.IGNORECASE)


@dataclass(frozen=True)
class Stamp:
    """A date as written, with its time and UTC offset (minutes) when the string gives them."""

    day: date
    time: tuple[int, int] | None = None
    offset: int | None = None

    def iso(self) -> str:
        return self.day.isoformat()


def _offset_minutes(text: str | None) -> int | None:
    if not text:
        return None
    if text.upper() in ("Z", "UTC", "GMT"):
        return 0
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 14 or minutes >= 60:
        return None
    return sign * (hours * 60 + minutes)


def parse_stamp(value: str | None) -> Stamp | None:
    """An ISO 8601 (or RFC 822) date-time with its offset; None when it is not a plausible date."""
    if not value or not isinstance(value, str):
        return None
    value = value[:100]
    m = _STAMP.match(value)
    if m:
        iso = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if not iso:
            return None
        clock = None
        if m.group(4) and int(m.group(4)) < 24:
            clock = (int(m.group(4)), int(m.group(5)))
        return Stamp(date.fromisoformat(iso), clock, _offset_minutes(m.group(7)) if clock else None)
    parts = parsedate_tz(value) if re.search(r"[A-Za-z]{3}", value) and re.search(r"\d{4}", value) else None
    if parts:
        iso = _valid(parts[0], parts[1], parts[2])
        if iso:
            offset = parts[9] // 60 if parts[9] is not None else None
            return Stamp(date.fromisoformat(iso), (parts[3], parts[4]), offset)
    return None


def local_date(stamp: Stamp, target: int | str | None) -> str:
    """The stamp's date where it was published: ``target`` is an offset in minutes or an IANA zone name.

    Without a target, or a stamp without time and offset, the date is the one written.
    """
    if target is None or stamp.time is None or stamp.offset is None:
        return stamp.iso()
    moment = datetime(stamp.day.year, stamp.day.month, stamp.day.day, *stamp.time,
                      tzinfo=timezone(timedelta(minutes=stamp.offset)))
    if isinstance(target, int):
        return (moment + timedelta(minutes=target - stamp.offset)).date().isoformat()
    try:
        from zoneinfo import ZoneInfo

        return moment.astimezone(ZoneInfo(target)).date().isoformat()
    except (KeyError, ValueError, OSError):
        return stamp.iso()


@lru_cache(maxsize=1)
def zone_abbreviations() -> dict[str, str]:
    """Printed time-zone names -> offset ("-08:00") or IANA zone, from data/time_zones.toml."""
    import tomllib

    path = Path(__file__).with_name("data") / "time_zones.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: {exc}") from None
    table = data.get("abbreviations")
    if not isinstance(table, dict):
        raise ValueError(f"{path}: missing [abbreviations] table")
    for key, value in table.items():
        if not isinstance(value, str) or not (re.fullmatch(r"[+-]\d{2}:\d{2}", value) or "/" in value):
            raise ValueError(f"{path}: abbreviation {key!r}: expected an offset like -05:00 or a zone name")
    return {k.upper(): v for k, v in table.items()}


_PRINTED_TIME = re.compile(
    r"\b\d{1,2}(?:[:.h]\d{2}\s*(?i:uhr|h)?\s*(?:(?i:[ap]\.?\s?m)\.?)?|\s*(?i:[ap]\.?\s?m)\.?)\s*\(?\b([A-Z]{2,5})\b\)?"
    r"|\b(?:UTC|GMT)\s?([+-]\d{1,2}(?::?\d{2})?)\b")


def printed_offset(text: str, when: date | None = None) -> int | None:
    """The UTC offset (minutes) of a time printed with its zone ("10:35 PM PST", "GMT+1"), else None."""
    table = zone_abbreviations()
    for m in _PRINTED_TIME.finditer(text[:2000]):
        if m.group(2):
            raw = m.group(2)
            sign = "-" if raw[0] == "-" else "+"
            digits = raw[1:].replace(":", "")
            hours, minutes = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "00")
            return _offset_minutes(f"{sign}{int(hours):02d}{minutes}")
        name = (m.group(1) or "").upper()
        if name not in table or name == "Z":
            continue
        return _zone_offset(table[name], when)
    return None


def _zone_offset(value: str, when: date | None) -> int | None:
    if value[0] in "+-":
        return _offset_minutes(value)
    try:
        from zoneinfo import ZoneInfo

        moment = datetime.combine(when or date.today(), datetime.min.time().replace(hour=12), ZoneInfo(value))
    except (KeyError, ValueError, OSError):
        return None
    delta = moment.utcoffset()
    return int(delta.total_seconds() // 60) if delta is not None else None


# -- dates written in text, in the page's language ----------------------------------------------------

_NUM_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?((?:19|20)\d{2})(?![\d.]\d)")
_NUM_SLASHED = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})(?![\d/])")
_NUM_YMD = re.compile(r"(?<![\d.\-/])((?:19|20)\d{2})\s?(?:-|/|\.|年|년)\s?(\d{1,2})\s?(?:-|/|\.|月|월)\s?(\d{1,2})(?!\d)")
_WORD = r"([^\W\d_]{3,12})\.?"
_WORD_DMY = re.compile(rf"(?<![\d.])(\d{{1,2}})(?:\.|º|er|st|nd|rd|th)?\s*(?:de\s+)?{_WORD}\s*,?\s*(?:de\s+)?((?:19|20)\d{{2}})(?!\d)")
_WORD_MDY = re.compile(rf"(?<![^\W\d_]){_WORD}\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+((?:19|20)\d{{2}})(?!\d)")
_MONTH_FIRST_REGIONS = {"US", "PH", "FM", "MH", "PW", "AS", "GU", "MP", "PR", "UM", "VI"}
# A page with thousands of dates is not read past this many.
MAX_WRITTEN_DATES = 60


def known_language(lang: str | None) -> str:
    """``lang`` when dateparser has its data, else "en"."""
    lang = (lang or "").replace("_", "-").split("-")[0].lower()
    if lang and _locale(lang) is not None:
        return lang
    return "en"


@lru_cache(maxsize=64)
def _locale(lang: str):  # type: ignore[no-untyped-def]
    from dateparser.languages.loader import default_loader

    try:
        return default_loader.get_locale(lang)
    except (ValueError, KeyError):
        return None


@lru_cache(maxsize=64)
def _month_names(lang: str) -> dict[str, int]:
    """Month names and abbreviations in ``lang`` (and English), from dateparser's language data."""
    names: dict[str, int] = {}
    for code in dict.fromkeys((lang, "en")):
        loc = _locale(code)
        if loc is None:
            continue
        for i, key in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                 "september", "october", "november", "december"), 1):
            for name in loc.info.get(key, []):
                names.setdefault(name.lower().rstrip("."), i)
    return names


@lru_cache(maxsize=64)
def _date_order(lang: str) -> str:
    loc = _locale(lang)
    return (loc.info.get("date_order") if loc is not None else None) or "DMY"


@lru_cache(maxsize=16)
def _parser(lang: str):  # type: ignore[no-untyped-def]
    from dateparser.date import DateDataParser

    languages = list(dict.fromkeys((lang, "en")))
    return DateDataParser(languages=languages, settings={
        "REQUIRE_PARTS": ["day", "month", "year"], "RETURN_AS_TIMEZONE_AWARE": False,
        "PARSERS": ["absolute-time"], "STRICT_PARSING": True})


def _word_dates(text: str, lang: str, most: int, accept: Callable[[int, int], bool] | None) -> list[tuple[int, int, str]]:
    """Dates with a month name of the page's language (or English), read with dateparser's month table:
    the table lookup gives the same answer as a dateparser call on the snippet at a fraction of its cost."""
    months = _month_names(lang)
    out: list[tuple[int, int, str]] = []
    for regex, order in ((_WORD_DMY, "dmy"), (_WORD_MDY, "mdy")):
        for m in regex.finditer(text):
            day, word, year = (m.group(1), m.group(2), m.group(3)) if order == "dmy" else \
                (m.group(2), m.group(1), m.group(3))
            month = months.get(word.lower())
            if month is None or (accept and not accept(m.start(), m.end())):
                continue
            found = _valid(int(year), month, int(day))
            if found:
                out.append((m.start(), m.end(), found))
            if len(out) >= most:
                return out
    return out


def _numeric_dates(text: str, month_first: bool,
                   accept: Callable[[int, int], bool] | None) -> list[tuple[int, int, str]]:
    out = []
    for m in _NUM_YMD.finditer(text):
        value = _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if value:
            out.append((m.start(), m.end(), value))
    for m in _NUM_DOTTED.finditer(text):
        value = _valid(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if value:
            out.append((m.start(), m.end(), value))
    for m in _NUM_SLASHED.finditer(text):
        a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        first = b > 12 if (a > 12 or b > 12) else month_first
        value = _valid(y, a, b) if first else _valid(y, b, a)
        if value:
            out.append((m.start(), m.end(), value))
    out = [d for d in out if accept is None or accept(d[0], d[1])]
    return out[:MAX_WRITTEN_DATES]


def written_dates(text: str, lang: str | None = None, limit: int = 4000, most: int = MAX_WRITTEN_DATES,
                  accept: Callable[[int, int], bool] | None = None) -> list[tuple[int, int, str]]:
    """Every full date written in the first ``limit`` characters of ``text``: (start, end, ISO date), in order.

    Numeric dates follow the language's order for slashed dates (en: month first); dates with month
    names are read by dateparser in the page's language (and English), never without ``languages=``.
    At most ``most`` dates; ``accept(start, end)``, when given, picks the matches worth parsing.
    """
    if not text:
        return []
    text = text[:limit]
    base, _, region = (lang or "").replace("_", "-").partition("-")
    lang = known_language(base.lower() or None)
    # Slashed dates: month first where the language says so (English), unless the region writes day first.
    month_first = _date_order(lang).startswith("M") and (not region or region.upper() in _MONTH_FIRST_REGIONS)
    found = _numeric_dates(text, month_first, accept) + _word_dates(text, lang, most, accept)
    return sorted(found)[:most]
