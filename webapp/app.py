"""The Starlette application: routes, security headers, error pages, the shared searcher."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from archive import Archive
from webapp import pages
from webapp.live import LiveSearcher
from webapp.render import render

STATIC = Path(__file__).resolve().parent / "static"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
# The application's own pages: only its own script and stylesheet, frames only from itself (the archived
# copy), nothing from elsewhere.
APP_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
           "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'self'")
_log = logging.getLogger("optout.serve")
_MESSAGES = {400: "Bad request", 404: "Not found", 405: "Method not allowed", 410: "Gone",
             500: "Something went wrong", 503: "Not ready"}


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", APP_CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    return response


def _error_page(request: Request, status: int, detail: str) -> Response:
    html = render("error.html", request=request, path=request.url.path, status=status,
                  title=_MESSAGES.get(status, "Error"), detail=detail)
    headers = {"Allow": "GET, HEAD"} if status == 405 else None
    return _security_headers(HTMLResponse(html, status_code=status, headers=headers))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = exc.detail if exc.detail and exc.detail != _default_phrase(exc.status_code) else \
        {404: "There is no page at this address.", 405: "This archive is read-only: only GET and HEAD requests."}.get(
            exc.status_code, _MESSAGES.get(exc.status_code, "Error"))
    return _error_page(request, exc.status_code, detail)


def _default_phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


async def _server_error(request: Request, exc: Exception) -> Response:
    # The traceback goes to the server's log, never to the browser.
    _log.error("error serving %s", request.url.path, exc_info=exc)
    return _error_page(request, 500, "The server could not answer this request; the archive is unchanged.")


class _Headers:
    """ASGI middleware adding the security headers to every response (static files and errors too)."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: dict) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(b"content-security-policy", APP_CSP.encode()), (b"x-content-type-options", b"nosniff"),
                         (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"SAMEORIGIN")]
                message["headers"] = [*message.get("headers", []), *[(k, v) for k, v in extra if k not in names]]
            await send(message)

        await self.app(scope, receive, sending)


def create_app(data_dir: str | Path | None = None, *, archive: Archive | None = None,
               source_names: dict[str, str] | None = None, source_orgs: Iterable[str] = (),
               allowed_hosts: Iterable[str] = LOCAL_HOSTS) -> Starlette:
    """The web application over the archive in ``data_dir`` (opened read-only) or over ``archive``.

    ``source_names`` (source id -> name) and ``source_orgs`` (organizations the configured sources speak
    for) come from the sources files, which the caller reads; ``allowed_hosts``: the Host headers answered
    (others get 400, which stops DNS-rebinding pages from reading the archive through a browser).
    """
    archive = archive or Archive(data_dir, read_only=True)
    live = LiveSearcher(archive)
    names = dict(source_names or {})

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        live.close()
        archive.close()

    def builder() -> Any:
        from indexer.citations.build import ReferenceBuilder

        return ReferenceBuilder(archive, names)

    get = ["GET"]  # HEAD comes with GET
    routes = [
        Route("/", pages.search_page, methods=get, name="search"),
        Route("/search", pages.search_page, methods=get),
        Route("/quotes", pages.quotes_page, methods=get, name="quotes"),
        Route("/doc/{doc_id}", pages.document_page, methods=get, name="document"),
        Route("/doc/{doc_id}/archived", pages.archived_page, methods=get, name="archived"),
        Route("/raw/{doc_id}", pages.raw_page, methods=get, name="raw"),
        Route("/org", pages.organizations_page, methods=get, name="organizations"),
        Route("/org/{name:path}", pages.organization_page, methods=get, name="organization"),
        Route("/sources", pages.sources_page, methods=get, name="sources"),
        Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[Middleware(_Headers), Middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))],
                    exception_handlers={HTTPException: _http_error, Exception: _server_error})
    app.state.live = live
    app.state.builder = builder
    app.state.source_names = names
    app.state.source_orgs = list(source_orgs)
    return app
