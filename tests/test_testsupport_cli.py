"""testsupport.cli.invoke runs `optout` in process the way the installed command runs: same output, same
exit codes, and an escaped exception becomes main()'s one-line error."""

import json

import click

from testsupport.cli import invoke, run_optout


def test_in_process_and_fresh_process_agree(sample_archive):
    args = ("search", "opt out", "--format", "json")
    inside, outside = invoke(*args, data_dir=sample_archive), run_optout(*args, data_dir=sample_archive)
    assert inside.returncode == outside.returncode == 0, (inside.stderr, outside.stderr)
    assert json.loads(inside.stdout) == json.loads(outside.stdout)
    bad = ("search", "x", "--limit", "-5")
    inside, outside = invoke(*bad, data_dir=sample_archive), run_optout(*bad, data_dir=sample_archive)
    assert inside.returncode == outside.returncode == 2
    assert inside.stderr == outside.stderr


def test_an_escaped_exception_is_one_line_like_main(monkeypatch, tmp_path):
    from search_cli import cli as cli_module

    def broken(ctx: click.Context):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(cli_module, "_archive", broken)
    result = invoke("export", data_dir=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == "error: RuntimeError: boom"


def test_environment_is_isolated(monkeypatch, tmp_path):
    # $OPTOUT_HOME of the person running the tests never leaks into a test: without --data-dir the
    # platform's data folder is used (here redirected into tmp_path).
    monkeypatch.setenv("OPTOUT_HOME", str(tmp_path / "not-this"))
    result = invoke("export", env={"XDG_DATA_HOME": str(tmp_path / "xdg")})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "xdg" / "optout-archive" / "archive.sqlite3").exists()
    assert not (tmp_path / "not-this").exists()
