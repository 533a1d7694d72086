"""The `optout` command. Parsing and printing only: the work happens in crawler, indexer and archive.

Heavy modules (Scrapy, trafilatura, Whoosh) are imported inside the commands that need them, so
`optout --help` and `optout search` start fast.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import click

from archive.model import KINDS, POSITIONS
from search_cli.output import FORMATS
from search_cli.refs import CITE_STYLES, REF_FORMATS

# main()'s marks in the root context's obj: run as the `optout` process; end it without the orderly shutdown
_PROCESS, _FAST_EXIT = "process", "fast_exit"
DATA_HELP = "Data directory (default: $OPTOUT_HOME, else your user data folder)."


class UserError(click.ClickException):
    """A problem with what the user asked for: exit code 2, like a usage error."""

    exit_code = 2


def _archive(ctx: click.Context) -> Any:
    from archive import Archive, ArchiveError

    try:
        return Archive(ctx.obj["data_dir"])
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from None


def _fail(exc: Exception) -> None:
    """Library exceptions -> one-line messages."""
    from archive.errors import ArchiveError, ImportFormatError, NotFound

    if isinstance(exc, ImportFormatError):
        raise click.ClickException(f"{exc} (nothing was imported)") from None
    if isinstance(exc, NotFound | ArchiveError):
        raise click.ClickException(str(exc)) from None
    raise exc


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), help=DATA_HELP)
@click.version_option(package_name="optout-archive", prog_name="optout")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None) -> None:
    """optout: an archive of what teachers' unions and advocacy groups say about opting out of
    standardized tests. Crawl sources, search documents and quotes, cite them with the archived copy.

    \b
    Start here:
      optout demo                      crawl the bundled sample web offline and search it
      optout crawl                     collect the default sources and your own
      optout index                     tag and index what was collected
      optout search "opt out" --org NYSUT --since 2015
      optout quotes "opt out" --speaker Weingarten --cite apa
    """
    ctx.ensure_object(dict)
    ctx.obj["data_dir"] = data_dir


# -- demo ----------------------------------------------------------------------------------------------

@cli.command()
@click.option("--keep-serving", is_flag=True, help="Keep the sample web running after the demo (Ctrl-C to stop).")
@click.pass_context
def demo(ctx: click.Context, keep_serving: bool) -> None:
    """Crawl the bundled sample web (fictional sites served on 127.0.0.1), index it and search it.

    Needs no internet. Uses --data-dir if given, else a new temporary data directory.
    Ctrl-C (or SIGTERM) stops it at any point: exit code 130 (143 for SIGTERM).
    """
    import tempfile

    from crawler.sample import serve_sample_web
    from crawler.sources import parse_sources

    if ctx.obj["data_dir"] is None:
        ctx.obj["data_dir"] = Path(tempfile.mkdtemp(prefix="optout-demo-"))
    archive = _archive(ctx)
    server, sources_text = serve_sample_web()
    out = click.echo
    out(f"Serving the sample web at http://127.0.0.1:{server.server_address[1]}/ (fictional sites)")
    try:
        with _sigterm_as_interrupt():
            sources = parse_sources(sources_text, "sample_web/sources.toml")
            stats = _run_crawl(archive, sources, refresh=False, max_articles=None,
                               settings={"AUTOTHROTTLE_START_DELAY": 0.05})
            _exit_if_stopped(stats)
            _run_index(archive, rebuild=False)
            _demo_searches(archive)
            out(f"\nThe demo archive is in {archive.path}. Try:\n  optout --data-dir {archive.path} search \"state tests\"")
            out(f"Browse it in your web browser:\n  optout --data-dir {archive.path} serve")
            if keep_serving:
                out("Serving until Ctrl-C ...")
                import time

                while True:
                    time.sleep(3600)
    finally:
        server.shutdown()
        archive.close()


def _demo_searches(archive: Any) -> None:
    examples = [('opt out', {}), ('parents refuse tests', {"orgs": ["NJEA"]}), ('PARCC', {"since": "2015", "until": "2016"})]
    from indexer.searching import Searcher

    searcher = Searcher(archive)
    for text, opts in examples:
        label = " ".join([f'"{text}"', *[f"--{k.rstrip('s')} {' '.join(v) if isinstance(v, list) else v}" for k, v in opts.items()]])
        click.echo(f"\n$ optout search {label}")
        results = searcher.search(text, searcher.filters(**opts), limit=5)
        _print_hits(results, "table")
    click.echo("\n$ optout quotes \"opt out\" --limit 3")
    _print_quotes(searcher.quotes("opt out", searcher.filters(), limit=3), "table", None, archive)


# -- serve ---------------------------------------------------------------------------------------------

@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback lets other machines read the archive.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free port).")
@click.option("--open", "open_browser", is_flag=True, help="Open the archive in your web browser.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, open_browser: bool) -> None:
    """Browse the archive in a web browser: search, quotes with citations, documents, organizations'
    positions over time, sources, archived copies. Read-only: it never crawls or writes.
    Ctrl-C stops it."""
    import socket

    import uvicorn

    from archive import Archive, ArchiveError
    from archive.store import read_only_archive, resolve_data_dir
    from search_cli.refs import source_names
    from webapp import create_app
    from webapp.app import LOCAL_HOSTS

    try:
        data = resolve_data_dir(ctx.obj["data_dir"])
        if (data / "archive.sqlite3").is_file() and not read_only_archive(data):
            Archive(data).close()  # an older catalog is migrated once here, as every read command does
        archive = Archive(data, read_only=True)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from None
    local = host in LOCAL_HOSTS
    if not local:
        click.echo(f"warning: listening on {host}: anyone who can reach this machine can read the archive", err=True)
    app = create_app(archive=archive, source_names=source_names(archive),
                     source_orgs=_source_organizations(archive), allowed_hosts=LOCAL_HOSTS if local else ["*"])
    try:
        sock = socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{sock.getsockname()[1]}/"
    click.echo(f"Serving the archive in {archive.path} at {url} (read-only; Ctrl-C to stop)", err=True)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False, lifespan="on")
    with _sigterm_as_interrupt():
        uvicorn.Server(config).run(sockets=[sock])


# -- exit codes and signals --------------------------------------------------------------------------------

EXIT_ALL_SOURCES_FAILED = 3  # a crawl that collected nothing because every source failed
EXIT_STORAGE_FAILED = 4  # a crawl stopped because pages could not be stored (a full disk)
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), like a shell
EXIT_TERMINATED = 143  # SIGTERM (128 + SIGTERM)


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM: stop now, with the matching exit code (see main)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


class _sigterm_as_interrupt:  # noqa: N801 - used as a context manager, like contextlib's
    """SIGTERM stops the command the way Ctrl-C does (unwinding, so files are closed and servers stopped)."""

    def __enter__(self) -> None:
        import signal

        def stop(signum: int, _frame: Any) -> None:
            raise Interrupted(signum)

        self.previous = signal.signal(signal.SIGTERM, stop)

    def __exit__(self, *exc: Any) -> None:
        import signal

        signal.signal(signal.SIGTERM, self.previous)


def _exit_if_stopped(stats: Any) -> None:
    """A crawl stopped by Ctrl-C or SIGTERM ends the command with one line and exit code 130 or 143."""
    import signal

    if stats.interrupted:
        if stats.signal == signal.SIGTERM:
            raise Interrupted(signal.SIGTERM)
        raise Interrupted(signal.SIGINT)


# -- crawl ---------------------------------------------------------------------------------------------

def _load_sources(archive: Any, sources_file: Path | None, only: tuple[str, ...], defaults: bool) -> list[Any]:
    from crawler.sources import SourcesError, default_sources, load_sources

    try:
        if sources_file is not None:
            sources = load_sources(sources_file)
        else:
            sources = default_sources() if defaults else []
            if archive.sources_file.exists():
                mine = load_sources(archive.sources_file)
                ids = {s.id for s in mine}
                sources = [s for s in sources if s.id not in ids] + mine
    except SourcesError as exc:
        raise UserError(str(exc)) from None
    if only:
        unknown = sorted(set(only) - {s.id for s in sources})
        if unknown:
            raise UserError(f"unknown source id {unknown[0]!r} (see `optout sources list`)")
        sources = [s for s in sources if s.id in only]
    return sources


def _run_crawl(archive: Any, sources: list[Any], refresh: bool, max_articles: int | None,
               settings: dict[str, Any] | None = None) -> Any:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from crawler.runner import run_crawl

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=_stderr(), transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("crawling", total=None)

        def update(stats: Any) -> None:
            progress.update(task, description=(
                f"crawling {len(sources)} source(s): {stats.total('discovered')} found, {stats.total('fetched')} fetched, "
                f"{stats.total('new')} new, {stats.total('updated')} updated, {stats.total('failed')} failed"))

        stats = run_crawl(sources, archive, refresh=refresh, max_articles=max_articles, settings=settings,
                          on_progress=update)
    from search_cli.output import table

    table("crawl summary", ["source", "discovered", "skipped", "fetched", "new", "updated", "failed"],
          [[s.id, *(stats.row(s.id)[k] for k in ("discovered", "skipped", "fetched", "new", "updated", "failed"))]
           for s in sources])
    failures = [(s, u, r) for s, items in stats.reasons.items() for u, r in items]
    for source, url, reason in failures[:10]:
        click.echo(f"  failed: {source}: {url}: {reason}", err=True)
    if len(failures) > 10:
        click.echo(f"  ... and {len(failures) - 10} more (optout sources status)", err=True)
    return stats


def _stderr() -> Any:
    from search_cli.output import console

    return console(err=True)


@cli.command()
@click.option("--sources", "sources_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Sources file to crawl instead of the defaults and your added sources.")
@click.option("--source", "only", multiple=True, help="Crawl only this source id (repeatable).")
@click.option("--refresh", is_flag=True, help="Fetch articles again even if already archived.")
@click.option("--max-articles", type=click.IntRange(1, None), help="At most this many new articles per source.")
@click.option("--no-defaults", is_flag=True, help="Leave out the packaged default sources.")
@click.option("--timeout", type=click.FloatRange(1, 600), help="Seconds to wait for one response (default 30).")
@click.pass_context
def crawl(ctx: click.Context, sources_file: Path | None, only: tuple[str, ...], refresh: bool,
          max_articles: int | None, no_defaults: bool, timeout: float | None) -> None:
    """Collect articles from sources into the archive (raw captures in WARC, documents in SQLite).

    Without --sources: the packaged default sources plus those added with `optout sources add`.
    Already archived articles are not fetched again (unless --refresh); an interrupted crawl resumes.

    \b
    Exit codes: 0 the crawl ran (some sources may have failed: see `optout sources status`),
    2 bad options or sources file, 3 every source failed (nothing was collected), 4 storage failed
    (a full disk: the crawl stops after a few pages it cannot store),
    130 stopped by Ctrl-C (143 by SIGTERM): what was archived stays; run again for the rest.
    """
    archive = _archive(ctx)
    sources = _load_sources(archive, sources_file, only, defaults=not no_defaults)
    if not sources:
        raise UserError("no sources to crawl (add one with `optout sources add URL`)")
    settings = {"DOWNLOAD_TIMEOUT": timeout} if timeout else None
    from archive.errors import ArchiveError

    try:
        with _sigterm_as_interrupt():
            stats = _run_crawl(archive, sources, refresh, max_articles, settings)
    except ArchiveError as exc:  # another crawl holds the data dir, or storage failed
        _fail(exc)
    _exit_if_stopped(stats)
    if stats.storage_error:
        click.echo(f"crawl stopped: pages could not be stored ({stats.storage_error}); what was archived before "
                   "stays. Free some space (or fix the data dir) and run the crawl again.", err=True)
        sys.exit(EXIT_STORAGE_FAILED)
    if stats.all_failed([s.id for s in sources]):
        click.echo(f"crawl failed: every source failed ({stats.total('failed')} failures; see above and "
                   f"`optout sources status`)", err=True)
        sys.exit(EXIT_ALL_SOURCES_FAILED)
    click.echo(f"{stats.total('new')} new and {stats.total('updated')} updated documents; "
               f"run `optout index` to make them searchable.")


# -- index ---------------------------------------------------------------------------------------------

def _run_index(archive: Any, rebuild: bool, wait: float = 0.0) -> Any:
    from indexer.build import build_index
    from indexer.engine import IndexBusy

    with _progress_bar() as update:
        try:
            report = build_index(archive, rebuild=rebuild, timeout=wait, progress=update)
        except IndexBusy as exc:
            raise click.ClickException(str(exc)) from None
    kept = f", {report.kept} kept their tags (the gazetteer edit cannot change them)" if report.kept else ""
    click.echo(f"{'rebuilt' if report.rebuilt else 'updated'} the index: {report.tagged} tagged, "
               f"{report.indexed} indexed, {report.total} documents in the archive{kept}")
    return report


@cli.command()
@click.option("--rebuild", is_flag=True, help="Re-tag every document and rebuild the index from the archive.")
@click.option("--wait", type=click.FloatRange(0, 3600), default=0.0,
              help="Seconds to wait if another process is writing the index.")
@click.pass_context
def index(ctx: click.Context, rebuild: bool, wait: float) -> None:
    """Tag new and changed documents (organizations, states, tests, quotes) and update the search index.

    After a gazetteer edit, only the documents that name an entry the edit changed (an organization,
    person, city, state or test; for a state's own test program, also that state's documents on "state
    tests") are tagged again, and those whose annotations changed are rewritten in the index. --rebuild
    builds the index anew from the archive (re-tagging everything).
    """
    archive = _archive(ctx)
    if rebuild:  # listing and home pages archived before they were detected leave the index now
        from crawler.listing import recheck_archive

        checked, marked = recheck_archive(archive)
        if marked:
            click.echo(f"{marked} of {checked} documents checked are listing or home pages: kept, not searchable")
    _run_index(archive, rebuild, wait)


# -- search --------------------------------------------------------------------------------------------

DATES_HELP = ('2015, "March 2015", "spring 2015", 2015-16 (school year, July to June), "last spring", '
              '"2 years ago", "2014 to 2016"')

_filter_options = [
    click.option("--org", "orgs", multiple=True,
                 help="Mentions this organization (name or alias), repeatable. See --by for who published."),
    click.option("--by", "by", multiple=True,
                 help="Published by this organization's own sources (quotes: said by its people), repeatable."),
    click.option("--state", "states", multiple=True, help="State (code or name), repeatable."),
    click.option("--test", "tests", multiple=True, help="Test (name or alias), repeatable."),
    click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS),
                 help="Document kind, repeatable."),
    click.option("--source", "sources", multiple=True, help="Source id, repeatable."),
    click.option("--position", "positions", multiple=True, type=click.Choice(POSITIONS),
                 help="Position toward opting out (quotes; statements for documents), repeatable."),
    click.option("--since", help=f"Published on or after the start of: {DATES_HELP}."),
    click.option("--until", help="Published on or before the end of (same forms as --since)."),
    click.option("--during", help='Published within ("spring 2015", "2015-16", "last spring").'),
    click.option("--sort", type=click.Choice(["relevance", "date", "-date"]), default="relevance", show_default=True,
                 help="relevance, date (oldest first) or -date (newest first)."),
    click.option("--limit", type=int, default=10, show_default=True, help="Results per page."),
    click.option("--page", type=int, default=1, show_default=True, help="Page of results (see the summary line)."),
    click.option("--with-total", is_flag=True,
                 help="With --format json: an object {total, page, pages, limit, sort, dates, hits} instead of "
                      "the array of hits."),
]


def filter_options(func: Any) -> Any:
    for option in reversed(_filter_options):
        func = option(func)
    return func


def _short_lived(ctx: click.Context) -> None:
    """Mark a command that only reads and prints. Run as the `optout` process (from main()), it then works with
    the cyclic garbage collector off and the process ends as soon as its output is written: a search allocates
    a few hundred thousand objects that the collector would walk again and again (it finds no garbage to
    speak of: reference counting frees what a search drops), and the interpreter's orderly shutdown, freeing
    every module, adds as much again. Together that was a sixth of a search's time at 20,000 documents. In a
    test's process (CliRunner, no main()) nothing changes."""
    obj = ctx.find_root().obj
    if obj.get(_PROCESS):
        gc.disable()
        obj[_FAST_EXIT] = True


def _searcher(ctx: click.Context) -> Any:
    from indexer.searching import Searcher

    _short_lived(ctx)
    archive = _archive(ctx)
    searcher = Searcher(archive)
    # Only existence is checked here: opening both indexes to test their health costs a full extra open;
    # a damaged index surfaces as IndexMissing when the search opens it (see _query_error).
    if not searcher.index.exists():
        if archive.catalog.count() == 0:
            raise click.ClickException("the archive is empty: run `optout crawl` then `optout index`, "
                                       "or `optout demo` to try the sample web")
        raise click.ClickException("no search index yet: run `optout index`")
    return searcher


def _query_error(exc: Exception) -> None:
    from indexer.engine import IndexMissing
    from indexer.querylang import QueryError

    if isinstance(exc, QueryError):
        raise UserError(str(exc)) from None
    if isinstance(exc, IndexMissing):
        raise click.ClickException(str(exc)) from None
    raise exc


def _check_with_total(with_total: bool, fmt: str) -> None:
    if with_total and fmt != "json":
        raise UserError("--with-total needs --format json")


@cli.command()
@click.argument("query", nargs=-1)
@filter_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--no-fold", is_flag=True, help="Show near-duplicates (the same text from several outlets) separately.")
@click.pass_context
def search(ctx: click.Context, query: tuple[str, ...], orgs: tuple[str, ...], by: tuple[str, ...],
           states: tuple[str, ...], tests: tuple[str, ...], kinds: tuple[str, ...], sources: tuple[str, ...],
           positions: tuple[str, ...], since: str | None, until: str | None, during: str | None, sort: str,
           limit: int, page: int, with_total: bool, fmt: str, no_fold: bool) -> None:
    """Search documents. QUERY is free text with AND, OR, NOT (or -word), +word, parentheses, "phrases"
    and the fields org: (mentions), by: (published by), state:, test:, kind:, source:, speaker:, title:,
    year:. Words side by side are alternatives ranked by how many match; fields, NOT and +word side by side
    are required; the matched set is exactly what the query says.

    \b
    optout search did the NEA support teachers refusing to give tests
    optout search 'NYSUT AND (PARCC OR "state tests") NOT kind:news'
    optout search --by NYSUT --kind statement --sort date
    optout search boycott --during "spring 2015" --page 2
    """
    _check_with_total(with_total, fmt)
    searcher = _searcher(ctx)
    try:
        filters = searcher.filters(orgs=orgs, by=by, states=states, tests=tests, kinds=kinds, sources=sources,
                                   positions=positions, since=since, until=until, during=during)
        # Facets and spelling suggestions are only printed in tables: JSON/CSV output skips their cost.
        results = searcher.search(" ".join(query), filters, sort=sort, limit=limit, page=page, fold=not no_fold,
                                  facets=fmt == "table", suggest=fmt == "table")
    except Exception as exc:  # noqa: BLE001 - library errors become messages
        _query_error(exc)
    _print_hits(results, fmt, sort=sort, with_total=with_total)


def _print_hits(results: Any, fmt: str, sort: str = "relevance", with_total: bool = False) -> None:
    from search_cli.output import dump, print_hits_table, print_notes

    print_notes(results.notes)
    rows = [h.to_dict() for h in results.hits]
    if fmt != "table":
        dump(results.envelope(rows, sort) if with_total else rows, fmt,
             ["id", "published", "source", "kind", "title", "url", "score", "organizations", "states", "tests",
              "snippet"])
        return
    print_hits_table(results)


@cli.command()
@click.argument("query", nargs=-1)
@click.option("--speaker", "speakers", multiple=True, help="Speaker name, surname or given name, repeatable.")
@filter_options
@click.option("--cite", type=click.Choice(CITE_STYLES),
              help="Print a citation of each quote's document (APA 7, MLA 9, Chicago 17 bibliography or note).")
@click.option("--format", "fmt", type=click.Choice([*FORMATS, *REF_FORMATS]), default="table", show_default=True,
              help="csl-json, bibtex and ris: the quoted documents for Zotero and other reference managers.")
@click.pass_context
def quotes(ctx: click.Context, query: tuple[str, ...], speakers: tuple[str, ...], orgs: tuple[str, ...],
           by: tuple[str, ...], states: tuple[str, ...], tests: tuple[str, ...], kinds: tuple[str, ...],
           sources: tuple[str, ...], positions: tuple[str, ...], since: str | None, until: str | None,
           during: str | None, sort: str, limit: int, page: int, with_total: bool, cite: str | None,
           fmt: str) -> None:
    """Search quotes: who said what, where and when. --by matches the speaker's organization, --org the
    organizations the quoting document mentions; QUERY works as in `optout search` (speaker:, by:, org: ...)."""
    _check_with_total(with_total, fmt)
    searcher = _searcher(ctx)
    try:
        filters = searcher.filters(orgs=orgs, by=by, states=states, tests=tests, kinds=kinds, sources=sources,
                                   positions=positions, since=since, until=until, during=during,
                                   speakers=speakers)
        results = searcher.quotes(" ".join(query), filters, sort=sort, limit=limit, page=page)
    except Exception as exc:  # noqa: BLE001
        _query_error(exc)
    _print_quotes(results, fmt, cite, searcher.archive, sort=sort, with_total=with_total)


def _print_quotes(results: Any, fmt: str, cite: str | None, archive: Any = None, sort: str = "relevance",
                  with_total: bool = False) -> None:
    from search_cli import refs
    from search_cli.output import dump, print_notes, print_quotes_table

    if fmt in REF_FORMATS:
        refs.write_quote_references(archive, results.hits, fmt)
        return
    print_notes(results.notes)
    cites = refs.quote_citations(archive, results.hits, cite) if cite else []
    rows = [h.to_dict() | ({"citation": cites[i]} if cite else {}) for i, h in enumerate(results.hits)]
    if fmt != "table":
        dump(results.envelope(rows, sort) if with_total else rows, fmt,
             ["text", "speaker", "speaker_role", "speaker_org", "position", "published", "title", "url", "doc_id",
              *(["citation"] if cite else [])])
        return
    print_quotes_table(results, rows if cite else None)


def _source_organizations(archive: Any) -> list[str]:
    """Organizations the configured sources (packaged and added) speak for, crawled yet or not."""
    try:
        return [s.organization for s in _load_sources(archive, None, (), defaults=True) if s.organization]
    except click.ClickException:
        return []  # a broken sources file is reported by the commands that crawl


@cli.command()
@click.argument("name")
@click.option("--since", help=f"From the start of: {DATES_HELP}.")
@click.option("--until", help="Up to the end of (same forms).")
@click.option("--limit", type=click.IntRange(1, 5000), default=200, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def org(ctx: click.Context, name: str, since: str | None, until: str | None, limit: int, fmt: str) -> None:
    """An organization's position over time: its own statements and its people's quotes, by date,
    with counts per year. NAME is a name or alias (NYSUT, "New York State United Teachers"), or any
    organization a source or speaker in the archive declares."""
    import json

    from indexer.aliases import Resolver
    from indexer.dates import DateError, resolve_range
    from indexer.querylang import QueryError
    from indexer.timeline import timeline

    _short_lived(ctx)
    archive = _archive(ctx)
    try:
        declared = [*archive.catalog.declared_organizations(), *_source_organizations(archive)]
        canonical = Resolver(declared=declared).resolve("org", name)
        span = resolve_range(since, until)
    except (QueryError, DateError) as exc:
        raise UserError(str(exc)) from None
    start = span.start.isoformat() if span.start else None
    end = span.end.isoformat() if span.end else None
    result = timeline(archive, canonical, start, end, limit)
    if fmt == "json":
        click.echo(json.dumps({"organization": canonical, "per_year": result.per_year, "positions": result.positions,
                               "strongest": {y: e.to_dict() for y, e in result.strongest.items()},
                               "entries": [e.to_dict() for e in result.entries]}, ensure_ascii=False, indent=1))
        return
    if not result.entries:
        click.echo(f"nothing archived from or quoting {canonical} yet")
        return
    from search_cli.output import table

    table(f"{canonical}: statements and quotes by year", ["year", "statements", "quotes"],
          [[y, c.get("statement", 0), c.get("quote", 0)] for y, c in result.per_year.items()])
    _print_positions(canonical, result)
    table(None, ["date", "what", "who", "words", "source"],
          [[e.date or "", e.kind, ", ".join(filter(None, [e.speaker, e.speaker_role])) or canonical,
            e.text[:240], f"{e.title}\n{e.url}"] for e in result.entries])
    if span.start or span.end:
        click.echo(f"dates: {span.describe()}")


_POSITION_STYLE = {"supports": ("green", "+"), "opposes": ("red", "-"), "neutral": ("yellow", "="),
                   "none": ("dim", "."), "unscored": ("dim", "?")}


def _position_counts(counts: dict[str, int]) -> str:
    return " ".join(f"{k} {counts[k]}" for k in _POSITION_STYLE if counts.get(k)) or "-"


def _position_bar(counts: dict[str, int]) -> Any:
    from rich.text import Text

    bar = Text()
    for label, (style, mark) in _POSITION_STYLE.items():
        bar.append("█" * min(counts.get(label, 0), 40) if label != "unscored" else mark * min(counts.get(label, 0), 40),
                   style=style)
    return bar


def _print_positions(canonical: str, result: Any) -> None:
    """Positions per year: counts for statements and quotes, a bar chart, the strongest quote of the year."""
    from rich.table import Table

    from search_cli.output import console

    chart = Table(title=f"{canonical}: positions toward opting out, by year", title_justify="left")
    for column in ("year", "statements", "people's quotes", "chart", "strongest"):
        chart.add_column(column, overflow="fold")
    for year, kinds in result.positions.items():
        both = {k: kinds["statement"].get(k, 0) + kinds["quote"].get(k, 0) for k in _POSITION_STYLE}
        best = result.strongest.get(year)
        strongest = (f"{best.position} ({best.confidence:.2f}): “{best.text[:160]}” "
                     f"{best.speaker or canonical}" if best else "")
        chart.add_row(year, _position_counts(kinds["statement"]), _position_counts(kinds["quote"]),
                      _position_bar(both), strongest)
    console().print(chart)
    click.echo("chart: █ green supports, red opposes, yellow neutral, dim none")


# -- show / export / import / extract -------------------------------------------------------------------

@cli.command()
@click.argument("id_or_url")
@click.option("--raw", is_flag=True, help="Print the archived HTML exactly as captured.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def show(ctx: click.Context, id_or_url: str, raw: bool, fmt: str) -> None:
    """Show one document: text, tags, quotes and capture history (or --raw, the archived page)."""
    import json

    _short_lived(ctx)
    archive = _archive(ctx)
    try:
        doc = archive.get(id_or_url)
        if raw:
            response = archive.raw(doc.id)
            sys.stdout.buffer.write(response.body)
            return
        captures = archive.captures(doc.id)
    except Exception as exc:  # noqa: BLE001
        _fail(exc)
    if fmt == "json":
        data = doc.export_dict() | {"captures": [
            {"url": c.url, "status": c.status, "captured_at": c.captured_at, "warc_file": c.warc_file,
             "warc_offset": c.warc_offset, "sha1": c.sha1, "origin": c.origin, "origin_type": c.origin_type}
            for c in captures]}
        data["position_evidence"] = doc.position_evidence
        for row, q in zip(data["quotes"], doc.quotes, strict=True):
            row["position_evidence"] = q.position_evidence
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    click.echo(f"{doc.title or '(untitled)'}\n{doc.url}")
    click.echo(f"id {doc.id} · source {doc.source} · {doc.kind} · published {doc.published or 'unknown'} · "
               f"by {', '.join(doc.authors) or 'unknown'} · language {doc.language or '?'}")
    if doc.near_duplicate_of:
        click.echo(f"near-duplicate of {doc.near_duplicate_of}")
    click.echo(f"organizations: {', '.join(doc.organizations) or '-'}\nstates: {', '.join(doc.states) or '-'}\n"
               f"tests: {', '.join(doc.tests) or '-'}")
    if doc.kind == "statement":
        click.echo(f"position: {_evidence_line(doc.position, doc.position_evidence)}")
    click.echo("\n" + doc.text + "\n")
    if doc.quotes:
        click.echo("quotes:")
        for q in doc.quotes:
            who = ", ".join(filter(None, [q.speaker, q.speaker_role, q.speaker_org])) or "unattributed"
            click.echo(f"  “{q.text}” ({who})")
            click.echo(f"    position: {_evidence_line(q.position, q.position_evidence)}")
    click.echo("captures:")
    for c in captures:
        click.echo(f"  {c.captured_at}  HTTP {c.status}  {c.url}  [{c.warc_file}@{c.warc_offset}]")
        if c.origin:  # not fetched live: where the copy was read (a Wayback capture, an imported WARC)
            click.echo(f"    via {'the Wayback Machine' if c.origin_type == 'wayback' else 'an imported WARC'}: {c.origin}")
    if not captures:
        click.echo("  none (imported)")


def _evidence_line(position: str | None, evidence: dict[str, Any] | None) -> str:
    """"supports (0.80) · cues: ... · negated: ... · about: ..." or "not computed (run optout index)"."""
    if position is None:
        return "not computed (run `optout index`)"
    ev = evidence or {}
    parts = [f"{position} ({float(ev.get('confidence', 0)):.2f})"]
    for key, name in (("cues", "cues"), ("negated", "negated"), ("targets", "about"), ("notes", "")):
        if ev.get(key):
            parts.append((f"{name}: " if name else "") + ", ".join(str(x) for x in ev[key][:5]))
    return " · ".join(parts)


EVIDENCE_FORMATS = ("wacz", "warc")  # archive/evidence.py: the captures themselves, to replay elsewhere


@cli.command()
@click.argument("out", required=False, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["jsonl", *REF_FORMATS, *EVIDENCE_FORMATS]), default="jsonl",
              show_default=True, help="jsonl: documents with tags and quotes; csl-json, bibtex, ris: references "
              "for Zotero and others; wacz, warc: the archived captures, to replay in ReplayWeb.page.")
@click.option("--select", "select", metavar="QUERY_OR_IDS",
              help="wacz and warc: the documents to export, a comma list of ids or a search query (default all).")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-", help="File to write (default stdout).")
@click.pass_context
def export(ctx: click.Context, out: str | None, fmt: str, select: str | None, output: Any) -> None:
    """Export every document with its tags and quotes, one JSON object per line (or as references), or
    the chosen documents' captures as evidence: `optout export --format wacz --select ID,ID OUT.wacz`."""
    if fmt in EVIDENCE_FORMATS:
        # -o FILE is opened lazily, so naming it creates nothing; stdout cannot take a zip.
        name = getattr(output, "name", None)
        named = name if isinstance(name, str) and name != "-" and not name.startswith("<") else None
        _export_evidence(ctx, fmt, select, out or named)
        return
    if select:
        raise UserError("--select works with --format wacz or warc")
    archive = _archive(ctx)
    if out:
        output = click.open_file(out, "w", encoding="utf-8", lazy=True)
    if fmt in REF_FORMATS:
        from search_cli.refs import export_references

        n = export_references(archive, fmt, output)
    else:
        try:
            n = archive.export_jsonl(output)
        except Exception as exc:  # noqa: BLE001 - damaged documents: one line naming them, exit 1
            _fail(exc)
    if out:
        output.close()
    if output is not sys.stdout:
        click.echo(f"exported {n} documents", err=True)


def _export_evidence(ctx: click.Context, fmt: str, select: str | None, out: str | None) -> None:
    """WACZ or WARC of the selected documents' captures (ids: every one must exist; else a search query)."""
    from archive.evidence import check_ids, export_evidence, looks_like_ids, parse_ids

    if not out:
        raise UserError(f"--format {fmt} needs a file to write: optout export --format {fmt} OUT.{fmt}")
    archive = _archive(ctx)
    try:
        if select is None or not select.strip():
            ids = None
        elif looks_like_ids(select):
            ids = check_ids(archive, parse_ids(select))
        else:
            from indexer.selection import select_ids

            try:
                ids = select_ids(archive, select)
            except Exception as exc:  # noqa: BLE001 - a bad query or no index: one line
                _query_error(exc)
            if not ids:
                raise UserError(f"no document matches {select!r}: nothing was exported")
        report = export_evidence(archive, ids, out, fmt)
    except click.ClickException:
        raise
    except Exception as exc:  # noqa: BLE001 - unknown ids, damaged captures: one line, nothing written
        _fail(exc)
    skipped = f"; {len(report.without_captures)} imported document(s) without captures left out" \
        if report.without_captures else ""
    click.echo(f"exported {report.captures} captures of {report.documents} documents ({report.records} WARC "
               f"records, {report.bytes} bytes) to {out}{skipped}", err=True)


@cli.command()
@click.option("--repair", is_flag=True,
              help="Re-derive damaged documents from their captures, let the next crawl fetch damaged captures "
                   "again, and rebuild the index.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def verify(ctx: click.Context, repair: bool, fmt: str) -> None:
    """Check that the archive is what was captured: every capture against its WARC record (length, sha1),
    every document against its content hash, and the catalog file (SQLite's integrity check).

    \b
    Exit codes: 0 nothing is damaged (or everything damaged was repaired), 1 damage remains.
    """
    import json as _json

    from archive.verify import verify as verify_archive

    archive = _archive(ctx)
    with _progress_bar() as update:
        report = verify_archive(archive, progress=update)
    remaining = list(report.damage)
    repaired = None
    if repair and report.damage:
        from crawler.repair import repair as repair_archive

        repaired = repair_archive(archive, report)
        fixed = set(repaired.rederived)
        remaining = [d for d in report.damage if not (d.what == "document" and d.id in fixed)]
        _run_index(archive, rebuild=True)
    if fmt == "json":
        click.echo(_json.dumps({"captures": report.captures, "documents": report.documents,
                                "damage": [d.__dict__ for d in report.damage],
                                "rederived": repaired.rederived if repaired else [],
                                "refetch_next_crawl": repaired.refetch if repaired else 0}, indent=1))
    else:
        click.echo(f"checked {report.captures} captures and {report.documents} documents: "
                   f"{len(report.damage) or 'nothing'} damaged")
        for d in report.damage[:50]:
            click.echo(f"  {d.what} {d.id} {d.url}: {d.reason}")
        if len(report.damage) > 50:
            click.echo(f"  ... and {len(report.damage) - 50} more (--format json lists all)")
        if repaired:
            click.echo(f"repaired: {len(repaired.rederived)} document(s) re-derived from their captures; "
                       f"{repaired.refetch} damaged capture(s) will be fetched again by the next `optout crawl`")
    if remaining:  # damaged captures stay damaged until a crawl has fetched them again
        sys.exit(1)


@contextmanager
def _progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=_stderr(),
                  transient=True, disable=not sys.stderr.isatty()) as progress:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done)

        yield update


@cli.command(name="import")
@click.argument("file", type=click.File("r", encoding="utf-8"), default="-")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.pass_context
def import_(ctx: click.Context, file: Any, fmt: str) -> None:
    """Import documents from an `optout export` file (all or nothing), then run `optout index`."""
    archive = _archive(ctx)
    try:
        n = archive.import_jsonl(file, name=getattr(file, "name", "<stdin>"))
    except Exception as exc:  # noqa: BLE001
        _fail(exc)
    click.echo(f"imported {n} documents; run `optout index` to make them searchable")


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl"]), default="jsonl", show_default=True)
@click.option("--kind", type=click.Choice(KINDS), default=None)
def extract(inputs: tuple[str, ...], fmt: str, kind: str | None) -> None:
    """Extract pages (files or URLs) without archiving them: title, date, authors, text.
    One object per input, in order; an input that cannot be read gives an object with "error".
    Exit code 1 when every input failed (the reasons go to stderr). URLs obey robots.txt."""
    import json

    from crawler.extract_many import extract_inputs

    rows = extract_inputs(list(inputs), kind)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    if rows and all("error" in r for r in rows):
        for row in rows[:5]:
            click.echo(f"error: {row['input']}: {row['error']}", err=True)
        if len(rows) > 5:
            click.echo(f"error: ... and {len(rows) - 5} more inputs", err=True)
        click.echo(f"nothing extracted: every input ({len(rows)}) failed", err=True)
        sys.exit(1)


# -- sources -------------------------------------------------------------------------------------------

@cli.group()
def sources() -> None:
    """List, add, check and monitor sources."""


@sources.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def sources_list(ctx: click.Context, fmt: str) -> None:
    """The packaged default sources and the ones you added."""
    import json

    archive = _archive(ctx)
    srcs = _load_sources(archive, None, (), defaults=True)
    mine = set()
    if archive.sources_file.exists():
        from crawler.sources import load_sources

        mine = {s.id for s in load_sources(archive.sources_file)}
    if fmt == "json":
        click.echo(json.dumps([s.__dict__ | {"added": s.id in mine} for s in srcs], indent=1))
        return
    from search_cli.output import table

    table(f"{len(srcs)} sources", ["id", "name", "kind", "organization", "where"],
          [[s.id, s.name, s.kind or "(by page)", s.organization or "",
            ", ".join([*s.feeds, *s.sitemaps, *s.pages] or [f"{s.homepage} (discovered at crawl time)"])]
           for s in srcs])


@sources.command("add")
@click.argument("url")
@click.option("--id", "source_id", help="Id for the source (default: from the site name).")
@click.option("--kind", type=click.Choice(KINDS), default=None,
              help="Kind of all its documents (default: each page says what it is).")
@click.option("--name", help="Display name (default: the site's title).")
@click.option("--organization", help="Organization the source speaks for (canonical name, e.g. CTU).")
@click.pass_context
def sources_add(ctx: click.Context, url: str, source_id: str | None, kind: str | None, name: str | None,
                organization: str | None) -> None:
    """Find a site's feeds and sitemaps from its homepage and add it to your sources file.

    URL may be a bare host (example.org: https is assumed). The source is named after the site's own
    name (og:site_name, else its <title>); a homepage, feed or sitemap that a source already has is refused.
    """
    from crawler.discover_site import DiscoveryError, discover_source
    from crawler.sources import SourcesError, append_source

    archive = _archive(ctx)
    existing = _load_sources(archive, None, (), defaults=True)
    try:
        source, report = discover_source(url, source_id=source_id, kind=kind, name=name, organization=organization,
                                         existing=existing)
        for line in report:
            click.echo(line)
        append_source(archive.sources_file, source)
    except (DiscoveryError, SourcesError) as exc:
        raise UserError(str(exc)) from None
    click.echo(f"added source {source.id!r} ({source.name}) to {archive.sources_file}")


@sources.command("remove")
@click.argument("source_id")
@click.pass_context
def sources_remove(ctx: click.Context, source_id: str) -> None:
    """Remove a source you added from your sources file (what it archived stays in the archive)."""
    from crawler.sources import SourcesError, default_sources, remove_source

    archive = _archive(ctx)
    try:
        removed = remove_source(archive.sources_file, source_id)
    except SourcesError as exc:
        if source_id in {s.id for s in default_sources()}:
            raise UserError(f"{source_id!r} is a packaged default source, not one you added "
                            f"(leave defaults out with `optout crawl --no-defaults`)") from None
        raise UserError(str(exc)) from None
    click.echo(f"removed source {removed.id!r} ({removed.name}) from {archive.sources_file}")


@sources.command("check")
@click.argument("source_id")
@click.option("--sample", type=click.IntRange(1, 20), default=3, show_default=True, help="Articles to extract.")
@click.pass_context
def sources_check(ctx: click.Context, source_id: str, sample: int) -> None:
    """Dry run: how many article URLs each feed, sitemap and listing page yields, and how the first few extract."""
    from crawler.discover_site import DiscoveryError, check_source

    archive = _archive(ctx)
    srcs = _load_sources(archive, None, (source_id,), defaults=True)
    try:
        for line in check_source(srcs[0], sample=sample):
            click.echo(line)
    except DiscoveryError as exc:
        raise click.ClickException(str(exc)) from None


@sources.command("status")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def sources_status(ctx: click.Context, fmt: str) -> None:
    """Each source's health: last successful crawl, documents, recent failures and their reasons."""
    archive = _archive(ctx)
    rows = archive.catalog.source_status()
    if fmt == "json":
        import json

        click.echo(json.dumps([{
            "id": r["id"], "last_success": r["last_success"], "last_attempt": r["last_attempt"],
            "documents": r["documents"], "failures": r["failures"],
            "recent_failures": [{"at": f["at"], "url": f["url"], "reason": f["reason"]}
                                for f in archive.catalog.failures(r["id"], limit=5)],
        } for r in rows], indent=1))
        return
    if not rows:
        click.echo("no crawls yet: run `optout crawl`")
        return
    from search_cli.output import table

    table("sources", ["source", "last success", "last attempt", "documents", "failures"],
          [[r["id"], r["last_success"] or "never", r["last_attempt"] or "", r["documents"], r["failures"]] for r in rows])
    for r in rows:
        recent = archive.catalog.failures(r["id"], limit=5)
        for f in recent:
            click.echo(f"  {r['id']}: {f['at']}  {f['reason']}  {f['url']}")


# -- history: backfill from the Wayback Machine, import WARC files ---------------------------------------

@cli.command()
@click.argument("source_id")
@click.option("--from", "since", help="Earliest capture: a year (2013), year-month (2015-03) or date (default: the "
                                      "source's wayback table, else the earliest).")
@click.option("--to", "until", help="Latest capture, the same forms.")
@click.option("--sources", "sources_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Sources file to read SOURCE_ID from instead of the defaults and your added sources.")
@click.option("--delay", type=click.FloatRange(0, 600), help="Seconds between requests to the Archive (default 1; "
                                                             "$OPTOUT_WAYBACK_DELAY).")
@click.option("--max-captures", type=click.IntRange(1, None), help="Fetch at most this many captures; run again for more.")
@click.option("--per-url", type=click.IntRange(1, 100), help="Captures kept per article URL in the range (default 1).")
@click.option("--wayback-url", help="The Wayback Machine's address (default $OPTOUT_WAYBACK_URL, else https://web.archive.org).")
@click.option("--restart", is_flag=True, help="Start the CDX queries from the beginning instead of the stored cursor.")
@click.pass_context
def backfill(ctx: click.Context, source_id: str, since: str | None, until: str | None, sources_file: Path | None,
             delay: float | None, max_captures: int | None, per_url: int | None, wayback_url: str | None,
             restart: bool) -> None:
    """Fill a source's past from the Wayback Machine: its captured articles, archived with their original URL,
    capture time and Wayback address. An interrupted backfill goes on where it stopped.

    \b
    Exit codes: 0 the backfill ran (some captures may be unusable: see the summary), 1 an error, 2 bad
    options, sources file or unknown source, 3 the Wayback Machine could not be queried at all, 4 storage
    failed, 130 stopped by Ctrl-C (143 by SIGTERM): what was archived stays; run again for the rest.
    """
    from crawler.sources import wayback_date
    from crawler.wayback import WaybackError, options_for

    dates = {}
    for name, value in (("--from", since), ("--to", until)):
        if value is not None and wayback_date(value) is None:
            raise UserError(f"{name} {value!r}: give a year (2013), year-month (2015-03) or date (2015-03-31)")
        dates[name] = wayback_date(value) if value is not None else None
    if dates["--from"] and dates["--to"] and dates["--from"][:len(dates["--to"])] > dates["--to"]:
        raise UserError(f"--to {until} is before --from {since}")
    archive = _archive(ctx)
    source = _load_sources(archive, sources_file, (source_id,), defaults=True)[0]
    try:
        opts = options_for(source, dates["--from"], dates["--to"], wayback_url, delay, per_url=per_url,
                           max_captures=max_captures, restart=restart or None)
    except WaybackError as exc:
        raise UserError(str(exc)) from None
    with _sigterm_as_interrupt():
        report = _run_backfill(archive, source, opts)
    _backfill_summary(report)
    if report.storage_error:
        click.echo(f"backfill stopped: captures could not be stored ({report.storage_error}); what was archived "
                   "stays. Free some space and run it again.", err=True)
        sys.exit(EXIT_STORAGE_FAILED)
    if report.queries and report.queries_failed == report.queries:
        click.echo("backfill failed: the Wayback Machine could not be queried (see above)", err=True)
        sys.exit(EXIT_ALL_SOURCES_FAILED)


def _run_backfill(archive: Any, source: Any, opts: Any) -> Any:
    from archive.errors import ArchiveError
    from crawler.wayback import run_backfill

    with _spinner() as show:
        def update(report: Any) -> None:
            c = report.counts
            show(f"backfill {source.id}: {c['listed']} captures listed, {report.archived} archived "
                 f"({c['new']} new), {c['unusable'] + c['failed']} unusable")

        try:
            return run_backfill(source, archive, opts, progress=update)
        except ArchiveError as exc:
            _fail(exc)


def _backfill_summary(report: Any) -> None:
    from search_cli.output import table

    labels = {"listed": "CDX rows listed", "feeds read": "feed captures read", "sitemaps read": "sitemap captures read",
              "not articles": "not article URLs", "other captures": "other captures of a URL kept",
              "archived before": "archived before", "new": "new documents", "updated": "updated documents",
              "unchanged": "unchanged documents", "captured": "captures only (listing, PDF, older copy)",
              "unusable": "unusable", "failed": "failed"}
    table(f"backfill summary: {report.source}", ["what", "captures"],
          [[label, report.counts[k]] for k, label in labels.items()])
    for where, reason in report.reasons[:10]:
        click.echo(f"  {where}: {reason}", err=True)
    if len(report.reasons) > 10:
        click.echo(f"  ... and {len(report.reasons) - 10} more", err=True)
    if report.resumed:
        click.echo(f"went on from where the last backfill stopped ({report.resumed} quer{'y' if report.resumed == 1 else 'ies'})")
    if report.limited:
        click.echo("stopped at --max-captures: run the backfill again for the rest")
    click.echo(f"{report.counts['new']} new and {report.counts['updated']} updated documents, "
               f"{report.archived} captures archived ({report.requests} requests to the Wayback Machine); "
               "run `optout index` to make them searchable.")


@cli.command(name="import-warc")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True, path_type=Path))
@click.option("--source", "source_id", help="Give every record this source (default: the source whose sites the URL is on).")
@click.option("--sources", "sources_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Sources file to match URLs against instead of the defaults and your added sources.")
@click.pass_context
def import_warc(ctx: click.Context, files: tuple[Path, ...], source_id: str | None, sources_file: Path | None) -> None:
    """Import WARC files (.warc or .warc.gz, from Webrecorder, Archive-It, ArchiveBox, Heritrix, ...): every HTML
    or PDF response becomes a capture and, where it is an article, a document. Importing twice adds nothing.

    \b
    Exit codes: 0 imported (records it could not use are counted in the summary), 1 a file is not a WARC
    (nothing is imported) or another error, 2 bad options, 4 storage failed.
    """
    from crawler.warcimport import WarcImportError, import_warcs

    archive = _archive(ctx)
    sources = _load_sources(archive, sources_file, (), defaults=True)
    forced = None
    if source_id:
        forced = next((s for s in sources if s.id == source_id), None)
        if forced is None:
            raise UserError(f"unknown source id {source_id!r} (see `optout sources list`)")
    with _spinner() as update, _sigterm_as_interrupt():
        try:
            report = import_warcs(list(files), archive, sources, forced, progress=lambda r: update(
                f"importing: {r.records} records read, {r.archived} captures archived, "
                f"{sum(r.unusable.values())} unusable"))
        except WarcImportError as exc:
            raise click.ClickException(f"{exc} (nothing was imported)") from None
        except Exception as exc:  # noqa: BLE001 - the archive's own errors: one line
            _fail(exc)
    _import_summary(report)
    if report.storage_error:
        click.echo(f"import stopped: records could not be stored ({report.storage_error}); what was archived "
                   "stays. Free some space and run it again (what is archived is not imported twice).", err=True)
        sys.exit(EXIT_STORAGE_FAILED)


@contextmanager
def _spinner() -> Iterator[Callable[[str], None]]:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=_stderr(),
                  transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("", total=None)
        yield lambda text: progress.update(task, description=text)


def _import_summary(report: Any) -> None:
    from search_cli.output import table

    rows = [["files", report.files], ["records read", report.records], *sorted(report.counts.items()),
            ["not imported", sum(report.unusable.values())]]
    table("import summary", ["what", "records"], [list(r) for r in rows])
    if report.unusable:
        click.echo(f"{sum(report.unusable.values())} record(s) not imported:", err=True)
        for reason, n in report.unusable.most_common(15):
            click.echo(f"  {n}  {reason}", err=True)
    for path, problem in report.file_problems:
        click.echo(f"  {path}: {problem}", err=True)
    click.echo(f"{report.counts['new']} new and {report.counts['updated']} updated documents, {report.archived} captures "
               f"archived; run `optout index` to make them searchable.")


def main() -> None:
    """Entry point: library errors become one-line messages, never tracebacks; Ctrl-C exits 130."""
    obj: dict[str, Any] = {_PROCESS: True}
    try:
        code = cli.main(prog_name="optout", standalone_mode=False, obj=obj)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (click.Abort, KeyboardInterrupt) as exc:
        _interrupted(exc)
    except BrokenPipeError:
        # The reader went away (`optout search ... | head`): stop quietly, as click's standalone mode does.
        from click.utils import PacifyFlushWrapper

        sys.stdout = PacifyFlushWrapper(sys.stdout)  # type: ignore[assignment]
        sys.stderr = PacifyFlushWrapper(sys.stderr)  # type: ignore[assignment]
        sys.exit(1)
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - last resort: one line, not a traceback
        if os.environ.get("OPTOUT_DEBUG"):
            raise
        click.echo(f"error: {type(exc).__name__}: {exc}".splitlines()[0], err=True)
        sys.exit(1)
    code = code if isinstance(code, int) else 0
    if obj.get(_FAST_EXIT):
        _fast_exit(code)
    sys.exit(code)


def _fast_exit(code: int) -> None:
    """End a read-only command's process once its output is out (see _short_lived): nothing of it is left to
    save, and the OS closes its files. Output that cannot be written (a reader that went away, a full disk)
    makes it exit 1, as in main(): a full disk with a one-line message."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = code or 1
    except OSError as exc:
        code = 1
        with suppress(OSError):
            sys.stderr.write(f"error: the output could not be written: {exc}\n")
    with suppress(OSError):
        sys.stderr.flush()
    os._exit(code)


def _interrupted(exc: BaseException) -> None:
    """Ctrl-C (or SIGTERM): one line and exit code 130 (143); click turns Ctrl-C into Abort."""
    import signal

    cause = exc.__cause__ if isinstance(exc, click.Abort) else exc
    if getattr(cause, "signum", None) == signal.SIGTERM:
        click.echo("stopped (SIGTERM)", err=True)
        sys.exit(EXIT_TERMINATED)
    if isinstance(exc, click.Abort) and not isinstance(cause, KeyboardInterrupt):
        click.echo("Aborted!", err=True)
        sys.exit(1)
    click.echo("interrupted (Ctrl-C): what was archived stays; run the command again to go on", err=True)
    sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    main()
