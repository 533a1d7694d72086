"""Shared fixtures: the sample web on loopback, a crawled and indexed sample archive, CLI runners."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run_optout(*args: str, data_dir: Path | None = None, input: str | None = None, timeout: float = 180,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real `optout` command in a fresh process (Scrapy's reactor runs once per process)."""
    cmd = [sys.executable, "-m", "search_cli.cli"]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    full_env = {**os.environ, "PYTHONWARNINGS": "ignore", "COLUMNS": "200", **(env or {})}
    full_env.pop("OPTOUT_HOME", None)
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=timeout, input=input, env=full_env)


@pytest.fixture(scope="session")
def sample_web():
    """The bundled sample web served on a free loopback port: (base URL, sources TOML text)."""
    from crawler.sample import serve_sample_web

    server, sources = serve_sample_web()
    yield f"http://127.0.0.1:{server.server_address[1]}", sources
    server.shutdown()


@pytest.fixture(scope="session")
def sample_expected() -> dict:
    return json.loads((FIXTURES / "sample_web_expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def sample_archive(sample_web, tmp_path_factory) -> Path:
    """A data directory holding the sample web, crawled with the real spider and indexed."""
    base, sources = sample_web
    work = tmp_path_factory.mktemp("sample-archive")
    (work / "sources.toml").write_text(sources, encoding="utf-8")
    data = work / "data"
    crawl = run_optout("crawl", "--sources", str(work / "sources.toml"), data_dir=data)
    assert crawl.returncode == 0, crawl.stderr
    index = run_optout("index", data_dir=data)
    assert index.returncode == 0, index.stderr
    return data
