"""`optout serve` as a command: where it listens, what it says, how it fails and stops."""

from __future__ import annotations

import socket
import urllib.request

from testsupport.cli import invoke, popen_optout


def _started(process) -> list[str]:
    """stderr lines up to the "Serving ..." line."""
    lines = []
    while True:
        line = process.stderr.readline()
        if not line:
            raise AssertionError(f"optout serve ended: {''.join(lines)}")
        lines.append(line)
        if line.startswith("Serving"):
            return lines


def test_no_archive_is_one_line(tmp_path):
    result = invoke("serve", data_dir=tmp_path / "nothing")
    assert result.returncode == 1 and "no archive in" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "nothing").exists()  # read-only: not even the folder is created


def test_a_port_in_use_is_one_line(sample_archive):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = invoke("serve", "--port", str(port), data_dir=sample_archive)
    assert result.returncode == 1 and "cannot listen on 127.0.0.1" in result.stderr


def test_loopback_by_default_other_hosts_warn_and_sigterm_stops(sample_archive):
    process = popen_optout("serve", "--port", "0", data_dir=sample_archive)
    try:
        lines = _started(process)
        assert not any("warning" in line for line in lines)
        url = lines[-1].split(" at ")[1].split()[0]
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url + "search?q=tests", timeout=30) as response:
            assert response.status == 200 and b"documents" in response.read()
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert process.returncode == 143
    process.stdout.close()
    process.stderr.close()
    wide = popen_optout("serve", "--host", "0.0.0.0", "--port", "0", data_dir=sample_archive)
    try:
        lines = _started(wide)
        assert lines[0].startswith("warning: listening on 0.0.0.0")
    finally:
        wide.terminate()
        wide.wait(timeout=30)
        wide.stdout.close()
        wide.stderr.close()
