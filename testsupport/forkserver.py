"""The fork server behind testsupport/forked.py: imports a crawl's libraries once, then forks one child
per request, each of which becomes `optout ARGS` (run as ``python -m testsupport.forkserver``).

Protocol, one JSON object per line. On stdin, requests: ``{"id", "argv", "env", "cwd", "stdin",
"stdout", "stderr"}`` (the last three are file paths; stdin may be null). On stdout, replies:
``{"id", "pid"}`` once the child is forked, ``{"pid", "status", "maxrss_kb"}`` when it has ended (its
wait status and peak resident memory, as os.wait4 gives them). The server ends when its stdin closes, killing the children still running.

The project's own modules are imported here to pull in what they import, then dropped from
sys.modules, so that each child imports them afresh (crawler/settings.py reads the environment on
import). The libraries Scrapy loads by name when a crawl starts (default middlewares, extensions,
download handlers) are imported from its default settings. No Twisted reactor is installed here:
each child's crawl installs its own, as a fresh process does.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import json
import os
import select
import signal
import sys
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OWN_PACKAGES = ("archive", "crawler", "indexer", "search_cli")
LIBRARIES = ("scrapy.crawler", "scrapy.core.engine", "scrapy.core.scraper", "trafilatura", "htmldate", "dateparser",
             "feedparser", "warcio", "lxml.html", "bs4", "protego", "py3langid", "rich.progress", "rich.table",
             "rich.console", "click", "nameparser", "defusedxml", "importlib.metadata", "sqlite3",
             "twisted.internet.asyncioreactor")


def preload() -> None:
    """Import what a crawl imports, leaving out the project's own modules and any reactor."""
    from scrapy.settings import default_settings
    from scrapy.utils.misc import load_object

    paths: list[object] = [path for name in ("DOWNLOADER_MIDDLEWARES_BASE", "SPIDER_MIDDLEWARES_BASE", "EXTENSIONS_BASE")
                           for path in getattr(default_settings, name)]  # {path: order}
    paths += list(default_settings.DOWNLOAD_HANDLERS_BASE.values())  # {scheme: path}
    paths += [getattr(default_settings, name, None) for name in (
        "SCHEDULER", "DUPEFILTER_CLASS", "STATS_CLASS", "SCHEDULER_PRIORITY_QUEUE", "SCHEDULER_MEMORY_QUEUE",
        "SCHEDULER_DISK_QUEUE", "DOWNLOADER", "SPIDER_LOADER_CLASS", "REQUEST_FINGERPRINTER_CLASS",
        "ROBOTSTXT_PARSER", "DNS_RESOLVER", "LOG_FORMATTER")]
    for path in paths:
        if isinstance(path, str):
            try:
                load_object(path)
            except Exception:  # noqa: BLE001 - an optional component (boto, brotli ...) is not installed
                pass
    for module in LIBRARIES:
        try:
            importlib.import_module(module)
        except ImportError:
            pass
    import search_cli.cli  # noqa: F401 - and a crawl's own modules, for what they import:
    from crawler import extensions, extract, middlewares, pipelines, runner, spider  # noqa: F401

    for name in [m for m in sys.modules if m.split(".")[0] in OWN_PACKAGES]:
        del sys.modules[name]
    if "twisted.internet.reactor" in sys.modules:
        raise RuntimeError("a Twisted reactor was installed in the fork server; each child must install its own")


def become_optout(request: dict) -> int:
    """In the forked child: `optout ARGV` with the request's environment, directory and files; its exit code.
    Ends the way an interpreter does: non-daemon threads joined, atexit handlers run, streams flushed."""
    import atexit
    import threading
    import traceback

    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    files = [(0, request["stdin"] or os.devnull, os.O_RDONLY),
             (1, request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
             (2, request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)]
    for fd, path, flags in files:
        opened = os.open(path, flags, 0o600)
        os.dup2(opened, fd)
        os.close(opened)
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - the process's own streams
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
    sys.argv = ["optout", *request["argv"]]
    warnings.resetwarnings()
    if request["env"].get("PYTHONWARNINGS") == "ignore":
        warnings.simplefilter("ignore")
    code = 0
    try:
        from search_cli.cli import main

        main()
    except SystemExit as exc:
        if isinstance(exc.code, int):
            code = exc.code
        elif exc.code is not None:
            print(exc.code, file=sys.stderr)
            code = 1
    except BaseException:  # noqa: BLE001 - as the interpreter reports an uncaught exception
        traceback.print_exc()
        code = 1
    finally:
        threading._shutdown()  # type: ignore[attr-defined]
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except OSError:
                pass
    return code & 0xFF


def _reply(message: dict) -> None:
    os.write(1, (json.dumps(message) + "\n").encode())


def serve() -> None:
    """Read requests until stdin closes; fork a child for each; report each child's pid and end."""
    children: set[int] = set()
    pending = b""
    while True:
        readable, _, _ = select.select([0], [], [], 0.02)
        if readable:
            chunk = os.read(0, 65536)
            if not chunk:
                break
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                request = json.loads(line)
                pid = os.fork()
                if pid == 0:
                    code = 1
                    try:
                        code = become_optout(request)
                    finally:
                        os._exit(code)
                children.add(pid)
                _reply({"id": request["id"], "pid": pid})
        for pid in list(children):
            done, status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                children.discard(pid)
                _reply({"pid": pid, "status": status, "maxrss_kb": usage.ru_maxrss})
    for pid in children:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


class _CompiledOnce(importlib.machinery.SourceFileLoader):
    """Loads the project's modules from source, as usual, but compiles each file once for all children
    (with PYTHONDONTWRITEBYTECODE set there are no .pyc files, and every child would compile them all).
    The module code still runs in each child; a changed file is compiled again."""

    code: dict[tuple[str, int, int], object] = {}

    def get_code(self, fullname: str):  # type: ignore[no-untyped-def]
        path = self.get_filename(fullname)
        stat = os.stat(path)
        key = (path, stat.st_mtime_ns, stat.st_size)
        if key not in self.code:
            self.code[key] = super().get_code(fullname)
        return self.code[key]


class _OwnModules(importlib.abc.MetaPathFinder):
    """Finds the project's modules as the path finder does, loading them with _CompiledOnce."""

    def find_spec(self, fullname, path=None, target=None):  # type: ignore[no-untyped-def]
        if fullname.split(".")[0] not in OWN_PACKAGES:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is not None and isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            spec.loader = _CompiledOnce(spec.loader.name, spec.loader.path)
        return spec


def main() -> None:
    # The repository first, as for `python -m search_cli.cli` started there; absolute, since children chdir.
    sys.path[:] = [ROOT] + [p for p in sys.path if p not in ("", ROOT)]
    sys.meta_path.insert(0, _OwnModules())
    warnings.simplefilter("ignore")  # imports as under PYTHONWARNINGS=ignore; each child sets its own
    preload()
    _reply({"ready": True})
    serve()


if __name__ == "__main__":
    main()
