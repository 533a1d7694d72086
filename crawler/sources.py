"""The sources file: which sites to collect, validated before anything is fetched."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from archive.model import KINDS

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_LIST_KEYS = ("feeds", "sitemaps", "pages", "follow", "exclude")
_KNOWN = {"id", "name", "kind", "organization", "homepage", "time_zone", "wayback", *_LIST_KEYS}
_WAYBACK_KEYS = {"from", "to", "prefixes", "delay", "per_url", "max_captures"}
_WAYBACK_DATE = re.compile(r"^\d{4}(?:-?\d{2}(?:-?\d{2})?)?$")


@lru_cache(maxsize=256)
def _matcher(patterns: tuple[str, ...]) -> Callable[[str], object]:
    """One compiled test for a source's patterns, built once (Python's own regex cache holds 512 patterns, so
    a source with thousands of them would otherwise recompile every pattern for every URL)."""
    if not patterns:
        return lambda _url: None
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns)).search
    except re.error:  # patterns valid alone but not together (a repeated group name): test them one by one
        compiled = [re.compile(p) for p in patterns]
        return lambda url: any(c.search(url) for c in compiled)


class SourcesError(ValueError):
    """A sources file that cannot be used; the message names the file, line, source and key."""


@dataclass
class WaybackOptions:
    """A source's ``[sources.wayback]`` table: how `optout backfill` reads its past from the Wayback Machine."""

    since: str | None = None  # "2013", "201503", "20150331" (CDX from=); None: the earliest capture
    until: str | None = None  # the same forms (CDX to=); None: the latest
    prefixes: list[str] = field(default_factory=list)  # URL prefixes to ask for; empty: the source's domains
    delay: float | None = None  # seconds between requests to the Archive; None: the default
    per_url: int = 1  # Wayback captures kept per article URL and date range
    max_captures: int | None = None  # at most this many captures fetched per backfill run

    def to_toml(self) -> list[str]:
        lines = ["[sources.wayback]"]
        for key, value in (("from", self.since), ("to", self.until)):
            if value:
                lines.append(f"{key} = {_q(value)}")
        if self.prefixes:
            lines.append(f"prefixes = [{', '.join(_q(p) for p in self.prefixes)}]")
        if self.delay is not None:
            lines.append(f"delay = {self.delay}")
        if self.per_url != 1:
            lines.append(f"per_url = {self.per_url}")
        if self.max_captures:
            lines.append(f"max_captures = {self.max_captures}")
        return lines


def wayback_date(value: object) -> str | None:
    """A year (2013), month or day ("2015-03", "20150331") as the CDX API's digits; None when not one."""
    text = str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if not _WAYBACK_DATE.match(text):
        return None
    digits = text.replace("-", "")
    if len(digits) not in (4, 6, 8) or not 1990 <= int(digits[:4]) <= 2100:
        return None
    if len(digits) >= 6 and not 1 <= int(digits[4:6]) <= 12:
        return None
    if len(digits) == 8 and not 1 <= int(digits[6:8]) <= 31:
        return None
    return digits


@dataclass
class Source:
    """One site to collect from."""

    id: str
    name: str
    kind: str | None = None  # None: each page says what it is (crawler/kinds.py)
    organization: str | None = None
    homepage: str | None = None
    time_zone: str | None = None  # IANA name: the publisher's, for time stamps printed without an offset
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    follow: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    wayback: WaybackOptions | None = None

    @property
    def domains(self) -> set[str]:
        """Hosts this source may be fetched from (www. and bare host alike)."""
        hosts = set()
        for url in [*self.feeds, *self.sitemaps, *self.pages, *([self.homepage] if self.homepage else [])]:
            host = (urlsplit(url).hostname or "").lower()
            hosts.add(host[4:] if host.startswith("www.") else host)
        return {h for h in hosts if h}

    def allows(self, url: str) -> bool:
        """True when ``url`` is http(s), on one of the source's hosts and not excluded."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        host = (parts.hostname or "").lower()
        host = host[4:] if host.startswith("www.") else host
        if not any(host == d or host.endswith("." + d) for d in self.domains):
            return False
        return not _matcher(tuple(self.exclude))(url)

    def follows(self, url: str) -> bool:
        """True when a link found on a listing page should be fetched as an article."""
        if not self.allows(url):
            return False
        if self.follow:
            return bool(_matcher(tuple(self.follow))(url))
        return True

    def to_toml(self) -> str:
        lines = ["[[sources]]", f"id = {_q(self.id)}", f"name = {_q(self.name)}"]
        if self.kind:
            lines.append(f"kind = {_q(self.kind)}")
        if self.organization:
            lines.append(f"organization = {_q(self.organization)}")
        if self.homepage:
            lines.append(f"homepage = {_q(self.homepage)}")
        if self.time_zone:
            lines.append(f"time_zone = {_q(self.time_zone)}")
        for key in _LIST_KEYS:
            values = getattr(self, key)
            if values or key in ("feeds", "sitemaps", "pages"):
                lines.append(f"{key} = [{', '.join(_q(v) for v in values)}]")
        if self.wayback is not None:
            lines.extend(self.wayback.to_toml())
        return "\n".join(lines) + "\n"


def _q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _known_zone(name: object) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not isinstance(name, str) or not name.strip():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _source_lines(text: str) -> list[int]:
    """Line numbers (1-based) where each [[sources]] table starts."""
    return [i for i, line in enumerate(text.splitlines(), 1) if re.match(r"\s*\[\[\s*sources\s*\]\]", line)]


def _key_line(text: str, start: int, end: int | None, key: str) -> int:
    lines = text.splitlines()
    if key.startswith("wayback"):  # a key of the source's wayback table: look from that table's header on
        header = next((i for i in range(start - 1, (end or len(lines) + 1) - 1)
                       if re.match(r"\s*(\[\s*sources\s*\.\s*wayback\s*\]|wayback\s*=)", lines[i])), None)
        if header is None:
            return start
        if key == "wayback" or re.match(r"\s*wayback\s*=", lines[header]):
            return header + 1
        start, key = header + 1, key.split(".", 1)[1]
    for i in range(start, (end or len(lines) + 1) - 1):
        if re.match(rf"\s*{re.escape(key)}\s*=", lines[i]):
            return i + 1
    return start


def _validate_table(table: dict, fail: Callable[[str, str], None], seen: dict[str, int], start: int) -> None:
    """Every check of one [[sources]] table; ``fail(key, problem)`` raises."""
    for key in table:
        if key not in _KNOWN:
            fail(key, f"unknown key (known keys: {', '.join(sorted(_KNOWN))})")
    sid = table.get("id")
    if not isinstance(sid, str) or not _ID.match(sid):
        fail("id", "must be letters, digits and dashes (lowercase), starting with a letter or digit")
    if sid in seen:
        fail("id", f"duplicate id (first used at line {seen[sid]})")
    seen[sid] = start
    for key in ("name", "organization", "homepage"):
        if key in table and (not isinstance(table[key], str) or not table[key].strip()):
            fail(key, "must be a non-empty string")
    kind = table.get("kind")
    if kind is not None and kind not in KINDS:
        fail("kind", f"must be one of {', '.join(KINDS)}, not {kind!r}")
    if "time_zone" in table and not _known_zone(table["time_zone"]):
        fail("time_zone", f"unknown time zone {table['time_zone']!r} (an IANA name such as \"America/New_York\")")
    for key in _LIST_KEYS:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            fail(key, "must be a list of strings")
    for key in ("feeds", "sitemaps", "pages", "homepage"):
        values = table.get(key, [])
        for url in [values] if isinstance(values, str) else values:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                fail(key, f"{url!r} is not an http(s) URL")
    for key in ("follow", "exclude"):
        for pattern in table.get(key, []):
            try:
                re.compile(pattern)
            except re.error as exc:
                fail(key, f"bad pattern {pattern!r}: {exc}")
    if not any(table.get(k) for k in ("feeds", "sitemaps", "pages", "homepage")):
        fail("", "needs at least one of feeds, sitemaps, pages or homepage")
    # The wayback table is checked by _validate_wayback as the source is built (parse_sources).


def _validate_wayback(table: object, fail: Callable[[str, str], None]) -> WaybackOptions:
    """Every check of a source's wayback table; ``fail("wayback.KEY", problem)`` raises."""
    if not isinstance(table, dict):
        fail("wayback", "must be a table ([sources.wayback]) of from, to, prefixes, delay, per_url, max_captures")
    assert isinstance(table, dict)
    for key in table:
        if key not in _WAYBACK_KEYS:
            fail(f"wayback.{key}", f"unknown key (known keys: {', '.join(sorted(_WAYBACK_KEYS))})")
    dates = {}
    for key in ("from", "to"):
        if key in table:
            dates[key] = wayback_date(table[key])
            if dates[key] is None:
                fail(f"wayback.{key}", f"must be a year, year-month or date such as 2013, \"2015-03\" or \"20150331\", "
                                       f"not {table[key]!r}")
    if dates.get("from") and dates.get("to") and dates["from"][:len(dates["to"])] > dates["to"]:
        fail("wayback.to", f"is before from ({table['from']!r})")
    prefixes = table.get("prefixes", [])
    if not isinstance(prefixes, list) or not all(isinstance(p, str) for p in prefixes):
        fail("wayback.prefixes", "must be a list of URL prefixes")
    for prefix in prefixes:
        parts = urlsplit(prefix)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            fail("wayback.prefixes", f"{prefix!r} is not an http(s) URL")
    _validate_wayback_numbers(table, fail)
    delay = table.get("delay")
    return WaybackOptions(since=dates.get("from"), until=dates.get("to"), prefixes=list(prefixes),
                          delay=float(delay) if delay is not None else None, per_url=table.get("per_url", 1),
                          max_captures=table.get("max_captures"))

def _validate_wayback_numbers(table: dict, fail: Callable[[str, str], None]) -> None:
    delay = table.get("delay")
    if delay is not None and (isinstance(delay, bool) or not isinstance(delay, int | float) or not 0 <= delay <= 600):
        fail("wayback.delay", "must be a number of seconds from 0 to 600")
    for key in ("per_url", "max_captures"):
        value = table.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            fail(f"wayback.{key}", "must be a whole number of at least 1")


def parse_sources(text: str, name: str = "sources.toml") -> list[Source]:
    """Parse and validate the text of a sources file."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{name}: TOML error: {exc}") from None
    extra = set(data) - {"sources"}
    if extra:
        raise SourcesError(f"{name}: unknown top-level key {sorted(extra)[0]!r} (expected [[sources]] tables)")
    tables = data.get("sources", [])
    if not isinstance(tables, list):
        raise SourcesError(f"{name}: 'sources' must be an array of tables ([[sources]])")
    starts = _source_lines(text)
    seen: dict[str, int] = {}
    out = []
    for n, table in enumerate(tables):
        start = starts[n] if n < len(starts) else 1
        end = starts[n + 1] if n + 1 < len(starts) else None
        label = table.get("id") if isinstance(table.get("id"), str) else f"#{n + 1}"

        def fail(key: str, problem: str, _start: int = start, _end: int | None = end, _label: str = label) -> None:
            line = _key_line(text, _start, _end, key) if key else _start
            raise SourcesError(f"{name}:{line}: source {_label!r}: {key + ': ' if key else ''}{problem}")

        _validate_table(table, fail, seen, start)
        sid, kind = table["id"], table.get("kind")
        out.append(Source(
            id=sid, name=table.get("name", sid), kind=kind, organization=table.get("organization"),
            homepage=table.get("homepage"), time_zone=table.get("time_zone"),
            wayback=_validate_wayback(table["wayback"], fail) if "wayback" in table else None,
            **{k: list(table.get(k, [])) for k in _LIST_KEYS},
        ))
    return out


def load_sources(path: str | Path) -> list[Source]:
    """Read and validate a sources file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourcesError(f"{path}: no such sources file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(f"{path}: cannot read: {exc}") from None
    return parse_sources(text, str(path))


def default_sources() -> list[Source]:
    """The curated list of the movement's real sources that ships with the package."""
    text = resources.files("crawler").joinpath("data/default_sources.toml").read_text(encoding="utf-8")
    return parse_sources(text, "default_sources.toml")


def append_source(path: Path, source: Source) -> None:
    """Add ``source`` to the sources file at ``path`` (created if missing); ids must stay unique."""
    existing = load_sources(path) if path.exists() else []
    if any(s.id == source.id for s in existing):
        raise SourcesError(f"{path}: a source with id {source.id!r} already exists")
    text = path.read_text(encoding="utf-8") if path.exists() else "# Sources added with `optout sources add`.\n"
    new_text = text.rstrip("\n") + "\n\n" + source.to_toml()
    parse_sources(new_text, str(path))  # never write a file we could not read back
    path.write_text(new_text, encoding="utf-8")


def _url_key(url: str) -> str:
    """A URL compared without its scheme, ``www.``, case of the host or a trailing slash."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    return f"{host}{port}{parts.path.rstrip('/')}" + (f"?{parts.query}" if parts.query else "")


def duplicate_of(source: Source, existing: list[Source]) -> tuple[Source, str, str] | None:
    """(the existing source, "homepage" | "feed" | "sitemap", the URL) when ``source`` would collect
    from a homepage, feed or sitemap that an existing source already has; else None."""
    theirs: dict[str, tuple[Source, str, str]] = {}
    for other in existing:
        for what, urls in (("homepage", [other.homepage] if other.homepage else []), ("feed", other.feeds),
                           ("sitemap", other.sitemaps), ("listing page", other.pages)):
            for url in urls:
                theirs.setdefault(_url_key(url), (other, what, url))
    for url in [*([source.homepage] if source.homepage else []), *source.feeds, *source.sitemaps]:
        twin = theirs.get(_url_key(url))
        if twin is not None:
            return twin
    return None


def remove_source(path: Path, source_id: str) -> Source:
    """Take the source ``source_id`` out of the sources file at ``path`` (its other text, comments
    included, stays as it was). SourcesError when the file has no such source."""
    existing = load_sources(path) if path.exists() else []
    removed = next((s for s in existing if s.id == source_id), None)
    if removed is None:
        raise SourcesError(f"{path}: no source with id {source_id!r} (see `optout sources list`)")
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    starts = _source_lines(text)
    index = [s.id for s in existing].index(source_id)
    start = starts[index] - 1
    end = starts[index + 1] - 1 if index + 1 < len(starts) else len(lines)
    new_text = "".join(lines[:start]).rstrip("\n") + "\n" + ("\n" + "".join(lines[end:]) if end < len(lines) else "")
    left = parse_sources(new_text, str(path))  # never write a file we could not read back
    if sorted(s.id for s in left) != sorted(s.id for s in existing if s.id != source_id):
        raise SourcesError(f"{path}: cannot remove {source_id!r} safely (edit the file by hand)")
    path.write_text(new_text, encoding="utf-8")
    return removed
