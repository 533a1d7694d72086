"""APA 7, MLA 9 and Chicago 17 (notes-bibliography) citations as plain text for the terminal.

Italics are written as Markdown ``*...*``, the plain-text convention that pastes into Markdown, Google Docs
and most chat tools. Titles keep the capitalization the page gives them (changing case would mangle proper
nouns). Dates of archiving appear only where each style asks for an access or retrieval date:
- APA 7: only for an undated page ("Retrieved May 8, 2026, from URL").
- MLA 9: "Accessed 8 May 2026." always (an optional element the handbook recommends for pages that may
  change or vanish, as news pages do).
- Chicago 17: only when the page gives no date of publication ("Accessed May 8, 2026.").
"""

from __future__ import annotations

from collections.abc import Callable

from indexer.citations.model import Name, PartialDate, Reference

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
MLA_MONTHS = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]

# A title longer than this is cut at a word boundary: a citation must stay readable on a terminal.
MAX_TITLE = 250


def _title(ref: Reference) -> str | None:
    title = ref.title
    if not title:
        return None
    if len(title) > MAX_TITLE:
        cut = title[:MAX_TITLE].rsplit(" ", 1)[0].rstrip(" ,;:-")
        title = (cut or title[:MAX_TITLE]) + "…"
    return title


def _end(text: str, mark: str = ".") -> str:
    """``text`` closed by ``mark`` unless it already ends with terminal punctuation."""
    text = text.rstrip()
    return text if text.endswith((".", "?", "!", "…")) else text + mark


def _quoted(title: str, mark: str) -> str:
    """"Title." or "Title," with the mark inside the quotes; "Why?" keeps its own mark."""
    if title.endswith(("?", "!")):
        return f"“{title}”"
    return f"“{title.rstrip('.')}{mark}”"


def _italic(text: str) -> str:
    return f"*{text}*"


def _same(a: str | None, b: str | None) -> bool:
    return bool(a and b and a.strip().lower() == b.strip().lower())


def _single_org_author(ref: Reference) -> str | None:
    if len(ref.authors) == 1 and ref.authors[0].is_organization:
        return ref.authors[0].literal
    return None


def _join(parts: list[str | None]) -> str:
    return " ".join(p for p in parts if p)


# -- APA 7 ---------------------------------------------------------------------------------------------

def _apa_name(name: Name) -> str:
    if name.is_organization:
        return name.literal
    out = name.family
    if name.initials():
        out += f", {name.initials()}"
    if name.suffix:
        out += f", {name.suffix}"
    return out


def _apa_authors(names: list[Name]) -> str:
    parts = [_apa_name(n) for n in names]
    if len(parts) == 1:
        return parts[0]
    if len(parts) <= 20:
        return ", ".join(parts[:-1]) + ", & " + parts[-1]
    return ", ".join(parts[:19]) + ", . . . " + parts[-1]


def _apa_date(d: PartialDate | None) -> str:
    if d is None:
        return "(n.d.)."
    if d.month and d.day:
        return f"({d.year}, {MONTHS[d.month - 1]} {d.day})."
    if d.month:
        return f"({d.year}, {MONTHS[d.month - 1]})."
    return f"({d.year})."


def _long_date(d: PartialDate) -> str:
    """May 8, 2016 / May 2016 / 2016 (APA retrieval dates, Chicago)."""
    if d.month and d.day:
        return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
    if d.month:
        return f"{MONTHS[d.month - 1]} {d.year}"
    return str(d.year)


def apa(ref: Reference) -> str:
    """APA 7: news article, or web page (group author, site name left out when it is the author)."""
    title = _title(ref)
    if ref.is_news:
        title_part = _end(title) if title else "[Untitled article]."
        site = _end(_italic(ref.publication)) if ref.publication else None
    else:
        title_part = _end(_italic(title)) if title else "[Untitled page]."
        site = None if _same(ref.publication, _single_org_author(ref)) or not ref.publication else _end(ref.publication)
    date = _apa_date(ref.published)
    if ref.published is None and ref.archived is not None and ref.url:
        location = f"Retrieved {_long_date(ref.archived)}, from {ref.url}"
    else:
        location = ref.url or None
    if ref.authors:
        return _join([_end(_apa_authors(ref.authors)), date, title_part, site, location])
    # No author: the title moves into the author position.
    return _join([title_part, date, site, location])


# -- MLA 9 ---------------------------------------------------------------------------------------------

def _mla_authors(names: list[Name]) -> str:
    if len(names) == 1:
        return names[0].inverted()
    if len(names) == 2:
        return f"{names[0].inverted()}, and {names[1].full()}"
    return f"{names[0].inverted()}, et al"


def _mla_date(d: PartialDate) -> str:
    if d.month and d.day:
        return f"{d.day} {MLA_MONTHS[d.month - 1]} {d.year}"
    if d.month:
        return f"{MLA_MONTHS[d.month - 1]} {d.year}"
    return str(d.year)


def _mla_url(url: str) -> str:
    # MLA 9 (5.95): the protocol (http://, https://) is usually left out.
    for prefix in ("https://", "http://"):
        if url.startswith(prefix):
            return url[len(prefix):]
    return url


def mla(ref: Reference) -> str:
    """MLA 9: Author. "Title." *Container*, date, URL. Accessed date.

    An organization that is both author and publisher is given once, as the container (MLA 9, 2.1.3)."""
    title = _title(ref)
    authors = list(ref.authors)
    if _same(_single_org_author(ref), ref.publication):
        authors = []
    container = [
        _italic(ref.publication) if ref.publication else None,
        _mla_date(ref.published) if ref.published else None,
        _mla_url(ref.url) if ref.url else None,
    ]
    container_text = ", ".join(p for p in container if p)
    if title:
        title_part = _quoted(title, ".")
    else:
        title_part = "Untitled article." if ref.is_news else "Untitled page."
    parts = [_end(_mla_authors(authors)) if authors else None, title_part,
             _end(container_text) if container_text else None]
    if ref.archived:
        parts.append(f"Accessed {_mla_date(ref.archived)}.")
    return _join(parts)


# -- Chicago 17, notes-bibliography ----------------------------------------------------------------------

def _chicago_bib_authors(names: list[Name]) -> str:
    if len(names) > 10:
        # CMOS 17 14.76: more than ten authors: the first seven, then et al.
        return ", ".join([names[0].inverted(), *[n.full() for n in names[1:7]]]) + ", et al"
    if len(names) == 1:
        return names[0].inverted()
    rest = [n.full() for n in names[1:]]
    return ", ".join([names[0].inverted(), *rest[:-1]]) + ", and " + rest[-1]


def _chicago_note_authors(names: list[Name]) -> str:
    full = [n.full() for n in names]
    if len(full) == 1:
        return full[0]
    if len(full) == 2:
        return f"{full[0]} and {full[1]}"
    if len(full) == 3:
        return f"{full[0]}, {full[1]}, and {full[2]}"
    return f"{full[0]} et al."


def _newspaper(name: str) -> str:
    # CMOS 17 14.170: an initial "The" is dropped from a newspaper's name.
    return name[4:] if name.lower().startswith("the ") and len(name) > 4 else name


def _chicago_when(ref: Reference) -> str:
    if ref.published:
        return _long_date(ref.published)
    if ref.archived:
        return f"Accessed {_long_date(ref.archived)}"
    return "n.d."


def chicago(ref: Reference) -> str:
    """Chicago 17 bibliography entry: news article (newspaper in italics) or web page (site in roman)."""
    title = _title(ref)
    title_part = _quoted(title, ".") if title else ("Untitled article." if ref.is_news else "Untitled page.")
    site = None
    if ref.publication:
        site = _italic(_newspaper(ref.publication)) if ref.is_news else ref.publication
    authors = ref.authors
    if ref.is_news and not authors and site:
        # An unsigned news article is listed under the newspaper's name (CMOS 17 14.207).
        return _join([_end(site), title_part, _end(_chicago_when(ref)), _end(ref.url) if ref.url else None])
    if not ref.is_news and _same(_single_org_author(ref), ref.publication):
        site = None
    if ref.is_news and site and ref.published:
        middle = _end(f"{site}, {_chicago_when(ref)}")
    else:
        middle = _join([_end(site) if site else None, _end(_chicago_when(ref))])
    return _join([_end(_chicago_bib_authors(authors)) if authors else None, title_part, middle,
                  _end(ref.url) if ref.url else None])


def chicago_note(ref: Reference) -> str:
    """Chicago 17 full note: Author, "Title," *Newspaper*, date, URL."""
    title = _title(ref)
    title_part = _quoted(title, ",") if title else ("Untitled article," if ref.is_news else "Untitled page,")
    site = None
    if ref.publication and not _same(_single_org_author(ref), ref.publication):
        site = _italic(_newspaper(ref.publication)) if ref.is_news else ref.publication
    authors = ref.authors if not (ref.is_news and not ref.authors) else []
    parts = [f"{_chicago_note_authors(authors)}," if authors else None, title_part]
    tail = [p for p in (site, _chicago_when(ref).replace("Accessed", "accessed"), ref.url or None) if p]
    return _end(_join(parts) + " " + ", ".join(tail))


STYLES: dict[str, Callable[[Reference], str]] = {
    "apa": apa, "mla": mla, "chicago": chicago, "chicago-note": chicago_note,
}


def format_citation(ref: Reference, style: str) -> str:
    """The citation of ``ref`` in ``style`` (apa, mla, chicago, chicago-note)."""
    try:
        return STYLES[style](ref)
    except KeyError:
        raise ValueError(f"unknown citation style {style!r} (one of {', '.join(STYLES)})") from None
