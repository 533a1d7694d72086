"""Incremental crawls: nothing archived is fetched again (feeds are asked conditionally), --refresh
fetches again, a newer sitemap lastmod refetches just that article, and a crawl killed halfway resumes
with nothing lost and nothing duplicated."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from testsupport.faultserver import FaultServer, Versioned, make_article, page, rss, sequence, sitemap
from testsupport.forked import fork_optout, start_forked_optout

FAST = {"OPTOUT_RETRY_BACKOFF": "0.1", "OPTOUT_THROTTLE_START": "0.05"}


def _crawl(sources: Path, data: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    result = fork_optout("crawl", "--sources", str(sources), "--timeout", "5", *extra, data_dir=data, env=FAST,
                         timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def _article_site(server: FaultServer, n: int, delay: float = 0.0, first_seed: int = 500) -> list[str]:
    paths = [f"/a/{i}.html" for i in range(1, n + 1)]
    for i, path in enumerate(paths):
        server.routes[path] = page(make_article(first_seed + i, path).html(server.base), delay=delay)
    return paths


def _sources(tmp: Path, text: str) -> Path:
    path = tmp / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _check_archive(data: Path, expected: int) -> None:
    """Exactly ``expected`` documents, no duplicate URLs, every capture readable from its WARC file."""
    from archive import Archive

    with Archive(data) as archive:
        assert archive.catalog.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        docs = list(archive.documents(with_annotations=False))
        assert len(docs) == expected
        assert len({d.canonical_url for d in docs}) == expected
        assert len({d.url for d in docs}) == expected
        for doc in docs:
            captures = archive.captures(doc.id)
            assert captures, doc.url
            for cap in captures:
                raw = archive.warc.read(cap.warc_file, cap.warc_offset)
                assert raw.status == 200 and raw.url == cap.url
                assert b"<article>" in raw.body
            assert archive.raw(doc.id).body


@pytest.fixture
def feed_site(tmp_path):
    server = FaultServer()
    paths = _article_site(server, 5)
    feed = Versioned(rss("Courier", [server.url(p) for p in paths], server.base + "/"), "application/rss+xml")
    server.routes["/feed.xml"] = feed
    server.start()
    sources = _sources(tmp_path, f'[[sources]]\nid = "courier"\nname = "Courier"\nfeeds = ["{server.url("/feed.xml")}"]\n')
    yield server, paths, sources, tmp_path / "data"
    server.stop()


def test_second_crawl_fetches_nothing_again_and_feed_is_conditional(feed_site):
    server, paths, sources, data = feed_site
    _crawl(sources, data)
    assert all(server.count(p) == 1 for p in paths)
    first = server.hits("/feed.xml")[-1]
    assert "if-none-match" not in first.headers

    _crawl(sources, data)
    assert all(server.count(p) == 1 for p in paths), server.counts()
    second = server.hits("/feed.xml")[-1]
    assert second.headers.get("if-none-match", "").startswith('"v1-')
    assert second.headers.get("if-modified-since", "").endswith("GMT")
    # the server answered 304: nothing else was asked for than robots.txt and the feed
    assert set(server.counts()) == {"/robots.txt", "/feed.xml", *paths}
    _check_archive(data, len(paths))

    # --refresh: everything again, the feed without conditions
    _crawl(sources, data, "--refresh")
    assert all(server.count(p) == 2 for p in paths)
    third = server.hits("/feed.xml")[-1]
    assert "if-none-match" not in third.headers and "if-modified-since" not in third.headers
    _check_archive(data, len(paths))


def test_changed_feed_brings_only_new_articles(feed_site):
    server, paths, sources, data = feed_site
    _crawl(sources, data)
    new_paths = [f"/b/{i}.html" for i in range(1, 3)]
    for i, path in enumerate(new_paths):
        server.routes[path] = page(make_article(900 + i, path).html(server.base))
    feed = server.routes["/feed.xml"]
    assert isinstance(feed, Versioned)
    feed.update(rss("Courier", [server.url(p) for p in [*new_paths, *paths]], server.base + "/"))
    _crawl(sources, data)
    assert all(server.count(p) == 1 for p in [*paths, *new_paths]), server.counts()
    _check_archive(data, len(paths) + len(new_paths))


def test_article_that_failed_for_a_passing_reason_is_tried_again(feed_site):
    server, paths, sources, data = feed_site
    down = page("<html><body><p>Overloaded.</p></body></html>", status=503)
    server.routes["/later.html"] = sequence(down, down, down, page(make_article(950, "/later.html").html(server.base)))
    feed = server.routes["/feed.xml"]
    feed.update(rss("Courier", [server.url(p) for p in [*paths, "/later.html"]], server.base + "/"))
    _crawl(sources, data)
    assert server.count("/later.html") == 3  # first try and two retries, all 503
    # the feed's validators were not kept: the next crawl reads it in full and finds the article again
    _crawl(sources, data)
    assert "if-none-match" not in server.hits("/feed.xml")[-1].headers
    assert server.count("/later.html") == 4
    assert all(server.count(p) == 1 for p in paths)
    _check_archive(data, len(paths) + 1)
    # now everything it lists is archived: conditional from here on
    _crawl(sources, data)
    assert server.hits("/feed.xml")[-1].headers.get("if-none-match") == feed.etag
    assert server.count("/later.html") == 4


def test_newer_sitemap_lastmod_refetches_that_article_only(tmp_path):
    server = FaultServer()
    paths = _article_site(server, 4, first_seed=600)
    lastmods = {p: f"2024-01-0{i + 1}" for i, p in enumerate(paths)}

    def sitemap_body() -> str:
        return sitemap([(server.url(p), lastmods[p]) for p in paths])

    smap = Versioned(sitemap_body(), "application/xml")
    server.routes["/sitemap.xml"] = smap
    with server:
        sources = _sources(tmp_path, f'[[sources]]\nid = "maps"\nname = "Maps"\nsitemaps = ["{server.url("/sitemap.xml")}"]\n')
        data = tmp_path / "data"
        _crawl(sources, data)
        assert all(server.count(p) == 1 for p in paths)

        changed = paths[1]
        article = make_article(601, changed)
        article.paragraphs.append("Correction: the footbridge vote was eight to one, not seven to two.")
        server.routes[changed] = page(article.html(server.base))
        lastmods[changed] = "2024-03-15T10:00:00+00:00"
        smap.update(sitemap_body())
        _crawl(sources, data)
        assert server.count(changed) == 2
        assert all(server.count(p) == 1 for p in paths if p != changed), server.counts()

        from archive import Archive

        with Archive(data) as archive:
            doc = archive.get(server.url(changed))
            assert doc.version == 2 and "eight to one" in doc.text
            assert len(archive.captures(doc.id)) == 2

        # the same lastmod again: nothing is refetched
        smap.update(sitemap_body() + "\n")
        _crawl(sources, data)
        assert server.count(changed) == 2 and all(server.count(p) == 1 for p in paths if p != changed)
        _check_archive(data, len(paths))


def _documents(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT], ids=["sigkill", "sigint"])
def test_killed_crawl_resumes_without_loss_or_duplicates(tmp_path, how):
    n = 40
    server = FaultServer()
    paths = _article_site(server, n, delay=0.1, first_seed=700)
    server.routes["/feed.xml"] = Versioned(rss("Many", [server.url(p) for p in paths], server.base + "/"),
                                           "application/rss+xml")
    with server:
        sources = _sources(tmp_path, f'[[sources]]\nid = "many"\nname = "Many"\nfeeds = ["{server.url("/feed.xml")}"]\n')
        data = tmp_path / "data"
        proc = start_forked_optout("crawl", "--sources", str(sources), data_dir=data, env=FAST)
        deadline = time.monotonic() + 60
        try:
            while _documents(data / "archive.sqlite3") < 6:
                assert proc.poll() is None, "the crawl ended before it could be interrupted"
                assert time.monotonic() < deadline, "no documents archived in time"
                time.sleep(0.05)
            proc.send_signal(how)
            _out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert "Traceback" not in err
        archived_first = _documents(data / "archive.sqlite3")
        assert 6 <= archived_first < n, "the interruption came too late to test anything"

        _crawl(sources, data)
        _check_archive(data, n)
        fetches = sum(server.count(p) for p in paths)
        # pages archived before the interruption are not fetched again (a page or two in flight may be)
        assert n <= fetches <= n + 4, server.counts()
        assert all(server.count(p) >= 1 for p in paths)
        assert server.max_in_flight <= 2  # politeness: two requests at a time per site, at most
