"""The gazetteer: organizations, people, states and tests as TOML data, validated on load."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

# ENV, GazetteerError and version are part of this module's interface too (they live in the light module)
from indexer.gazetteer_files import ENV, FILES, GazetteerError, read, version  # noqa: F401

ORG_KINDS = {"union", "advocacy", "agency", "district", "consortium", "vendor", "media", "school", "other"}
LEVELS = {"national", "state", "local"}
TEST_KINDS = {"summative", "consortium", "end_of_course", "interim", "readiness", "national", "college_admission",
              "graduation", "alternate", "language_proficiency"}


@dataclass
class Organization:
    name: str
    full_name: str
    aliases: list[str]
    kind: str
    level: str
    state: str | None = None
    parent: str | None = None
    affiliations: list[str] = field(default_factory=list)
    ambiguous: bool = False
    context: list[str] = field(default_factory=list)
    exclude_context: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    city: str | None = None


@dataclass
class Role:
    title: str
    organization: str | None
    start: int | None
    end: int | None

    def covers(self, year: int | None) -> bool:
        if year is None:
            return self.end is None
        return (self.start is None or self.start <= year) and (self.end is None or year <= self.end)


@dataclass
class Person:
    name: str
    aliases: list[str]
    roles: list[Role]

    @property
    def surname(self) -> str:
        return self.name.split()[-1].rstrip(".").removesuffix(",")

    def role_at(self, year: int | None) -> Role | None:
        """The person's role in ``year`` (the first listed wins when several overlap)."""
        for role in self.roles:
            if role.covers(year):
                return role
        return None


@dataclass
class State:
    code: str
    name: str
    ap: list[str]
    capital: str | None
    cities: list[str]
    ambiguous: bool = False
    demonyms: list[str] = field(default_factory=list)


@dataclass
class City:
    name: str
    state: str
    aliases: list[str]


@dataclass
class Test:
    name: str
    full_name: str
    aliases: list[str]
    kind: str
    states: list[str]
    years: list[int]
    ambiguous: bool = False
    context: list[str] = field(default_factory=list)
    exclude_context: list[str] = field(default_factory=list)
    state_program: bool = False

    def given_in(self, year: int | None) -> bool:
        if year is None:
            return len(self.years) == 1
        first = self.years[0]
        last = self.years[1] if len(self.years) > 1 else 9999
        return first <= year <= last


@dataclass
class Gazetteer:
    organizations: dict[str, Organization]
    people: list[Person]
    states: dict[str, State]
    tests: dict[str, Test]
    cities: list[City]
    version: str
    # The four files' texts as read (what `optout index` keeps a copy of, to tell what a later edit changed)
    sources: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def person(self, name: str) -> Person | None:
        """The person with this name or alias (case-insensitive)."""
        if not hasattr(self, "_by_name"):
            self._by_name = {n.lower(): p for p in self.people for n in (p.name, *p.aliases)}
        return self._by_name.get(name.lower())


def _entry_lines(text: str, table: str) -> list[int]:
    return [i for i, line in enumerate(text.splitlines(), 1) if re.match(rf"\s*\[\[\s*{table}\s*\]\]", line)]


class _Checker:
    def __init__(self, file: str, text: str, table: str):
        self.file, self.lines = file, _entry_lines(text, table)

    def fail(self, index: int, entry: dict[str, Any], problem: str) -> None:
        line = self.lines[index] if index < len(self.lines) else 1
        name = entry.get("name") or entry.get("code") or f"#{index + 1}"
        raise GazetteerError(f"{self.file}:{line}: entry {name!r}: {problem}")


def _strings(check: _Checker, i: int, entry: dict[str, Any], key: str, required: bool = False) -> list[str]:
    value = entry.get(key, [])
    if required and not value:
        check.fail(i, entry, f"{key} is required")
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        check.fail(i, entry, f"{key} must be a list of non-empty strings")
    return list(value)


def _known(check: _Checker, i: int, entry: dict[str, Any], allowed: set[str]) -> None:
    for key in entry:
        if key not in allowed:
            check.fail(i, entry, f"unknown key {key!r}")


def _load_toml(directory: Path | None, name: str) -> tuple[str, dict[str, Any]]:
    text = read(directory, name)
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise GazetteerError(f"{name}: TOML error: {exc}") from None


def _states(text: str, data: dict[str, Any]) -> tuple[dict[str, State], list[City]]:
    check = _Checker("states.toml", text, "state")
    states: dict[str, State] = {}
    for i, e in enumerate(data.get("state", [])):
        _known(check, i, e, {"code", "name", "ap", "capital", "cities", "ambiguous", "demonyms"})
        if not isinstance(e.get("code"), str) or not re.fullmatch(r"[A-Z]{2}", e["code"]):
            check.fail(i, e, "code must be a two-letter USPS code")
        if e["code"] in states:
            check.fail(i, e, "duplicate code")
        states[e["code"]] = State(e["code"], e.get("name") or check.fail(i, e, "name is required") or "",
                                  _strings(check, i, e, "ap"), e.get("capital"), _strings(check, i, e, "cities"),
                                  bool(e.get("ambiguous", False)), _strings(check, i, e, "demonyms"))
    cities = []
    check_city = _Checker("states.toml", text, "city")
    for i, e in enumerate(data.get("city", [])):
        _known(check_city, i, e, {"name", "state", "aliases"})
        if e.get("state") not in states:
            check_city.fail(i, e, f"unknown state {e.get('state')!r}")
        cities.append(City(e["name"], e["state"], _strings(check_city, i, e, "aliases")))
    return states, cities


def _organization(check: _Checker, i: int, e: dict[str, Any], states: dict[str, State]) -> Organization:
    _known(check, i, e, {"name", "full_name", "aliases", "kind", "level", "state", "parent", "affiliations",
                         "ambiguous", "context", "exclude_context", "descriptions", "city"})
    name = e.get("name")
    if not isinstance(name, str) or not name.strip():
        check.fail(i, e, "name is required")
    if e.get("kind") not in ORG_KINDS:
        check.fail(i, e, f"kind must be one of {sorted(ORG_KINDS)}")
    if e.get("level") not in LEVELS:
        check.fail(i, e, f"level must be one of {sorted(LEVELS)}")
    if e.get("state") is not None and e["state"] not in states:
        check.fail(i, e, f"unknown state {e['state']!r}")
    return Organization(name, e.get("full_name") or name, _strings(check, i, e, "aliases"), e["kind"], e["level"],
                        e.get("state"), e.get("parent"), _strings(check, i, e, "affiliations"),
                        bool(e.get("ambiguous", False)), _strings(check, i, e, "context"),
                        _strings(check, i, e, "exclude_context"), _strings(check, i, e, "descriptions"),
                        e.get("city"))


def _organizations(text: str, data: dict[str, Any], states: dict[str, State]) -> dict[str, Organization]:
    check = _Checker("organizations.toml", text, "organization")
    orgs: dict[str, Organization] = {}
    surfaces: dict[str, str] = {}
    for i, e in enumerate(data.get("organization", [])):
        org = _organization(check, i, e, states)
        if org.name in orgs:
            check.fail(i, e, "duplicate name")
        for surface in {org.name, org.full_name, *org.aliases}:
            other = surfaces.get(surface.lower())
            if other and other != org.name:
                check.fail(i, e, f"name or alias {surface!r} is also used by {other!r}")
            surfaces[surface.lower()] = org.name
        orgs[org.name] = org
    for i, e in enumerate(data.get("organization", [])):
        for ref in [e.get("parent"), *e.get("affiliations", [])]:
            if ref and ref not in orgs:
                check.fail(i, e, f"unknown parent or affiliation {ref!r}")
    return orgs


def _people(text: str, data: dict[str, Any], orgs: dict[str, Organization]) -> list[Person]:
    check = _Checker("people.toml", text, "person")
    people = []
    for i, e in enumerate(data.get("person", [])):
        _known(check, i, e, {"name", "aliases", "roles"})
        if not isinstance(e.get("name"), str) or len(e["name"].split()) < 2:
            check.fail(i, e, "name must be a full name")
        roles = []
        for r in e.get("roles", []):
            if not isinstance(r, dict) or not isinstance(r.get("title"), str):
                check.fail(i, e, "each role needs a title")
            if r.get("organization") and r["organization"] not in orgs:
                check.fail(i, e, f"role organization {r['organization']!r} is not in organizations.toml")
            for key in ("start", "end"):
                if r.get(key) is not None and not isinstance(r[key], int):
                    check.fail(i, e, f"role {key} must be a year")
            roles.append(Role(r["title"], r.get("organization"), r.get("start"), r.get("end")))
        people.append(Person(e["name"], _strings(check, i, e, "aliases"), roles))
    return people


def _tests(text: str, data: dict[str, Any], states: dict[str, State]) -> dict[str, Test]:
    check = _Checker("tests.toml", text, "test")
    tests: dict[str, Test] = {}
    for i, e in enumerate(data.get("test", [])):
        _known(check, i, e, {"name", "full_name", "aliases", "kind", "states", "years", "ambiguous", "context",
                             "exclude_context", "state_program"})
        name = e.get("name")
        if not isinstance(name, str) or not name.strip():
            check.fail(i, e, "name is required")
        if name in tests:
            check.fail(i, e, "duplicate name")
        if e.get("kind") not in TEST_KINDS:
            check.fail(i, e, f"kind must be one of {sorted(TEST_KINDS)}")
        years = e.get("years")
        if not isinstance(years, list) or not 1 <= len(years) <= 2 or not all(isinstance(y, int) for y in years):
            check.fail(i, e, "years must be [first] or [first, last]")
        test_states = _strings(check, i, e, "states")
        for code in test_states:
            if code not in states:
                check.fail(i, e, f"unknown state {code!r}")
        tests[name] = Test(name, e.get("full_name") or name, _strings(check, i, e, "aliases"), e["kind"], test_states,
                           years, bool(e.get("ambiguous", False)), _strings(check, i, e, "context"),
                           _strings(check, i, e, "exclude_context"), bool(e.get("state_program", False)))
    return tests


def load(directory: Path | None = None) -> Gazetteer:
    """Read and validate the four gazetteer files (the packaged ones unless ``directory`` or
    $OPTOUT_GAZETTEER names a folder)."""
    digest = hashlib.sha1()
    texts = {}
    for name in FILES:
        texts[name] = _load_toml(directory, name)
        digest.update(texts[name][0].encode())
    states, cities = _states(*texts["states.toml"])
    orgs = _organizations(*texts["organizations.toml"], states)
    people = _people(*texts["people.toml"], orgs)
    tests = _tests(*texts["tests.toml"], states)
    return Gazetteer(orgs, people, states, tests, cities, digest.hexdigest()[:12],
                     {name: text for name, (text, _data) in texts.items()})


@lru_cache(maxsize=1)
def default() -> Gazetteer:
    """The packaged gazetteer, loaded once per process."""
    return load()
