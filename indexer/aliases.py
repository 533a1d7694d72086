"""What users type for organizations, states and tests (aliases, full names, any case) -> canonical names.
Part of the query language; the tables come from the gazetteer plus the organizations the archive declares."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from indexer.querylang import QueryError

_EXAMPLES = {"org": "NYSUT", "state": "NY", "test": "PARCC"}


def alias_tables() -> dict[str, dict[str, str]]:
    """Lowercased names and aliases -> canonical names, from the gazetteer."""
    from indexer.gazetteer import default

    g = default()
    orgs = {n.lower(): o.name for o in g.organizations.values() for n in (o.name, o.full_name, *o.aliases)}
    for o in g.organizations.values():
        orgs[o.name.lower()] = o.name
    states = {s.code.lower(): s.code for s in g.states.values()}
    states.update({s.name.lower(): s.code for s in g.states.values()})
    states.update({a.lower(): s.code for s in g.states.values() for a in s.ap})
    tests = {n.lower(): t.name for t in g.tests.values() for n in (t.name, t.full_name, *t.aliases)}
    for t in g.tests.values():
        tests[t.name.lower()] = t.name
    return {"orgs": orgs, "states": states, "tests": tests}


def cached_alias_tables(path: Path) -> dict[str, dict[str, str]]:
    """alias_tables() kept as JSON beside the index: reading it takes about a millisecond, parsing and
    validating the gazetteer's TOML about 50. Keyed on the gazetteer's version; while the files' sizes and
    modification times are those the cache was written with, their digest is not computed again."""
    from indexer.gazetteer_files import signature  # noqa: PLC0415
    from indexer.gazetteer_files import version as gazetteer_version  # noqa: PLC0415

    stamp = signature()
    data: dict[str, Any] = {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    if stamp is not None and isinstance(data, dict) and data.get("files") == stamp and data.get("version"):
        return data
    version = gazetteer_version()
    if not (isinstance(data, dict) and data.get("version") == version):
        data = {"version": version, **alias_tables()}
    data["files"] = stamp
    try:
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only data dir only loses the cache
    return data


class Resolver:
    """Turns what users type for organizations, states and tests into canonical names (aliases and all).
    ``declared`` organizations (named by sources and speakers, maybe unknown to the gazetteer) are known too."""

    def __init__(self, tables: dict[str, dict[str, str]] | None = None,
                 declared: Iterable[str] | Callable[[], Iterable[str]] = ()) -> None:
        tables = tables if tables is not None else alias_tables()
        self.orgs = dict(tables["orgs"])
        self.states, self.tests = tables["states"], tables["tests"]
        self.declared: set[str] = set()
        # A callable is only asked when a name is not in the gazetteer (reading the archive costs time).
        self._pending = declared if callable(declared) else None
        if not callable(declared):
            self._add_declared(declared)

    def _add_declared(self, names: Iterable[str]) -> None:
        for name in names:
            if name.lower() not in self.orgs:
                self.orgs[name.lower()] = name
                self.declared.add(name)

    def _load_pending(self) -> bool:
        if self._pending is None:
            return False
        pending, self._pending = self._pending, None
        self._add_declared(pending())
        return True

    def resolve(self, kind: str, value: str) -> str:
        """The canonical name; QueryError naming close matches when unknown."""
        table = {"org": self.orgs, "state": self.states, "test": self.tests}[kind]
        key = " ".join(value.split()).lower()
        if not key:
            raise QueryError(f"{kind}: needs a value, e.g. {kind}:{_EXAMPLES[kind]}")
        if key in table:
            return table[key]
        if kind == "org" and self._load_pending():
            return self.resolve(kind, value)
        import difflib

        close = difflib.get_close_matches(key, list(table), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(sorted({table[c] for c in close}))}?" if close else ""
        raise QueryError(f"unknown {kind} {value!r}{hint}")

    def is_declared_only(self, canonical: str) -> bool:
        """True for organizations known from the archive but not from the gazetteer (never tagged)."""
        return canonical in self.declared
