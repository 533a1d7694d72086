"""One searcher serves every request, and a new one is opened when `optout index` changes the index:
new documents appear without restarting, and searches keep answering while the index is rebuilt."""

from __future__ import annotations

import re
import shutil

import pytest

from testsupport.cli import invoke, popen_optout


@pytest.fixture()
def live(web_data, tmp_path):
    """An application over a private copy of the web archive (this test writes to it through the CLI)."""
    from starlette.testclient import TestClient

    from webapp import create_app

    data = tmp_path / "data"
    shutil.copytree(web_data[0], data)
    app = create_app(data)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield data, app, client


def total(page: str) -> int:
    found = re.search(r"of (\d+) documents", page)
    return int(found.group(1)) if found else 0


def test_new_documents_appear_after_optout_index(live):
    from archive import Archive

    data, app, client = live
    assert total(client.get("/search?q=tests").text) > 0
    assert app.state.live.reopened == 0
    client.get("/search?q=tests")
    assert app.state.live.reopened == 0  # the same searcher, not one per request
    with Archive(data) as archive:
        archive.record_page(source="later", url="http://127.0.0.1:9/later.html", status=200, body=b"<p>later</p>",
                            response_headers=[("Content-Type", "text/html")],
                            extracted={"title": "A quillwort page", "text": "Parents of quillwort county opt out of "
                                       "the spring tests again this year.", "published": "2017-04-01"})
    assert "no matching documents" in client.get("/search?q=quillwort").text  # not indexed yet
    assert invoke("index", data_dir=data).returncode == 0
    page = client.get("/search?q=quillwort")
    assert total(page.text) == 1 and "A quillwort page" in page.text
    assert app.state.live.reopened == 1


def test_searches_keep_working_during_a_rebuild(live):
    data, app, client = live
    expected = total(client.get("/search?q=opt+out").text)
    rebuild = popen_optout("index", "--rebuild", data_dir=data)
    answers = []
    while rebuild.poll() is None:
        response = client.get("/search?q=opt+out")
        answers.append((response.status_code, total(response.text)))
    out, err = rebuild.communicate()
    assert rebuild.returncode == 0, err
    assert answers and set(answers) == {(200, expected)}
    after = client.get("/search?q=opt+out")
    assert after.status_code == 200 and total(after.text) == expected
    assert app.state.live.reopened >= 1  # the rebuilt index was picked up
