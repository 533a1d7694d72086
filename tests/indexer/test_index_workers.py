"""An index worker process ends by itself when the run that started it is killed, even with results that
nobody will read (it used to hang for ever at exit, holding its memory)."""

import multiprocessing
import shutil

import indexer.build as build
from archive import Archive


def test_a_worker_whose_run_is_gone_ends_with_its_results_unread(sample_archive, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(sample_archive, data)
    with Archive(data) as archive:
        ids = archive.catalog.all_ids()
        db = archive.catalog.path
    ctx = multiprocessing.get_context("fork")
    jobs, results = ctx.Queue(), ctx.Queue()
    # Far more outcomes (tags and quotes) than a pipe holds, and a "parent" that is not this worker's: the
    # worker does the jobs, finds its run gone when the queue is empty, and must then end.
    for k in range(12):
        jobs.put(("jobs", k, [build.Job(doc_id, True, False, False) for doc_id in ids]))
    with open(tmp_path / "lock", "w") as lock:
        worker = ctx.Process(target=build._worker,
                             args=(0, str(db), str(data / "index"), jobs, results, -1, lock), daemon=True)
        worker.start()
        worker.join(timeout=90)
    hung = worker.is_alive()
    if hung:
        worker.kill()
        worker.join()
    assert not hung, "the worker did not end after its run was gone"
    assert worker.exitcode == 0
