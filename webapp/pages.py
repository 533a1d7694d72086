"""The pages: each reads the request's parameters, calls the same library functions as the CLI
(indexer.searching, indexer.timeline, indexer.citations, archive.store) and renders a template."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from archive.errors import ArchiveError, NotFound
from archive.model import KINDS, POSITIONS
from indexer.engine import IndexMissing
from indexer.querylang import QueryError
from indexer.searching import MAX_PAGE, SORTS
from webapp.render import citation_html, citation_plain, position_chart, render

DOC_ID = re.compile(r"^[0-9a-f]{16}$")
LIMITS = (10, 20, 50, 100)
STYLES = (("apa", "APA"), ("mla", "MLA"), ("chicago", "Chicago"))
# Longest value of one parameter read; longer ones are refused (the query language stops at 2,000 anyway).
MAX_PARAM = 4000
LIST_PARAMS = ("org", "by", "state", "test", "kind", "source", "position", "speaker")
TEXT_PARAMS = ("q", "since", "until", "during")


class BadRequest(Exception):
    """What the user asked for cannot be read: shown on the page with status 400."""


@dataclass
class Form:
    """The search options of a request, as typed."""

    q: str = ""
    lists: dict[str, list[str]] = field(default_factory=dict)
    since: str = ""
    until: str = ""
    during: str = ""
    sort: str = "relevance"
    page: int = 1
    limit: int = 10
    params: list[tuple[str, str]] = field(default_factory=list)

    def get(self, name: str) -> list[str]:
        return self.lists.get(name, [])

    def filters(self, searcher: Any, speakers: bool = False) -> Any:
        return searcher.filters(orgs=self.get("org"), by=self.get("by"), states=self.get("state"),
                                tests=self.get("test"), kinds=self.get("kind"), sources=self.get("source"),
                                positions=self.get("position"), since=self.since or None, until=self.until or None,
                                during=self.during or None, speakers=self.get("speaker") if speakers else ())

    @property
    def chips(self) -> list[tuple[str, str]]:
        """Active filters as (parameter, value), for removable chips."""
        out = [(k, v) for k in LIST_PARAMS for v in self.get(k)]
        return out + [(k, getattr(self, k)) for k in ("since", "until", "during") if getattr(self, k)]


def read_form(request: Request) -> Form:
    """The request's query string as a Form; BadRequest for values that cannot be right."""
    qp = request.query_params
    params = [(k, v) for k, v in qp.multi_items() if k in (*LIST_PARAMS, *TEXT_PARAMS, "sort", "limit", "style")]
    if any(len(v) > MAX_PARAM for _, v in params):
        raise BadRequest(f"a parameter is longer than {MAX_PARAM} characters")
    form = Form(q=qp.get("q", "").strip(), since=qp.get("since", "").strip(), until=qp.get("until", "").strip(),
                during=qp.get("during", "").strip(), params=params)
    form.lists = {k: [v.strip() for v in qp.getlist(k) if v.strip()][:20] for k in LIST_PARAMS}
    for kind in form.get("kind"):
        if kind not in KINDS:
            raise BadRequest(f"unknown kind {kind!r}: one of {', '.join(KINDS)}")
    for position in form.get("position"):
        if position not in POSITIONS:
            raise BadRequest(f"unknown position {position!r}: one of {', '.join(POSITIONS)}")
    form.sort = qp.get("sort") or "relevance"
    if form.sort not in SORTS:
        raise BadRequest(f"sort must be one of {', '.join(SORTS)}")
    form.page = _int(qp.get("page"), "page", 1, MAX_PAGE, 1)
    form.limit = _int(qp.get("limit"), "limit", 1, max(LIMITS), 10)
    return form


def _int(value: str | None, name: str, low: int, high: int, default: int) -> int:
    if value is None or value == "":
        return default
    if not value.isdigit() or not low <= int(value[:12]) <= high:
        raise BadRequest(f"{name} must be a whole number from {low} to {high}")
    return int(value)


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(render(template, request=request, path=request.url.path, **context), status_code=status)


def _no_index(archive: Any) -> str:
    if archive.catalog.count() == 0:
        return "The archive is empty: run `optout crawl` then `optout index` (or `optout demo`)."
    return "There is no search index yet: run `optout index`."


# -- search and quotes ------------------------------------------------------------------------------------

def _searched(request: Request, template: str, run: Any, extra: Any = None) -> Response:
    """A search-style page: read the form, run ``run(searcher, form)``, render ``template`` (or a 4xx/503 page).

    ``extra(live, results)`` adds template values while the searcher is still in use."""
    live = request.app.state.live
    context: dict[str, Any] = {"kinds": KINDS, "positions": POSITIONS, "sorts": SORTS, "limits": LIMITS}
    try:
        form = read_form(request)
    except BadRequest as exc:
        return page(request, template, 400, form=Form(), error=str(exc), **context)
    context["form"] = form
    with live.use() as searcher:
        if searcher is None:
            return page(request, template, 503, error=_no_index(live.archive), **context)
        try:
            results = run(searcher, form)
        except (QueryError, IndexMissing) as exc:
            return page(request, template, 400 if isinstance(exc, QueryError) else 503, error=str(exc),
                        **context)
        more = extra(live, results) if extra else {}
    return page(request, template, results=results, **more, **context)


def search_page(request: Request) -> Response:
    """Documents: query, filters, facets, paging, highlighted snippets."""
    return _searched(request, "search.html", lambda searcher, form: searcher.search(
        form.q, form.filters(searcher), sort=form.sort, limit=form.limit, page=form.page))


def quotes_page(request: Request) -> Response:
    """Quote cards with speaker, role, organization, date and source, citations to copy, links to passages."""
    return _searched(
        request, "quotes.html",
        lambda searcher, form: searcher.quotes(form.q, form.filters(searcher, speakers=True), sort=form.sort,
                                               limit=form.limit, page=form.page),
        lambda live, results: {"cards": _quote_cards(request.app.state.builder(), live.archive, results.hits)})


def _quote_cards(builder: Any, archive: Any, hits: list[Any]) -> list[dict[str, Any]]:
    cites = {style: builder.quote_citations(hits, style) for style, _ in STYLES}
    cards = []
    for i, hit in enumerate(hits):
        seq = next((n for n, q in enumerate(archive.catalog.quotes(hit.doc_id)) if q.text == hit.text), None)
        cards.append({"hit": hit, "seq": seq, "citations": [
            {"style": style, "label": label, "html": citation_html(cites[style][i]),
             "plain": citation_plain(cites[style][i])} for style, label in STYLES]})
    return cards


# -- documents -------------------------------------------------------------------------------------------

def _document(archive: Any, doc_id: str) -> Any:
    if not DOC_ID.match(doc_id):
        raise HTTPException(404, f"no document {doc_id[:40]!r}: document ids are 16 hexadecimal digits")
    try:
        return archive.get(doc_id)
    except NotFound:
        raise HTTPException(404, f"no document {doc_id!r} in this archive") from None


def _passage(text: str, quote: Any) -> tuple[int, int] | None:
    """Where a quote's words stand in the document's text."""
    if quote.start is not None and quote.end is not None and 0 <= quote.start < quote.end <= len(text) \
            and quote.text[:20] in text[quote.start:quote.end]:
        return quote.start, quote.end
    words = [re.escape(w) for w in quote.text.split()]
    found = re.search(r"\s+".join(words), text) if words else None
    return (found.start(), found.end()) if found else None


def document_page(request: Request) -> Response:
    """One document: metadata, tags, position, quotes, text (a quote's passage marked), captures,
    near-duplicates and its citations."""
    live = request.app.state.live
    doc_id = request.path_params["doc_id"]
    chosen = request.query_params.get("quote", "")
    with live.catalog() as archive:
        doc = _document(archive, doc_id)
        captures = archive.captures(doc.id)
        dup_of = archive.catalog.document_row(doc.near_duplicate_of) if doc.near_duplicate_of else None
        duplicates = archive.catalog.near_duplicates(doc.id)
        ref = request.app.state.builder().for_document(doc)
    from indexer.citations import format_citation

    cites = [{"style": s, "label": label, "html": citation_html(format_citation(ref, s)),
              "plain": citation_plain(format_citation(ref, s))} for s, label in STYLES]
    passage = None
    if chosen.isdigit() and int(chosen[:6]) < len(doc.quotes):
        passage = _passage(doc.text, doc.quotes[int(chosen)])
    parts = (doc.text[:passage[0]], doc.text[passage[0]:passage[1]], doc.text[passage[1]:]) if passage \
        else (doc.text, "", "")
    return page(request, "document.html", doc=doc, captures=captures, dup_of=dup_of, duplicates=duplicates,
                citations=cites, parts=parts, chosen=int(chosen) if passage else None,
                source_name=request.app.state.source_names.get(doc.source or "", doc.source))


def archived_page(request: Request) -> Response:
    """The archived copy: a banner saying what it is, the capture in a sandboxed frame."""
    live = request.app.state.live
    with live.catalog() as archive:
        doc = _document(archive, request.path_params["doc_id"])
        captures = [c for c in archive.captures(doc.id) if c.warc_file]
    if not captures:
        raise HTTPException(404, f"document {doc.id} has no archived capture (it was imported)")
    return page(request, "archived.html", doc=doc, capture=captures[-1], captures=captures)


# What an archived page may do inside its frame: show itself with its own inline styles and inline
# images. No scripts, no forms, no plugins, no requests anywhere (not even to this server), and the
# sandbox gives it an origin of its own even when opened outside the frame.
RAW_CSP = ("sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
           "media-src 'none'; object-src 'none'; script-src 'none'; form-action 'none'; base-uri 'none'; "
           "connect-src 'none'; frame-src 'none'; worker-src 'none'; manifest-src 'none'; frame-ancestors 'self'")


def raw_page(request: Request) -> Response:
    """The capture's body exactly as archived (from its WARC record), under RAW_CSP."""
    live = request.app.state.live
    with live.catalog() as archive:
        doc = _document(archive, request.path_params["doc_id"])
        try:
            raw = archive.raw(doc.id)
        except NotFound as exc:
            raise HTTPException(404, str(exc)) from None
        except (ArchiveError, OSError) as exc:
            raise HTTPException(410, f"the archived copy of {doc.id} cannot be read: {exc}") from None
    content_type = next((v for k, v in raw.headers if k.lower() == "content-type"), "") or "text/html"
    headers = {"Content-Security-Policy": RAW_CSP, "X-Content-Type-Options": "nosniff",
               "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
    if "html" in content_type.lower():
        charset = re.search(r"charset=([\w.:-]+)", content_type, re.IGNORECASE)
        media = "text/html" + (f"; charset={charset.group(1)}" if charset else "")
    else:  # anything else is offered as a file, never rendered in this origin
        media = "application/octet-stream"
        headers["Content-Disposition"] = f'attachment; filename="{doc.id}"'
    return Response(raw.body, media_type=media, headers=headers)


# -- organizations and sources ---------------------------------------------------------------------------

def organizations_page(request: Request) -> Response:
    """Every organization documents mention, with counts (the search facet over the whole archive)."""
    live = request.app.state.live
    with live.use() as searcher:
        if searcher is None:
            return page(request, "organizations.html", 503, error=_no_index(live.archive), counts={})
        results = searcher.search("", searcher.filters(), limit=1, suggest=False)
        declared = live.archive.catalog.declared_organizations()
    counts = dict(results.facets.get("organizations", {}))
    for name in [*declared, *request.app.state.source_orgs]:
        counts.setdefault(name, 0)
    return page(request, "organizations.html", counts=counts)


def organization_page(request: Request) -> Response:
    """An organization's statements and its people's quotes over time, with a position chart per year."""
    from indexer.aliases import Resolver
    from indexer.dates import DateError, resolve_range
    from indexer.timeline import timeline

    live = request.app.state.live
    name = request.path_params["name"]
    since, until = request.query_params.get("since", ""), request.query_params.get("until", "")
    if len(name) > 200 or len(since) > 100 or len(until) > 100:
        raise HTTPException(400, "that organization name or date is too long")
    with live.catalog() as archive:
        declared = [*archive.catalog.declared_organizations(), *request.app.state.source_orgs]
        try:
            canonical = Resolver(declared=declared).resolve("org", name)
            span = resolve_range(since or None, until or None)
        except (QueryError, DateError) as exc:
            raise HTTPException(404 if "unknown org" in str(exc) else 400, str(exc)) from None
        result = timeline(archive, canonical, span.start.isoformat() if span.start else None,
                          span.end.isoformat() if span.end else None)
    chart = position_chart(result.positions, f"{canonical}: positions toward opting out, by year")
    return page(request, "organization.html", name=canonical, result=result, chart=chart, since=since,
                until=until, span=span.describe() if span.start or span.end else None)


def sources_page(request: Request) -> Response:
    """Each source's health: last crawl, documents, failures with their reasons."""
    live = request.app.state.live
    with live.catalog() as archive:
        rows = archive.catalog.source_status()
        failures = {r["id"]: [dict(f) for f in archive.catalog.failures(r["id"], limit=5)] for r in rows}
    return page(request, "sources.html", rows=rows, failures=failures, names=request.app.state.source_names)
