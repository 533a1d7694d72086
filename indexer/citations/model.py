"""What a citation says about a document: authors, title, publication, dates and URL.

Built from the catalog's Document plus the publication's name, which the caller resolves (the archived
page's og:site_name or JSON-LD publisher, else the source's name): never the URL's host name.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

# Kinds of document cited as web pages with the organization as author when no person signs them.
ORG_AUTHORED_KINDS = ("statement", "official", "advocacy")

_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_SPACE = re.compile(r"\s+")


class CitationDataError(ValueError):
    """The citation vocabulary file is malformed; the message names the file and the line."""


@dataclass(frozen=True)
class Name:
    """A person's name split for citation (``literal`` set instead for an organization)."""

    family: str = ""
    given: str = ""
    suffix: str = ""
    literal: str = ""

    @property
    def is_organization(self) -> bool:
        return bool(self.literal)

    def full(self) -> str:
        """The name in reading order: "Olivia Castellano", "Martin Luther King, Jr."."""
        if self.literal:
            return self.literal
        base = " ".join(p for p in (self.given, self.family) if p)
        return f"{base}, {self.suffix}" if self.suffix else base

    def inverted(self) -> str:
        """Surname first: "Castellano, Olivia" (MLA and Chicago bibliographies)."""
        if self.literal:
            return self.literal
        parts = [self.family, self.given, self.suffix]
        return ", ".join(p for p in parts if p)

    def initials(self) -> str:
        """Given names as initials: "Olivia Maria" -> "O. M."; "Jean-Paul" -> "J.-P." (APA)."""
        words = []
        for word in self.given.split():
            pieces = [p for p in word.split("-") if p]
            words.append("-".join(f"{p[0].upper()}." for p in pieces))
        return " ".join(words)


@dataclass
class PartialDate:
    """A date as precise as the page gives it: a year, a month or a day."""

    year: int
    month: int | None = None
    day: int | None = None

    def parts(self) -> list[int]:
        return [p for p in (self.year, self.month, self.day) if p is not None]


@dataclass
class Reference:
    """One citable document."""

    id: str
    url: str
    kind: str = "news"
    title: str | None = None
    authors: list[Name] = field(default_factory=list)
    publication: str | None = None
    published: PartialDate | None = None
    archived: PartialDate | None = None
    language: str | None = None
    quotes: list[str] = field(default_factory=list)

    @property
    def is_news(self) -> bool:
        return self.kind == "news"


def parse_date(value: str | None) -> PartialDate | None:
    """"2016-05-08", "2016-05-08T10:00:00-04:00", "2016-05" or "2016" -> PartialDate; None when unreadable.

    The date is read as written (the publisher's local date), not converted to UTC."""
    if not value or not isinstance(value, str):
        return None
    m = _DATE.match(value)
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    if not 1 <= year <= 9999 or (month is not None and not 1 <= month <= 12):
        return None
    if day is not None and not 1 <= day <= 31:
        day = None
    return PartialDate(year, month, day)


def clean_text(value: str | None) -> str:
    """One line of text: whitespace collapsed, control characters dropped."""
    if not value:
        return ""
    value = "".join(ch if ch.isprintable() or ch.isspace() else " " for ch in str(value))
    return _SPACE.sub(" ", value).strip()


@lru_cache(maxsize=1)
def organization_words() -> frozenset[str]:
    """Words that mark a byline as an organization (indexer/data/citation.toml)."""
    name = "data/citation.toml"
    text = resources.files("indexer").joinpath(name).read_text(encoding="utf-8")
    return frozenset(_parse_vocabulary(text, f"indexer/{name}"))


def _parse_vocabulary(text: str, file: str) -> list[str]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CitationDataError(f"{file}: TOML error: {exc}") from None
    line = next((i for i, ln in enumerate(text.splitlines(), 1) if ln.strip().startswith("organization_words")), 1)
    unknown = sorted(set(data) - {"organization_words"})
    if unknown:
        raise CitationDataError(f"{file}:1: unknown key {unknown[0]!r}")
    words = data.get("organization_words")
    if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
        raise CitationDataError(f"{file}:{line}: organization_words must be a non-empty list of non-empty strings")
    return [w.strip().lower() for w in words]


@lru_cache(maxsize=8192)  # bylines repeat across an archive, and nameparser costs ~2 ms a name
def parse_name(text: str, organizations: tuple[str, ...] = ()) -> Name | None:
    """A byline as a Name: a person split into family and given names, or an organization kept literal.

    ``organizations`` are names known to be organizations (the publication, the source's organization)."""
    text = clean_text(text)
    if not text:
        return None
    words = set(re.findall(r"[a-z]+", text.lower()))
    single = " " not in text and "," not in text
    if single or words & organization_words() or text.lower() in {o.lower() for o in organizations if o}:
        return Name(literal=text)
    from nameparser import HumanName

    human = HumanName(text)
    family = clean_text(human.last)
    given = clean_text(" ".join(p for p in (human.first, human.middle) if p))
    if not family:
        return Name(literal=text)
    return Name(family=family, given=given, suffix=clean_text(human.suffix))


def reference_from_document(doc: Any, publication: str | None, quotes: list[str] | None = None) -> Reference:
    """A Reference for a catalog Document (or anything with its attributes).

    Statements, official pages and advocacy posts signed by no person get the organization as author
    (the publication, else the source's organization); unsigned news articles get no author."""
    publication = clean_text(publication) or None
    org = clean_text(getattr(doc, "source_organization", None)) or None
    known_orgs = tuple(o for o in (publication, org) if o)
    authors = [n for n in (parse_name(a, known_orgs) for a in (getattr(doc, "authors", None) or [])
                           if isinstance(a, str)) if n]
    kind = getattr(doc, "kind", None) or "news"
    if not authors and kind in ORG_AUTHORED_KINDS and (publication or org):
        authors = [Name(literal=publication or org)]
    return Reference(
        id=str(getattr(doc, "id", "") or ""),
        url=clean_text(getattr(doc, "canonical_url", None) or getattr(doc, "url", None)) or "",
        kind=kind, title=clean_text(getattr(doc, "title", None)) or None, authors=authors,
        publication=publication, published=parse_date(getattr(doc, "published", None)),
        archived=parse_date(getattr(doc, "captured_at", None)),
        language=clean_text(getattr(doc, "language", None)) or None, quotes=list(quotes or []),
    )
