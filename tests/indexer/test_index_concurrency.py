"""The index under concurrent use and after crashes: searching while writing, a second writer, a killed run.

Writers that are raced or signalled run as fresh processes; everything else runs in this process.
"""

import fcntl
import io
import json
import shutil
import signal
import time

import pytest

from archive import Archive
from indexer.engine import open_backend
from testsupport.cli import invoke, popen_optout


@pytest.fixture()
def data(sample_archive, tmp_path):
    target = tmp_path / "data"
    shutil.copytree(sample_archive, target)
    return target


def test_second_writer_gets_a_clear_busy_message(data):
    from indexer.build import index_lock

    with index_lock(data):  # this process is "another optout index"
        busy = invoke("index", "--rebuild", data_dir=data)
        assert busy.returncode == 1
        assert "index is busy" in busy.stderr and "Traceback" not in busy.stderr
        # Readers are never blocked by a writer.
        search = invoke("search", "opt out", "--format", "json", data_dir=data)
        assert search.returncode == 0 and search.stdout.startswith("[")
    assert invoke("index", "--rebuild", data_dir=data).returncode == 0


def _writer_holds_the_lock(data) -> bool:
    """True while an `optout index` holds data/index.lock (its whole run: tagging, writing, swapping)."""
    with open(data / "index.lock", "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
        return False


def test_search_while_index_rebuilds(data):
    # Make the rebuild long enough to overlap with several searches.
    with Archive(data) as archive:
        rows = list(archive.documents())
        lines = []
        for i in range(5):
            for doc in rows:
                d = doc.export_dict() | {"id": f"{doc.id}-{i}", "url": f"{doc.url}?copy={i}",
                                         "canonical_url": f"{doc.canonical_url}?copy={i}"}
                lines.append(json.dumps(d))
        archive.import_jsonl(io.StringIO("\n".join(lines)))
    # --wait: the writer retries should it meet this test's probe of the lock at the instant it starts.
    writer = popen_optout("index", "--rebuild", "--wait", "30", data_dir=data)
    deadline = time.monotonic() + 120
    while not _writer_holds_the_lock(data) and writer.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    during = 0
    while _writer_holds_the_lock(data) and during < 10:
        result = invoke("search", "tests", "--format", "json", data_dir=data)
        still_rebuilding = _writer_holds_the_lock(data)
        assert "Traceback" not in result.stderr
        if result.returncode == 0:
            assert json.loads(result.stdout), "a search during the rebuild found nothing"
            during += still_rebuilding
        else:  # only the instant of the swap may show no index
            assert result.returncode == 1 and "index" in result.stderr, result.stderr
    out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    assert during >= 3, f"only {during} searches completed while the index was being rebuilt"
    final = invoke("search", "tests", "--format", "json", data_dir=data)
    assert final.returncode == 0 and json.loads(final.stdout)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killed_index_run_leaves_a_usable_index(data, sig):
    with Archive(data) as archive:
        archive.catalog.reset_tagging()
    proc = popen_optout("index", "--rebuild", data_dir=data)
    time.sleep(1.2)
    proc.send_signal(sig)
    proc.communicate(timeout=60)
    again = invoke("index", data_dir=data)
    assert again.returncode == 0, again.stderr
    search = invoke("search", "opt out", "--format", "json", data_dir=data)
    assert search.returncode == 0 and search.stdout.startswith("[")
    assert open_backend(data / "index").doc_count() == 20


def test_damaged_index_is_rebuilt_from_the_archive(data):
    for segment in (data / "index" / "documents").glob("*.seg"):
        segment.write_bytes(b"garbage")
    for toc in (data / "index" / "documents").glob("*.toc"):
        toc.write_bytes(b"garbage")
    search = invoke("search", "opt out", data_dir=data)
    assert search.returncode != 0 and "Traceback" not in search.stderr
    rebuilt = invoke("index", data_dir=data)
    assert rebuilt.returncode == 0 and "rebuilt" in rebuilt.stdout
    assert invoke("search", "opt out", "--format", "json", data_dir=data).returncode == 0
