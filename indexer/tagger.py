"""Tagging a document with organizations, US states and tests, disambiguated by context."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from indexer import gazetteer as gz
from indexer.matcher import Matcher, normalize_quotes

WINDOW = 250  # characters either side of a mention that count as its context
_GENERIC_STATE_TESTS = re.compile(
    r"\b(?:state(?:'s)?|statewide|state-mandated|state\s+mandated|this\s+(?:week|spring|year)'s|annual)\s+"
    r"(?:standardized\s+|annual\s+|english\s+and\s+math\s+|math\s+and\s+english\s+|ela\s+and\s+math\s+|"
    r"english\s+|math\s+|ela\s+|reading\s+|english\s+language\s+arts\s+)?(?:tests?|exams?|assessments?|testing)\b",
    re.IGNORECASE,
)
_EDUCATION = re.compile(r"\b(tests?|testing|exams?|assessments?|students?|teachers?|schools?|educat\w*|opt(?:ing|ed)?[- ]out|scores?)\b",
                        re.IGNORECASE)
_NEW_YORK_NOT_STATE = re.compile(r"\s+(Times|Post|Daily\s+News|Magazine|Yankees|Mets|Knicks|Jets|Giants|Rangers|"
                                 r"Stock\s+Exchange|University|Review)\b")
_WASHINGTON_STATE = re.compile(
    r"\bWashington(?:\s+[Ss]tate\b(?!\s+University)|'s\s+(?:legislature|governor|teachers|schools|students|state)|"
    r"\s+(?:Education\s+Association|Office\s+of\s+Superintendent|Legislature|state\s+Legislature))|"
    r"\bstate\s+of\s+Washington\b|\b(?:Olympia|Spokane|Tacoma|Seattle|Bellevue|Yakima|Vancouver),\s+Wash(?:ington|\.)")
_DATELINE = re.compile(r"^(?:[A-Z][A-Za-z.'-]+\s){0,3}[A-Z][A-Za-z.'-]+,\s+([A-Z][A-Za-z.]+(?:\s?[A-Z][a-z]*\.)?)\s*(?:\(|—|–|-|$)")
_CITY_ABBR = re.compile(r"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)?,\s+((?:[A-Z][a-z]{1,4}\.)|(?:[A-Z]\.[A-Z]\.))(?=[\s,;)—–-])")
_PARTY = re.compile(r"\([DRI]-([A-Z][A-Za-z.]{1,6})\)")
_ADDRESS = re.compile(r",\s+([A-Z]{2})\s+\d{5}\b")
UNTRACKED_KINDS = {"media"}  # press outlets are named in the news but take no part in the debate
IMPLIED_KINDS = {"union", "advocacy", "agency", "consortium", "district"}
# Roles that speak for an organization; a teacher or a parent does not stand for their district.
_NOT_REPRESENTATIVE = re.compile(r"\b(teacher|parent|student|member|mother|father|organizer)\b", re.IGNORECASE)
_DROP_LOWER = str.maketrans("", "", "abcdefghijklmnopqrstuvwxyz")
_CAPS_LINE = 0.7  # share of capital letters above which a line is a shouted headline


@dataclass
class Tags:
    organizations: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)
    primary_state: str | None = None  # the state the document is mostly about, if one dominates
    # Press outlets and testing vendors the text names: kept apart, they are not organizations of the movement.
    other_organizations: list[str] = field(default_factory=list)


def _year(published: str | None) -> int | None:
    if published and re.match(r"^\d{4}", published):
        return int(published[:4])
    return None


def _shouted(text: str, start: int) -> bool:
    """True when the line around ``start`` is written in capitals (a headline, not an acronym)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start: line_end if line_end >= 0 else len(text)]
    # Exact shortcut for ordinary prose: ASCII lower-case letters are letters but never capitals, so a line
    # in which they are 30% of the characters cannot be more than 70% capitals.
    if len(line) - len(line.translate(_DROP_LOWER)) >= len(line) * (1 - _CAPS_LINE):
        return False
    letters = [c for c in line if c.isalpha()]
    return len(letters) > 12 and sum(c.isupper() for c in letters) / len(letters) > _CAPS_LINE


def _place_and_test_forms(gazetteer: gz.Gazetteer) -> list[tuple[str, str]]:
    """Names that make a capitalised phrase a place or a test rather than a person."""
    return ([(f, "x") for t in gazetteer.tests.values() for f in (t.name, t.full_name, *t.aliases)]
            + [(s.name, "x") for s in gazetteer.states.values()]
            + [(c, "x") for s in gazetteer.states.values() for c in s.cities]
            + [(s.capital, "x") for s in gazetteer.states.values() if s.capital]
            + [(a, "x") for c in gazetteer.cities for a in c.aliases if a[:1].isupper()]
            + [(a.rstrip("."), "x") for s in gazetteer.states.values() for a in s.ap if len(a.rstrip(".")) > 2])


def _words_regex(words: list[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b",
                      re.IGNORECASE)


class Tagger:
    """Tags documents using one gazetteer; build once, reuse for every document."""

    def __init__(self, gazetteer: gz.Gazetteer):
        self.g = gazetteer
        orgs = gazetteer.organizations
        test_forms = {f.lower() for t in gazetteer.tests.values() for f in (t.name, t.full_name, *t.aliases)}
        # "PARCC" alone is the test; the consortium needs its own words ("PARCC consortium").
        self.orgs = Matcher((f, o.name) for o in orgs.values() for f in (o.name, o.full_name, *o.aliases)
                            if f.lower() not in test_forms)
        self.strong_org_forms = {o.name: {f.lower() for f in (o.full_name, *o.aliases) if len(f) > 6 and " " in f}
                                 for o in orgs.values()}
        self.tests = Matcher((f, t.name) for t in gazetteer.tests.values() for f in (t.name, t.full_name, *t.aliases))
        self.strong_test_forms = {t.name: {f.lower() for f in (t.full_name, *t.aliases) if len(f) > 6 and " " in f}
                                  for t in gazetteer.tests.values()}
        self.people = Matcher((f, p.name) for p in gazetteer.people for f in (p.name, *p.aliases))
        self.person_by_name = {p.name: p for p in gazetteer.people}
        self.states = Matcher(self._state_forms(gazetteer))
        self.ambiguous_state_re = re.compile(
            r"\b(" + "|".join(re.escape(n) for n in sorted(self.ambiguous_states, key=len, reverse=True)) + r")\b")
        self.abbreviations = {a: s.code for s in gazetteer.states.values() for a in s.ap}
        self.usps = set(gazetteer.states)
        self.cities = Matcher((a, c.name) for c in gazetteer.cities for a in c.aliases)
        self.city_state = {c.name: c.state for c in gazetteer.cities}
        self._build_descriptions(orgs)
        self.context = {name: _words_regex(o.context) for name, o in orgs.items()}
        self.exclude = {name: _words_regex(o.exclude_context) for name, o in orgs.items()}
        self.test_context = {name: _words_regex(t.context) for name, t in gazetteer.tests.items()}
        self.test_exclude = {name: _words_regex(t.exclude_context) for name, t in gazetteer.tests.items()}
        self._places_tests = Matcher(_place_and_test_forms(gazetteer))

    def _state_forms(self, gazetteer: gz.Gazetteer) -> list[tuple[str, str]]:
        """Surface forms of states (names, cities, demonyms, capitals); ambiguous names are kept apart."""
        state_forms = []
        self.ambiguous_states = {}
        for s in gazetteer.states.values():
            if s.ambiguous:
                self.ambiguous_states[s.name] = s.code
            else:
                state_forms.append((s.name, s.code))
            state_forms += [(c, s.code) for c in s.cities] + [(d, s.code) for d in s.demonyms]
            if s.capital and s.capital not in ("Washington",):
                state_forms.append((s.capital, s.code))
        return state_forms + [(a, c.state) for c in gazetteer.cities for a in c.aliases if a[0].isupper()]

    def _build_descriptions(self, orgs: dict[str, gz.Organization]) -> None:
        descriptions = []
        for o in orgs.values():
            descriptions += [(normalize_quotes(d).replace("teachers' ", "teachers "), o.name) for d in o.descriptions]
        self.description_orgs: dict[str, list[str]] = {}
        for d, name in descriptions:
            self.description_orgs.setdefault(d.lower(), []).append(name)
        self.descriptions = Matcher((d, d.lower()) for d, _ in descriptions) if descriptions else None

    # -- helpers -------------------------------------------------------------------------------------

    def _accept_ambiguous(self, text: str, start: int, end: int, surface: str, strong: set[str],
                          context: re.Pattern[str] | None, exclude: re.Pattern[str] | None, lowered: str) -> bool:
        """An ambiguous name counts only in an education context and never in a shouted headline."""
        if surface.lower() in strong:
            return True
        if _shouted(text, start):
            return False
        if any(form in lowered for form in strong):
            return True
        window = text[max(0, start - WINDOW): end + WINDOW]
        bad = len(exclude.findall(window)) if exclude else 0
        good = len(context.findall(window)) if context else len(_EDUCATION.findall(window))
        return good > bad and good >= 1

    def states_in(self, text: str) -> Counter:
        """Mentions of each state: names, cities, demonyms, datelines, addresses and party tags."""
        counts: Counter = Counter()
        for _s, _e, _surface, code in self.states.finditer(text):
            counts[code] += 1
        for m in self.ambiguous_state_re.finditer(text):
            name, code = m.group(1), self.ambiguous_states[m.group(1)]
            after = text[m.end(): m.end() + 40]
            before = text[max(0, m.start() - 25): m.start()]
            if name == "Washington":
                continue  # handled by _WASHINGTON_STATE: the bare name is usually D.C. or the government
            if name == "New York":
                if not _NEW_YORK_NOT_STATE.match(after):
                    counts[code] += 1
                continue
            # Georgia, Virginia, Indiana ... as first names are followed by a surname.
            if re.match(r"\s+[A-Z][a-z]+", after) and not re.match(r"\s+(?:State|Department|Board|Education|"
                                                                  r"Teachers|Legislature|Senate|House|Beach|Tech)\b", after):
                continue
            if re.search(r"\b(?:[A-Z][a-z]+)\s$", before) and not re.search(r"\b(?:in|of|to|from|across|The|the)\s$", before):
                continue
            counts[code] += 1
        counts["WA"] += len(_WASHINGTON_STATE.findall(text))
        for paragraph in text.split("\n"):
            m = _DATELINE.match(paragraph)
            if m and m.group(1) in self.abbreviations:
                counts[self.abbreviations[m.group(1)]] += 1
        for m in _CITY_ABBR.finditer(text):
            if m.group(1) in self.abbreviations:
                counts[self.abbreviations[m.group(1)]] += 1
        for m in _PARTY.finditer(text):
            code = self.abbreviations.get(m.group(1)) or (m.group(1) if m.group(1) in self.usps else None)
            if code:
                counts[code] += 1
        for m in _ADDRESS.finditer(text):
            if m.group(1) in self.usps:
                counts[m.group(1)] += 1
        return +counts

    # -- public lookups (used by the quote extractor) ----------------------------------------------------

    @property
    def gazetteer(self) -> gz.Gazetteer:
        """The gazetteer this tagger was built from."""
        return self.g

    def organizations_in(self, text: str) -> list[tuple[int, int, str, str]]:
        """(start, end, surface, canonical name) of organizations named in a short phrase such as an
        appositive. Ambiguous names are accepted unless the phrase holds their exclusion words: a short
        phrase has too little context to demand the education sense."""
        found = []
        lowered = text.lower()
        for start, end, surface, name in self.orgs.finditer(text):
            exclude = self.exclude[name]
            if self.g.organizations[name].ambiguous and exclude and exclude.search(text) and not self._accept_ambiguous(
                    text, start, end, surface, self.strong_org_forms[name], self.context[name], exclude, lowered):
                continue
            found.append((start, end, surface, name))
        return found

    def organization_spans(self, text: str) -> list[tuple[int, int, str, str]]:
        """Every match of an organization's name or alias, accepted or not (for masking names)."""
        return list(self.orgs.finditer(text))

    def people_in(self, text: str) -> list[tuple[int, int, str, str]]:
        """(start, end, surface, canonical name) of gazetteer people named in ``text``."""
        return list(self.people.finditer(text))

    def place_or_test(self, phrase: str) -> bool:
        """True when ``phrase`` holds a state, city or test name ("Dutchess County", "Regents")."""
        return any(True for _ in self._places_tests.finditer(phrase))

    # -- tagging -------------------------------------------------------------------------------------

    def tag(self, title: str | None, text: str, published: str | None = None,
            source_organization: str | None = None) -> Tags:
        """Organizations, states and tests of one document (canonical names, USPS codes)."""
        # Title and text are scanned separately so that the quote extractor, which scans the same
        # normalized text, reuses these matches instead of scanning again.
        parts = [p for p in (normalize_quotes(title or ""), normalize_quotes(text)) if p]
        body = "\n".join(parts)
        year = _year(published)
        orgs: Counter = Counter()
        tests: Counter = Counter()
        people: set[str] = set()
        for part in parts:
            self._scan_part(part, orgs, tests)
            people |= {name for _s, _e, _surface, name in self.people.finditer(part)}
        if year is not None:
            self._implied_orgs(people, year, orgs)
        states = Counter()
        for part in parts:
            states.update(self.states_in(part))
        for name in orgs:
            org = self.g.organizations[name]
            if org.state and org.level in ("state", "local") and org.kind != "media":
                states[org.state] += 1
        for name in tests:
            if len(self.g.tests[name].states) == 1 and self.g.tests[name].kind != "college_admission":
                states[self.g.tests[name].states[0]] += 1
        primary = self._primary_state(states)
        # each part on its own: their token lists are cached, the joined body's would be a second scan
        for name in set().union(*(self._described_orgs(part, primary, parts[-1]) for part in parts)):
            orgs[name] += 1
        if primary and _GENERIC_STATE_TESTS.search(body):
            program = self._state_program(primary, year)
            if program:
                tests[program] += 1
        ranked = [n for n, _ in orgs.most_common()]
        return Tags(organizations=[n for n in ranked if self.g.organizations[n].kind not in UNTRACKED_KINDS],
                    other_organizations=[n for n in ranked if self.g.organizations[n].kind in UNTRACKED_KINDS],
                    states=[c for c, _ in states.most_common()],
                    tests=[n for n, _ in tests.most_common()], primary_state=primary)

    def _scan_part(self, part: str, orgs: Counter, tests: Counter) -> None:
        """Count the organizations and tests named in one part (title or text) of a document."""
        lowered = part.lower()
        org_spans = []
        for start, end, surface, name in self.orgs.finditer(part):
            org = self.g.organizations[name]
            org_spans.append((start, end))
            if org.ambiguous and not self._accept_ambiguous(part, start, end, surface, self.strong_org_forms[name],
                                                            self.context[name], self.exclude[name], lowered):
                continue
            orgs[name] += 1
        for start, end, surface, name in self.tests.finditer(part):
            if any(s <= start and end <= e for s, e in org_spans):
                continue  # "Regents" inside "Board of Regents" is the board, not the exams
            if name in self.g.organizations and part[end:end + 11].lower().startswith(" consortium"):
                orgs[name] += 1  # "the Smarter Balanced consortium" is the organization
            test = self.g.tests[name]
            if test.ambiguous and not self._accept_ambiguous(part, start, end, surface, self.strong_test_forms[name],
                                                             self.test_context[name], self.test_exclude[name], lowered):
                continue
            tests[name] += 1

    def _implied_orgs(self, people: set[str], year: int, orgs: Counter) -> None:
        """People imply their unions, groups and agencies, not the school or district they work in."""
        for name in people:
            role = self.person_by_name[name].role_at(year)
            if role and role.organization and self.g.organizations[role.organization].kind in IMPLIED_KINDS \
                    and not _NOT_REPRESENTATIVE.search(role.title):
                orgs[role.organization] += 1

    @staticmethod
    def _primary_state(states: Counter) -> str | None:
        ranked = states.most_common(2)
        if not ranked or ranked[0][1] < 2:
            return None  # one passing mention does not make a story about that state
        if len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]:
            return ranked[0][0]
        return None

    def _described_orgs(self, text: str, primary_state: str | None, context: str | None = None) -> set[str]:
        """"the state teachers' union" in a New York story -> NYSUT; "the city's teachers union" -> UFT."""
        if self.descriptions is None:
            return set()
        cities = Counter(name for _s, _e, _surface, name in self.cities.finditer(context or text))
        city = cities.most_common(1)[0][0] if cities else None
        if city and primary_state and self.city_state[city] != primary_state:
            city = None
        found = set()
        for _s, _e, _surface, phrase in self.descriptions.finditer(text.replace("teachers' ", "teachers ")):
            candidates: list[str] = []
            for name in dict.fromkeys(self.description_orgs.get(phrase, [])):
                org = self.g.organizations[name]
                if org.level == "national":
                    candidates.append(name)
                elif org.level == "local" and org.city and org.city == city:
                    candidates.append(name)
                elif org.level == "state" and org.state == primary_state:
                    candidates.append(name)
            if len(candidates) == 1:
                found.add(candidates[0])
            elif candidates:
                unions = [c for c in candidates if self.g.organizations[c].kind == "union"]
                if len(unions) == 1:
                    found.add(unions[0])
        return found

    def _state_program(self, state: str, year: int | None) -> str | None:
        programs = [t.name for t in self.g.tests.values() if t.state_program and state in t.states and t.given_in(year)]
        return programs[0] if len(programs) == 1 else None

    def primary_state(self, text: str) -> str | None:
        """The state a text is mostly about, if one clearly dominates."""
        return self._primary_state(self.states_in(normalize_quotes(text)))

    def describe(self, phrase: str, context: str, primary_state: str | None = None) -> str | None:
        """The one organization that ``phrase`` ("president of the state teachers' union") names, where
        ``context`` (the document) tells which state or city is meant."""
        context = normalize_quotes(context)
        primary = primary_state if primary_state is not None else self.primary_state(context)
        found = self._described_orgs(normalize_quotes(phrase), primary, context)
        return next(iter(found)) if len(found) == 1 else None


def mentions_state_tests(title: str | None, text: str | None) -> bool:
    """Whether a document speaks of "state tests" (where ``Tagger.tag`` infers its main state's own test)."""
    body = "\n".join(p for p in (normalize_quotes(title or ""), normalize_quotes(text or "")) if p)
    return _GENERIC_STATE_TESTS.search(body) is not None


@lru_cache(maxsize=1)
def default_tagger() -> Tagger:
    return Tagger(gz.default())
