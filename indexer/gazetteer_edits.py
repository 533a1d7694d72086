"""What a gazetteer edit can change: the documents that must be tagged again after one.

`optout index` keeps a copy of each gazetteer it tags with (``<data>/gazetteers/<version>/``). After an edit,
the copy the documents were tagged with is compared with the gazetteer now in use, entry by entry:

- an edit to a test entry (tests.toml) changes only documents that name the test (its name, full name or
  aliases, before or after the edit) and, when the test is a state's own program (``state_program``) before or
  after, documents tagged with one of its states that speak of "state tests": there the state's test is
  inferred from the state and the year, with no name in the text;
- an edit to a state entry (``[[state]]`` in states.toml) changes only documents that name the state: its
  name, USPS code, AP abbreviations, capital, cities and demonyms, before or after the edit. Those forms are
  all a state entry gives the tagger (the states that organizations and tests imply are codes written in
  their own entries, and a state's test is inferred from tests.toml), so a document holding none of them
  counts every state as before;
- an edit to a city entry (``[[city]]`` in states.toml) changes only documents that name the city: a city
  counts only where one of its aliases is matched in the text (it gives that place's state, and tells which
  city's local union "the city's teachers union" is);
- an edit to organizations or people changes only documents that name a changed entry. Every effect of an
  entry on a document starts from one of its names (or descriptions, or a person's surname) matched in the
  text, or from the document's source organization; a person's tags and speaker organization come from their
  roles, so the people who hold roles in a changed organization count as changed too. A document in which
  no such name can match keeps its tags, quotes and positions as they are: it is only marked as tagged with
  the new gazetteer.

The test is conservative: the tagger matches a name as a run of whole words (in either case), so a document
is a candidate when, lower-cased, it holds every word of some changed name as a whole word somewhere.
Candidates are tagged again as before (and re-indexed only when what the index holds of them changed).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from archive.catalog import Catalog
from indexer import gazetteer as gz
from indexer.tagger import mentions_state_tests

SNAPSHOTS = "gazetteers"  # under the data directory
CHECKING = "checking what the gazetteer edit changed"  # the progress stage
_WORD = re.compile(r"\w+")


def save(data_dir: Path, current: gz.Gazetteer) -> None:
    """Keep a copy of ``current``'s files under ``data_dir`` (once per version; written whole or not at all)."""
    folder = Path(data_dir) / SNAPSHOTS
    target = folder / current.version
    if target.is_dir() or len(current.sources) != len(gz.FILES):
        return
    folder.mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".new-", dir=folder))
    try:
        for name, text in current.sources.items():
            (work / name).write_text(text, encoding="utf-8")
        os.replace(work, target)
    except OSError:
        pass  # another run saved it meanwhile, or the disk is full: then edits re-tag everything, as before
    finally:
        shutil.rmtree(work, ignore_errors=True)


def load_copy(data_dir: Path, version: str) -> gz.Gazetteer | None:
    """The gazetteer a document was tagged with, or None when no intact copy of it was kept."""
    folder = Path(data_dir) / SNAPSHOTS / version
    if not folder.is_dir():
        return None
    try:
        old = gz.load(folder)
    except gz.GazetteerError:
        return None
    return old if old.version == version else None


def changed_names(old: gz.Gazetteer, new: gz.Gazetteer) -> list[str] | None:
    """The names whose documents an edit from ``old`` to ``new`` can change; None when it can change any.
    (Documents a test edit changes without naming the test: ``changed_programs``.)"""
    states, cities, tests = _changed_states(old, new), _changed_cities(old, new), _changed_tests(old, new)
    if states is None or cities is None or tests is None:
        return None
    if not _same_order(old.organizations, new.organizations) or not _same_order(
            [p.name for p in old.people], [p.name for p in new.people]):
        return None  # entries moved: where names overlap or counts tie, the first listed may win
    orgs = {name for name in old.organizations.keys() | new.organizations.keys()
            if old.organizations.get(name) != new.organizations.get(name)}
    old_people = {p.name: p for p in old.people}
    new_people = {p.name: p for p in new.people}
    if len(old_people) != len(old.people) or len(new_people) != len(new.people):
        return None  # two entries with one name: which one a text means depends on their order
    names: list[str] = states + cities + tests
    for g in (old, new):
        for name in orgs:
            org = g.organizations.get(name)
            if org is not None:
                names += [org.name, org.full_name, *org.aliases, *org.descriptions]
                # a description's last word decides whether a phrase is one ("state teachers union")
                names += [d.split()[-1] for d in org.descriptions if d.split()]
    people = {name for name in old_people.keys() | new_people.keys()
              if old_people.get(name) != new_people.get(name)}
    people |= {p.name for g in (old, new) for p in g.people if any(r.organization in orgs for r in p.roles)}
    for group in (old_people, new_people):
        for name in people:
            person = group.get(name)
            if person is not None:
                names += [person.name, *person.aliases, person.surname]
    return names


def _changed_test_entries(old: gz.Gazetteer, new: gz.Gazetteer) -> list[str] | None:
    """The names of the tests an edit changed, added or removed; None when tests moved (where two tests share
    a form, the first listed wins)."""
    if not _same_order(old.tests, new.tests):
        return None
    return sorted(n for n in old.tests.keys() | new.tests.keys() if old.tests.get(n) != new.tests.get(n))


def _changed_tests(old: gz.Gazetteer, new: gz.Gazetteer) -> list[str] | None:
    """The forms (before and after) of the tests an edit changed; None when it may change any document."""
    changed = _changed_test_entries(old, new)
    if changed is None:
        return None
    return [form for group in (old.tests, new.tests) for name in changed if name in group
            for form in (group[name].name, group[name].full_name, *group[name].aliases)]


def changed_programs(old: gz.Gazetteer, new: gz.Gazetteer) -> set[str]:
    """The states whose own test program (inferred from the state and year where a text speaks of "state
    tests") an edit may change: those of every changed test that is a state program before or after."""
    return {code for name in _changed_test_entries(old, new) or [] for group in (old.tests, new.tests)
            if name in group and group[name].state_program for code in group[name].states}


def _changed_states(old: gz.Gazetteer, new: gz.Gazetteer) -> list[str] | None:
    """The forms (before and after) of the state entries an edit changed, added or removed; None when it may
    change any document (states moved: where two states share a form, the first listed wins)."""
    if not _same_order(old.states, new.states):
        return None  # (dicts compare equal in any order)
    if old.states == new.states:
        return []
    changed = sorted(c for c in old.states.keys() | new.states.keys() if old.states.get(c) != new.states.get(c))
    return [form for group in (old.states, new.states) for code in changed if code in group
            for form in _state_forms(group[code])]


def _state_forms(state: gz.State) -> list[str]:
    """Every string through which a state entry can tag a document (datelines, party tags and addresses use
    its code and AP abbreviations)."""
    return [state.code, state.name, *state.ap, *([state.capital] if state.capital else []), *state.cities,
            *state.demonyms]


def _changed_cities(old: gz.Gazetteer, new: gz.Gazetteer) -> list[str] | None:
    """The names and aliases (before and after) of the cities an edit changed; None when it may change any
    document (two cities with one name, or cities moved: where aliases overlap, the first listed may win)."""
    if old.cities == new.cities:
        return []
    old_by, new_by = {c.name: c for c in old.cities}, {c.name: c for c in new.cities}
    if len(old_by) != len(old.cities) or len(new_by) != len(new.cities):
        return None
    if not _same_order([c.name for c in old.cities], [c.name for c in new.cities]):
        return None
    changed = {n for n in old_by.keys() | new_by.keys() if old_by.get(n) != new_by.get(n)}
    return [form for group in (old_by, new_by) for n in sorted(changed) if n in group
            for form in (group[n].name, *group[n].aliases)]


def _same_order(old: Iterable[str], new: Iterable[str]) -> bool:
    """Whether the entries both hold come in the same order."""
    old, new = list(old), list(new)
    both = set(old) & set(new)
    return [n for n in old if n in both] == [n for n in new if n in both]


class Candidates:
    """Which documents may change: those holding, as whole words, every word of some changed name, and (for
    ``program_states``, see ``changed_programs``) those tagged with such a state that speak of state tests."""

    def __init__(self, names: Iterable[str], program_states: Iterable[str] = ()):
        self._programs = set(program_states)
        # name -> its words; a name is looked for where its longest word is, the rarest as a rule
        self._by_longest: dict[str, list[list[str]]] = {}
        for name in names:
            words = list(dict.fromkeys(_WORD.findall(name.lower())))
            if words:
                longest = max(words, key=len)
                self._by_longest.setdefault(longest, []).append([w for w in words if w != longest])
        # longest first, so that the alternation tries "nysut" before "ny"
        self._pattern = _whole_words(sorted(self._by_longest, key=len, reverse=True))
        self._words = {w: _whole_words([w]) for lists in self._by_longest.values() for words in lists for w in words}

    def may_change(self, title: str | None, text: str | None, source_organization: str | None,
                   states: Iterable[str] = ()) -> bool:
        """Whether tagging this document (tagged with ``states`` by the old gazetteer) with the new one may give
        other results. A name matches as a run of whole words (the tagger's tokens), so all of them must be
        there. A state program is inferred for the document's main state, which is one of its states."""
        if self._programs and not self._programs.isdisjoint(states) and mentions_state_tests(title, text):
            return True
        if self._pattern is None:
            return False
        lowered = "\n".join(part for part in (title, text, source_organization) if part).lower()
        for longest in set(self._pattern.findall(lowered)):
            for others in self._by_longest[longest]:
                if all(self._words[w].search(lowered) for w in others):  # type: ignore[union-attr]
                    return True
        return False


def _whole_words(words: list[str]) -> re.Pattern[str] | None:
    """Any of ``words`` as a whole word (not inside a longer one); None for no words."""
    return re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, words))})(?!\w)") if words else None


def unaffected(catalog: Catalog, data_dir: Path, current: gz.Gazetteer, stale: list[tuple[str, str]],
               progress: Callable[[str, int, int], None] | None = None) -> list[str]:
    """The documents of ``stale`` ((id, gazetteer version they were tagged with)) that tagging with
    ``current`` cannot change. ``progress(stage, done, total)`` is told how far the check is."""
    by_version: dict[str, list[str]] = {}
    for doc_id, version in stale:
        by_version.setdefault(version, []).append(doc_id)
    kept: list[str] = []
    done = 0
    for version, ids in by_version.items():
        old = load_copy(data_dir, version)
        names = changed_names(old, current) if old is not None else None
        if old is None or names is None:
            done += len(ids)
            continue
        candidates = Candidates(names, changed_programs(old, current))
        for row in catalog.tagging_texts(ids):
            states = row["states"].split(",") if row["states"] else ()
            if not candidates.may_change(row["title"], row["text"], row["source_organization"], states):
                kept.append(row["id"])
            done += 1
            if progress and done % 1000 == 0:
                progress(CHECKING, done, len(stale))
    if progress:
        progress(CHECKING, len(stale), len(stale))
    return kept


def prune(data_dir: Path, in_use: set[str]) -> None:
    """Remove the copies of gazetteers no document is tagged with any more (``in_use``: the versions that
    are, and the current one)."""
    folder = Path(data_dir) / SNAPSHOTS
    if not folder.is_dir():
        return
    for copy in folder.iterdir():
        if copy.name not in in_use:
            shutil.rmtree(copy, ignore_errors=True)
