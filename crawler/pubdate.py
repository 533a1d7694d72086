"""A page's publication date: candidates from structure, the article header, htmldate and the URL, and a vote.

Candidates: declared dates (JSON-LD, meta tags, itemprop/RDFa, ``<abbr class="published">``), ``<time>``
elements of the article (outside sidebars, related lists, comments and captions), dates written in the
article header next to the headline and dates anywhere in the article that a cue word calls published
("Veröffentlicht am", "Posted on"), htmldate's original-date extensive search, the canonical URL's date,
and modification dates. Each weighs in (WEIGHTS): the header date outweighs any one declared date, htmldate
counts less when it repeats the declared date, modification dates only tip close calls. Times with offsets
become the publisher's local date: the offset printed on the page, else the source's time zone, else the
stamp's own offset."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import html as lxml_html

from crawler import dates

# Class or id words (and tags) of page parts whose dates are not the article's.
_ASIDE = re.compile(
    r"(?<![a-z])(sidebar|side-bar|comment|comments|related|widget|footer|caption|figure|aside|teaser|recommend"
    r"|popular|share|social|breadcrumb|menu|promo|newsletter|trending|reply|respond|latest|most-read|mostread"
    r"|more-stories|read-more|readmore|next|prev|pager|pagination|archive|calendar|tagcloud|cookie|advert|banner"
    r"|event|rail|carousel|slider|also|recirc|topstories|top-stories|list)", re.IGNORECASE)
_ASIDE_TAGS = {"aside", "nav", "footer", "figure", "figcaption", "form", "select", "option", "button", "script",
               "style", "noscript", "template"}
_ARTICLE_CLASS = re.compile(r"(?<![a-z])(article|post|entry|story|content|main|single|blog|news|text|beitrag)",
                            re.IGNORECASE)
CUES_FILE = Path(__file__).with_name("data") / "date_cues.toml"
_PUBLISHED_KEYS = ("article:published_time", "og:published_time", "published_time", "article:published",
                   "datepublished", "pubdate", "publishdate", "publish-date", "publish_date", "article.published",
                   "parsely-pub-date", "sailthru.date", "dc.date", "dc.date.issued", "dcterms.date",
                   "dcterms.issued", "dcterms.created", "citation_publication_date", "citation_date",
                   "originalpublicationdate", "article_date_original", "date", "created", "creation_date",
                   "cxenseparse:recs:publishtime", "og:article:published_time", "bt:pubdate", "date.available")
_DATE_PROPERTIES = {"datePublished", "schema:datePublished", "dc:date", "dcterms:created", "dc:created",
                    "article:published_time", "dcterms:issued"}
_MODIFIED_KEYS = ("article:modified_time", "og:updated_time", "dcterms.modified", "last-modified", "datemodified")
MAX_ARTICLE_TEXT = 20_000  # characters of the article searched for dates with a "published" cue
MIN_SCOPE_TEXT = 400  # an article element holds at least this much text (not a headline wrapper)
HEADER_WINDOW = 700  # characters of visible text after the headline that count as its header
ABOVE_WINDOW = 250   # and before it (kicker, dateline above the title)
HEADER_DATES = 8     # dates read there at most (later ones barely count in the vote)
MAX_TIME_ELEMENTS = 40


@dataclass
class Candidate:
    """One date the page offers, with where it came from."""

    date: str
    source: str  # jsonld | meta | itemprop | time | header | cue | htmldate | url | modified ...
    detail: str = ""
    written: str = ""  # the date as the time stamp writes it, before conversion to the publisher's date


@dataclass
class DateDecision:
    """The chosen date (or None), why, and every candidate seen."""

    date: str | None
    source: str | None = None
    evidence: str = ""
    candidates: list[Candidate] = field(default_factory=list)


@dataclass(frozen=True)
class Cues:
    """Regexes for the words that say a printed date is a publication or an update date."""

    published_before: re.Pattern[str]
    published_after: re.Pattern[str]
    updated_before: re.Pattern[str]


@lru_cache(maxsize=1)
def cues() -> Cues:
    """The cue words of data/date_cues.toml, validated (errors name the file and the key)."""
    import tomllib

    try:
        data = tomllib.loads(CUES_FILE.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{CUES_FILE}: {exc}") from None
    lists = {}
    for key in ("published", "published_after", "updated"):
        words = data.get(key)
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise ValueError(f"{CUES_FILE}: {key!r} must be a non-empty list of words")
        lists[key] = "|".join(re.escape(w.strip()) for w in sorted(words, key=len, reverse=True))
    return Cues(
        published_before=re.compile(rf"(?<![^\W\d_])(?:{lists['published']})\W{{0,3}}(?:(?:am|on|le|el|il|em|:)\s)?[^\d]{{0,14}}$",
                                    re.IGNORECASE),
        published_after=re.compile(rf"^[^.]{{0,30}}(?<![^\W\d_])(?:{lists['published_after']})(?![^\W\d_])", re.IGNORECASE),
        updated_before=re.compile(rf"(?<![^\W\d_])(?:{lists['updated']})\W{{0,3}}(?:(?:am|on|le|el|il|em|:)\s)?[^\d]{{0,14}}$",
                                  re.IGNORECASE),
    )


def cue_of(text: str, start: int, end: int) -> str | None:
    """"published", "updated" or None: what the words around text[start:end] (a date) say it is."""
    c = cues()
    before = text[max(0, start - 45):start]
    if c.updated_before.search(before):
        return "updated"
    if c.published_before.search(before) or c.published_after.search(text[end:end + 45]):
        return "published"
    return None


def _is_aside(el: Any, stop: Any) -> bool:
    """Whether ``el`` lies in a sidebar, comment, caption ... below ``stop`` (the article element)."""
    node = el
    while node is not None and node is not stop:
        if _own_aside(node):
            return True
        node = node.getparent()
    return False


def _headline(tree: lxml_html.HtmlElement, body: Any) -> Any:
    """The article's headline element: the first <h1> outside sidebars, else a heading marked as a title."""
    h1s = [h for h in body.iter("h1") if " ".join(h.text_content().split())]
    heading = next((h for h in h1s if not _is_aside(h, None)), h1s[0] if h1s else None)
    if heading is not None:
        return heading
    marked = body.xpath('.//*[self::h2 or self::h3 or self::div or self::span][contains(@class, "title") or '
                        'contains(@class, "headline") or @itemprop="headline"][not(ancestor::aside)][not(ancestor::nav)]')
    for el in marked[:20]:
        words = " ".join(el.text_content().split())
        if 10 <= len(words) <= 250 and not _is_aside(el, None):
            return el
    return None


def article_element(tree: lxml_html.HtmlElement) -> tuple[Any, Any]:
    """(the article's element, its headline element); the body and the first <h1> when nothing better is marked."""
    body = tree.find("body")
    body = body if body is not None else tree
    heading = _headline(tree, body)
    marked = tree.xpath('//*[contains(@itemtype, "Article") or contains(@itemtype, "BlogPosting")]')
    articles = marked or body.findall(".//article")
    if heading is not None:
        for el in articles:
            if heading in el.iterdescendants():
                return el, heading
        node = heading.getparent()
        while node is not None and node is not body:
            marks = f"{node.get('class') or ''} {node.get('id') or ''}"
            if (node.tag in ("article", "main") or (_ARTICLE_CLASS.search(marks) and not _ASIDE.search(marks))) \
                    and len(node.text_content()) >= MIN_SCOPE_TEXT:
                return node, heading
            node = node.getparent()
        return body, heading
    if len(articles) == 1:
        return articles[0], None
    return body, None


def _structured(tree: lxml_html.HtmlElement, metas: dict[str, str], article: dict[str, Any],
                scope: Any) -> list[tuple[str, str, str]]:
    """(raw value, source, detail) of declared publication dates, most trusted first."""
    out: list[tuple[str, str, str]] = []
    for key in ("datePublished", "dateCreated"):
        if isinstance(article.get(key), str):
            out.append((article[key], "jsonld", key))
    for key in _PUBLISHED_KEYS:
        if metas.get(key):
            out.append((metas[key], "meta", key))
    for key, value in metas.items():
        if key.endswith(":published_time") and key not in _PUBLISHED_KEYS:
            out.append((value, "meta", key))
    # One pass over the attributes (an XPath with many alternatives costs more than the rest of this).
    found = 0
    for el in tree.xpath('//*[@itemprop="datePublished" or @property][not(self::meta)]'):
        if found >= 5:
            break
        if el.get("itemprop") != "datePublished" and (el.get("property") or "").strip() not in _DATE_PROPERTIES:
            continue
        value = el.get("content") or el.get("datetime") or el.text_content()
        if value and not _is_aside(el, scope):
            out.append((value.strip(), "itemprop", el.tag))
            found += 1
    for el in tree.xpath('//abbr[contains(@class, "published") or contains(@class, "dtstart")][@title]')[:3]:
        if not _is_aside(el, scope):
            out.append((el.get("title"), "itemprop", "abbr"))
    return out


def _time_elements(scope: Any, heading: Any) -> list[tuple[str, str]]:
    """(datetime value, detail) of <time> elements of the article, outside sidebars, in page order."""
    out = []
    for el in scope.iter("time"):
        if len(out) >= MAX_TIME_ELEMENTS:
            break
        value = el.get("datetime") or el.get("content")
        if not value or _is_aside(el, scope):
            continue
        marks = f"{el.get('class') or ''} {el.get('itemprop') or ''} {(el.getparent().get('class') or '') if el.getparent() is not None else ''}"
        if re.search(r"(?i)modif|updat", marks):
            continue
        detail = "pubdate" if el.get("pubdate") is not None or re.search(r"(?i)publish|posted|created", marks) else ""
        out.append((value, detail))
    return out


def _own_aside(el: Any) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _ASIDE_TAGS:
        return True
    marks = f"{el.get('class') or ''} {el.get('id') or ''}"
    return bool(marks.strip()) and bool(_ASIDE.search(marks)) and not re.search(
        r"(?i)(article|post|entry)[-_]?(meta|header|info|date)", marks)


def _visible_text(scope: Any) -> tuple[list[str], list[Any]]:
    """The scope's text pieces in page order, with the element each belongs to; sidebars left out."""
    pieces: list[str] = []
    owners: list[Any] = []
    aside: dict[Any, bool] = {scope: False}
    for el in scope.iter():
        if not isinstance(el.tag, str):
            continue
        parent = el.getparent()
        if el is not scope:
            # Page order visits a parent before its children: one look at each element's own marks.
            aside[el] = aside.get(parent, False) or _own_aside(el)
        if el.text and el.text.strip() and not aside[el]:
            pieces.append(el.text)
            owners.append(el)
        if el.tail and el.tail.strip() and el is not scope and parent is not None and not aside.get(parent, False):
            pieces.append(el.tail)
            owners.append(parent)
    return pieces, owners


def _header_dates(pieces: list[str], owners: list[Any], heading: Any,
                  lang: str | None) -> tuple[list[tuple[str, str | None]], str]:
    """Dates written near the headline: [(ISO date, cue)], and the header's text."""
    if not pieces:
        return [], ""
    start = 0
    if heading is not None:
        inside = set(heading.iter())
        start = next((i for i, o in enumerate(owners) if o in inside), 0)
    before = " ".join(p.strip() for p in pieces[max(0, start - 8):start])[-ABOVE_WINDOW:]
    after_parts: list[str] = []
    size = 0
    for p in pieces[start:]:
        after_parts.append(p.strip())
        size += len(p)
        if size > HEADER_WINDOW:
            break
    after = " ".join(after_parts)[:HEADER_WINDOW]
    found = []
    for text in (after, before):
        for begin, end, value in dates.written_dates(text, lang, limit=HEADER_WINDOW, most=HEADER_DATES):
            found.append((value, cue_of(text, begin, end)))
    return found, f"{before} {after}"


def _cued_dates(pieces: list[str], lang: str | None) -> list[tuple[str, str]]:
    """Dates anywhere in the article that a cue word calls its publication or update date."""
    text = " ".join(p.strip() for p in pieces)[:MAX_ARTICLE_TEXT]
    out = []
    for begin, end, value in dates.written_dates(text, lang, limit=MAX_ARTICLE_TEXT, most=HEADER_DATES,
                                                 accept=lambda b, e: cue_of(text, b, e) is not None):
        out.append((value, cue_of(text, begin, end) or ""))
    return out


_HTMLDATE_LANGUAGE = ["en"]


@lru_cache(maxsize=16)
def _dateparser_for(lang: str):  # type: ignore[no-untyped-def]
    from dateparser.date import DateDataParser

    # htmldate's own settings, with the languages it leaves open (all of them: 7 s for one odd string).
    return DateDataParser(languages=list(dict.fromkeys((lang, "en"))), settings={
        "NORMALIZE": True, "PARSERS": ["custom-formats", "absolute-time"], "PREFER_DATES_FROM": "past",
        "PREFER_LOCALE_DATE_ORDER": True, "RETURN_AS_TIMEZONE_AWARE": False, "STRICT_PARSING": True})


def _htmldate_parser():  # type: ignore[no-untyped-def]
    return _dateparser_for(_HTMLDATE_LANGUAGE[0])


def _htmldate(tree: lxml_html.HtmlElement, lang: str | None = None) -> str | None:
    """htmldate's original-date extensive search, its dateparser fallback held to the page's language."""
    try:
        from htmldate import extractors, find_date

        _HTMLDATE_LANGUAGE[0] = dates.known_language(lang)
        extractors.get_external_parser = _htmldate_parser
        return find_date(tree, original_date=True, extensive_search=True)
    except Exception:  # noqa: BLE001 - a third-party parser must never break an extraction
        return None


def _plausible(value: str | None, newest: date) -> bool:
    return bool(value) and "1995-01-01" <= value[:10] <= newest.isoformat()


def _local(stamp: dates.Stamp, printed: int | None, time_zone: str | None) -> str:
    return dates.local_date(stamp, printed if printed is not None else time_zone)


def _stamped(structured: list[tuple[str, str, str]], times: list[tuple[str, str]], metas: dict[str, str],
             article: dict[str, Any], printed: int | None, time_zone: str | None,
             language: str | None) -> list[Candidate]:
    """Candidates from machine-readable stamps (declared, <time>, modification), as the publisher's dates."""
    out: list[Candidate] = []
    for value, source, detail in structured:
        stamp = dates.parse_stamp(value)
        if stamp is None:
            found = dates.written_dates(value[:200], language, limit=200)
            if found:
                out.append(Candidate(found[0][2], source, detail))
            continue
        out.append(Candidate(_local(stamp, printed, time_zone), source, detail, stamp.iso()))
    for value, detail in times:
        stamp = dates.parse_stamp(value)
        if stamp:
            out.append(Candidate(_local(stamp, printed, time_zone), "time", detail, stamp.iso()))
    modified = [(metas.get(key), key) for key in _MODIFIED_KEYS]
    if isinstance(article.get("dateModified"), str):
        modified.append((article["dateModified"], "dateModified"))
    for value, key in modified:
        stamp = dates.parse_stamp(value)
        if stamp:
            out.append(Candidate(_local(stamp, printed, time_zone), "modified", key, stamp.iso()))
    return out


def candidates(tree: lxml_html.HtmlElement, metas: dict[str, str], article: dict[str, Any], urls: list[str],
               language: str | None = None, time_zone: str | None = None,
               use_htmldate: bool = True) -> list[Candidate]:
    """Every publication-date candidate the page offers, in local dates."""
    tag = (tree.get("lang") or "").strip().replace("_", "-")
    if tag and language and tag.lower().startswith(language.lower()):
        language = tag  # "en-GB": the region decides whether 04/12/2020 is April or December
    scope, heading = article_element(tree)
    pieces, owners = _visible_text(scope)
    header, header_text = _header_dates(pieces, owners, heading, language)
    structured = _structured(tree, metas, article, scope)
    times = _time_elements(scope, heading)
    first_stamp = next((s for s in (dates.parse_stamp(v) for v, *_ in structured + times) if s), None)
    printed = dates.printed_offset(header_text, first_stamp.day if first_stamp else None)
    out = _stamped(structured, times, metas, article, printed, time_zone, language)
    for value, cue in header:
        out.append(Candidate(value, "header-updated" if cue == "updated" else "header", cue or ""))
    for value, cue in _cued_dates(pieces, language):
        out.append(Candidate(value, "cue-updated" if cue == "updated" else "cue", cue))
    if use_htmldate:
        found = _htmldate(tree, language)
        if found:
            out.append(Candidate(found, "htmldate"))
    for url in urls:
        found = dates.date_from_url(url or "")
        if found:
            out.append(Candidate(found, "url", url))
            break
    newest = date.today()
    return [c for c in out if _plausible(c.date, newest)]


# How much each kind of candidate counts in the vote. The article's header (the date printed by the headline)
# outweighs any one declared date; htmldate counts less when it only repeats the declared date (it reads the
# same meta tags); modification dates only tip a close call. Measured on htmldate's evaluation pages.
WEIGHTS = {"cue": 2.5, "itemprop": 3.0, "jsonld": 2.0, "meta": 1.5, "time-pubdate": 2.5, "time": 1.5,
           "header": 2.6, "htmldate": 2.0, "url": 2.5, "modified": 0.3, "header-updated": 0.5, "cue-updated": 0.3}
LATER = 0.3  # a source's second, third ... different date counts this share
ECHO = 0.5   # htmldate's weight when it gives the declared date
_GROUPS = {"jsonld": "declared", "meta": "declared", "itemprop": "declared"}


def _tally(cands: list[Candidate]) -> tuple[dict[str, float], dict[str, tuple[float, Candidate]]]:
    """Each date's score, and the candidate that weighs most for it."""
    best: dict[tuple[str, str], tuple[float, Candidate]] = {}
    first: dict[str, str] = {}
    for c in cands:
        key = "time-pubdate" if c.source == "time" and c.detail == "pubdate" else c.source
        group = _GROUPS.get(key, key)
        weight = WEIGHTS.get(key, 0.0)
        if group in first and first[group] != c.date:
            weight *= LATER
        first.setdefault(group, c.date)
        if weight > best.get((group, c.date), (-1.0, c))[0]:
            best[(group, c.date)] = (weight, c)
    declared = next((c for c in cands if _GROUPS.get(c.source) == "declared"), None)
    echoes = {declared.date, declared.written} if declared else set()
    score: dict[str, float] = {}
    lead: dict[str, tuple[float, Candidate]] = {}
    for (group, day), (weight, c) in best.items():
        if group == "htmldate" and day in echoes:
            weight = ECHO
        score[day] = score.get(day, 0.0) + weight
        if weight > lead.get(day, (-1.0, c))[0]:
            lead[day] = (weight, c)
    return score, lead


def margin(cands: list[Candidate]) -> float:
    """How far the leading date's score is ahead of the next one (its whole score when it stands alone)."""
    ranked = sorted(_tally(cands)[0].values(), reverse=True)
    return (ranked[0] - (ranked[1] if len(ranked) > 1 else 0.0)) if ranked else 0.0


def decide(cands: list[Candidate]) -> DateDecision:
    """The publication date from the candidates: a weighted vote (see WEIGHTS and the module docstring)."""
    score, lead = _tally(cands)
    if not score:
        return DateDecision(None, None, "", cands)
    day = max(score, key=lambda d: (score[d], lead[d][0]))
    why = lead[day][1]
    agree = sorted({c.source for c in cands if c.date == day})
    return DateDecision(day, why.source, f"{why.source} {why.detail}".strip() + f"; agreeing: {', '.join(agree)}",
                        cands)


def publication_date(tree: lxml_html.HtmlElement, metas: dict[str, str], article: dict[str, Any], urls: list[str],
                     language: str | None = None, time_zone: str | None = None) -> DateDecision:
    """The page's publication date as the publisher dates it, or None when the page does not say.

    htmldate (the costliest candidate) is asked only when its vote could change the outcome.
    """
    try:
        cands = candidates(tree, metas, article, urls, language, time_zone, use_htmldate=False)
        if margin(cands) <= WEIGHTS["htmldate"]:
            found = _htmldate(tree, language)
            # htmldate turns a bare year (a copyright line) into January 1st: unconfirmed, that is no date.
            year_only = found and found.endswith("-01-01") and not any(c.date == found for c in cands)
            if found and _plausible(found, date.today()) and not year_only:
                cands.append(Candidate(found, "htmldate"))
        return decide(cands)
    except (ValueError, TypeError, OverflowError, RecursionError, json.JSONDecodeError):
        return DateDecision(None, None, "unreadable")
