"""Quotes and who said them: quotation marks, pull quotes, lead-ins, transcripts, statements.

How a speaker is found, in order (the first rule that applies decides; when a rule sees a cue but cannot
tell who it names, the quote gets no speaker rather than a guess):
1. a speech verb in the quote's own sentence, outside the marks, with its subject ("..., said Rep. Jane
   Roe", "Roe told reporters "...", "according to the district"), or a dash after the quote ("— Jane Roe");
2. a lead-in paragraph ending in a colon; 3. a pull quote's attribution line;
4. the speaker of an earlier quote in the same paragraph or, for a paragraph that is all quote, the
   previous paragraph's.
Pronouns go to the most recent subject (or speaker) of a matching gender; a bare surname to the one full
name in the document that ends with it. Vocabularies (speech verbs, titles, first names) are data:
indexer/data/speech_verbs.toml and attribution.toml.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from archive.model import Quote
from indexer import gazetteer as gz
from indexer import lexicon as lx
from indexer import speakers as sp
from indexer.matcher import normalize_quotes
from indexer.tagger import Tagger, default_tagger

MIN_WORDS = 3
SCARE_WORDS = 4  # unattributed phrases this short inside a sentence are scare quotes
MAX_QUOTES = 2_000  # marks beyond this many in one document are not read (a page of 10,000 marks is not prose)
MAX_TEXT = 200_000  # characters of one document read for quotes (as annotate() tags)
CLAUSE_CHARS = 600  # characters either side of a quote searched for its cue
MAX_PARAGRAPH = 20_000  # characters of one paragraph searched for cues; a 5 MB "paragraph" is not prose
NEAR_WORDS = 20  # a quoted fragment of one or two words needs its speech verb this close
PRONOUN_PARAGRAPHS = 2
PRONOUN_REACH = 4  # further back only when nobody else was named in between  # how many paragraphs back a pronoun may look for its person
# Verbs whose following name is their object, not an inverted subject ("told Jane Roe", "asked Roe").
_TRANSITIVE = frozenset("""tell tells told telling ask asks asked asking urge urges urged urging remind reminds
reminded inform informs informed assure assures assured reassure reassured warn warns warned call calls called
calling praise praised mock mocked blast blasted slam slammed scold scolded chide chided question questioned
press pressed implore implored advise advised describe described tout touted charge charged demand demanded
answer answered counter countered thank thanked""".split())
_ROLE_WORDS = re.compile(
    r"\b(executive vice president|vice president|president|spokes(?:wo)?man|spokesperson|chancellor|commissioner|"
    r"secretary(?: of education)?|executive director|director|superintendent|general counsel|counsel|head|chair(?:wo)?man|"
    r"chair|founder|co-founder|organizer|teacher|principal|professor|parent|mother|father|member|leader|activist|"
    r"senator|governor|mayor|lawmaker|official|coordinator|researcher|analyst|board member|trustee)\b", re.IGNORECASE)
_OF_ORG = re.compile(r"\b(?:of|for|at|with|from)\s+(?:the\s+)?((?:[A-Z][\w'’.&-]*)(?:\s+(?:of|for|and|on|the|&|[A-Z][\w'’.&-]*))*"
                     r"(?<=[\w.]))")
_LEAD_IN = re.compile(r"^(?:From\s+|According to\s+)?(?P<who>.+?)\s*:\s*$")
_TRANSCRIPT = re.compile(r"^(?P<who>[A-Z][A-Za-z.'’ -]{1,40}?|Q|A):\s+(?P<words>\S.*)$")
_ATTRIB_LINE = re.compile(rf"^\s*(?:[—–―-]+|~)?\s*(?P<who>{sp.NAME_RUN.pattern})\s*(?:[,.;(—–-]\s*(?P<rest>.*))?$")
_DASH_AFTER = re.compile(rf"^\s*[—–―]+\s*(?P<who>{sp.NAME_RUN.pattern})\s*[.,]?\s*(?P<rest>[^{sp.OPEN}]*)$")
# ", noted NBC's " / ", said the union's " right before a name (or right after a masked quote, ⟧): an inverted
# speech verb and what may stand between it and the name (an outlet, a role), no function word.
_VERB_BEFORE = re.compile(r"[,\u27e7]\s+([a-z]+)\s+(?:(?:the|a|an)\s+)?(?:(?!(?:that|to|of|for|about|with|on|in|at|by|and)\s)"
                          r"[\w.'’/&-]+\s+){0,3}$")
# the words before a speech verb after a quote that name someone only by a common noun: "her husband",
# "a spokeswoman", "another parent" (lower case only: a name or an organization is read by other rules)
_UNNAMED_SUBJECT = re.compile(r"[\s,]*(?:her|his|their|its|our|my|a|an|another|one|some|several|many|other)"
                              r"(?:\s+[a-z][\w'’-]*){1,3}\s+")
# after a quote: "[said|read] a statement from ORG", "the union's news release issued by ORG"
_ISSUED_BY = re.compile(r"\s*(?:(?:said|says|read|reads|stated|states)\s+)?(?:an?|the)\s+(?:[a-z]+\s+){0,2}?"
                        r"(?:statement|release|letter|email|e-mail|memo|message|resolution|post)\s+"
                        r"(?:from|by|issued by|released by|sent by|posted by)\s+(?P<who>[^,;]+)")
_CLAUSE_END = re.compile(r"\s*(?:[.,;]|$)")
_AND_END = re.compile(r"\s(?:and|but)\s+$")  # a verb that shares its subject with the one before it
_POSSESSIVE_END = re.compile(r"['’]s$")
_FOLLOWING_WORDS = re.compile(r"\s(?:made|gave|issued|offered|released|posted|had|shared)\s+(?:the\s+following|these|this)"
                              r"(?:\s+[a-z]+){0,2}\s*:$")
_ORG_JOIN_BEFORE = re.compile(r"\b(?:the|of|on|for|and|at|The)\s+$")
_ACCORDING = re.compile(r"\baccording to\s+", re.IGNORECASE)
# After a quote's closing mark, these open a clause that dates or explains it ("when", "after"), not one that
# attributes it ("as" can: '"...," as Roe put it').
_SUBORDINATE = re.compile(r"[\s,;]*(?:when|whenever|while|after|before|because|since|although|though|until|unless|"
                          r"if|whereas|once)\b", re.IGNORECASE)
_SMALL = {"of", "the", "to", "a", "an", "and", "for", "in", "on", "at", "by", "or", "is", "vs", "with", "from", "not"}
# A nickname in marks inside a name ('Dolores "Dee" Marchetti', 'Harold J. "Hal" Brennock') is part of the name,
# not a quote: one or two capitalised words in marks, after a first name or an initial, before a surname.
_NICK_MARKS = re.compile(r"[“\"]([A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)?)[”\"](?= [A-Z][a-zà-ÿ'’-])")
_NAME_BEFORE = re.compile(r"(?<![\w'’.-])([A-Z][a-z]+|[A-Z]\.) $")
NICKNAME_CHARS = 20
_FIRST_NAMES_END = re.compile(r"(?<![\w'’.-])((?:[A-Z][a-z]+|[A-Z]\.)(?:\s(?:[A-Z][a-z]+|[A-Z]\.)){0,2})\s$")
_NAME_WORD = re.compile(r"[A-Z][\w'’-]+")
_OPENING = re.compile(r'“|(?<![\w])"(?=\S)')
_MIDCAP = re.compile(r"(?<=[a-z0-9,;] )[A-Z][\w-]*(?:['’](?!s\b)[\w-]+)*")  # a possessive 's is left out
# roles whose holders do not speak for the school or group named after them ("a teacher at Lincoln Elementary")
_SPEAKS_FOR_NO_ONE = frozenset({"parent", "mother", "father", "teacher", "student"})
# (an appositive between commas or dashes may stand between the name and its verb)
_FOLLOWING_VERB = re.compile(r"(?:,[^,]{1,80},|\s+[—–][^—–]{1,80}[—–])?\s+((?:[a-z]+\s+){0,2}?)([a-z]+)\b")
_TITLE_END = re.compile(r"(?<=\w)[,.]$")
_TITLE_WORD = re.compile(r"[A-Za-z'’]+")
_TITLE_STOP = re.compile(r"[.!?,;]\s*$|[,;]")
_PRONOUN_GENDER = {"he": "m", "she": "f"}


@dataclass
class _Span:
    start: int  # offsets of the words inside the marks, in the document text
    end: int
    paragraph: int
    text: str
    whole: bool  # the quote is the whole paragraph (pull quotes, lead-ins, blockquotes)
    before: str = ""
    after: str = ""
    end_paragraph: int = -1


@dataclass
class _Speaker:
    name: str | None
    role: str | None = None
    org: str | None = None


@dataclass
class _Event:
    """A person in subject position (or a speaker) that a later pronoun may refer to."""

    position: int
    paragraph: int
    names: tuple[str, ...]


@dataclass
class _Doc:
    text: str
    paragraphs: list[tuple[int, str]]
    year: int | None
    source_organization: str | None
    kind: str
    people: dict[str, _Speaker] = field(default_factory=dict)  # full name -> what the text says of them
    primary_state: str | None = None  # computed on first need; "" when no state dominates
    org_mentions: list[tuple[int, str]] = field(default_factory=list)
    full_names: dict[str, set[str]] = field(default_factory=dict)  # surname -> full names
    # surname -> full names seen only as owners ("Jo Poe's plan"): a bare "Poe" means them when no one else has it
    owner_names: dict[str, set[str]] = field(default_factory=dict)
    full_counts: dict[str, int] = field(default_factory=dict)  # full name -> mentions
    first_seen: dict[str, int] = field(default_factory=dict)  # full name -> offset of its first mention
    bare_seen: dict[str, list[int]] = field(default_factory=dict)  # surname -> offsets where it stands alone
    genders: dict[str, str] = field(default_factory=dict)  # name -> "m" / "f"
    events: list[_Event] = field(default_factory=list)
    # (offset, full name) of people introduced with a role between commas ("Jo Poe, president of ..."), in order
    introduced: list[tuple[int, str]] = field(default_factory=list)
    nicknames: dict[str, str] = field(default_factory=dict)  # "Bobby Scott" -> "Robert C. Scott"
    spoke_bare: set[str] = field(default_factory=set)  # bare names right before a speech verb ("Obama said")
    masked: dict[int, str] = field(default_factory=dict)  # paragraph -> text with its quotes masked
    bounds: dict[int, list[int]] = field(default_factory=dict)  # paragraph -> sentence starts
    speakers: dict[int, _Speaker] = field(default_factory=dict)  # paragraph -> last speaker found in it
    lower_words: set[str] | None = None  # lowercase words of the text, computed on first need
    _midcaps: set[str] | None = None

    def bearers(self, surname: str) -> set[str]:
        """The full names the text gives people with ``surname`` (those seen only as owners when no other)."""
        return self.full_names.get(surname) or self.owner_names.get(surname, set())

    @property
    def midcaps(self) -> set[str]:
        """Capitalised words the text uses inside sentences (names; not "Several" at a sentence start)."""
        if self._midcaps is None:
            self._midcaps = set(_MIDCAP.findall(normalize_quotes(self.text)))
        return self._midcaps

    def paragraph_at(self, position: int) -> int:
        starts = [s for s, _ in self.paragraphs]
        return max(0, bisect.bisect_right(starts, position) - 1)


@dataclass
class _Cue:
    """What the quote's own sentence says: no cue, or a cue and the speaker it names (None: unclear)."""

    found: bool
    speaker: _Speaker | None = None
    near: bool = True  # the cue stands within a few words of the marks (what a short fragment needs)


_NO_CUE = _Cue(False)


class QuoteExtractor:
    """Finds quotes and attributes them, leaving the speaker empty when it is not certain."""

    def __init__(self, tagger: Tagger, lexicon: lx.Lexicon | None = None):
        self.tagger = tagger
        self.g: gz.Gazetteer = tagger.gazetteer
        self.lx = lexicon or lx.default()
        self.finder = sp.Finder(self.lx)
        nouns = "|".join(sorted(self.lx.speech_nouns, key=len, reverse=True))
        self._owner_re = re.compile(rf"(?<![\w.])((?:[A-Z][\w.-]*\s+){{0,3}}[A-Z][\w-]*)['’]s\s+(?:[a-z-]+\s+)?"
                                    rf"(?:{nouns})\b")
        self._names: dict[str, str | None] = {}
        self._phrases: dict[tuple[str, str], object] = {}  # memo of gazetteer lookups on short phrases
        # last words of the gazetteer's descriptions ("state teachers union"): only phrases holding one are described
        self._description_heads = {d.lower().split()[-1] for o in self.g.organizations.values() for d in o.descriptions}

    def _memo(self, kind: str, phrase: str, compute):
        """Gazetteer lookups on short phrases (names, appositives) repeat across documents: memoised."""
        if len(phrase) > 300:
            return compute(phrase)
        key = (kind, phrase)
        if key not in self._phrases:
            if len(self._phrases) > 100_000:
                self._phrases.clear()
            self._phrases[key] = compute(phrase)
        return self._phrases[key]

    def _orgs(self, phrase: str) -> list[tuple[int, int, str, str]]:
        return self._memo("orgs", phrase, self.tagger.organizations_in)

    def _place(self, phrase: str) -> bool:
        return self._memo("place", phrase, self.tagger.place_or_test)

    def organization_kind(self, name: str) -> str:
        """The kind of a speaker organization: the gazetteer's when it knows the name, else a guess from
        its words ("Aurora Public Schools" -> district), for organizations found only in the text."""
        org = self.g.organizations.get(name)
        return org.kind if org is not None else self.lx.organization_kind(name)

    # -- names -----------------------------------------------------------------------------------------

    def _clean_name(self, raw: str) -> str | None:
        """``raw`` without titles and honorifics, or None when it is not a person's name."""
        if raw not in self._names:
            if len(self._names) > 50_000:
                self._names.clear()
            self._names[raw] = self._clean_name_uncached(raw)
        return self._names[raw]

    def _strip_titles(self, raw: str) -> list[str]:
        words = sp.tokens(raw.strip())
        if words and re.fullmatch(r"[A-Za-z'’-]+['’]s", words[-1]):
            return []  # a possessive ("Trump's") is not the speaker
        owners = [i for i, w in enumerate(words[:-1]) if re.fullmatch(r"[\w.-]+['’]s", w)]
        if owners:
            words = words[owners[-1] + 1:]  # "NBC's Jane Roe", "the Elmira Ledger's Jane Roe": the outlet is no part
        cut = 0
        for i, w in enumerate(words[:-1]):
            bare = w.rstrip(".")
            # titles, honorifics, and a word whose period ended the previous sentence ("in May. Roe")
            if w.endswith(".") and not re.fullmatch(r"(?:[A-Z]\.)+", w) or bare in self.lx.title_words:
                cut = i + 1
        words = words[cut:]
        while len(words) > 1 and (words[0].rstrip(".") in self.lx.title_words or self._place(words[0])):
            words = words[1:]
        if len(words) == 1 and words[0].rstrip(".") in self.lx.title_words:
            return []
        words = [w if re.fullmatch(r"(?:[A-Z]\.)+", w) else w.rstrip(".") for w in words]
        while len(words) > 2 and words[-1] in ("Jr", "Sr", "II", "III", "IV"):
            words = words[:-1]  # the surname is what identifies the person
        return [w for w in words if w]

    def _clean_name_uncached(self, raw: str) -> str | None:
        words = self._strip_titles(raw)
        if not words or len(words) > 5 or any(c.isdigit() for w in words for c in w):
            return None
        name = " ".join(words)
        if any(w in self.lx.org_words for w in words):
            return None  # "Secondary Education", "Dutchess County", "The Washington Post"
        if len(words) > 1 and all(re.fullmatch(r"[A-Z]\.?", w) for w in words[:-1]) and len(words[-1]) < 3:
            return None
        if any(len(w) > 1 and w.isupper() and not re.fullmatch(r"(?:[A-Z]\.)+|II|III|IV", w) for w in words):
            return None  # acronyms and shouted lines ("HUFFPOST READERS") are not names
        if self._place(name) and len(words) < 3:
            return None
        for s, e, _surface, _org in self._memo("spans", name, self.tagger.organization_spans):
            if e - s >= len(name) - 2:
                return None
        if words[0].lower() in _SMALL:
            return None
        return name

    def _gender_of(self, doc: _Doc, name: str) -> str | None:
        if name in doc.genders:
            return doc.genders[name]
        first = name.split()[0]
        if first in self.lx.male:
            return "m"
        if first in self.lx.female:
            return "f"
        return None

    def _org_in(self, text: str) -> str | None:
        found = self._orgs(text)
        return found[0][3] if found else None

    def _org_written(self, text: str) -> str | None:
        """An organization named in an appositive or prefix: the gazetteer's name, else the words as written
        when they carry an organization word ("Aurora Public Schools", "Lee County School Board")."""
        known = self._org_in(text)
        if known:
            return known
        for m in _OF_ORG.finditer(text):
            words = m.group(1).split()
            while words and words[-1] in ("of", "for", "and", "on", "the", "&"):
                words.pop()
            if any(w.strip(".,") in self.lx.org_words for w in words) and 2 <= len(words) <= 8:
                return " ".join(words).strip(" ,.")
        return None

    def _prefix_org(self, prefix: str) -> str | None:
        """'Lee County School Board member' -> Lee County School Board (capitalised words then a role)."""
        m = re.search(r"((?:[A-Z][\w'’.&-]*\s+)+)(?:[a-z][\w-]*\s+){1,2}$", prefix)
        if not m:
            return None
        words = m.group(1).split()
        while words and words[0] in self.lx.title_words:
            words = words[1:]
        if words and any(w in self.lx.org_words for w in words):
            phrase = " ".join(words)
            # "School board member": one organization word alone ("School", "Union") names no one
            return self._org_in(phrase) or (phrase if len(words) > 1 else None)
        return None

    def _appositive(self, doc: _Doc, text: str) -> tuple[str | None, str | None]:
        """(role, organization) from words like "president of the state teachers' union"."""
        text = normalize_quotes(text)[:200]
        role_m = _ROLE_WORDS.search(text)
        role = role_m.group(1).lower() if role_m else None
        # a parent or teacher "at Lakeview Elementary" does not speak for the school; a union's president does
        org = self._org_in(text) if role in _SPEAKS_FOR_NO_ONE else self._org_written(text)
        if org is None and role is not None and any(w in self._description_heads for w in re.findall(r"\w+", text.lower())):
            if doc.primary_state is None:
                doc.primary_state = self.tagger.primary_state(doc.text) or ""
            org = self.tagger.describe(text, doc.text, doc.primary_state)
        return role, org

    def _person(self, doc: _Doc, name: str, appositive: str = "", prefix: str = "") -> _Speaker:
        """A speaker for a full name, with role and organization from the text, then the gazetteer."""
        known = doc.people.get(name)
        role, org = self._appositive(doc, appositive) if appositive else (None, None)
        if org is None and prefix:
            org = self._org_in(prefix) or self._prefix_org(prefix)
            prefix_role = _ROLE_WORDS.search(prefix)
            role = role or (prefix_role.group(1).lower() if prefix_role else None)
        if known is not None:
            role, org = role or known.role, org or known.org
        person = self.g.person(name)
        if person is not None:
            at = person.role_at(doc.year) if doc.year else None
            if at is not None:
                role = role or at.title
                org = org or at.organization
        if org is None and doc.source_organization and doc.kind == "statement":
            org = doc.source_organization
        return _Speaker(name, role, org)

    # -- resolving a speaker phrase ----------------------------------------------------------------------

    def _from_phrase(self, doc: _Doc, phrase: sp.Phrase | None, position: int) -> _Speaker | None:
        """The person or organization a speaker phrase refers to, if certain."""
        if phrase is None or phrase.kind == "plural":
            return None
        if phrase.kind == "pronoun":
            return self._pronoun(doc, phrase.text, position)
        if phrase.kind == "org":
            return self._org_speaker(doc, phrase.text, phrase.prefix, position)
        return self._name_speaker(doc, phrase, position)

    def _org_speaker(self, doc: _Doc, words: str, prefix: str, position: int) -> _Speaker:
        noun = words.split()[-1].lower()
        written = self._org_in(words) or self._org_in(prefix[-60:] + words)
        if written:
            return _Speaker(None, None, written)
        caps = [m.group() for m in sp.NAME_RUN.finditer(words)]
        if caps and any(w in self.lx.org_words for c in caps for w in c.split()):
            return _Speaker(None, None, caps[-1])
        return _Speaker(None, None, self._recent_org(doc, position, noun))

    def _name_speaker(self, doc: _Doc, phrase: sp.Phrase, position: int) -> _Speaker | None:
        run = phrase.text
        lead = run.split()
        while len(lead) > 1 and lead[0] in self.lx.title_words and lead[0] != "The":
            lead = lead[1:]
        if lead[0] == "The" and len(lead) > 1:  # "As The New Yorker put it": an outlet, not a person
            return _Speaker(None, None, self._org_in(run) or " ".join(lead[1:]).strip(" ,."))
        known = self._org_in(run)
        if known and not self._clean_name(run):
            return _Speaker(None, None, known)
        words = [w.rstrip(".") for w in sp.tokens(run)]
        if any(w in self.lx.org_words for w in words) and not self._clean_name(run):
            name = re.sub(r"^(?:The|the)\s+", "", run).strip(" ,.")
            return _Speaker(None, None, name) if len(words) <= 8 else None
        name = self._clean_name(run)
        if name is None and run.strip() in self.lx.title_words and len(doc.bearers(run.strip())) == 1:
            name = run.strip()  # "Dean said", in a story about Howard Dean: a surname that is also a title
        if name is None:
            return None
        self._note_gender(doc, run, name)
        if len(name.split()) == 1:
            full = self._surname(doc, name, position, self._gender_of(doc, name))
            if full is None:
                return None
            return self._person(doc, full, phrase.appositive, phrase.prefix) if " " in full else _Speaker(full)
        return self._person(doc, name, phrase.appositive, phrase.prefix)

    def _note_gender(self, doc: _Doc, run: str, name: str) -> None:
        first = run.split()[0].rstrip(".")
        if first in self.lx.male and run.split()[0].endswith("."):
            doc.genders.setdefault(name, "m")
        elif first in self.lx.female and first in self.lx.honorifics:
            doc.genders.setdefault(name, "f")

    def _surname(self, doc: _Doc, surname: str, position: int, gender: str | None) -> str | None:
        """The one full name in the document that ends with ``surname``; the surname itself when the
        document names nobody else by it; None when several people share it."""
        names = doc.bearers(surname)
        if gender:
            names = {n for n in names if self._gender_of(doc, n) in (None, gender)}
        if len(names) == 1:
            return next(iter(names))
        if names:
            # a surname shared by several people is the story's main one only when it dominates
            return self._main_bearer(doc, surname, names)
        if len(surname) < 3 or surname in self.lx.title_words or surname in self.lx.org_words:
            return None
        # a bare capitalised word counts as a surname only if the text also capitalises it mid-sentence
        return surname if surname in doc.midcaps else None

    def _main_bearer(self, doc: _Doc, surname: str, names: set[str]) -> str | None:
        """Who a surname shared by several people means: the one the story is about, when it dominates
        (mentioned in full three times and twice as often as anyone else), or when the story introduced
        them first and had already called them by the bare surname before naming the others
        ("Ted Cruz ... Cruz said ... his wife, Heidi Cruz")."""
        ranked = sorted(names, key=lambda n: doc.full_counts.get(n, 0), reverse=True)
        top, second = (doc.full_counts.get(n, 0) for n in ranked[:2])
        if top >= 3 and top >= 2 * second:
            return ranked[0]
        # only one of them is ever the subject of a sentence (or speaks) by full name: the story's actor
        # ("Former President Bill Clinton told ... for his wife Hillary Clinton ... Clinton said")
        acting = {n for e in doc.events if len(e.names) == 1 for n in e.names if n in names}
        if len(acting) == 1:
            return next(iter(acting))
        if any(n not in doc.first_seen for n in names):
            return None
        by_intro = sorted(names, key=lambda n: doc.first_seen[n])
        first, next_intro = by_intro[0], doc.first_seen[by_intro[1]]
        bare_between = [p for p in doc.bare_seen.get(surname, []) if doc.first_seen[first] < p < next_intro]
        return first if len(bare_between) >= 2 else None

    def _pronoun(self, doc: _Doc, pronoun: str, position: int) -> _Speaker | None:
        """He or she: the latest person in subject position (or speaking) of that gender, nearby."""
        gender = _PRONOUN_GENDER.get(pronoun)
        if gender is None:
            return None  # "they", "we": a group, not one person
        paragraph = doc.paragraph_at(position)
        i = bisect.bisect_left([e.position for e in doc.events], position)
        for event in reversed(doc.events[:i]):
            if event.paragraph < paragraph - PRONOUN_PARAGRAPHS:
                break
            # a bare word ("Honolulu", "China") stands for a person only with a title that says so
            fits = [n for n in event.names if self._gender_of(doc, n) in (None, gender)
                    and (" " in n or n in doc.genders or n in doc.spoke_bare)]
            if len(fits) > 1:
                return None  # "Jane Roe and Ann Poe ...": she could be either
            if fits:
                name = fits[0]
                if self._introduced_since(doc, event.position, position, gender, name):
                    return None
                return self._person(doc, name) if " " in name else _Speaker(name)
        return None

    def _introduced_since(self, doc: _Doc, start: int, end: int, gender: str, name: str) -> bool:
        """Whether someone else the pronoun could mean was introduced with a role between ``start`` and
        ``end`` ("... concerns Jo Poe, president of the caucus. "...," he said."): people are introduced so
        that they can be quoted next, so "he" may be them even outside subject position."""
        i = bisect.bisect_right(doc.introduced, (start, "\uffff"))
        return any(other != name and self._gender_of(doc, other) in (None, gender)
                   for at, other in doc.introduced[i:] if at < end)

    def _recent_org(self, doc: _Doc, position: int, noun: str) -> str | None:
        if noun in ("statement", "release", "press release", "letter") and doc.source_organization:
            return doc.source_organization
        before = [name for p, name in doc.org_mentions if p < position]
        if noun in ("union", "unions", "association", "federation"):
            unions = [n for n in before if self.g.organizations[n].kind == "union"]
            if unions:
                return unions[-1]
            if doc.source_organization:
                return doc.source_organization
        if before:
            return before[-1]
        return doc.source_organization

    # -- finding quotes ------------------------------------------------------------------------------------

    def _spans(self, doc: _Doc) -> list[_Span]:
        spans: list[_Span] = []
        pending: _Span | None = None  # a quote whose paragraph ended without a closing mark
        for index, (offset, para) in enumerate(doc.paragraphs):
            if len(spans) > MAX_QUOTES:
                break
            stripped = para.lstrip()
            lead = len(para) - len(stripped)
            rest_from = 0
            if pending is not None:
                if stripped[:1] in "“\"":
                    close = _closing(stripped, 1)
                    body_end = close if close is not None else len(stripped)
                    pending.text = pending.text + " " + stripped[1:body_end].strip()
                    pending.end = offset + lead + body_end
                    pending.end_paragraph = index
                    if close is None:
                        continue
                    pending.after = stripped[close + 1:]
                    pending.whole = pending.whole and not pending.after.strip(" ,.")
                    rest_from = close + 1
                spans.append(pending)  # unbalanced: keep what the paragraph said
                pending = None
            pending = self._paragraph_spans(spans, stripped, offset + lead, index, rest_from)
        if pending is not None:
            spans.append(pending)
        return spans

    @staticmethod
    def _paragraph_spans(spans: list[_Span], stripped: str, base: int, index: int, pos: int) -> _Span | None:
        """Append the quotes of one paragraph; return a quote left open at its end, if any."""
        while len(spans) <= MAX_QUOTES:
            open_at = _opening(stripped, pos)
            if open_at is None:
                return None
            nickname = _nickname_end(stripped, open_at)
            if nickname is not None:
                pos = nickname
                continue
            close = _closing(stripped, open_at + 1)
            if close is None:
                words = stripped[open_at + 1:].strip()
                if len(words.split()) >= MIN_WORDS:
                    return _Span(base + open_at + 1, base + len(stripped), index, words, whole=open_at == 0,
                                 before=stripped[max(0, open_at - CLAUSE_CHARS):open_at], end_paragraph=index)
                return None
            words = stripped[open_at + 1:close]
            spans.append(_Span(base + open_at + 1, base + close, index, words.strip(),
                               whole=open_at == 0 and not stripped[close + 1:].strip(" ,.;"),
                               before=stripped[max(0, open_at - CLAUSE_CHARS):open_at],
                               after=stripped[close + 1:close + 1 + CLAUSE_CHARS], end_paragraph=index))
            pos = close + 1
        return None

    def _prepare(self, doc: _Doc, spans: list[_Span]) -> None:
        """Mask every quote out of its paragraphs and split them into sentences."""
        regions: dict[int, list[tuple[int, int]]] = {}
        ends: dict[int, dict[int, str]] = {}
        for s in spans:
            last = s.end_paragraph if s.end_paragraph >= 0 else s.paragraph
            for index in range(s.paragraph, last + 1):
                offset, para = doc.paragraphs[index]
                open_at = s.start - 1 - offset if index == s.paragraph else para.find(para.lstrip()[:1])
                close_at = s.end - offset if index == last else len(para) - 1
                regions.setdefault(index, []).append((open_at, close_at))
            close = s.end - doc.paragraphs[last][0]
            ends.setdefault(last, {})[close] = s.text.rstrip()[-1:] if s.text.strip() else ""
        for index, found in regions.items():
            para = _blank_nicknames(normalize_quotes(doc.paragraphs[index][1])[:MAX_PARAGRAPH])
            doc.masked[index] = sp.mask(para, found)
            doc.bounds[index] = self.finder.sentence_bounds(doc.masked[index], ends.get(index, {}))

    def _masked(self, doc: _Doc, index: int) -> str:
        if index not in doc.masked:
            para = _blank_nicknames(normalize_quotes(doc.paragraphs[index][1])[:MAX_PARAGRAPH])
            doc.masked[index] = para
            doc.bounds[index] = self.finder.sentence_bounds(para, {})
        return doc.masked[index]

    # -- attribution -----------------------------------------------------------------------------------------

    def _sentence_sides(self, doc: _Doc, span: _Span) -> tuple[str, str]:
        """The words of the quote's sentence before its opening mark and after its closing mark (masked)."""
        first = span.paragraph
        last = span.end_paragraph if span.end_paragraph >= 0 else first
        masked_first, masked_last = self._masked(doc, first), self._masked(doc, last)
        open_at = span.start - 1 - doc.paragraphs[first][0]
        close_at = span.end - doc.paragraphs[last][0]
        starts = doc.bounds[first]
        left_from = starts[max(0, bisect.bisect_right(starts, open_at) - 1)]
        ends = doc.bounds[last]
        right_to = next((s for s in ends if s > close_at), len(masked_last))
        left_from = max(left_from, open_at - CLAUSE_CHARS)  # a cue is never further away than this
        right_to = min(right_to, close_at + 1 + CLAUSE_CHARS)
        return masked_first[left_from:max(left_from, open_at)], masked_last[close_at + 1:right_to]

    def _cue(self, doc: _Doc, span: _Span) -> _Cue:
        """Rule 1: a speech verb and its subject in the quote's own sentence."""
        left, right = self._sentence_sides(doc, span)
        right_clause = right.partition(sp.OPEN)[0][:CLAUSE_CHARS]
        left_clause = left.rpartition(sp.CLOSE)[2][-CLAUSE_CHARS:]
        dash = _DASH_AFTER.match(right_clause)
        if dash:
            name = self._clean_name(dash.group("who"))
            if name and " " in name:
                return _Cue(True, self._person(doc, name, appositive=dash.group("rest")))
        owner = self._speech_noun(doc, left_clause, span.start)
        issued = self._issued_by(right_clause)
        if issued is not None:
            return issued
        for clause, side in ((right_clause, "right"), (left_clause, "left")):
            cue = self._verb_cue(doc, clause, side, span.start)
            if cue.found:
                return cue
        if owner is not None:
            return owner
        for clause in (right_clause, left_clause):
            m = _ACCORDING.search(clause)
            if m:
                issued = self._issued_by(clause[m.end():])
                if issued is not None:
                    return issued
                phrase = self.finder.subject_after(clause[m.end():])
                return _Cue(True, self._from_phrase(doc, phrase, span.start))
        if right_clause.strip(" ,.") == "" and left_clause.rstrip().endswith((":", ",")):
            # 'In a statement, the union: "..."' has no verb; a left clause ending in a colon may name one
            return self._colon_cue(doc, left_clause, span.start)
        return _NO_CUE

    def _issued_by(self, clause: str) -> _Cue | None:
        """'"...," read a statement from the Albany Teachers Association': the organization a document named
        after the quote comes from (its words are the organization's); no speaker when it names none."""
        m = _ISSUED_BY.match(clause)
        if m is None:
            return None
        who = m.group("who")
        # a joint statement ("from the union and the PTA") is no one organization's alone
        org = None if re.search(r"\s(?:and|&)\s", who) else self._org_written(f"from {who}")
        return _Cue(True, _Speaker(None, None, org) if org else None)

    def _verb_cue(self, doc: _Doc, clause: str, side: str, position: int) -> _Cue:
        verbs = self.finder.verbs_in(clause)
        if not verbs:
            return _NO_CUE
        # on the left, the verb nearest the quote is its cue ("Roe left, and Poe told reporters that "..."")
        for start, end, word in (reversed(verbs) if side == "left" else verbs):
            if side == "right" and _SUBORDINATE.match(clause, 0, start):
                # '"...," when Roe criticized him': a speech verb in a clause that only dates or explains
                # the quote is someone else's act, not the quote's attribution
                continue
            phrase = self.finder.subject_before(clause[:start])
            if phrase is None and word not in _TRANSITIVE and not clause[:start].strip(" ,"):
                phrase = self.finder.subject_after(clause[end:])
            if phrase is None and side == "left" and (word.endswith("ing") and clause[:start].rstrip().endswith(",")
                                                      or _AND_END.search(clause, 0, start)):
                # "Roe defended the plan, saying, "..."", "Roe, her opponent, toured the school and said "...""
                phrase = self._clause_subject(clause[:start])
            if phrase is None:
                if side == "right" and _UNNAMED_SUBJECT.fullmatch(clause, 0, start):
                    # '"...," her husband said.': the sentence says who spoke, and it is no one we can name
                    return _Cue(True, None)
                continue
            speaker = self._from_phrase(doc, phrase, position)
            if speaker is not None or phrase.kind != "name" or self._clean_name(phrase.text):
                gap = clause[end:] if side == "left" else clause[:start]
                near = len(re.findall(r"\w+", gap)) <= NEAR_WORDS
                return _Cue(True, speaker, near)  # a person or group we cannot pin down: abstain
        bare = clause.strip(" ,.;").split()
        if side == "right" and len(bare) == 1 and bare[0].lower() in self.lx.verbs:
            # '"...", afirmó.' (a language that drops the subject): the latest subject, when only one
            return _Cue(True, self._latest_subject(doc, position))
        if side == "right" and bare and bare[0].lower() in self.lx.verbs:
            return _Cue(True, None)
        return _NO_CUE

    def _latest_subject(self, doc: _Doc, position: int) -> _Speaker | None:
        i = bisect.bisect_left([e.position for e in doc.events], position)
        if i and len(doc.events[i - 1].names) == 1 and doc.events[i - 1].paragraph >= doc.paragraph_at(position) - 1:
            name = doc.events[i - 1].names[0]
            return self._person(doc, name) if " " in name else _Speaker(name)
        return None

    def _clause_subject(self, text: str) -> sp.Phrase | None:
        """The person a sentence opens with ("Roe was defensive when ..., saying"), if it opens with one."""
        for m in sp.NAME_RUN.finditer(text):
            head = text[:m.start()]
            if len(head) > 40 or sp.object_position(head, self.lx.verbs):
                return None
            if self._clean_name(m.group()):
                return sp.Phrase("name", m.group())
        m = re.match(r"\s*(he|she)\b", text, re.IGNORECASE)
        return sp.Phrase("pronoun", m.group(1).lower()) if m else None

    def _speech_noun(self, doc: _Doc, clause: str, position: int) -> _Cue | None:
        """'Roe's claim that there were "thousands of errors"': the owner of a words-noun is the speaker."""
        for m in reversed(list(self._owner_re.finditer(clause))):
            gap = clause[m.end():]
            if self.finder.verbs_in(gap) or not re.fullmatch(r"\s*(?:(?:that|of|about)\b.*|[:,]?\s*)", gap):
                return None  # only "Roe's claim that ..." / "Roe's words:" lead straight to the quote
            phrase = sp.Phrase("name", m.group(1))
            speaker = self._name_speaker(doc, phrase, position) if self._clean_name(m.group(1)) else None
            if speaker is not None and speaker.name:
                return _Cue(True, speaker, len(re.findall(r"\w+", clause[m.end():])) <= NEAR_WORDS)
        return None

    def _colon_cue(self, doc: _Doc, clause: str, position: int) -> _Cue:
        text = clause.rstrip().rstrip(":,").strip()
        m = re.search(r"(?:^|,\s+)(?:From\s+|According to\s+)?(?P<who>[^,]+)$", text)
        if not m:
            return _NO_CUE
        run = self.finder.subject_before(m.group("who"))
        if run is None or run.kind != "name" or not self._clean_name(run.text) or " " not in self._clean_name(run.text):
            return _NO_CUE
        return _Cue(True, self._from_phrase(doc, run, position))

    def _attribute(self, doc: _Doc, span: _Span) -> tuple[_Speaker | None, bool]:
        """(speaker, whether the quote's own sentence attributes it)."""
        cue = self._cue(doc, span)
        if cue.found:
            return cue.speaker, cue.speaker is not None and cue.near
        for rule in (self._lead_in, self._pull_quote):
            speaker = rule(doc, span)
            if speaker is not None:
                return speaker, False
        if span.paragraph in doc.speakers:
            return doc.speakers[span.paragraph], False
        previous = doc.speakers.get(span.paragraph - 1)
        if span.whole and previous is not None and previous.name:
            return previous, False
        return None, False

    def _pull_quote(self, doc: _Doc, span: _Span) -> _Speaker | None:
        """Rule 3: a pull quote whose next paragraph is just the attribution ("— Jane Roe, parent organizer")."""
        if not span.whole or span.paragraph + 1 >= len(doc.paragraphs) or span.after.strip(" ,."):
            return None
        line = normalize_quotes(doc.paragraphs[span.paragraph + 1][1])
        if len(line) >= 160 or re.search(r"[“\"]", line):
            return None
        m = _ATTRIB_LINE.match(line)
        name = self._clean_name(m.group("who")) if m else None
        if name and len(name.split()) >= 2:
            return self._person(doc, name, appositive=m.group("rest") or "")
        return None

    def _lead_in(self, doc: _Doc, span: _Span) -> _Speaker | None:
        """Rule 2: a lead-in paragraph ending in a colon ("From AFT President Randi Weingarten:")."""
        if not span.whole or span.paragraph == 0:
            return None
        line = self._masked(doc, span.paragraph - 1).rstrip()
        line = re.split(r"(?<=[.!?])\s+(?=[A-Z])", line)[-1]
        if not line.endswith(":") or len(line) >= 250:
            return None
        cue = self._verb_cue(doc, line[:-1], "left", span.start)
        if cue.found:
            return cue.speaker
        words = _FOLLOWING_WORDS.search(line)
        if words:
            # "On May 6, Roe made the following comment:" (a lead-in whose verb reports no words by itself)
            phrase = self.finder.subject_before(line[:words.start()])
            if phrase is not None and phrase.kind in ("name", "pronoun", "org"):
                return self._from_phrase(doc, phrase, span.start)
        m = _LEAD_IN.match(line)
        if not m:
            return None
        who = _strip_leading(m.group("who"))
        org = self._org_in(who)
        name_m = next((n for n in sp.NAME_RUN.finditer(who) if (c := self._clean_name(n.group())) and " " in c), None)
        if name_m:
            return self._name_speaker(doc, sp.Phrase("name", name_m.group(), who[name_m.end():],
                                                     who[:name_m.start()]), span.start)
        if org:
            return _Speaker(None, None, org)
        words = who.split()
        if words and words[0].lower() in ("the", "its", "their") and words[-1].lower() in self.lx.org_nouns:
            return _Speaker(None, None, self._recent_org(doc, span.start, words[-1].lower()))
        return None

    def _transcripts(self, doc: _Doc, quoted: set[int]) -> list[Quote]:
        """Interview lines ("Magee: words"), when the document has several of them."""
        lines = []
        for index, (offset, para) in enumerate(doc.paragraphs):
            if index in quoted or len(para) > MAX_PARAGRAPH:
                continue
            m = _TRANSCRIPT.match(para.strip())
            if m and not _is_title(m.group("words")) and len(m.group("words").split()) >= MIN_WORDS:
                lines.append((offset + para.find(m.group("words")), m))
        if len(lines) < 2:
            return []
        out = []
        for start, m in lines:
            who = m.group("who").strip()
            if who in ("Q", "A", "Reporter", "Interviewer", "Host", "Anchor") or len(who.split()) > 3:
                continue  # the journalist's questions are not what the story quotes
            if who.isupper() and len(who) > 3:
                continue  # "READERS:" call-outs and shouted labels are not speakers
            speaker = self._name_speaker(doc, sp.Phrase("name", who), start)
            if speaker is None or speaker.name is None:
                continue
            words = m.group("words").strip()
            out.append(Quote(words, speaker.name, speaker.role, speaker.org, start, start + len(words)))
        return out

    def extract(self, text: str, published: str | None = None, source_organization: str | None = None,
                kind: str = "news", primary_state: str | None = None) -> list[Quote]:
        """All quotes in a document's text, in order."""
        text = (text or "")[:MAX_TEXT]
        if not text or ("“" not in text and '"' not in text and ":" not in text):
            return []
        paragraphs, offset = [], 0
        for para in text.split("\n"):
            paragraphs.append((offset, para))
            offset += len(para) + 1
        year = int(published[:4]) if published and published[:4].isdigit() else None
        doc = _Doc(text, paragraphs, year, source_organization, kind, primary_state=primary_state)
        spans = self._spans(doc)
        self._prepare(doc, spans)
        self._collect_mentions(doc)
        quotes: list[Quote] = []
        quoted_paragraphs = set()
        for span in spans:
            quoted_paragraphs.add(span.paragraph)
            speaker, own = self._attribute(doc, span)
            if not self._keep(span, speaker, own):
                continue
            if speaker is not None and (speaker.name or speaker.org):
                doc.speakers[span.paragraph] = speaker
                if span.end_paragraph > span.paragraph:
                    doc.speakers[span.end_paragraph] = speaker
                if speaker.name:
                    bisect.insort(doc.events, _Event(span.start, span.paragraph, (speaker.name,)),
                                  key=lambda e: e.position)
            speaker = speaker or _Speaker(None)
            quotes.append(Quote(span.text, speaker.name, speaker.role if speaker.name else None, speaker.org,
                                span.start, span.end))
        quotes += self._transcripts(doc, quoted_paragraphs)
        quotes.sort(key=lambda q: q.start or 0)
        return quotes

    @staticmethod
    def _keep(span: _Span, speaker: _Speaker | None, own: bool) -> bool:
        """Quotes of three words or more; shorter ones only when their own sentence names who said them."""
        if _is_title(span.text.strip()):
            return False
        words = len(re.findall(r"\w+", span.text))
        if words < MIN_WORDS:
            return own and speaker is not None and speaker.name is not None and words >= 1
        if speaker is None and not span.whole and words <= SCARE_WORDS:
            return False  # a short phrase in marks mid-sentence, said by no one: a scare quote
        return True

    # -- mentions ---------------------------------------------------------------------------------------

    def _collect_mentions(self, doc: _Doc) -> None:
        """Full names (for surnames), genders, organizations, and people in subject position (for pronouns)."""
        text = normalize_quotes(doc.text)
        self._nicknames(doc, text[:MAX_PARAGRAPH * 10])
        # every mention counts for "the union said": ambiguous names are judged where they are used
        for s, _e, _surface, name in self.tagger.organization_spans(text):
            doc.org_mentions.append((s, name))
        for _s, _e, _surface, name in self.tagger.people_in(text):
            self._add_full(doc, name)
        for index, (offset, _para) in enumerate(doc.paragraphs):
            masked = self._masked(doc, index)
            if len(masked) > 3:
                self._paragraph_mentions(doc, index, offset, masked)

    def _nicknames(self, doc: _Doc, text: str) -> None:
        """Robert C. "Bobby" Scott is Robert C. Scott, and a later "Bobby Scott" is the same person (one
        bearer of the surname, not two): ``doc.nicknames`` maps the one to the other."""
        if '"' not in text and "“" not in text:
            return
        for m in _NICK_MARKS.finditer(text):
            end = _nickname_end(text, m.start())
            first = _FIRST_NAMES_END.search(text, max(0, m.start() - 40), m.start()) if end is not None else None
            surname = _NAME_WORD.match(text, end + 1) if end is not None else None
            if first is None or surname is None:
                continue
            full = self._clean_name(f"{first.group(1)} {surname.group(0)}")
            if full is not None:
                doc.nicknames[f"{m.group(1)} {surname.group(0)}"] = full
                self._add_full(doc, full)

    def _add_full(self, doc: _Doc, name: str, position: int = -1) -> None:
        name = doc.nicknames.get(name, name)
        parts = name.split()
        if len(parts) > 1:
            doc.full_names.setdefault(parts[-1], set()).add(name)
            doc.full_counts[name] = doc.full_counts.get(name, 0) + 1
            if position >= 0 and name not in doc.first_seen:
                doc.first_seen[name] = position
        elif position >= 0:
            doc.bare_seen.setdefault(name, []).append(position)

    def _paragraph_mentions(self, doc: _Doc, index: int, offset: int, masked: str) -> None:
        starts = doc.bounds[index]
        subjects_seen: set[int] = set()
        for m in sp.NAME_RUN.finditer(masked):
            raw = m.group()
            name = self._clean_name(raw)
            if not name:
                # "Donald Trump's claim": no speaker here, but the full name a later "Trump said" means
                owner = _POSSESSIVE_END.sub("", raw)
                full = self._clean_name(owner) if owner != raw else None
                if full and " " in full:
                    doc.owner_names.setdefault(full.split()[-1], set()).add(full)
                continue
            name = self._drop_sentence_word(doc, name, m.start() in starts)
            self._note_gender(doc, raw, name)
            self._add_full(doc, name, offset + m.start())
            if " " in name:
                if name not in doc.people:
                    app = masked[m.end(): m.end() + 160]
                    if app.startswith(","):
                        role, org = self._appositive(doc, app[1:].split(".")[0])
                        doc.people[name] = _Speaker(name, role, org)
                        if role or org:
                            doc.introduced.append((offset + m.start(), name))
            sentence = starts[max(0, bisect.bisect_right(starts, m.start()) - 1)]
            head = masked[sentence:m.start()]
            speaks = self._speech_follows(masked, m.end()) or self._speech_precedes(head, masked, m.end())
            if not speaks and (sentence in subjects_seen or len(head) > 80 or sp.OPEN in head
                               or sp.object_position(head, self.lx.verbs)):
                continue
            names = [name]
            pair = re.match(r"\s+(?:and|&)\s+(?:[a-z][\w-]*\s+){0,3}", masked[m.end():])
            if pair:
                other = sp.NAME_RUN.match(masked, m.end() + pair.end())
                other_name = self._clean_name(other.group()) if other else None
                if other_name:
                    names.append(other_name)
            resolved = tuple(p for n in names for p in self._full_or_bare(doc, n))
            if speaks and len(resolved) == 1 and " " not in resolved[0] and not self._place(resolved[0]) \
                    and not _ORG_JOIN_BEFORE.search(masked, 0, m.start()):
                # "Obama said": a bare name that speaks is a person a later "he" may mean ("the Pentagon said",
                # "the Commission on Presidential Debates said" are not)
                doc.spoke_bare.add(resolved[0])
            if resolved:
                subjects_seen.add(sentence)
                doc.events.append(_Event(offset + m.start(), index, resolved))

    def _speech_follows(self, masked: str, end: int) -> bool:
        """'Mr. Obama said in an interview ...': a name right before a speech verb is its subject."""
        m = _FOLLOWING_VERB.match(masked, end, end + 120)
        return bool(m) and m.group(2) in self.lx.verbs and all(w in self.lx.between_words for w in m.group(1).split())

    def _speech_precedes(self, head: str, masked: str, end: int) -> bool:
        """'..., noted NBC's Dante Chinni.': a name right after an inverted speech verb, closing its clause, is
        the one who spoke (a later "he wrote" means them). Not after a verb of telling ('..., told Jane Roe')."""
        m = _VERB_BEFORE.search(head)
        return bool(m) and m.group(1) in self.lx.verbs and m.group(1) not in _TRANSITIVE \
            and _CLAUSE_END.match(masked, end) is not None

    def _drop_sentence_word(self, doc: _Doc, name: str, sentence_start: bool) -> str:
        """'Neither Clinton' at a sentence start is Clinton: a first word the text never capitalises
        mid-sentence, that is no known first name and that the text also writes in lowercase."""
        first, _, rest = name.partition(" ")
        if not rest or not sentence_start or first in doc.midcaps or first in self.lx.male or first in self.lx.female:
            return name
        if doc.lower_words is None:
            doc.lower_words = set(re.findall(r"\b[a-z]+\b", doc.text))
        return rest if first.lower() in doc.lower_words else name

    def _full_or_bare(self, doc: _Doc, name: str) -> tuple[str, ...]:
        """The people a name in subject position may be: one, none (not a name), or several (a surname
        shared by two people: a pronoun reaching it cannot tell which)."""
        if " " in name:
            return (name,)
        full = doc.bearers(name)
        if full:
            return tuple(sorted(full))
        return (name,) if name in doc.midcaps else ()


def _strip_leading(who: str) -> str:
    return re.sub(r"^(?:From|According to|And|But|Then|Later|Also)\s+", "", who.strip())


def _nickname_end(text: str, pos: int) -> int | None:
    """Where a nickname in marks that opens at ``pos`` ends (after its closing mark), or None when the marks
    there are no nickname inside a name."""
    m = _NICK_MARKS.match(text, pos)
    if m is None or len(m.group(1)) > NICKNAME_CHARS:
        return None
    before = _NAME_BEFORE.search(text[max(0, pos - 30):pos])
    if before is None or before.group(1).lower() in sp.FUNCTION_WORDS:
        return None  # 'The "Big" Apple': an article is no first name
    return m.end()


def _blank_nicknames(paragraph: str) -> str:
    """``paragraph`` with each nickname in marks inside a name made spaces (same length), so that the name
    reads as one run: 'Dolores "Dee" Marchetti' is Dolores Marchetti."""
    if '"' not in paragraph and "“" not in paragraph:
        return paragraph
    for m in _NICK_MARKS.finditer(paragraph):
        end = _nickname_end(paragraph, m.start())
        if end is not None:
            paragraph = paragraph[:m.start()] + " " * (end - m.start()) + paragraph[end:]
    return paragraph


def _opening(text: str, pos: int) -> int | None:
    """Index of the next opening quotation mark at or after ``pos``."""
    m = _OPENING.search(text, pos)
    return m.start() if m else None


def _closing(text: str, pos: int) -> int | None:
    """Index of the closing mark that ends a quote opened just before ``pos``."""
    for i in range(pos, len(text)):
        c = text[i]
        if c == "”":
            return i
        if c == '"' and (i + 1 == len(text) or not text[i + 1].isalnum()):
            return i
        if c == "“" or (c == '"' and i > pos and text[i - 1].isspace()):
            return None  # a new quote opens first: this one was never closed
    return None


def _is_title(words: str) -> bool:
    """'Face the Nation', 'A Change Is Gonna Come,': every word capitalised (a reporter's comma or period
    may follow a title inside the marks)."""
    words = _TITLE_END.sub("", words.strip())
    tokens = _TITLE_WORD.findall(words)
    if not tokens or len(tokens) > 10 or _TITLE_STOP.search(words):
        return False
    return all(t[0].isupper() or t.lower() in _SMALL for t in tokens)


def _is_quote(words: str) -> bool:
    """Scare quotes, titles and nicknames are not quotes."""
    words = words.strip()
    if len(re.findall(r"\w+", words)) < MIN_WORDS:
        return False
    return not _is_title(words)


@lru_cache(maxsize=1)
def default_extractor() -> QuoteExtractor:
    return QuoteExtractor(default_tagger())
