"""A read-only archive (a newsroom's shared copy) serves every read command; writes fail with one line."""

from __future__ import annotations

import json
import os

import pytest

import archive.store
from archive import Archive
from testsupport.cli import invoke

HEADERS = [("Content-Type", "text/html; charset=utf-8")]
TEXT = " ".join(["The Lakeview Teachers Association urged families to weigh refusing the PARCC exam this spring."] * 5)


@pytest.fixture
def shared(tmp_path, monkeypatch):
    data = tmp_path / "data"
    with Archive(data) as a:
        a.record_page(source="t", url="http://127.0.0.1/a.html", status=200, body=b"<html><p>x</p></html>",
                      response_headers=HEADERS, extracted={"title": "Refusal season", "text": TEXT}, kind="news")
    assert invoke("index", data_dir=data).returncode == 0
    real_access = os.access
    # Tests run as root in CI, where chmod does not stop writes: present the directory as read-only instead.
    monkeypatch.setattr(archive.store.os, "access",
                        lambda p, mode: False if mode & os.W_OK and str(p).startswith(str(data)) else real_access(p, mode))
    return data


def test_read_commands_work_on_a_read_only_archive(shared):
    with Archive(shared) as a:
        assert a.read_only
    export = invoke("export", data_dir=shared)
    assert export.returncode == 0, export.stderr
    (doc,) = [json.loads(x) for x in export.stdout.splitlines()]
    assert doc["title"] == "Refusal season"
    show = invoke("show", doc["id"], data_dir=shared)
    assert show.returncode == 0 and "Refusal season" in show.stdout
    search = invoke("search", "PARCC", "--format", "json", data_dir=shared)
    assert search.returncode == 0, search.stderr
    assert [h["id"] for h in json.loads(search.stdout)] == [doc["id"]]


def test_writes_to_a_read_only_archive_fail_in_one_line(shared, tmp_path):
    line = tmp_path / "one.jsonl"
    line.write_text(json.dumps({"id": "abc", "url": "http://127.0.0.1/b.html", "text": "Some words here."}) + "\n")
    run = invoke("import", str(line), data_dir=shared)
    assert run.returncode == 1
    assert "read-only" in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
