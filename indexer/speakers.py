"""Finding the speaker phrase of a quote's sentence: speech verbs, subjects, names and their titles.

Pure text functions, no gazetteer: quotes.py turns the phrases found here into people and organizations.
Quotes are masked out of a paragraph before these run (see ``mask``), so words inside quotation marks
never look like a speaker and a sentence's periods are only the reporter's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.lexicon import Lexicon

OPEN, CLOSE, FILL = "\u27e6", "\u27e7", "\u2024"  # a masked quote reads ⟦․․․⟧

# One word of a name: Capitalised words with apostrophes and hyphens (O'Neill, Holtz-Eakin, McInturff),
# initials (G.K., L.), or a lowercase particle between two capitalised words (Eskelsen da Silva).
_CAP = r"[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯΑ-Ω][\w'’-]*(?<!['’-])"
_INITIALS = r"(?:[A-Z]\.){1,3}"
_PARTICLE = r"(?:de|da|del|della|la|le|van|von|der|den|di|du|bin|ibn|al|el|dos|das|ter)"
_HONORIFIC_DOT = r"[A-Z][a-z]{1,4}\."  # checked against the honorific list after matching
_SUFFIX = r"(?:,?\s+(?:Jr\.|Sr\.|II|III|IV)(?![\w]))"
_WORD = rf"(?:{_HONORIFIC_DOT}|{_INITIALS}|{_CAP})"
NAME_RUN = re.compile(rf"(?<![\w'’.-]){_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_WORD}){{0,7}}{_SUFFIX}?(?:['’]s\b)?")
_TOKEN = re.compile(rf"{_INITIALS}|[A-Z][a-z]{{1,4}}\.|[\w'’-]+")
_PAREN = re.compile(r"\s*\([^()]{0,40}\)")
_LOWER_WORD = re.compile(r"[a-z][a-z'-]*")
FUNCTION_WORDS = frozenset("""that the a an in on at of to for with by from about when while if as after before during
this last it its they we i you there which who whom whose where what how than and or but so because since until
into onto upon over under between among against via per be been being is are was were not no her his their our
my your him them us me these those such very more most some any many much few all both each either neither""".split())
_OBJECT_MARKERS = frozenset("""of to for with by about against called told asked than and or from at in on like
between beat beats defeated defeat sued sue versus vs. named hired fired thanked attacked praised criticized
blamed accused mocked said says call calls endorse endorsed endorsing support supported supporting oppose
opposed nominate nominated beating beside behind toward towards including""".split())


_OF_JOIN = re.compile(r"[A-Z][\w'’.&-]*(?:\s+[A-Z][\w'’.&-]*)*\s+(?:of|for|on|&)\s+(?:the\s+)?$")
_CORE_VERBS = re.compile(r"\b(?:said|says|told|tells|wrote|writes|added|adds|asked|asks)\b")
# an article and a name right before a word: "a Jane Roe tweet" (the word is a noun)
_ARTICLE_NAME = re.compile(r"(?<![\w'’-])(?:[Aa]n?|[Tt]he)\s+(?:[A-Z][\w'’.-]*\s+){1,3}$")
# speech verbs that are also nouns heading a title ("press secretary", "report card", "post office")
_NOUNISH = frozenset("press post posts report reports charge claim question comment text answer tweet note state "
                     "quote call vent cheer chant echo".split())


@dataclass
class Phrase:
    """A speaker phrase: a pronoun, a name run (``text`` as written) or an organization noun phrase."""

    kind: str  # "pronoun", "name", "org", "plural"
    text: str
    appositive: str = ""  # words describing the speaker (", president of the union")
    prefix: str = ""  # words before a name ("Lee County School Board member")


class Finder:
    """Speech-verb cues and their subjects in one clause of masked text."""

    def __init__(self, lexicon: Lexicon):
        self.lx = lexicon
        self.verbs = lexicon.verbs
        self.phrasal = {}
        for first, rest in lexicon.phrasal:
            self.phrasal.setdefault(first, []).append(rest)
        self.not_cues: dict[str, set[str]] = {}
        for first, rest in lexicon.not_cues:
            self.not_cues.setdefault(first, set()).add(rest)
        between = "|".join(sorted(lexicon.between_words, key=len, reverse=True))
        self._between = re.compile(rf"(?:\s+(?:{between}))+$")
        nouns = "|".join(sorted(lexicon.org_nouns, key=len, reverse=True))
        self._org_np_end = re.compile(
            rf"(?:^|(?<=\s))(?:the|a|an|its|their|his|her|our)\s+((?:[\w'’.&-]+\s+){{0,4}}?(?:{nouns}))$", re.I)
        self._org_np_start = re.compile(
            rf"^\s*(?:the|a|an|its|their)\s+((?:[\w'’.&-]+\s+){{0,4}}?(?:{nouns}))\b", re.I)
        self._abbrev_end = re.compile(r"(?:\b(?:" + "|".join(sorted(lexicon.honorifics)) + r")|\b[A-Z]|\b(?:[A-Z]\.)+[A-Z]|"
                                      r"\bvs|\bNo|\bSt|\bMt|\bFt|\bInc|\bCorp|\bCo|\bLtd|\bJr|\bSr)$")

    # -- sentences ---------------------------------------------------------------------------------------

    def sentence_bounds(self, masked: str, quote_ends: dict[int, str]) -> list[int]:
        """Start offsets of the sentences of a masked paragraph. ``quote_ends`` maps the offset of each
        closing mask to the last character of the quote's words (a quote ending in "." ends its sentence)."""
        starts = [0]
        for m in re.finditer(r"[.!?]+[)\]’'\"]*\s+(?=[A-Z" + OPEN + r"“\"(‘'])", masked):
            head = masked[max(0, m.start() - 12): m.start()]
            if masked[m.start()] == "." and self._abbrev_end.search(head):
                continue  # "Rep. Jane Roe", "J. Roe", "U.S. officials"
            starts.append(m.end())
        for close, last in quote_ends.items():
            after = masked[close + 1:]
            if last == "." and re.match(r"\s+[A-Z" + OPEN + "]", after) and not self._short_cue(after):
                starts.append(close + 1 + len(after) - len(after.lstrip()))
        return sorted(set(starts))

    def _short_cue(self, after: str) -> bool:
        """'"...." Roe said.' — a cue right after a quote that ends in a period, closing the sentence."""
        m = re.match(r"\s*([^.!?" + OPEN + r"]{0,60}?)[.,]\s*(?:$|[A-Z" + OPEN + "])", after)
        if not m:
            return False
        words = _LOWER_WORD.findall(m.group(1))
        return 0 < len(m.group(1).split()) <= 6 and any(w in self.verbs for w in words)

    # -- cues ------------------------------------------------------------------------------------------

    def verbs_in(self, clause: str) -> list[tuple[int, int, str]]:
        """(start, end, word) of the speech verbs of a clause, in order (lowercase words only)."""
        found = []
        for m in re.finditer(r"(?<![\w-])[a-zß-öø-ÿ]+(?![\w-])|^\s*[A-Z][a-z]+(?=\s+[A-Z])", clause):
            word = m.group()
            if word[:1].isupper() or word[:1].isspace():
                word = word.strip().lower()  # "Said Jane Roe:" opens its sentence with the verb
                if word not in ("said", "says", "added", "asked", "wrote", "writes", "explained", "noted"):
                    continue
            rests = self.phrasal.get(word)
            if rests:
                tail = clause[m.end():]
                rest = next((r for r in rests if re.match(rf"\s+{r}\b", tail)), None)
                if rest:
                    found.append((m.start(), m.end() + len(tail) - len(tail.lstrip()) + len(rest), word))
                    continue
            if word in self.verbs:
                if word in _NOUNISH and re.match(r"\s+[a-z]+\s+[A-Z]", clause[m.end():m.end() + 40]):
                    continue  # "press secretary Josh Earnest": a noun before a title, not a verb
                if word in _NOUNISH and _ARTICLE_NAME.search(clause, max(0, m.start() - 80), m.start()):
                    continue  # "a Jane Roe tweet", "the Mark Poe statement": a noun a name modifies
                follow = re.match(r"\s+([a-z]+)", clause[m.end():m.end() + 20])
                if follow and follow.group(1) in self.not_cues.get(word, ()):
                    continue  # "calls for a moratorium" reports no words
                found.append((m.start(), m.end(), word))
        return found

    def subject_before(self, text: str) -> Phrase | None:
        """The speaker phrase that ends ``text`` (the words just before a speech verb)."""
        text = _PAREN.sub("", text.rstrip())
        text = self._between.sub("", text)
        text = re.sub(r",?\s+(?:on|last|this|early|late|earlier|later)\s+[A-Z][a-z]+(?:\s+(?:morning|night|afternoon|evening))?$",
                      "", text)
        if not text:
            return None
        m = re.search(r"(?:^|(?<=[\s,;:(—–-]))(he|she|they|He|She|They|I|we|We)(?:['’]s)?$", text)  # "He's claiming"
        if m:
            return Phrase("pronoun", m.group(1).lower())
        if text.endswith(","):
            return self._appositive_subject(text)
        org = self._org_np_end.search(text)
        run = self._run_at_end(text)
        if run is not None:
            start, name = run
            if org and org.start() < start:
                return Phrase("org", org.group(0), prefix=text[:org.start()])
            if _plural_before(text[:start]):
                return Phrase("plural", name)
            return Phrase("name", name, prefix=text[:start])
        if org:
            return Phrase("org", org.group(0), prefix=text[:org.start()])
        return None

    def _run_at_end(self, text: str) -> tuple[int, str] | None:
        best = None
        for m in NAME_RUN.finditer(text, max(0, len(text) - 160)):
            if m.end() == len(text):
                best = m
        if best is None or re.search(r"['’]s$", best.group()):
            return None
        if re.search(r"[A-Z][\w'’-]*\s+$", text[:best.start()]) and len(text) - best.start() >= 150:
            return None  # the end of a longer capitalised run than any name
        start = best.start()
        joined = _OF_JOIN.search(text, max(0, start - 80), start)
        if joined:
            start = joined.start()  # "the Florida Department of Education" is one name
        return start, text[start:]

    def _appositive_subject(self, text: str) -> Phrase | None:
        """'Jane Roe, a teacher at Lincoln Elementary,' -> Jane Roe (the first name of the clause)."""
        body = text[:-1]
        for m in NAME_RUN.finditer(body):
            if re.search(r"['’]s$", m.group()):
                continue
            rest = body[m.end():]
            if not rest.startswith(",") and all(w.rstrip(".") in self.lx.title_words for w in tokens(m.group())):
                continue  # "Another critic, Jane Roe," : the name comes after its description
            if not rest.strip() and len(tokens(m.group())) >= 2 and _after_comma(body[:m.start()]):
                # "Apple's chief, Tim Cook, said"; "Roe's cousin, state Del. Ann Poe, said"
                return Phrase("name", m.group(), prefix=body[:m.start()])
            if not rest.startswith(",") or len(rest) > 200 or _CORE_VERBS.search(rest):
                return None
            head = body[:m.start()]
            if len(head) > 60 or head.strip().endswith(("of", "to", "for", "with", "by", "and")):
                return None
            return Phrase("name", m.group(), appositive=rest[1:], prefix=head)
        m = re.search(r"^\W*(he|she)\s*,", body, re.I)
        if m:
            return Phrase("pronoun", m.group(1).lower())
        return None

    def subject_after(self, text: str) -> Phrase | None:
        """The speaker phrase that starts ``text`` (the words after an inverted verb: 'said Jane Roe')."""
        m = re.match(r"^\s*(he|she)\b", text, re.I)
        if m:
            return Phrase("pronoun", m.group(1).lower())
        # (the words before the name may hold figures: "said 9/11 widow Jo Poe", "said 21-year-old student Jo Poe")
        lead = re.match(r"^\s*(?:(?:the|a|an)\s+)?((?:[a-z0-9][\w'/-]*\s+){0,3}?)(?=[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯΑ-Ω])", text)
        if lead and not any(w in FUNCTION_WORDS for w in lead.group(1).split()):
            m = NAME_RUN.match(text, lead.end())
            role = re.match(r"\s+((?:[a-z][\w-]*\s+){1,3})(?=[A-Z])", text[m.end():]) if m else None
            if role and not any(w in FUNCTION_WORDS for w in role.group(1).split()):
                # "said MSNBC host Chris Matthews": the name follows its outlet and role
                later = NAME_RUN.match(text, m.end() + role.end())
                if later:
                    lead, m = None, later
            if m and not re.search(r"['’]s$", m.group()):
                rest = text[m.end():]
                rest = _PAREN.sub("", rest)
                app = rest[1:] if rest.startswith(",") else ""
                prefix = lead.group(1) if lead else text[:m.start()]
                return Phrase("name", m.group(), appositive=app.split(".")[0], prefix=prefix)
        m = self._org_np_start.match(text)
        if m:
            return Phrase("org", m.group(0).strip())
        return None


# a comma, then at most a few lower-case role words ("state", "vice president") before a name
_COMMA_ROLE = re.compile(r",\s*((?:[a-z][\w'’/-]*\s+){0,3})$")


def _after_comma(head: str) -> bool:
    """Whether ``head`` (the words before a name) ends with a comma and at most a few role words."""
    m = _COMMA_ROLE.search(head)
    return m is not None and not any(w in FUNCTION_WORDS for w in m.group(1).split())


def _plural_before(head: str) -> bool:
    """'Jane Roe and John Doe said': the words before the last name join it to another one."""
    tail = re.search(r"(?:,\s*)?(?:\band|&)\s*$", head)
    if not tail:
        return False
    before = head[:tail.start()].rstrip()
    return any(m.end() == len(before) for m in NAME_RUN.finditer(before, max(0, len(before) - 80)))


def mask(paragraph: str, regions: list[tuple[int, int]]) -> str:
    """``paragraph`` with each (open, close) region (offsets of the marks) replaced by ⟦․․․⟧, same length."""
    chars = list(paragraph)
    for open_at, close_at in regions:
        open_at = max(0, open_at)
        close_at = min(len(chars) - 1, close_at)
        if close_at <= open_at:
            continue
        chars[open_at] = OPEN
        chars[close_at] = CLOSE
        for i in range(open_at + 1, close_at):
            chars[i] = FILL
    return "".join(chars)


def tokens(run: str) -> list[str]:
    """The words of a name run ("Rep. G.K. Butterfield" -> ["Rep.", "G.K.", "Butterfield"])."""
    return _TOKEN.findall(run)


_CLAUSE_WORDS = frozenset("that who whom how what when where which whether if because as than".split())


def object_position(head: str, verbs: frozenset[str]) -> bool:
    """True when the words before a name in its sentence make it something other than the sentence's
    subject: an object ('called Ryan', 'to Jane Roe'), or a name inside a later clause ('asked how Roe')."""
    words = head.rstrip().split()
    if not words:
        return False
    if all(w[0].isupper() or w in ("of", "the") for w in words):
        return False  # "Secretary of State Jane Roe" is still the subject
    last = words[-1].lower()
    if last in _OBJECT_MARKERS or last.endswith(("'s", "’s")):
        return True
    if head.rstrip().endswith(","):
        return False  # "On Monday, Roe ..." / "In a statement, Roe ..."
    return any(w.lower() in _CLAUSE_WORDS or w in verbs for w in words)
