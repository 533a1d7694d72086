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


def test_an_index_unchanged_since_a_run_is_not_read_again(sample_archive, tmp_path, monkeypatch):
    """The full read is skipped when no index file changed since the last run ended; a changed file (damage
    rewrites it) is read again."""
    from archive import Archive
    from indexer import build
    from indexer.whoosh_backend import WhooshBackend

    data = tmp_path / "data"
    shutil.copytree(sample_archive, data)
    (data / "index" / "verified.json").unlink(missing_ok=True)  # as an index an older optout wrote
    reads = []
    real = WhooshBackend.healthy
    monkeypatch.setattr(WhooshBackend, "healthy", lambda self: reads.append(1) or real(self))
    with Archive(data) as archive:
        build.build_index(archive)  # the first run reads it all, then remembers the files
        assert len(reads) == 1
        build.build_index(archive)
        assert len(reads) == 1
        _damage(data / "index")
        report = build.build_index(archive)
    assert len(reads) == 2 and report.rebuilt


def test_a_new_version_with_other_fields_reads_the_index_again(sample_archive, tmp_path, monkeypatch):
    from archive import Archive
    from indexer import build
    from indexer.whoosh_backend import WhooshBackend

    data = tmp_path / "data"
    shutil.copytree(sample_archive, data)
    with Archive(data) as archive:
        build.build_index(archive)
    stamp = json.loads((data / "index" / "verified.json").read_text())
    stamp["fields"]["documents"].remove("position")  # as an older optout, without that field, left it
    (data / "index" / "verified.json").write_text(json.dumps(stamp))
    reads = []
    real = WhooshBackend.healthy
    monkeypatch.setattr(WhooshBackend, "healthy", lambda self: reads.append(1) or real(self))
    assert WhooshBackend(data / "index").known_healthy()
    assert reads == [1]
