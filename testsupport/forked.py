"""`optout` in a fresh process forked from a warm parent: for crawls in tests.

A crawl needs a process of its own (Twisted's reactor starts once per process), but most of a small
crawl's second goes to importing Scrapy, Twisted and trafilatura. A fork server
(testsupport/forkserver.py) imports those libraries once per test process; each run is a child forked
from it that takes its arguments, environment, directory and output files, then runs
`search_cli.cli.main()` as the installed command does: its own reactor, its own signal handlers, its exit
code, the project's modules imported afresh.

What a child shares with the others is the interpreter start and the third-party imports, nothing else.
Where the start of the process is the point (signals during startup, the installed command's exit codes),
use `run_optout` / `popen_optout` from testsupport.cli instead.
"""

from __future__ import annotations

import atexit
import itertools
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from testsupport.cli import _ENV, _args

ROOT = Path(__file__).resolve().parent.parent


class _Server:
    """The fork server of this process, started on first use; a thread reads its replies."""

    def __init__(self) -> None:
        env = {**os.environ, "PYTHONWARNINGS": "ignore"}
        self.proc = subprocess.Popen([sys.executable, "-m", "testsupport.forkserver"], cwd=ROOT, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
        assert self.proc.stdout is not None
        ready = self.proc.stdout.readline()
        if not ready:
            raise RuntimeError("the fork server did not start (run `python -m testsupport.forkserver` to see why)")
        self.lock = threading.Lock()
        self.ids = itertools.count(1)
        self.pids: dict[int, int] = {}  # request id -> pid
        self.statuses: dict[int, int] = {}  # pid -> wait status
        self.maxrss_kb: dict[int, int] = {}  # pid -> peak resident memory
        self.changed = threading.Condition(self.lock)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            message = json.loads(line)
            with self.changed:
                if "status" in message:
                    self.statuses[message["pid"]] = message["status"]
                    self.maxrss_kb[message["pid"]] = message["maxrss_kb"]
                else:
                    self.pids[message["id"]] = message["pid"]
                self.changed.notify_all()
        with self.changed:  # the server is gone: nothing more will end
            self.statuses.setdefault(-1, 0)
            self.changed.notify_all()

    def start(self, request: dict) -> int:
        assert self.proc.stdin is not None
        with self.changed:
            request_id = request["id"] = next(self.ids)
            self.proc.stdin.write((json.dumps(request) + "\n").encode())
            if not self.changed.wait_for(lambda: request_id in self.pids or -1 in self.statuses, timeout=60):
                raise RuntimeError("the fork server did not answer")
            if request_id not in self.pids:
                raise RuntimeError("the fork server ended")
            return self.pids.pop(request_id)

    def wait(self, pid: int, timeout: float | None) -> int | None:
        """The wait status of ``pid`` once it ends (None if ``timeout`` passes first)."""
        with self.changed:
            self.changed.wait_for(lambda: pid in self.statuses or -1 in self.statuses, timeout=timeout)
            if pid not in self.statuses and -1 in self.statuses:
                raise RuntimeError("the fork server ended before its child")
            return self.statuses.get(pid)

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


_server: _Server | None = None
_server_lock = threading.Lock()


def _the_server() -> _Server:
    global _server
    with _server_lock:
        if _server is None or _server.proc.poll() is not None:
            _server = _Server()
            atexit.register(_server.close)
        return _server


class ForkedOptout:
    """A running `optout` child, with the parts of subprocess.Popen that tests use."""

    def __init__(self, args: list[str], env: dict[str, str], input: str | None = None):
        self.args = args
        self._dir = tempfile.TemporaryDirectory(prefix="optout-forked-")
        files = {name: os.path.join(self._dir.name, name) for name in ("stdin", "stdout", "stderr")}
        if input is None:
            files["stdin"] = None  # type: ignore[assignment]
        else:
            Path(files["stdin"]).write_text(input, encoding="utf-8")
        self._files = files
        self._server = _the_server()
        self.pid = self._server.start({"argv": args, "env": env, "cwd": os.getcwd(), **files})
        self.returncode: int | None = None
        self.peak_mb: float | None = None  # the child's peak resident memory, once it has ended

    def _status(self, timeout: float | None) -> int | None:
        if self.returncode is None:
            status = self._server.wait(self.pid, timeout)
            if status is not None:
                self.returncode = os.waitstatus_to_exitcode(status)  # -N when signal N ended it, as Popen says
                self.peak_mb = self._server.maxrss_kb.pop(self.pid, 0) / 1024
        return self.returncode

    def poll(self) -> int | None:
        return self._status(0)

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def wait(self, timeout: float | None = None) -> int:
        code = self._status(timeout)
        if code is None:
            raise subprocess.TimeoutExpired(self.args, timeout or 0)
        return code

    def communicate(self, timeout: float | None = None) -> tuple[str, str]:
        """Wait for the end; the whole stdout and stderr."""
        self.wait(timeout)
        out = Path(self._files["stdout"]).read_text(encoding="utf-8", errors="replace")
        err = Path(self._files["stderr"]).read_text(encoding="utf-8", errors="replace")
        self._dir.cleanup()
        return out, err


def _env(env: dict[str, str] | None) -> dict[str, str]:
    full = {**os.environ, "PYTHONWARNINGS": "ignore", **_ENV, **(env or {})}
    full.pop("OPTOUT_HOME", None)
    return full


def start_forked_optout(*args: str, data_dir: Path | None = None,
                        env: dict[str, str] | None = None) -> ForkedOptout:
    """Start `optout ARGS` in a forked child without waiting for it (to signal it, or to race it)."""
    return ForkedOptout(_args(args, data_dir), _env(env))


def fork_optout(*args: str, data_dir: Path | None = None, input: str | None = None, timeout: float = 180,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `optout ARGS` in a forked child and wait: what `run_optout` gives, without the imports' second.
    The result also has ``peak_mb``: the child's peak resident memory (the preloaded libraries included)."""
    child = ForkedOptout(_args(args, data_dir), _env(env), input=input)
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait(10)
        raise
    result = subprocess.CompletedProcess(child.args, child.returncode, out, err)
    result.peak_mb = child.peak_mb  # type: ignore[attr-defined]
    return result
