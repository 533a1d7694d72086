"""Exit codes scripts and cron jobs rely on, with real processes where signals are the point: 0 for a crawl
that ran, 3 when every source failed, 130 on Ctrl-C and 143 on SIGTERM (a crawl, `demo --keep-serving`, an
early Ctrl-C while Scrapy starts), each with a one-line message and no traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import run_optout
from testsupport.faultserver import FaultServer, closed_port, make_article, page, rss

FAST = {"OPTOUT_RETRY_BACKOFF": "0.05", "OPTOUT_THROTTLE_START": "0.05"}


def _start(*args: str, data: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "PYTHONUNBUFFERED": "1", **FAST}
    env.pop("OPTOUT_HOME", None)
    return subprocess.Popen([sys.executable, "-m", "search_cli.cli", "--data-dir", str(data), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)


def _wait_for_line(proc: subprocess.Popen[str], words: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if words in line:
            return
        assert line or proc.poll() is None, f"ended before printing {words!r}"
    raise AssertionError(f"{words!r} not printed in time")


def _stop(proc: subprocess.Popen[str], how: int) -> tuple[int, str]:
    proc.send_signal(how)
    try:
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode, err


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert "Traceback" not in err and "Unhandled error" not in err, err
    return lines[-1]


def test_crawl_where_every_source_fails_exits_3(tmp_path):
    server = FaultServer()
    with server:
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[sources]]\nid = "gone"\nname = "Gone"\nfeeds = ["{server.url("/no-such-feed.xml")}"]\n\n'
            f'[[sources]]\nid = "refused"\nname = "Refused"\nfeeds = ["http://127.0.0.1:{closed_port()}/feed.xml"]\n',
            encoding="utf-8")
        result = run_optout("crawl", "--sources", str(sources), "--timeout", "2", data_dir=tmp_path / "d", env=FAST)
    assert result.returncode == 3, (result.stdout, result.stderr)
    assert "every source failed" in _one_line(result.stderr)
    assert "run `optout index`" not in result.stdout


def test_crawl_help_documents_the_exit_codes():
    result = run_optout("crawl", "--help")
    assert result.returncode == 0
    assert "3 every source failed" in " ".join(result.stdout.split())
    assert "130" in result.stdout


@pytest.mark.parametrize("how, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["ctrl-c", "sigterm"])
def test_signal_stops_a_crawl_cleanly(tmp_path, how, code):
    server = FaultServer()
    paths = [f"/s/{i}.html" for i in range(30)]
    for i, path in enumerate(paths):
        server.routes[path] = page(make_article(900 + i, path).html(server.base), delay=0.2)
    server.routes["/feed.xml"] = page(rss("Slow", [server.url(p) for p in paths], server.base + "/"),
                                      "application/rss+xml")
    with server:
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[[sources]]\nid = "slow"\nname = "Slow"\nfeeds = ["{server.url("/feed.xml")}"]\n',
                           encoding="utf-8")
        proc = _start("crawl", "--sources", str(sources), data=tmp_path / "d")
        deadline = time.monotonic() + 60
        while sum(server.count(p) for p in paths) < 3:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no article fetched in time"
            time.sleep(0.05)
        returncode, err = _stop(proc, how)
    assert returncode == code, err
    last = _one_line(err)
    assert ("Ctrl-C" if how == signal.SIGINT else "SIGTERM") in last
    assert sum(server.count(p) for p in paths) < len(paths)  # it did stop before the end


@pytest.mark.parametrize("how, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["ctrl-c", "sigterm"])
def test_signal_stops_demo_keep_serving(tmp_path, how, code):
    proc = _start("demo", "--keep-serving", data=tmp_path / "d")
    _wait_for_line(proc, "Serving until Ctrl-C")
    returncode, err = _stop(proc, how)
    assert returncode == code, err
    _one_line(err)


def test_early_ctrl_c_in_the_demo_stops_it_without_tracebacks(tmp_path):
    proc = _start("demo", data=tmp_path / "d")
    _wait_for_line(proc, "Serving the sample web")  # printed just before the crawl starts
    returncode, err = _stop(proc, signal.SIGINT)
    assert returncode == 130, err
    assert "Ctrl-C" in _one_line(err)


def test_extract_fails_when_every_input_fails_and_says_why(tmp_path):
    result = run_optout("extract", str(tmp_path / "missing.html"), "ftp://example.org/x.html")
    assert result.returncode == 1
    assert "missing.html" in result.stderr and "ftp://" in result.stderr
    assert "every input (2) failed" in _one_line(result.stderr)
    good = tmp_path / "good.html"
    good.write_text("<html><body><article><h1>A title</h1><p>Some words of text here.</p></article></body></html>",
                    encoding="utf-8")
    mixed = run_optout("extract", str(good), str(tmp_path / "missing.html"))
    assert mixed.returncode == 0, mixed.stderr


def test_usage_errors_exit_2_and_nothing_matched_exits_0(tmp_path):
    assert run_optout("crawl", "--max-articles", "0", data_dir=tmp_path / "d").returncode == 2
    assert run_optout("sources", "remove", data_dir=tmp_path / "d").returncode == 2
    empty = run_optout("sources", "status", "--format", "json", data_dir=tmp_path / "d")
    assert empty.returncode == 0 and empty.stdout.strip() == "[]"
