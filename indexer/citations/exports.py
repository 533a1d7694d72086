"""References for reference managers (Zotero, Mendeley, EndNote, BibDesk): CSL-JSON, BibTeX and RIS.

News articles are newspaper articles (CSL ``article-newspaper``, BibTeX ``@article``, RIS ``NEWS``); other
kinds are web pages (``webpage``, ``@online``, ``ELEC``). The archive date is the access date. Quotes taken
from a document go into annotation fields (CSL ``annote``, BibTeX ``annote``, RIS ``N1``), which styles do
not print in a citation.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from typing import IO, Any

from indexer.citations.model import Name, PartialDate, Reference


def _csl_name(name: Name) -> dict[str, str]:
    if name.is_organization:
        return {"literal": name.literal}
    out = {"family": name.family}
    if name.given:
        out["given"] = name.given
    if name.suffix:
        out["suffix"] = name.suffix
    return out


def _csl_date(d: PartialDate) -> dict[str, Any]:
    return {"date-parts": [d.parts()]}


def to_csl(ref: Reference) -> dict[str, Any]:
    """One CSL-JSON item (valid against the CSL-JSON schema, csl-data.json)."""
    item: dict[str, Any] = {"id": ref.id or ref.url, "type": "article-newspaper" if ref.is_news else "webpage"}
    if ref.title:
        item["title"] = ref.title
    if ref.authors:
        item["author"] = [_csl_name(n) for n in ref.authors]
    if ref.publication:
        item["container-title"] = ref.publication
    if ref.published:
        item["issued"] = _csl_date(ref.published)
    if ref.archived:
        item["accessed"] = _csl_date(ref.archived)
    if ref.url:
        item["URL"] = ref.url
    if ref.language:
        item["language"] = ref.language
    if ref.quotes:
        item["annote"] = "\n".join(ref.quotes)
    return item


def write_csl_json(refs: Iterable[Reference], out: IO[str]) -> int:
    """Write a CSL-JSON array, one item per line as it streams; returns the count."""
    n = 0
    out.write("[")
    for ref in refs:
        out.write(("\n" if n == 0 else ",\n") + json.dumps(to_csl(ref), ensure_ascii=False))
        n += 1
    out.write("\n]\n" if n else "]\n")
    return n


# -- BibTeX (biblatex field names, which Zotero and BibDesk read) ------------------------------------------

_BIB_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "#": r"\#",
                "$": r"\$", "_": r"\_", "^": r"\^{}", "~": r"\~{}"}


def _bib_escape(text: str) -> str:
    return "".join(_BIB_SPECIAL.get(ch, ch) for ch in text)


def _bib_name(name: Name) -> str:
    if name.is_organization:
        return "{" + _bib_escape(name.literal) + "}"  # braces: not split into given and family names
    parts = [_bib_escape(name.family)]
    if name.suffix:
        parts.append(_bib_escape(name.suffix))
    if name.given:
        parts.append(_bib_escape(name.given))
    return ", ".join(parts)


def _key_word(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = [w for w in re.findall(r"[A-Za-z0-9]+", ascii_text) if w.lower() not in ("the", "a", "an")]
    return words[0].lower() if words else ""


def bibtex_key(ref: Reference, taken: set[str]) -> str:
    """A readable, unique key: surname (or publication), year, first word of the title."""
    who = ref.authors[0].family or ref.authors[0].literal if ref.authors else (ref.publication or "")
    base = (_key_word(who) + (str(ref.published.year) if ref.published else "") + _key_word(ref.title or "")) or "ref"
    key, n = base[:60], 1
    while key in taken:
        n += 1
        key = f"{base[:60]}-{n}"
    taken.add(key)
    return key


def _iso(d: PartialDate) -> str:
    return "-".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(d.parts()))


def to_bibtex(ref: Reference, key: str) -> str:
    """One BibTeX entry (@article for news, @online for web pages)."""
    fields: list[tuple[str, str]] = []
    if ref.authors:
        fields.append(("author", " and ".join(_bib_name(n) for n in ref.authors)))
    if ref.title:
        fields.append(("title", "{" + _bib_escape(ref.title) + "}"))  # inner braces keep its capitals
    if ref.publication:
        fields.append(("journaltitle" if ref.is_news else "organization", _bib_escape(ref.publication)))
        if ref.is_news:
            fields.append(("journal", _bib_escape(ref.publication)))
    if ref.published:
        fields.append(("date", _iso(ref.published)))
        fields.append(("year", str(ref.published.year)))
        if ref.published.month:
            fields.append(("month", str(ref.published.month)))
    if ref.url:
        fields.append(("url", ref.url.replace("{", "%7B").replace("}", "%7D")))
    if ref.archived:
        fields.append(("urldate", _iso(ref.archived)))
    if ref.quotes:
        fields.append(("annote", _bib_escape(" | ".join(ref.quotes))))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{'article' if ref.is_news else 'online'}{{{key},\n{body}\n}}\n"


def write_bibtex(refs: Iterable[Reference], out: IO[str]) -> int:
    taken: set[str] = set()
    n = 0
    for ref in refs:
        out.write(("\n" if n else "") + to_bibtex(ref, bibtex_key(ref, taken)))
        n += 1
    return n


# -- RIS ---------------------------------------------------------------------------------------------

def _ris_date(d: PartialDate) -> str:
    # RIS DA and Y2: YYYY/MM/DD/ with empty parts for what is unknown.
    return f"{d.year:04d}/{f'{d.month:02d}' if d.month else ''}/{f'{d.day:02d}' if d.day and d.month else ''}/"


def _ris_name(name: Name) -> str:
    if name.is_organization:
        return name.literal
    return ", ".join(p for p in (name.family, name.given, name.suffix) if p)


def to_ris(ref: Reference) -> dict[str, Any]:
    """One RIS record as rispy's field names (rispy writes and reads the tags)."""
    entry: dict[str, Any] = {"type_of_reference": "NEWS" if ref.is_news else "ELEC"}
    if ref.authors:
        entry["authors"] = [_ris_name(n) for n in ref.authors]
    if ref.title:
        entry["title"] = ref.title
    if ref.publication:
        entry["secondary_title"] = ref.publication  # T2: the newspaper or the website
    if ref.published:
        entry["year"] = str(ref.published.year)
        entry["date"] = _ris_date(ref.published)
    if ref.url:
        entry["urls"] = [ref.url]
    if ref.archived:
        entry["access_date"] = _ris_date(ref.archived)
    if ref.language:
        entry["language"] = ref.language
    if ref.quotes:
        entry["notes"] = list(ref.quotes)
    if ref.id:
        entry["id"] = ref.id
    return entry


def write_ris(refs: Iterable[Reference], out: IO[str]) -> int:
    import rispy

    class PlainRisWriter(rispy.RisWriter):
        # rispy puts "1.", "2." before each record; RIS itself has no such line.
        def set_header(self, count: int) -> str:
            return ""

    n = 0
    for ref in refs:
        # One record at a time, so a large export streams.
        text = rispy.dumps([to_ris(ref)], implementation=PlainRisWriter, enforce_list_tags=False)
        out.write(("\n" if n else "") + text.lstrip("\n"))
        n += 1
    return n


WRITERS = {"csl-json": write_csl_json, "bibtex": write_bibtex, "ris": write_ris}


def write_references(refs: Iterable[Reference], fmt: str, out: IO[str]) -> int:
    """Write ``refs`` as ``fmt`` (csl-json, bibtex, ris) to ``out``; returns how many were written."""
    if fmt not in WRITERS:
        raise ValueError(f"unknown reference format {fmt!r} (one of {', '.join(WRITERS)})")
    return WRITERS[fmt](refs, out)
