"""Read-only commands run as the `optout` process end as soon as their output is out (the collector off, no
orderly shutdown: see search_cli.cli._short_lived); their output and exit codes are those of a normal run,
and nothing changes for commands that write or for click run inside another process."""

import gc
import json
import os
import subprocess
import sys

import pytest

from search_cli import cli as cli_module
from testsupport.cli import invoke, run_optout


class _Exited(Exception):
    def __init__(self, code: int):
        self.code = code


@pytest.fixture
def no_exit(monkeypatch):
    """main() with os._exit caught: the code it would end the process with, the collector as it left it."""
    def fake_exit(code: int) -> None:
        raise _Exited(code)

    monkeypatch.setattr(os, "_exit", fake_exit)
    yield
    gc.enable()


def _main(monkeypatch, *args: str) -> tuple[str, int | None]:
    """Run main() with ``args``: ("os._exit" or "sys.exit", the code)."""
    monkeypatch.setattr(sys, "argv", ["optout", *args])
    try:
        cli_module.main()
    except _Exited as done:
        return "os._exit", done.code
    except SystemExit as done:
        return "sys.exit", done.code
    raise AssertionError("main() returned without exiting")


def test_a_search_from_main_ends_through_os_exit_with_the_collector_off(sample_archive, monkeypatch, no_exit,
                                                                          capsys):
    assert _main(monkeypatch, "--data-dir", str(sample_archive), "search", "opt", "out", "--format", "json") \
        == ("os._exit", 0)
    assert not gc.isenabled()
    assert json.loads(capsys.readouterr().out)  # the hits were written before the exit


def test_commands_that_write_or_fail_exit_normally(sample_archive, tmp_path, monkeypatch, no_exit, capsys):
    # `sources list` reads only, but is not marked: it takes the ordinary way out, collector on.
    assert _main(monkeypatch, "--data-dir", str(tmp_path / "data"), "sources", "list") == ("sys.exit", 0)
    assert gc.isenabled()
    # A failed read-only command exits through the ordinary error path, with its code.
    assert _main(monkeypatch, "--data-dir", str(sample_archive), "show", "no-such-document") == ("sys.exit", 1)
    assert "no document" in capsys.readouterr().err


def test_click_inside_another_process_keeps_its_collector(sample_archive):
    # Tests and the web app run the commands through click, not main(): nothing is switched off there.
    result = invoke("search", "opt out", data_dir=sample_archive)
    assert result.returncode == 0 and "NYSUT" in result.stdout
    assert gc.isenabled()


@pytest.mark.parametrize("args", [("search", "opt out"), ("search", "opt out", "--format", "json"),
                                  ("quotes", "refuse"), ("org", "NYSUT")])
def test_a_fresh_process_prints_what_click_prints(sample_archive, args):
    fresh = run_optout(*args, data_dir=sample_archive)
    inside = invoke(*args, data_dir=sample_archive)
    assert fresh.returncode == inside.returncode == 0, fresh.stderr
    assert fresh.stdout == inside.stdout and fresh.stdout.strip()


def _fresh(data, stdout, *args: str) -> subprocess.CompletedProcess[str]:
    """`optout --data-dir DATA ARGS` as a fresh process writing its output to ``stdout`` (a file or descriptor)."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    env.pop("OPTOUT_HOME", None)
    return subprocess.run([sys.executable, "-m", "search_cli.cli", "--data-dir", str(data), *args], stdout=stdout,
                          stderr=subprocess.PIPE, text=True, timeout=120, env=env)


def test_a_reader_that_went_away_gives_exit_1_and_no_traceback(sample_archive):
    read, write = os.pipe()
    os.close(read)  # nobody will read: the first write fails with EPIPE
    try:
        done = _fresh(sample_archive, write, "search", "opt out")
    finally:
        os.close(write)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr


def test_output_that_cannot_be_written_gives_exit_1_and_one_line(monkeypatch, no_exit, capsys):
    class Full:
        def flush(self):
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(sys, "stdout", Full())
    try:
        cli_module._fast_exit(0)
    except _Exited as done:
        assert done.code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: the output could not be written:") and err.count("\n") == 1


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (Linux)")
def test_a_full_disk_under_show_raw_gives_exit_1_and_no_traceback(sample_archive):
    # --raw writes the archived bytes straight to the buffer: what the buffer still holds is written on the
    # way out, the rest at once; either way one line says why, and the exit code is 1.
    hits = json.loads(invoke("search", "opt out", "--format", "json", data_dir=sample_archive).stdout)
    with open("/dev/full", "wb") as full:
        done = _fresh(sample_archive, full, "show", hits[0]["id"], "--raw")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "No space left" in done.stderr and done.stderr.count("\n") == 1
