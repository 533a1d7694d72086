"""The web app's fixtures: the sample archive plus hostile documents, a canary server that records every
request an archived page might make, the app in process (TestClient) and `optout serve` on loopback."""

from __future__ import annotations

import http.server
import io
import json
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from testsupport.cli import invoke, popen_optout

# Titles, quotes, authors and URLs written to break out of HTML (tests check they come back escaped).
HOSTILE_TITLE = '<script>window.pwnedTitle=1</script>"><img src=x onerror="window.pwnedImg=1">'
HOSTILE_AUTHOR = "<b onmouseover=alert(1)>Mallory Grant</b>"
HOSTILE_WORDS = "<script>alert('quote')</script>"


class Canary(http.server.ThreadingHTTPServer):
    """A loopback server that only records the paths requested of it (an archived page calling home)."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        canary = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _record(self) -> None:
                canary.paths.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            do_GET = do_POST = _record  # noqa: N815 - http.server's names

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def hostile_html(canary: str) -> bytes:
    """An archived page that tries everything: scripts inline and fetched, an onerror handler, a form
    submitted by script, a stylesheet, an image, a frame and a meta refresh, each aimed at the canary."""
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Hostile page</title>
<meta http-equiv="refresh" content="1;url={canary}/refresh">
<link rel="stylesheet" href="{canary}/style.css">
<script src="{canary}/script.js"></script>
</head><body><h1 id="marker">An archived page that tries to run code</h1>
<p>Parents said they would refuse the tests.</p>
<script>document.getElementById('marker').setAttribute('data-ran', 'yes');
fetch('{canary}/fetch'); try {{ parent.document.title = 'pwned'; }} catch (e) {{}}</script>
<img src="{canary}/image.png" onerror="document.body.setAttribute('data-onerror', 'yes')">
<form id="f" action="{canary}/form" method="post"><input name="a" value="b"></form>
<script>document.getElementById('f').submit();</script>
<iframe src="{canary}/frame"></iframe>
</body></html>""".encode()


def add_hostile_documents(data: Path, canary: str) -> dict[str, str]:
    """Archive two hostile pages into ``data`` (as a crawl would) and index them; returns their ids."""
    from archive import Archive

    text = (f"Parents in the district planned to opt out of the state tests this spring. "
            f"Dana Whitlock, a parent organizer, said: \"We will refuse the tests {HOSTILE_WORDS} and keep our "
            f"children home from the testing rooms.\" The district did not comment on the opt out plans.")
    ids = {}
    with Archive(data) as archive:
        _, ids["script"] = archive.record_page(
            source="hostile", url=f"{canary}/news/hostile-page.html?x=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
            status=200, body=hostile_html(canary), response_headers=[("Content-Type", "text/html; charset=utf-8")],
            extracted={"title": HOSTILE_TITLE, "text": text, "published": "2016-03-01", "authors": [HOSTILE_AUTHOR],
                       "language": "en"}, kind="news")
        _, ids["plain"] = archive.record_page(
            source="hostile", url=f"{canary}/news/javascript-alert.html", status=200,
            body=b"<html><body><p>plain</p></body></html>", response_headers=[("Content-Type", "text/html")],
            extracted={"title": "javascript:alert(document.domain)", "text": "A short page about opting out of "
                       "tests, written to carry a javascript: title.", "published": "2016-03-02"}, kind="news")
        line = json.dumps({"id": "00000000000000aa", "url": "javascript:alert(document.domain)",
                           "title": "An imported page with a javascript: URL", "kind": "news", "published": "2016-03-03",
                           "text": "An imported page about parents who opt out of tests; its URL is a script."})
        archive.import_jsonl(io.StringIO(line + "\n"), name="hostile.jsonl")
        ids["imported"] = "00000000000000aa"
    result = invoke("index", data_dir=data)
    assert result.returncode == 0, result.stderr
    return ids


@pytest.fixture(scope="session")
def canary():
    server = Canary()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.fixture(scope="session")
def web_data(sample_archive, canary, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A private copy of the sample archive with the hostile pages added: (data dir, their ids)."""
    target = tmp_path_factory.mktemp("web") / "data"
    shutil.copytree(sample_archive, target)
    return target, add_hostile_documents(target, canary.base)


@pytest.fixture(scope="module")
def client(web_data):
    """The application in this process (fast), answering as 127.0.0.1."""
    from starlette.testclient import TestClient

    from webapp import create_app

    app = create_app(web_data[0])
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as test_client:
        yield test_client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(web_data):
    """`optout serve` as a fresh process on a loopback port: its base URL."""
    port = free_port()
    process = popen_optout("serve", "--port", str(port), data_dir=web_data[0])
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"optout serve exited {process.returncode}: {process.stderr.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("optout serve did not start listening")
    yield base
    process.terminate()
    try:
        process.wait(timeout=15)
    except Exception:  # noqa: BLE001
        process.kill()
        process.wait()
    process.stdout.close()
    process.stderr.close()
