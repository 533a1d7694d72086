"""The crawler against a site that fails in every way real sites do: each fault ends as a failure with
a reason (or, for passing faults, as an archived page), good pages are archived once, nothing unsafe
is fetched, and one broken source never stops the others."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.feeds import FeedError, read_feed
from testsupport.cli import invoke
from testsupport.faultserver import ENTITY_BOMB, HUGE_BYTES, fault_site
from testsupport.forked import fork_optout

MAX_BYTES = 2 * 1024 * 1024
FAST = {"OPTOUT_MAX_BYTES": str(MAX_BYTES), "OPTOUT_RETRY_BACKOFF": "0.1", "OPTOUT_THROTTLE_START": "0.05"}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """The fault site crawled once by the real CLI; yields (site, data dir, result, seconds, peak RSS MB)."""
    site = fault_site(MAX_BYTES)
    work = tmp_path_factory.mktemp("faults")
    sources = work / "sources.toml"
    sources.write_text(site.sources_toml, encoding="utf-8")
    data = work / "data"
    started = time.monotonic()
    result = fork_optout("crawl", "--sources", str(sources), "--timeout", "1", data_dir=data, env=FAST, timeout=120)
    elapsed = time.monotonic() - started
    peak_mb = result.peak_mb  # the crawl process's own peak
    yield site, data, result, elapsed, peak_mb
    site.stop()


def _archive(data: Path):
    from archive import Archive

    return Archive(data)


def _failures(archive) -> dict[str, list[tuple[str, str]]]:
    """URL -> [(source, reason)] for every recorded failure."""
    out: dict[str, list[tuple[str, str]]] = {}
    for row in archive.catalog.conn.execute("SELECT source, url, reason FROM failures"):
        out.setdefault(row["url"], []).append((row["source"], row["reason"]))
    return out


def test_crawl_finishes_by_itself_in_bounded_time_and_memory(crawled):
    _site, _data, result, elapsed, peak_mb = crawled
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert elapsed < 60, f"crawl took {elapsed:.1f} s"
    assert peak_mb < 500, f"crawl process peaked at {peak_mb:.0f} MB"


def test_every_good_page_archived_exactly_once(crawled):
    site, data, _result, _elapsed, _peak = crawled
    with _archive(data) as archive:
        docs = list(archive.documents(with_annotations=False))
        urls = Counter(d.url.split("?")[0] for d in docs)
        assert sorted(urls) == sorted(site.good)
        assert all(n == 1 for n in urls.values())
        assert len({d.canonical_url for d in docs}) == len(docs) == len(site.good)
        assert all(len(d.text.split()) >= 100 for d in docs)
    # each good page was fetched once (the ?utm_ link in the feed is the same article)
    for url in site.good:
        server = site.server_for(url)
        retried = url.endswith(("/flaky-503.html", "/limited-429.html"))  # these answer on the second request
        assert server.count(urlsplit(url).path) == (2 if retried else 1), url


def test_each_fault_is_recorded_with_its_reason(crawled):
    site, data, _result, _elapsed, _peak = crawled
    with _archive(data) as archive:
        failures = _failures(archive)
    for url, (source, words) in site.failures.items():
        assert url in failures, f"no failure recorded for {url}; recorded: {sorted(failures)}"
        sources = {s for s, _ in failures[url]}
        reasons = " | ".join(r for _, r in failures[url])
        assert sources == {source}, url
        assert words in reasons, f"{url}: expected {words!r} in {reasons!r}"
    # nothing else failed: no good page or the retried pages
    assert set(failures) == set(site.failures), sorted(set(failures) ^ set(site.failures))


def test_retries_recover_passing_errors_and_honor_retry_after(crawled):
    site, _data, _result, _elapsed, _peak = crawled
    assert site.faulty.count("/fault/flaky-503.html") == 2
    assert site.faulty.count("/fault/500.html") == 3  # the first try and two retries, then given up
    hits = site.limited.hits("/fault/limited-429.html")
    assert len(hits) == 2
    waited = hits[1].at - hits[0].at
    assert 0.9 <= waited < 20, f"second request {waited:.2f} s after the 429 with Retry-After: 1"


def test_limits_cut_big_answers_short(crawled):
    site, _data, _result, _elapsed, _peak = crawled
    # the endless page was abandoned near the size limit, not read to its 60 MB end
    assert site.faulty.sent("/fault/huge.html") < HUGE_BYTES / 4
    assert site.faulty.sent("/fault/huge-declared.html") < HUGE_BYTES / 4
    assert site.faulty.count("/fault/slow.html") >= 1
    # a redirect loop is followed up to the limit (5 redirects), then abandoned
    assert site.faulty.count("/fault/loop-a.html") + site.faulty.count("/fault/loop-b.html") == 6


def test_robots_txt_obeyed_and_unsafe_links_never_fetched(crawled):
    site, _data, _result, _elapsed, _peak = crawled
    assert site.faulty.count("/private/x.html") == 0
    assert site.faulty.count("/private/feed.xml") == 0
    robots = site.faulty.hits("/robots.txt")
    assert robots and "optout-archive" in robots[0].headers.get("user-agent", "")
    assert site.faulty.count("/etc/passwd") == 0
    # nothing outside the listed paths (file: and javascript: links are not turned into requests)
    listed = {"/robots.txt", "/feeds/main.rss", "/feeds/main.atom", "/feeds/broken.rss", "/feeds/bomb.rss"}
    assert all(p in listed or p.startswith(("/news/", "/fault/")) for p in site.faulty.counts()), site.faulty.counts()


def test_mislabelled_cp1252_page_is_read_correctly(crawled):
    site, data, _result, _elapsed, _peak = crawled
    with _archive(data) as archive:
        doc = archive.get(site.cp1252_url)
        assert "\u201cthe end of a very long lunch.\u201d" in doc.text
        assert "caf\u00e9 on Tamsworth Quay" in doc.text
        assert "\ufffd" not in doc.text
        # the capture keeps the bytes exactly as served
        raw = archive.raw(doc.id)
        assert b"caf\xe9" in raw.body and b"\x93the end" in raw.body


def test_pdf_and_page_without_text_are_kept_as_captures(crawled):
    site, data, _result, _elapsed, _peak = crawled
    with _archive(data) as archive:
        shell = site.faulty.url("/fault/app-shell.html")
        rows = archive.catalog.conn.execute("SELECT * FROM captures WHERE url = ?", (shell,)).fetchall()
        assert len(rows) == 1 and rows[0]["document_id"] is None
        rows = archive.catalog.conn.execute("SELECT * FROM captures WHERE url = ?", (site.pdf_url,)).fetchall()
        assert len(rows) == 1
        assert rows[0]["content_type"].startswith("application/pdf")
        body = archive.warc.read(rows[0]["warc_file"], rows[0]["warc_offset"]).body
        assert body.startswith(b"%PDF-1.4")


def test_other_sources_are_collected_and_status_shows_reasons(crawled):
    site, data, result, _elapsed, _peak = crawled
    with _archive(data) as archive:
        by_source = Counter(d.source for d in archive.documents(with_annotations=False))
    assert by_source["steady"] == 3
    assert by_source["gone"] == by_source["nowhere"] == 0
    status = invoke("sources", "status", data_dir=data)
    assert status.returncode == 0, status.stderr
    assert "connection refused" in status.stdout
    assert "gone" in status.stdout and "steady" in status.stdout


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-be"])
def test_entity_bomb_is_refused_at_once(encoding):
    body = ENTITY_BOMB.encode(encoding)
    started = time.perf_counter()
    with pytest.raises(FeedError, match="entities"):
        read_feed(body, "http://127.0.0.1/feed.xml")
    assert time.perf_counter() - started < 0.5
