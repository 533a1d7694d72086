"""WARC appends are atomic (a failed write never leaves a half record before later ones) and a damaged
capture is refused, never shown as archived (issue 16, items 1, 2 and 4)."""

import errno
import gzip

import pytest
from click.testing import CliRunner

from archive import Archive
from archive.errors import ArchiveError
from archive.warcstore import DamagedCapture, WarcStore

HEADERS = [("Content-Type", "text/html; charset=utf-8")]


class FailingFile:
    """A real append-mode file whose chosen write stores only part of the bytes, then fails like a full disk."""

    def __init__(self, fh, partial: int, error: BaseException, truncate_fails: bool = False):
        self.fh, self.partial, self.error, self.truncate_fails = fh, partial, error, truncate_fails

    def write(self, data):
        self.fh.write(data[: self.partial])
        self.fh.flush()
        raise self.error

    def truncate(self, size):
        if self.truncate_fails:
            raise OSError(errno.ENOSPC, "No space left on device")
        return self.fh.truncate(size)

    def __getattr__(self, name):
        return getattr(self.fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.fh.close()


class FaultyStore(WarcStore):
    """Fails the appends whose numbers (0-based) are in ``fail``."""

    def __init__(self, directory, fail, error=None, truncate_fails=False):
        super().__init__(directory)
        self.fail, self.calls = set(fail), 0
        self.error = error or OSError(errno.ENOSPC, "No space left on device")
        self.truncate_fails = truncate_fails

    def _open_append(self, path):
        fh = super()._open_append(path)
        n, self.calls = self.calls, self.calls + 1
        return FailingFile(fh, 700, self.error, self.truncate_fails) if n in self.fail else fh


def body(i: int) -> bytes:
    return (f"<html><body><p>Page {i} about families refusing the spring test.</p>" + "x" * (3000 + i)).encode()


def write_many(store, n):
    written = {}
    for i in range(n):
        try:
            loc = store.write(f"http://127.0.0.1:9/p{i}.html", 200, "OK", HEADERS, body(i), [("User-Agent", "t")])
        except ArchiveError:
            continue
        written[i] = loc
    return written


def all_records(directory):
    from warcio.archiveiterator import ArchiveIterator

    records = []
    for path in sorted(directory.glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                records.append((path.name, record.rec_type, record.rec_headers.get_header("WARC-Target-URI"),
                                record.content_stream().read()))
    return records


def test_a_failed_append_leaves_the_file_readable_end_to_end(tmp_path):
    store = FaultyStore(tmp_path, fail={3, 7})
    written = write_many(store, 12)
    assert sorted(written) == [i for i in range(12) if i not in (3, 7)]
    records = all_records(tmp_path)
    # Every record of every successful write, readable by a standard WARC reader from start to end.
    responses = [r for r in records if r[1] == "response"]
    assert [r[2] for r in responses] == [f"http://127.0.0.1:9/p{i}.html" for i in sorted(written)]
    assert len([r for r in records if r[1] == "request"]) == len(written)
    for i, loc in written.items():
        assert store.read(loc.file, loc.offset).body == body(i)


def test_when_the_file_cannot_be_cut_back_later_records_go_to_a_new_file(tmp_path):
    store = FaultyStore(tmp_path, fail={2}, truncate_fails=True)
    written = write_many(store, 5)
    assert sorted(written) == [0, 1, 3, 4]
    assert written[1].file != written[3].file  # nothing follows the half record
    for i, loc in written.items():
        assert store.read(loc.file, loc.offset).body == body(i)
    assert _uris(tmp_path / written[3].file) == [
        "http://127.0.0.1:9/p3.html", "http://127.0.0.1:9/p3.html",
        "http://127.0.0.1:9/p4.html", "http://127.0.0.1:9/p4.html"]


def _uris(path):
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as fh:
        return [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh)]


def test_an_interrupt_mid_write_is_undone_and_raised(tmp_path):
    store = FaultyStore(tmp_path, fail={1}, error=KeyboardInterrupt())
    store.write("http://127.0.0.1:9/a.html", 200, "OK", HEADERS, body(0))
    size = sum(p.stat().st_size for p in tmp_path.glob("*.warc.gz"))
    with pytest.raises(KeyboardInterrupt):
        store.write("http://127.0.0.1:9/b.html", 200, "OK", HEADERS, body(1))
    assert sum(p.stat().st_size for p in tmp_path.glob("*.warc.gz")) == size
    assert [r[2] for r in all_records(tmp_path)] == ["http://127.0.0.1:9/a.html"]


def archived(tmp_path, data=b"<html><body><p>A statement on the tests.</p></body></html>"):
    arch = Archive(tmp_path / "data")
    _, doc_id = arch.record_page(source="s", url="http://127.0.0.1:9/s.html", status=200, body=data,
                                 response_headers=HEADERS, extracted={"title": "On the tests", "text": "A statement."})
    cap = arch.captures(doc_id)[-1]
    return arch, doc_id, arch.warc.directory / cap.warc_file, cap


def test_truncated_capture_is_refused(tmp_path):
    arch, doc_id, path, cap = archived(tmp_path, b"<html>" + b"long page text " * 2000 + b"</html>")
    with open(path, "r+b") as fh:
        fh.truncate(cap.warc_offset + cap.warc_length // 2)
    with pytest.raises(DamagedCapture, match="damaged"):
        arch.raw(doc_id)
    arch.close()


def test_a_capture_whose_bytes_differ_from_the_catalog_is_refused(tmp_path):
    arch, doc_id, path, cap = archived(tmp_path)
    # Rewrite the record with other bytes of the same length: a valid WARC record, but not what was archived.
    data = path.read_bytes()
    record = gzip.decompress(data[cap.warc_offset: cap.warc_offset + cap.warc_length])
    forged = gzip.compress(record.replace(b"statement", b"STATEMENT"))
    path.write_bytes(data[: cap.warc_offset] + forged + data[cap.warc_offset + cap.warc_length:])
    with pytest.raises(DamagedCapture):
        arch.raw(doc_id)
    with pytest.raises(DamagedCapture, match="sha1"):
        arch.warc.read(cap.warc_file, cap.warc_offset, sha1="0" * 40)
    arch.close()


def test_flipped_bytes_are_refused(tmp_path):
    arch, doc_id, path, cap = archived(tmp_path)
    data = bytearray(path.read_bytes())
    middle = cap.warc_offset + cap.warc_length // 2
    data[middle] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(DamagedCapture):
        arch.raw(doc_id)
    arch.close()


def test_show_raw_of_a_damaged_capture_is_a_clear_error(tmp_path):
    from search_cli.cli import cli

    arch, doc_id, path, cap = archived(tmp_path, b"<html>" + b"words " * 3000 + b"</html>")
    arch.close()
    with open(path, "r+b") as fh:
        fh.truncate(cap.warc_offset + 200)
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "data"), "show", doc_id, "--raw"])
    assert result.exit_code == 1
    assert "damaged" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_an_intact_capture_still_prints(tmp_path):
    from search_cli.cli import cli

    data = b"<html><body><p>Kept exactly.</p></body></html>"
    arch, doc_id, _, _ = archived(tmp_path, data)
    arch.close()
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "data"), "show", doc_id, "--raw"])
    assert result.exit_code == 0 and result.stdout_bytes == data


def test_pages_with_stray_nul_bytes_are_archived_exactly(tmp_path):
    data = b"<html><body><p>Opt-out\x00 night at the library\x00\x00.</p></body></html>"
    arch, doc_id, _, cap = archived(tmp_path, data)
    assert arch.raw(doc_id).body == data and cap.length == len(data)
    arch.close()
