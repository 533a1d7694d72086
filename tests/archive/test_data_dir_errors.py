"""A bad $OPTOUT_HOME is named as such, not as --data-dir (issue 16, "also")."""

from __future__ import annotations

from testsupport.cli import invoke


def test_optout_home_pointing_at_a_file_is_named(tmp_path):
    not_a_dir = tmp_path / "home"
    not_a_dir.write_text("x")
    run = invoke("sources", "list", env={"OPTOUT_HOME": str(not_a_dir)})
    assert run.returncode == 1
    assert "(from $OPTOUT_HOME) exists and is not a directory" in run.stderr
    assert "--data-dir" not in run.stderr


def test_optout_home_is_used_when_no_data_dir_is_given(tmp_path):
    home = tmp_path / "archive-home"
    run = invoke("sources", "list", env={"OPTOUT_HOME": str(home)})
    assert run.returncode == 0, run.stderr
    assert (home / "archive.sqlite3").exists()
