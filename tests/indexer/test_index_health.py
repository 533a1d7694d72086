"""A partly damaged index fails the health check and `optout index` rebuilds it (issue 16, item 6)."""

from __future__ import annotations

import json
import random
import shutil

from indexer.engine import open_backend
from testsupport.cli import invoke


def _damage(index_dir, fraction=0.25):
    trm = max(index_dir.glob("documents/*.trm"), key=lambda p: p.stat().st_size)
    data = bytearray(trm.read_bytes())
    start, n = len(data) // 3, int(len(data) * fraction)
    data[start:start + n] = random.Random(7).randbytes(n)
    trm.write_bytes(bytes(data))


def test_a_damaged_term_file_fails_the_check_and_is_rebuilt(sample_archive, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(sample_archive, data)
    before = json.loads(invoke("search", "parents", "--format", "json", "--with-total", data_dir=data).stdout)["total"]
    assert open_backend(data / "index").healthy()
    _damage(data / "index")
    assert not open_backend(data / "index").healthy()
    run = invoke("index", data_dir=data)
    assert run.returncode == 0 and "rebuilt the index" in run.stdout
    assert open_backend(data / "index").healthy()
    after = json.loads(invoke("search", "parents", "--format", "json", "--with-total", data_dir=data).stdout)["total"]
    assert after == before


def test_a_killed_rebuilds_leftovers_are_removed_by_the_next_index_run(sample_archive, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(sample_archive, data)
    leftover = data / "index.building" / "documents"
    leftover.mkdir(parents=True)
    (leftover / "MAIN_half.seg").write_bytes(b"\0" * 100)
    run = invoke("index", data_dir=data)
    assert run.returncode == 0 and "updated the index" in run.stdout
    assert not (data / "index.building").exists()
