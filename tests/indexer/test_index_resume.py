"""`optout index` in rounds over worker processes: the same index as one process makes, and a run killed
half-way is resumed, not redone."""

import io
import json
import multiprocessing
import os
import shutil
import signal
import time

import pytest

import indexer.build as build
from archive import Archive
from archive.urls import document_id
from indexer.engine import open_backend

COPIES = 12  # 20 sample documents x 12 = 240


@pytest.fixture()
def big(sample_archive, tmp_path):
    """The sample archive with each document copied under new URLs (240 documents, none tagged yet)."""
    data = tmp_path / "data"
    shutil.copytree(sample_archive, data)
    with Archive(data) as archive:
        docs = list(archive.documents())
        lines = []
        for i in range(1, COPIES):
            for doc in docs:
                # Ids as the crawler makes them, from the copy's own URL: a made-up scheme such as the id's
                # first 12 characters plus a counter can hit an original's id (the port is random).
                canonical = f"{doc.canonical_url}?copy={i}"
                lines.append(json.dumps(doc.export_dict() | {
                    "id": document_id(canonical), "url": f"{doc.url}?copy={i}", "canonical_url": canonical}))
        archive.import_jsonl(io.StringIO("\n".join(lines)))
        archive.catalog.reset_tagging()
        shutil.rmtree(data / "index")
    return data


@pytest.fixture()
def small_rounds(monkeypatch):
    monkeypatch.setattr(build, "ROUND_MIN", 40)
    monkeypatch.setattr(build, "ROUNDS", 6)
    monkeypatch.setattr(build, "CHUNK", 10)
    monkeypatch.setattr(build, "BATCH", 20)
    monkeypatch.setattr(build, "PARALLEL_MIN", 1)


def _snapshot(data):
    with Archive(data) as archive:
        docs = {d.id: (sorted(d.organizations), sorted(d.states), [q.text for q in d.quotes], d.position)
                for d in archive.documents()}
        pending = archive.catalog.unindexed_ids()
    with open_backend(data / "index").session() as session:
        from indexer.engine import DOCS, QUOTES, Request
        from indexer.querylang import Text

        totals = {c: session.search(c, Request(match=Text("test"), rank=[Text("test")], window=5)).total
                  for c in (DOCS, QUOTES)}
    return docs, pending, totals, open_backend(data / "index").doc_count()


def test_workers_build_the_index_one_process_builds(big, tmp_path, small_rounds):
    other = tmp_path / "other"
    shutil.copytree(big, other)
    with Archive(big) as archive:
        parallel = build.build_index(archive, workers=2)
    with Archive(other) as archive:
        serial = build.build_index(archive, workers=0)
    assert parallel.workers == 2 and serial.workers == 0
    assert parallel.tagged == serial.tagged == 20 * COPIES
    a, b = _snapshot(big), _snapshot(other)
    assert a == b
    assert a[3] == 20 * COPIES and a[1] == [] and a[2]["documents"] > 0


def test_an_incremental_run_touches_only_changed_documents(big, small_rounds):
    with Archive(big) as archive:
        build.build_index(archive, workers=2)
        again = build.build_index(archive, workers=2)
        assert (again.tagged, again.indexed, again.rebuilt) == (0, 0, False)
        first = archive.catalog.all_ids()[0]
        archive.catalog.mark_untagged(first)
        one = build.build_index(archive, workers=2)
        assert (one.tagged, one.indexed, one.rebuilt) == (1, 1, False)
    assert open_backend(big / "index").doc_count() == 20 * COPIES


def _run_until_half_then_wait(data, rebuild, workers, ready):
    """In a child process: index, and at half-way (progress past 50%) note its worker processes, tell the
    parent and wait to be killed."""
    def progress(stage, done, total):
        if done * 2 >= total > 0 and done < total:
            (data / "worker-pids").write_text(" ".join(str(p.pid) for p in multiprocessing.active_children()))
            ready.set()
            signal.pause()

    with Archive(data) as archive:
        build.build_index(archive, rebuild=rebuild, progress=progress, workers=workers)


def _ended(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")  # a zombie has ended, unreaped
    except FileNotFoundError:
        return True


def _wait_until_ended(pids, patience=120.0):
    """Wait for processes that are not our children to end; fail naming those still running after ``patience``
    seconds (a worker checks for its parent every 2 s)."""
    deadline = time.monotonic() + patience
    while any(not _ended(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert all(_ended(p) for p in pids), f"worker processes still running after their run was killed: {pids}"


@pytest.mark.parametrize(("rebuild", "workers"), [(False, 0), (False, 2), (True, 0), (True, 2)])
def test_a_run_killed_half_way_resumes_without_redoing_the_finished_half(big, small_rounds, rebuild, workers):
    with Archive(big) as archive:
        build.build_index(archive, workers=0)
        if not rebuild:  # every document changed (tagged again, and updated in the live index)
            archive.catalog.reset_tagging()
    ctx = multiprocessing.get_context("fork")
    ready = ctx.Event()
    child = ctx.Process(target=_run_until_half_then_wait, args=(big, rebuild, workers, ready))
    child.start()
    assert ready.wait(timeout=300), "the index run never got half-way"
    os.kill(child.pid, signal.SIGKILL)
    child.join()
    workers_left = [int(p) for p in (big / "worker-pids").read_text().split()]
    assert len(workers_left) == workers
    _wait_until_ended(workers_left)  # orphaned workers end by themselves (they hung before, holding memory)
    total = 20 * COPIES
    with Archive(big) as archive:
        untagged = len(archive.catalog.untagged_ids())
        unindexed = len(archive.catalog.unindexed_ids())
        assert 0 < untagged < total and 0 < unindexed < total  # some of it done and kept, some not
        resumed = build.build_index(archive, workers=workers, timeout=30)
    assert resumed.tagged == untagged  # the tagged half is not tagged again
    assert resumed.indexed == unindexed < total
    assert resumed.rebuilt == resumed.resumed == rebuild
    assert open_backend(big / "index").doc_count() == total
    assert not (big / "index.building").exists()
    with Archive(big) as archive:
        assert archive.catalog.untagged_ids() == [] and archive.catalog.unindexed_ids() == []


def test_a_rebuild_after_a_gazetteer_change_starts_a_killed_rebuild_over(big, small_rounds, monkeypatch):
    with Archive(big) as archive:
        build.build_index(archive, workers=0)
    ctx = multiprocessing.get_context("fork")
    ready = ctx.Event()
    child = ctx.Process(target=_run_until_half_then_wait, args=(big, True, 0, ready))
    child.start()
    assert ready.wait(timeout=300), "the index run never got half-way"
    os.kill(child.pid, signal.SIGKILL)
    child.join()
    monkeypatch.setattr(build, "gazetteer_version", lambda: "edited")
    with Archive(big) as archive:
        again = build.build_index(archive, rebuild=True, workers=0, timeout=30)
        assert (again.rebuilt, again.resumed, again.tagged) == (True, False, 20 * COPIES)
        assert archive.catalog.untagged_ids() == []
    assert open_backend(big / "index").doc_count() == 20 * COPIES
