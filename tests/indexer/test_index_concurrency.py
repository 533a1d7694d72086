"""The index under concurrent use and after crashes: searching while writing, a second writer, a killed run."""

import shutil
import signal
import subprocess
import sys
import time

import pytest

from archive import Archive
from indexer.search import SearchIndex
from tests.conftest import run_optout


@pytest.fixture()
def data(sample_archive, tmp_path):
    target = tmp_path / "data"
    shutil.copytree(sample_archive, target)
    return target


def test_second_writer_gets_a_clear_busy_message(data):
    from indexer.build import index_lock

    with index_lock(data):  # this process is "another optout index"
        busy = run_optout("index", "--rebuild", data_dir=data)
        assert busy.returncode == 1
        assert "index is busy" in busy.stderr and "Traceback" not in busy.stderr
        # Readers are never blocked by a writer.
        search = run_optout("search", "opt out", "--format", "json", data_dir=data)
        assert search.returncode == 0 and search.stdout.startswith("[")
    assert run_optout("index", "--rebuild", data_dir=data).returncode == 0


def test_search_while_index_rebuilds(data):
    # Make the rebuild long enough to overlap with searches.
    with Archive(data) as archive:
        rows = list(archive.documents())
        import io
        import json

        lines = []
        for i in range(30):
            for doc in rows:
                d = doc.export_dict() | {"id": f"{doc.id}-{i}", "url": f"{doc.url}?copy={i}",
                                         "canonical_url": f"{doc.canonical_url}?copy={i}"}
                lines.append(json.dumps(d))
        archive.import_jsonl(io.StringIO("\n".join(lines)))
    writer = subprocess.Popen([sys.executable, "-m", "search_cli.cli", "--data-dir", str(data), "index", "--rebuild"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ok = 0
    while writer.poll() is None and ok < 20:
        result = run_optout("search", "tests", "--format", "json", data_dir=data)
        assert result.returncode in (0, 1), result.stderr
        assert "Traceback" not in result.stderr
        ok += result.returncode == 0
    assert writer.wait(timeout=120) == 0
    final = run_optout("search", "tests", "--format", "json", data_dir=data)
    assert final.returncode == 0 and final.stdout.startswith("[")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killed_index_run_leaves_a_usable_index(data, sig):
    with Archive(data) as archive:
        archive.catalog.conn.execute("UPDATE documents SET tagged_with = NULL, indexed_version = 0")
    proc = subprocess.Popen([sys.executable, "-m", "search_cli.cli", "--data-dir", str(data), "index", "--rebuild"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.2)
    proc.send_signal(sig)
    proc.wait(timeout=60)
    again = run_optout("index", data_dir=data)
    assert again.returncode == 0, again.stderr
    search = run_optout("search", "opt out", "--format", "json", data_dir=data)
    assert search.returncode == 0 and search.stdout.startswith("[")
    assert SearchIndex(data / "index").doc_count() == 20


def test_damaged_index_is_rebuilt_from_the_archive(data):
    for segment in (data / "index" / "documents").glob("*.seg"):
        segment.write_bytes(b"garbage")
    for toc in (data / "index" / "documents").glob("*.toc"):
        toc.write_bytes(b"garbage")
    search = run_optout("search", "opt out", data_dir=data)
    assert search.returncode != 0 and "Traceback" not in search.stderr
    rebuilt = run_optout("index", data_dir=data)
    assert rebuilt.returncode == 0 and "rebuilt" in rebuilt.stdout
    assert run_optout("search", "opt out", "--format", "json", data_dir=data).returncode == 0
