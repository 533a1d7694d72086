"""The web app under hostile archived content and bad requests: everything escaped, clear 4xx pages,
never a traceback, never a write to the archive."""

from __future__ import annotations

import hashlib
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.webapp.conftest import HOSTILE_AUTHOR, HOSTILE_TITLE, HOSTILE_WORDS


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under ``root`` and its sha1 (the index's caches excepted: they are rebuilt data)."""
    return {p.relative_to(root).as_posix(): hashlib.sha1(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.name.startswith(".cache-")}


def assert_clean(response, status: int) -> None:
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert "Traceback" not in response.text and 'File "' not in response.text
    assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("path, shown", [("/search?q=Whitlock", "&lt;script&gt;window.pwnedTitle"),
                                         ("/quotes?q=Whitlock", "&lt;script&gt;alert(&#39;quote&#39;)"),
                                         ("/search?q=javascript", "javascript:alert(document.domain)")])
def test_hostile_text_is_escaped_in_results(client, path, shown):
    page = client.get(path)
    assert page.status_code == 200
    assert "<script>" not in page.text.replace('<script src="/static/copy.js" defer></script>', "")
    assert "<img src=x" not in page.text and "onerror=\"window" not in page.text
    assert 'href="javascript:' not in page.text
    assert shown in page.text


def test_hostile_document_page_is_escaped(client, web_data):
    _, ids = web_data
    page = client.get(f"/doc/{ids['script']}")
    text = page.text.replace('<script src="/static/copy.js" defer></script>', "")
    assert page.status_code == 200 and "<script" not in text and "<b onmouseover" not in text
    assert "&lt;script&gt;window.pwnedTitle=1&lt;/script&gt;" in text
    assert "&lt;b onmouseover=alert(1)&gt;Mallory Grant&lt;/b&gt;" in text
    assert HOSTILE_WORDS not in text and "&lt;script&gt;alert(&#39;quote&#39;)&lt;/script&gt;" in text
    assert HOSTILE_TITLE not in text and HOSTILE_AUTHOR not in text
    # The query string of the archived URL stays inside its attribute.
    assert '"><img' not in text


def test_javascript_urls_are_never_links(client, web_data):
    _, ids = web_data
    page = client.get(f"/doc/{ids['imported']}")
    assert page.status_code == 200
    assert 'href="javascript:' not in page.text.lower()
    assert "javascript:alert(document.domain)" in page.text  # shown as text


def test_every_page_sends_a_content_security_policy(client, web_data):
    _, ids = web_data
    for path in ("/", "/quotes", f"/doc/{ids['script']}", "/org/NYSUT", "/sources", "/nowhere", "/static/style.css"):
        response = client.get(path)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "default-src 'none'" in csp, path
        assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path, status, words", [
    ("/doc/0123456789abcdef", 404, "no document"),
    ("/doc/not-an-id", 404, "16 hexadecimal digits"),
    ("/doc/0123456789abcdef/archived", 404, "no document"),
    ("/raw/0123456789abcdef", 404, "no document"),
    ("/org/No Such Organization Anywhere", 404, "unknown org"),
    ("/search?page=99999999999", 400, "page must be"),
    ("/search?page=-1", 400, "page must be"),
    ("/search?page=abc", 400, "page must be"),
    ("/search?limit=100000", 400, "limit must be"),
    ("/search?sort=sideways", 400, "sort must be"),
    ("/search?kind=gossip", 400, "unknown kind"),
    ("/quotes?position=maybe", 400, "unknown position"),
    ("/search?since=the+day+after+never", 400, ""),
    ("/search?q=org:", 400, "needs a value"),
    ("/search?q=" + "(" * 60 + "x", 400, "nested"),
    ("/search?q=" + "word+" * 10000, 400, ""),
    ("/quotes?q=" + "x" * 20000, 400, ""),
    ("/search?state=Atlantis", 400, "unknown state"),
    ("/nowhere", 404, "no page"),
    ("/archived/../../etc/passwd", 404, ""),
    ("/static/../app.py", 404, ""),
    ("/static/..%2f..%2fapp.py", 404, ""),
    ("/raw/..%2f..%2farchive.sqlite3", 404, ""),
])
def test_bad_requests_get_clear_pages(client, path, status, words):
    response = client.get(path)
    assert_clean(response, status)
    assert words.lower() in response.text.lower()


def test_malformed_queries_are_results_with_a_note(client):
    for query in ('"unclosed phrase', "tests AND", "((tests", "OR OR NOT", "\x00\x01 tests", "%", "🙂 tests"):
        response = client.get("/search", params={"q": query})
        assert_clean(response, 200)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_only_get_and_head(client, method):
    response = client.request(method, "/search?q=tests")
    assert_clean(response, 405)
    assert response.headers.get("allow", "").startswith("GET")


def test_head_answers_without_a_body(client):
    response = client.head("/search?q=tests")
    assert response.status_code == 200 and response.text == ""


def test_other_host_names_are_refused(web_data):
    """A DNS-rebinding page (a foreign host name resolving to 127.0.0.1) is refused."""
    from starlette.testclient import TestClient

    from webapp import create_app

    with TestClient(create_app(web_data[0]), base_url="http://attacker.example") as other:
        assert other.get("/search?q=tests").status_code == 400


def test_concurrent_requests_and_nothing_is_written(client, web_data):
    data, ids = web_data
    before = tree_digest(data)
    paths = ["/search?q=opt+out", "/quotes?q=tests", f"/doc/{ids['script']}", "/org/NYSUT", "/sources",
             "/search?page=abc", f"/raw/{ids['script']}", "/search?q=PARCC&state=NJ"]
    with ThreadPoolExecutor(max_workers=25) as pool:
        statuses = list(pool.map(lambda i: client.get(paths[i % len(paths)]).status_code, range(100)))
    assert statuses == [400 if paths[i % len(paths)].endswith("page=abc") else 200 for i in range(100)]
    assert tree_digest(data) == before


def test_the_served_process_survives_abuse(server):
    """Against `optout serve` itself: raw, unnormalized paths, 100 concurrent connections, an oversized
    request line; it answers 4xx and keeps serving."""
    import urllib.error
    import urllib.request

    host, port = server.removeprefix("http://").split(":")

    def raw(request: bytes) -> bytes:
        with socket.create_connection((host, int(port)), timeout=30) as sock:
            sock.sendall(request)
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
            return b"".join(chunks)

    for path in (b"/archived/../../etc/passwd", b"/static/../../../../etc/passwd", b"/raw/../archive.sqlite3"):
        answer = raw(b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        assert answer.split(b" ", 2)[1] in (b"400", b"404"), answer[:200]
        assert b"root:" not in answer and b"SQLite format" not in answer
    huge = raw(b"GET /search?q=" + b"x" * 20000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert huge.split(b" ", 2)[1] in (b"400", b"414", b"431"), huge[:200]

    def get(i: int) -> int:
        try:
            with urllib.request.urlopen(f"{server}/search?q=tests+{i}", timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=100) as pool:
        statuses = list(pool.map(get, range(100)))
    assert statuses == [200] * 100
    with urllib.request.urlopen(f"{server}/sources", timeout=30) as response:
        assert response.status == 200
