"""Shared fixtures: the sample web on loopback, a crawled and indexed sample archive, CLI runners."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from testsupport.cli import invoke, run_optout
from testsupport.forked import fork_optout

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
__all__ = ["FIXTURES", "ROOT", "run_optout"]  # run_optout: imported from here by older test modules


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
    """A data directory holding the sample web, crawled with the real spider (a fresh process) and indexed.
    Shared by the whole session: a test that changes it works on a copy (shutil.copytree to tmp_path)."""
    base, sources = sample_web
    work = tmp_path_factory.mktemp("sample-archive")
    (work / "sources.toml").write_text(sources, encoding="utf-8")
    data = work / "data"
    # A fresh process (Scrapy's reactor runs once per process); loopback answers at once, so no throttle.
    crawl = fork_optout("crawl", "--sources", str(work / "sources.toml"), data_dir=data,
                       env={"OPTOUT_THROTTLE_START": "0.05"})
    assert crawl.returncode == 0, crawl.stderr
    index = invoke("index", data_dir=data)
    assert index.returncode == 0, index.stderr
    return data
