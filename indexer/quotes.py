"""Quotes and who said them: quotation marks, pull quotes, lead-ins, transcripts, statements."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from archive.model import Quote
from indexer import gazetteer as gz
from indexer.matcher import Matcher, normalize_quotes, tokenize
from indexer.tagger import Tagger, default_tagger

MIN_WORDS = 3
SCARE_WORDS = 4  # unattributed phrases this short inside a sentence are scare quotes
_VERBS = (r"said|says|say|added|adds|explained|explains|noted|notes|wrote|writes|told\s+(?:\w+\s+){0,3}?|asked|asks|"
          r"argued|argues|continued|stated|states|declared|insisted|warned|warns|recalled|acknowledged|emphasized|"
          r"countered|remarked|replied|responded|contended|maintained|conceded|observed|posted|tweeted|announced|"
          r"urged|urges|called|cautioned|predicted|complained|suggested|agreed|promised|pledged|vowed|repeated")
_NAME_TOKEN = (r"(?:[A-Z]\.(?=\s+[A-Z])|[A-Z][a-zà-ÿ]*(?:['’-]?[A-Z][a-zà-ÿ]+|['’-][a-zà-ÿ]+)*(?![\w'’])"
               r"|(?:de|da|del|la|van|von|der|di|le|bin)(?=\s+[A-Z]))")
_NAME = rf"(?:(?:Dr|Mr|Mrs|Ms|Rev|Prof)\.\s+)?{_NAME_TOKEN}(?:\s+{_NAME_TOKEN}){{0,4}}"
_NAME_RE = re.compile(_NAME)
_ROLE_WORDS = re.compile(
    r"\b(executive vice president|vice president|president|spokes(?:wo)?man|spokesperson|chancellor|commissioner|"
    r"secretary(?: of education)?|executive director|director|superintendent|general counsel|counsel|head|chair(?:wo)?man|"
    r"chair|founder|co-founder|organizer|teacher|principal|professor|parent|mother|father|member|leader|activist|"
    r"senator|governor|mayor|lawmaker|official|coordinator|researcher|analyst|board member|trustee)\b", re.IGNORECASE)
_TITLE_PREFIX = re.compile(
    r"^(?:(?:[A-Z][A-Za-z.&-]*\s+){0,4}?)(?:President|Vice President|Chancellor|Commissioner|Secretary|Superintendent|"
    r"Director|Chairman|Chairwoman|Chair|Gov\.|Governor|Sen\.|Senator|Rep\.|Mayor|Spokesman|Spokeswoman|Principal|"
    r"Professor|Dr\.|Education Commissioner|Schools Chancellor|Executive Director|Founder|Co-founder)\s+", )
_PRONOUN = re.compile(r"^(he|she|they)$", re.IGNORECASE)
_ORG_SUBJECT = re.compile(
    r"^(?:the|a|an|its|their)\s+(union|unions|statement|group|association|federation|organization|department|coalition|"
    r"letter|resolution|call|release|press release|memo|report|agency|district|consortium|council|board|network|"
    r"campaign|website|petition|post|blog|company)$", re.IGNORECASE)
_PARTICLES = {"de", "da", "del", "la", "van", "von", "der", "di", "le", "bin"}
# Capitalised words that make a phrase a place, an institution or a date rather than a person.
_NOT_NAME_WORDS = set("""
Education Department School Schools Association Union Teachers Teacher University College County State States Board
Center Public High Elementary Middle Secondary Coalition Network Federation Council Committee Office Agency Times Post
News Press Radio Day Act Law Test Tests Testing Exam Exams Assessment Assessments Program Programs Street Avenue City
Library Hall Court Senate House Congress Assembly Legislature Democrats Republicans Monday Tuesday Wednesday Thursday
Friday Saturday Sunday January February March April May June July August September October November December
America American English Math Common Core Valley Island Beach Park River Lake Mountain County Institute Foundation
Group Alliance Partnership Consortium Commission Division Bureau District Districts Service Services Inc Corp Company
Party Caucus Church Center Campaign Project Initiative Fund Trust Authority Transit Standards Learning Achievement
Reading Science Arts Language Grade Grades Kindergarten Class Schoolhouse Opt Out Refusal Parents Families Students
""".split())
_SMALL = {"of", "the", "to", "a", "an", "and", "for", "in", "on", "at", "by", "or", "is", "vs", "with", "from", "not"}
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-Z“\"])")
_LEAD_IN = re.compile(rf"^(?:From\s+|According to\s+)?(?P<who>.+?)(?:\s+(?:{_VERBS})(?:\s+in\s+a\s+\w+)?)?\s*:\s*$")
_TRANSCRIPT = re.compile(r"^(?P<who>[A-Z][A-Za-z.'’ -]{1,40}?|Q|A):\s+(?P<words>\S.*)$")
_ATTRIB_LINE = re.compile(rf"^\s*(?:[—–-]+|~)?\s*(?P<who>{_NAME})\s*(?:[,.;(—–-]\s*(?P<rest>.*))?$")


@dataclass
class _Span:
    start: int  # offsets of the words inside the marks, in the document text
    end: int
    paragraph: int
    text: str
    whole: bool  # the quote is the whole paragraph (pull quotes, lead-ins, blockquotes)
    before: str = ""
    after: str = ""


@dataclass
class _Speaker:
    name: str | None
    role: str | None = None
    org: str | None = None


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
    person_mentions: list[tuple[int, str]] = field(default_factory=list)


class QuoteExtractor:
    """Finds quotes and attributes them, leaving the speaker empty when it is not certain."""

    def __init__(self, tagger: Tagger):
        self.tagger = tagger
        self.g: gz.Gazetteer = tagger.g
        self.orgs: Matcher = tagger.orgs
        self.not_names = Matcher(
            [(f, "x") for t in self.g.tests.values() for f in (t.name, t.full_name, *t.aliases)]
            + [(s.name, "x") for s in self.g.states.values()]
            + [(c, "x") for s in self.g.states.values() for c in s.cities])
        self.people = tagger.people
        self._names: dict[str, str | None] = {}

    # -- names -----------------------------------------------------------------------------------------

    def _clean_name(self, raw: str) -> str | None:
        """``raw`` without titles and honorifics, or None when it is not a person's name."""
        if raw not in self._names:
            if len(self._names) > 50_000:
                self._names.clear()
            self._names[raw] = self._clean_name_uncached(raw)
        return self._names[raw]

    def _clean_name_uncached(self, raw: str) -> str | None:
        name = re.sub(r"^(?:Dr|Mr|Mrs|Ms|Rev|Prof)\.\s+", "", raw.strip())
        name = _TITLE_PREFIX.sub("", name)
        name = name.strip(" ,.;:")
        tokens = name.split()
        if len(tokens) < 2 and not (tokens and tokens[0][0].isupper()):
            return None
        if any(v == "x" for *_x, v in self.not_names.finditer(name)) and len(tokens) < 3:
            return None
        for s, e, _surface, _org in self.orgs.finditer(name):
            if e - s >= len(name) - 2:
                return None
        if tokens[0].lower() in _SMALL or tokens[0] in ("The", "This", "That", "But", "And", "In", "On", "At", "It"):
            return None
        if not all(t[0].isupper() or t in _PARTICLES for t in tokens):
            return None  # "Some districts have" is not a name
        if any(t.strip(".,") in _NOT_NAME_WORDS for t in tokens):
            return None  # "Secondary Education", "Dutchess County", "Central Valley"
        return name

    def _org_in(self, text: str) -> str | None:
        for _s, _e, _surface, name in self.orgs.finditer(text):
            org = self.g.organizations[name]
            if org.ambiguous and not self.tagger._accept_ambiguous(
                    text, _s, _e, _surface, self.tagger.strong_org_forms[name], self.tagger.context[name],
                    self.tagger.exclude[name], text.lower()):
                # a short appositive has little context: accept the education sense unless told otherwise
                if self.tagger.exclude[name] and self.tagger.exclude[name].search(text):
                    continue
            return name
        return None

    def _appositive(self, doc: _Doc, text: str) -> tuple[str | None, str | None]:
        """(role, organization) from words like "president of the state teachers' union"."""
        text = normalize_quotes(text)[:200]
        role_m = _ROLE_WORDS.search(text)
        role = role_m.group(1).lower() if role_m else None
        org = self._org_in(text)
        if org is None and role is not None:
            if doc.primary_state is None:
                doc.primary_state = self.tagger.primary_state(doc.text) or ""
            org = self.tagger.describe(text, doc.text, doc.primary_state)
        return role, org

    def _person(self, doc: _Doc, name: str, appositive: str = "", prefix: str = "") -> _Speaker:
        """A speaker for a full name, with role and organization from the text, then the gazetteer."""
        known = doc.people.get(name)
        role, org = self._appositive(doc, appositive) if appositive else (None, None)
        if org is None and prefix:
            org = self._org_in(prefix)
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

    def _resolve(self, doc: _Doc, who: str, position: int, appositive: str = "", prefix: str = "") -> _Speaker | None:
        """Who a subject phrase ("Mulgrew", "she", "the union", "Karen Magee") refers to, if certain."""
        who = normalize_quotes(who).strip(" ,.;:")
        if not who:
            return None
        if _PRONOUN.match(who):
            return self._pronoun(doc, position)
        m = _ORG_SUBJECT.match(who)
        if m:
            return _Speaker(None, None, self._recent_org(doc, position, m.group(1).lower()))
        org_span = next(iter(self.orgs.finditer(who)), None)
        if org_span is not None:
            start, end, _surface, org = org_span
            # The whole subject is the organization ("United Opt Out", "the NEA"), not a person of it.
            if start <= 4 and end >= len(who) - 2:
                return _Speaker(None, None, org)
        name = self._clean_name(who)
        if name is None:
            return None
        if len(name.split()) == 1:
            full = self._surname(doc, name, position)
            return self._person(doc, full) if full else None
        return self._person(doc, name, appositive, prefix)

    def _surname(self, doc: _Doc, surname: str, position: int) -> str | None:
        """The one full name mentioned before ``position`` that ends with ``surname``."""
        candidates = {n for p, n in doc.person_mentions if p < position and n.split()[-1] == surname and len(n.split()) > 1}
        if not candidates:
            candidates = {n for _p, n in doc.person_mentions if n.split()[-1] == surname and len(n.split()) > 1}
        return candidates.pop() if len(candidates) == 1 else None

    def _pronoun(self, doc: _Doc, position: int) -> _Speaker | None:
        """A pronoun refers to the last person named before it, if the nearby text names only one."""
        para_starts = [s for s, _ in doc.paragraphs if s <= position]
        windows = [para_starts[-1]] if para_starts else [0]
        if len(para_starts) >= 2:
            windows.append(para_starts[-2])
        for window_start in windows:
            names = {n for p, n in doc.person_mentions if window_start <= p < position}
            if not names:
                continue
            surnames = {n.split()[-1] for n in names}
            full = {n for n in names if len(n.split()) > 1}
            if len(surnames) == 1 and full:
                return self._person(doc, sorted(full, key=len)[-1])
            return None
        return None

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
            stripped = para.lstrip()
            lead = len(para) - len(stripped)
            if pending is not None:
                if stripped[:1] in "“\"":
                    close = _closing(stripped, 1)
                    body_end = close if close is not None else len(stripped)
                    piece = stripped[1:body_end].strip()
                    pending.text = pending.text + " " + piece
                    pending.end = offset + lead + body_end
                    if close is not None:
                        pending.after = stripped[close + 1:]
                        pending.whole = pending.whole and not pending.after.strip(" ,.")
                        spans.append(pending)
                        pending = None
                        rest_from = close + 1
                    else:
                        continue
                else:
                    spans.append(pending)  # unbalanced: keep what the paragraph said
                    pending = None
                    rest_from = 0
            else:
                rest_from = 0
            pos = rest_from
            while True:
                open_at = _opening(stripped, pos)
                if open_at is None:
                    break
                close = _closing(stripped, open_at + 1)
                if close is None:
                    words = stripped[open_at + 1:].strip()
                    if len(words.split()) >= MIN_WORDS:
                        pending = _Span(offset + lead + open_at + 1, offset + len(para), index, words,
                                        whole=open_at == 0, before=stripped[:open_at])
                    break
                words = stripped[open_at + 1:close]
                span = _Span(offset + lead + open_at + 1, offset + lead + close, index, words.strip(),
                             whole=open_at == 0 and not stripped[close + 1:].strip(" ,.;"),
                             before=stripped[:open_at], after=stripped[close + 1:])
                spans.append(span)
                pos = close + 1
        if pending is not None:
            spans.append(pending)
        return [s for s in spans if _is_quote(s.text)]

    # -- attribution -----------------------------------------------------------------------------------------

    def _attribute(self, doc: _Doc, span: _Span, previous: dict[int, _Speaker]) -> _Speaker | None:
        after = normalize_quotes(span.after)
        before = normalize_quotes(span.before)
        after_sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", after.strip(), maxsplit=1)[0] if after.strip() else ""
        if span.text.rstrip().endswith(".") and not after.lstrip().startswith(",") and after.strip()[:1].isupper():
            after_sentence = ""  # '"...." The call also says:' starts a new sentence, not an attribution
        # 1. "..., said Karen Magee, president of ..." / "..., Mulgrew said." / "..., the union said in a statement."
        m = re.match(rf"^[\s,]*(?:{_VERBS})\s+(?P<who>.+?)(?:,\s+(?P<app>[^.]*))?[.]?$", after_sentence)
        if m and not re.match(r"^(?:that|the\s+(?:test|tests|exam))\b", m.group("who")):
            who = m.group("who")
            name_m = _NAME_RE.match(who)
            if name_m and not _ORG_SUBJECT.match(who) and not self._org_in(who):
                return self._resolve(doc, name_m.group(0), span.start, appositive=who[name_m.end():] + ", " + (m.group("app") or ""))
            return self._resolve(doc, re.sub(r"\s+in\s+a\s+\w+.*$", "", who), span.start)
        m = re.match(rf"^[\s,]*(?P<who>[^,.;]{{1,80}}?)(?:,\s+(?P<app>[^.]*?),)?\s+(?:{_VERBS})\b", after_sentence)
        if m:
            return self._resolve(doc, m.group("who"), span.start, appositive=m.group("app") or "")
        # 2. "Karen Magee, president of ..., said: "..."" / "United Opt Out posted a call ..., "...""
        masked = re.sub(r"“[^”]*”|\"[^\"]*\"", "QUOTE", before).strip()
        sentence = "" if not masked or masked[-1] in ".!?" else re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", masked)[-1]
        if "QUOTE" in sentence:
            sentence = sentence[sentence.rindex("QUOTE") + 5:].lstrip(" ,")
        m = re.match(rf"^(?:According to\s+(?P<acc>.+?),\s*$)|^(?P<who>.+?)(?:,\s+(?P<app>[^,]*),)?\s+(?:(?:also|recently|then|later|has|had|once)\s+)?(?:{_VERBS})\b", sentence)
        if m:
            who = m.group("acc") or m.group("who")
            return self._resolve(doc, _strip_leading(who), span.start, appositive=m.group("app") or "",
                                 prefix=who)
        if sentence.rstrip().endswith(":"):
            # "Leonard Fitch, a teacher at ..., put it this way: "...""
            name_m = next((n for n in _NAME_RE.finditer(_strip_leading(sentence))
                           if (c := self._clean_name(n.group(0))) and len(c.split()) >= 2), None)
            if name_m:
                rest = _strip_leading(sentence)
                return self._resolve(doc, name_m.group(0), span.start, appositive=rest[name_m.end():].split(":")[0])
        # 3. A pull quote: the next paragraph is just the attribution ("— Jane Roe, parent organizer").
        if span.whole and span.paragraph + 1 < len(doc.paragraphs) and not after.strip(" ,."):
            line = normalize_quotes(doc.paragraphs[span.paragraph + 1][1])
            m = _ATTRIB_LINE.match(line)
            if m and len(line) < 160 and not re.search(r"[“\"]", line):
                name = self._clean_name(m.group("who"))
                if name and len(name.split()) >= 2:
                    return self._person(doc, name, appositive=m.group("rest") or "")
        # 4. A lead-in paragraph ending in a colon ("From AFT President Randi Weingarten:").
        if span.whole and span.paragraph > 0:
            line = normalize_quotes(doc.paragraphs[span.paragraph - 1][1]).strip()
            line = re.split(r"(?<=[.!?])\s+(?=[A-Z])", line)[-1]
            if line.endswith(":") and len(line) < 250:
                m = _LEAD_IN.match(line)
                if m:
                    who = m.group("who")
                    name_m = next((n for n in _NAME_RE.finditer(_strip_leading(who))
                                   if (c := self._clean_name(n.group(0))) and len(c.split()) >= 2), None)
                    if _ORG_SUBJECT.match(who) or (self._org_in(who) and not name_m):
                        return self._resolve(doc, who, span.start)
                    if name_m:
                        rest = _strip_leading(who)
                        return self._resolve(doc, name_m.group(0), span.start,
                                             appositive=rest[name_m.end():], prefix=who[: who.find(name_m.group(0))])
        # 5. A second part of a split quote, or a paragraph that goes on with the last speaker's words.
        if span.paragraph in previous:
            return previous[span.paragraph]
        if span.whole and span.paragraph - 1 in previous and previous[span.paragraph - 1].name:
            return previous[span.paragraph - 1]
        return None

    def _transcripts(self, doc: _Doc, quoted: set[int]) -> list[Quote]:
        """Interview lines ("Magee: words"), when the document has several of them."""
        lines = []
        for index, (offset, para) in enumerate(doc.paragraphs):
            if index in quoted:
                continue
            m = _TRANSCRIPT.match(para.strip())
            if m and not _is_title(m.group("words")) and len(m.group("words").split()) >= MIN_WORDS:
                lines.append((index, offset + para.find(m.group("words")), m))
        if len(lines) < 2:
            return []
        out = []
        for _index, start, m in lines:
            who = m.group("who").strip()
            words = m.group("words").strip()
            if who in ("Q", "A", "Reporter", "Interviewer", "Host", "Anchor"):
                continue  # the journalist's questions are not what the story quotes
            else:
                speaker = self._resolve(doc, who, start) if len(who.split()) <= 3 else None
                if speaker is None or speaker.name is None:
                    continue
            out.append(Quote(words, speaker.name, speaker.role, speaker.org, start, start + len(words)))
        return out

    def extract(self, text: str, published: str | None = None, source_organization: str | None = None,
                kind: str = "news", primary_state: str | None = None) -> list[Quote]:
        """All quotes in a document's text, in order."""
        if not text or ("“" not in text and '"' not in text and ":" not in text):
            return []
        paragraphs, offset = [], 0
        for para in text.split("\n"):
            paragraphs.append((offset, para))
            offset += len(para) + 1
        year = int(published[:4]) if published and published[:4].isdigit() else None
        doc = _Doc(text, paragraphs, year, source_organization, kind, primary_state=primary_state)
        self._collect_mentions(doc)
        spans = self._spans(doc)
        quotes: list[Quote] = []
        last_speaker: dict[int, _Speaker] = {}
        quoted_paragraphs = set()
        for span in spans:
            speaker = self._attribute(doc, span, last_speaker)
            quoted_paragraphs.add(span.paragraph)
            if speaker is None and not span.whole and len(span.text.split()) <= SCARE_WORDS:
                continue  # a short phrase in marks mid-sentence, said by no one: a scare quote

            if speaker is not None and (speaker.name or speaker.org):
                last_speaker[span.paragraph] = speaker
            speaker = speaker or _Speaker(None)
            quotes.append(Quote(span.text, speaker.name, speaker.role if speaker.name else None, speaker.org,
                                span.start, span.end))
        quotes += self._transcripts(doc, quoted_paragraphs)
        quotes.sort(key=lambda q: q.start or 0)
        return quotes

    def _collect_mentions(self, doc: _Doc) -> None:
        text = normalize_quotes(doc.text)
        for m in _NICKNAME.finditer(text):
            # Margaret "Peg" Halloran is Margaret Halloran: later "Halloran said" refers to her.
            doc.person_mentions.append((m.start(), f"{m.group(1)} {m.group(2)}"))
        for s, _e, _surface, name in self.orgs.finditer(text):
            doc.org_mentions.append((s, name))
        for m in _NAME_RE.finditer(text):
            raw = m.group(0)
            name = self._clean_name(raw)
            if not name or len(name.split()) < 2 or len(name.split()) > 4:
                continue
            doc.person_mentions.append((m.start(), name))
            if name not in doc.people:
                app = text[m.end(): m.end() + 160]
                if app.startswith(","):
                    role, org = self._appositive(doc, app[1:].split(".")[0])
                    doc.people[name] = _Speaker(name, role, org)
        for _s, _e, _surface, name in self.people.finditer(text):
            doc.person_mentions.append((_s, name))
        by_surname: dict[str, set[str]] = {}
        for _p, name in doc.person_mentions:
            by_surname.setdefault(name.split()[-1], set()).add(name)
        unique = {surname: next(iter(names)) for surname, names in by_surname.items()
                  if len(names) == 1 and len(surname) > 2}
        if unique:
            matches, words, _lowered = tokenize(text)
            for m, word in zip(matches, words, strict=True):
                full = unique.get(word)
                # "Magee said" refers back to "Karen Magee"; the full mention itself is already counted.
                if full is not None and text[max(0, m.start() - len(full)): m.end()] != full:
                    doc.person_mentions.append((m.start(), full))
        doc.person_mentions.sort()


def _strip_leading(who: str) -> str:
    return re.sub(r"^(?:From|According to|And|But|Then|Later|Also)\s+", "", who.strip())


_NICKNAME = re.compile(r"\b([A-Z][a-z]+)\s+[\"“][A-Z][a-z]+[\"”]\s+([A-Z][a-zà-ÿ'-]+)")
_OPENING = re.compile(r'“|(?<![\w])"(?=\S)')


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
    tokens = re.findall(r"[A-Za-z'’]+", words)
    if not tokens or len(tokens) > 10 or re.search(r"[.!?,;]\s*$", words.strip()) or re.search(r"[,;]", words):
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
