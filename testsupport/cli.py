"""Running `optout`: in this process through click's CliRunner (fast), or as a fresh process where a
fresh process is the point (a crawl, whose Twisted reactor runs once per process; signals; startup)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# What every run sees: wide tables, no user data dir leaking in from the environment.
_ENV = {"COLUMNS": "200"}


@dataclass
class Run:
    """The outcome of one `optout` run, the same shape for both ways of running it."""

    returncode: int
    stdout: str
    stderr: str


def _args(args: tuple[str, ...], data_dir: Path | None) -> list[str]:
    return (["--data-dir", str(data_dir)] if data_dir is not None else []) + list(args)


def run_optout(*args: str, data_dir: Path | None = None, input: str | None = None, timeout: float = 180,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real `optout` command in a fresh process."""
    full_env = {**os.environ, "PYTHONWARNINGS": "ignore", **_ENV, **(env or {})}
    full_env.pop("OPTOUT_HOME", None)
    return subprocess.run([sys.executable, "-m", "search_cli.cli", *_args(args, data_dir)], capture_output=True,
                          text=True, timeout=timeout, input=input, env=full_env)


def popen_optout(*args: str, data_dir: Path | None = None) -> subprocess.Popen[str]:
    """Start `optout` in a fresh process without waiting for it (to signal it, or to race it)."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore", **_ENV}
    env.pop("OPTOUT_HOME", None)
    return subprocess.Popen([sys.executable, "-m", "search_cli.cli", *_args(args, data_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _forget_robots() -> None:
    """A fresh process remembers no robots.txt: nor does a run in this one (a port a stopped test server
    used may be another server's now)."""
    fetch = sys.modules.get("crawler.fetch")
    if fetch is not None:
        fetch._robots.clear()


def invoke(*args: str, data_dir: Path | None = None, input: str | None = None,
           env: dict[str, str] | None = None) -> Run:
    """Run `optout` in this process, as `main()` would: an exception that escapes a command becomes the
    same one-line "error: ..." and exit code 1 (130 for Ctrl-C) that the installed command prints."""
    from click.testing import CliRunner

    from search_cli.cli import cli

    _forget_robots()
    runner = CliRunner()
    result = runner.invoke(cli, _args(args, data_dir), input=input, prog_name="optout", catch_exceptions=True,
                           env={"OPTOUT_HOME": None, **_ENV, **(env or {})})  # type: ignore[dict-item]
    code, stderr = result.exit_code, result.stderr
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        if isinstance(exc, KeyboardInterrupt):
            code, stderr = 130, stderr + "interrupted\n"
        else:
            code, stderr = 1, stderr + f"error: {type(exc).__name__}: {exc}".splitlines()[0] + "\n"
    return Run(code, result.stdout, stderr)
