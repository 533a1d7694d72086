"""`optout backfill`: a source's past from a loopback Wayback Machine (CDX API + id_ captures), archived through
the crawl's own extraction and archive, with provenance, resumable cursors and bad answers handled."""

from __future__ import annotations

import json

import pytest

from archive import Archive
from crawler.sources import parse_sources
from crawler.wayback import PoliteClient, options_for, parse_address, parse_cdx, run_backfill, timestamp_iso
from testsupport.cli import invoke
from testsupport.faultserver import make_article, rss
from testsupport.waybackserver import WaybackServer

SITE = "http://www.lakeside-educators.example"
SOURCES = f"""[[sources]]
id = "lake"
name = "Lakeside Educators Association"
kind = "statement"
feeds = ["{SITE}/feed/"]

[sources.wayback]
from = 2013
to = 2016
"""


def _source(text: str = SOURCES):
    return parse_sources(text, "test-sources.toml")[0]


def _articles(wb: WaybackServer, n: int = 5, year: int = 2015) -> list[str]:
    urls = []
    for i in range(n):
        art = make_article(100 + i, f"/news/{year}/story-{i}.html", words=220)
        wb.add(f"{year}03{i + 1:02d}120000", SITE + art.path, art.html(SITE))
        urls.append(SITE + art.path)
    return urls


@pytest.fixture
def wb():
    with WaybackServer() as server:
        yield server


def _run(wb, data_dir, source=None, **overrides):
    source = source or _source()
    opts = options_for(source, base=wb.base, delay=0.0, **overrides)
    with Archive(data_dir) as archive:
        return run_backfill(source, archive, opts)


def _captures(data_dir):
    with Archive(data_dir) as archive:
        return list(archive.catalog.iter_captures())


def test_articles_are_archived_with_wayback_provenance(wb, tmp_path):
    urls = _articles(wb, 3)
    wb.add("20150101000000", SITE + "/", "<html><body><p>Home.</p></body></html>")
    wb.add("20150101000000", SITE + "/tag/testing/", "<html><body><p>A tag page.</p></body></html>")
    wb.add("20170101000000", SITE + "/news/2017/late.html", make_article(7, "/news/2017/late.html").html(SITE))
    wb.add("20150201000000", SITE + "/logo.png", b"\x89PNG\r\n", mimetype="image/png")
    wb.add("20150202000000", SITE + "/letters/spring.pdf", b"%PDF-1.4\n% a made-up letter\n%%EOF\n",
           mimetype="application/pdf")
    report = _run(wb, tmp_path)
    assert report.counts["new"] == 3 and report.counts["captured"] == 1  # the PDF: a capture (its text: PDF extraction)
    assert not any("logo.png" in h.path for h in wb.hits())
    assert report.counts["not articles"] == 2  # the home page and the tag page: never fetched
    assert wb.count("/web/20150101000000id_/" + SITE + "/") == 0
    assert not any("late.html" in h.path for h in wb.hits())  # outside --to: not even listed
    caps = _captures(tmp_path)
    assert sorted(c.url for c in caps) == sorted([*urls, SITE + "/letters/spring.pdf"])
    assert next(c for c in caps if c.url.endswith(".pdf")).content_type == "application/pdf"
    first = next(c for c in caps if c.url == urls[0])
    assert first.origin_type == "wayback" and first.captured_at == "2015-03-01T12:00:00Z"
    assert first.origin == f"{wb.base}/web/20150301120000id_/{urls[0]}"
    from warcio.archiveiterator import ArchiveIterator

    with open(tmp_path / "warc" / first.warc_file, "rb") as fh:
        fh.seek(first.warc_offset)
        records = []
        for record in ArchiveIterator(fh):
            records.append((record.rec_type, dict(record.rec_headers.headers), record.content_stream().read()))
            if len(records) == 2:
                break
    (rtype, rhead, _body), (mtype, mhead, mbody) = records
    assert rtype == "response" and rhead["WARC-Target-URI"] == urls[0] and rhead["WARC-Date"] == "2015-03-01T12:00:00Z"
    assert rhead["WARC-Source-URI"] == first.origin
    assert mtype == "metadata" and mhead["WARC-Concurrent-To"] == rhead["WARC-Record-ID"]
    assert b"via: Internet Archive Wayback Machine" in mbody and first.origin.encode() in mbody


def test_show_names_the_wayback_capture(wb, tmp_path):
    urls = _articles(wb, 1)
    (tmp_path / "s.toml").write_text(SOURCES)
    run = invoke("backfill", "lake", "--sources", str(tmp_path / "s.toml"), "--wayback-url", wb.base, "--delay", "0",
                 data_dir=tmp_path / "d")
    assert run.returncode == 0, run.stderr
    assert "1 new" in run.stdout
    shown = invoke("show", urls[0], data_dir=tmp_path / "d")
    assert shown.returncode == 0
    assert "2015-03-01T12:00:00Z" in shown.stdout and f"via the Wayback Machine: {wb.base}/web/20150301120000id_/" in shown.stdout
    data = json.loads(invoke("show", urls[0], "--format", "json", data_dir=tmp_path / "d").stdout)
    assert data["captures"][0]["origin_type"] == "wayback"


def test_live_and_wayback_copies_are_one_document_with_two_captures(wb, tmp_path):
    art = make_article(300, "/news/2015/budget.html", words=220)
    old_html = art.html(SITE)
    wb.add("20150410090000", SITE + art.path, old_html)
    from crawler.extract import extract

    live_html = old_html.replace("</article>", "<p>Update: the vote was moved to a later meeting of the board.</p></article>")
    with Archive(tmp_path) as archive:
        # As a crawl archives a page today (crawler.pipelines.ArchivePipeline -> record_page).
        live = extract(live_html.encode(), "https://lakeside-educators.example" + art.path).to_dict()
        outcome, doc_id = archive.record_page(source="lake", url="https://lakeside-educators.example" + art.path,
                                              status=200, body=live_html.encode(),
                                              response_headers=[("Content-Type", "text/html")], extracted=live)
        assert outcome == "new"
    report = _run(wb, tmp_path)
    assert report.counts["captured"] == 1 and report.counts["new"] == 0
    with Archive(tmp_path) as archive:
        caps = archive.captures(doc_id)
        assert [c.origin_type for c in caps] == [None, "wayback"]
        doc = archive.get(doc_id)
        assert "Update: the vote was moved" in doc.text  # the older copy does not replace today's text
        assert b"Update: the vote" in archive.raw(doc_id).body  # the latest capture is the live one


def test_interrupted_backfill_goes_on_from_its_cursor(wb, tmp_path):
    urls = _articles(wb, 6)
    source = _source()
    calls = {"n": 0}

    def stop_after_three(report):
        calls["n"] += 1
        if report.counts["new"] == 3:
            raise KeyboardInterrupt

    opts = options_for(source, base=wb.base, delay=0.0, page_size=2)
    with Archive(tmp_path) as archive, pytest.raises(KeyboardInterrupt):
        run_backfill(source, archive, opts, progress=stop_after_three)
    assert len(_captures(tmp_path)) == 3
    with Archive(tmp_path) as archive:
        cursors = [archive.catalog.backfill_cursor("lake", f"domain lakeside-educators.example {s}") for s in ("2013-2016",)]
        assert cursors[0] is not None and not cursors[0]["done"] and cursors[0]["resume_key"]
    wb.reset_counts()
    report = _run(wb, tmp_path, page_size=2)
    assert report.resumed == 1
    assert report.counts["new"] == 3
    caps = _captures(tmp_path)
    assert sorted(c.url for c in caps) == sorted(urls)  # each once: nothing lost, nothing twice
    first_page = [h for h in wb.hits() if "story-0" in h.path or "story-1" in h.path]
    assert first_page == []  # pages before the cursor are not asked for again
    again = _run(wb, tmp_path, page_size=2)
    assert again.counts["new"] == 0 and again.counts["archived before"] == 6 and len(_captures(tmp_path)) == 6


def test_max_captures_stops_and_the_next_run_takes_the_rest(wb, tmp_path):
    _articles(wb, 5)
    first = _run(wb, tmp_path, page_size=2, max_captures=2)
    assert first.limited and first.counts["new"] == 2
    second = _run(wb, tmp_path, page_size=2)
    assert second.counts["new"] == 3 and not second.limited
    assert len({c.url for c in _captures(tmp_path)}) == 5
    fetched = [h.path for h in wb.hits() if h.path.startswith("/web/")]
    assert len(fetched) == len(set(fetched)) == 5


def test_feed_captured_then_marks_articles_outside_the_follow_patterns(wb, tmp_path):
    source = _source(SOURCES.replace('feeds = [', 'follow = ["/news/"]\nfeeds = ['))
    _articles(wb, 1)
    statement = make_article(400, "/press/on-the-spring-tests.html", words=200)
    other = make_article(401, "/press/unlisted.html", words=200)
    wb.add("20150601000000", SITE + statement.path, statement.html(SITE))
    wb.add("20150601000000", SITE + other.path, other.html(SITE))
    wb.add("20150602000000", SITE + "/feed/", rss("Lakeside", [SITE + statement.path], SITE), mimetype="application/rss+xml")
    report = _run(wb, tmp_path, source=source)
    assert report.counts["feeds read"] == 1
    archived = {c.url for c in _captures(tmp_path)}
    assert SITE + statement.path in archived and SITE + other.path not in archived
    assert report.counts["new"] == 2


def test_redirecting_captures_and_soft_404s(wb, tmp_path):
    art = make_article(500, "/news/2014/moved.html", words=220)
    wb.add("20140505050505", SITE + art.path, art.html(SITE))
    # The Archive sends a capture it does not have exactly to a nearby one of the same page: followed.
    wb.add("20140505000000", SITE + art.path, b"", location=f"{wb.base}/web/20140505050505id_/{SITE}{art.path}")
    # A capture that redirects to another page: not this page's copy.
    wb.add("20140601000000", SITE + "/news/2014/renamed.html", b"",
           location=f"{wb.base}/web/20140601000000id_/{SITE}/elsewhere.html")
    wb.add("20140701000000", SITE + "/news/2014/missing.html",
           "<html><head><title>Page Not Found | Lakeside</title></head><body><h1>Page not found</h1>"
           "<p>Try the search box.</p></body></html>")
    report = _run(wb, tmp_path)
    caps = _captures(tmp_path)
    assert [(c.url, c.captured_at) for c in caps] == [(SITE + art.path, "2014-05-05T05:05:05Z")]
    reasons = dict(report.reasons)
    assert "redirects to another page" in reasons[SITE + "/news/2014/renamed.html"]
    assert "soft 404" in reasons[SITE + "/news/2014/missing.html"]


@pytest.mark.parametrize("mode, message", [
    ("garbage", "not JSON"), ("404", "HTTP 404"), ("html", "not JSON"),
])
def test_cdx_answers_that_cannot_be_used_fail_with_a_reason(wb, tmp_path, mode, message):
    _articles(wb, 2)
    wb.cdx_mode = mode
    (tmp_path / "s.toml").write_text(SOURCES)
    run = invoke("backfill", "lake", "--sources", str(tmp_path / "s.toml"), "--wayback-url", wb.base, "--delay", "0",
                 data_dir=tmp_path / "d")
    assert run.returncode == 3
    assert message in run.stderr and "Traceback" not in run.stderr
    assert _captures(tmp_path / "d") == []


def test_empty_cdx_answer_is_no_failure(wb, tmp_path):
    wb.cdx_mode = "empty"
    (tmp_path / "s.toml").write_text(SOURCES)
    run = invoke("backfill", "lake", "--sources", str(tmp_path / "s.toml"), "--wayback-url", wb.base, "--delay", "0",
                 data_dir=tmp_path / "d")
    assert run.returncode == 0, run.stderr
    assert "0 captures archived" in run.stdout


def test_a_looping_resume_key_stops_paging(wb, tmp_path):
    _articles(wb, 3)
    wb.cdx_mode = "loop"
    report = _run(wb, tmp_path, page_size=1)
    assert any("resume key repeats" in r for _w, r in report.reasons)
    assert wb.count("/cdx/search/cdx") <= 4  # the feed query, then two pages of the domain query
    assert report.counts["new"] >= 1


def test_throttled_answers_are_retried_one_request_at_a_time(wb, tmp_path):
    _articles(wb, 2)
    wb.throttle_first = 2
    waits: list[float] = []
    client = PoliteClient(delay=0.25, backoff=0.01, sleep=waits.append)
    source = _source()
    with Archive(tmp_path) as archive:
        report = run_backfill(source, archive, options_for(source, base=wb.base, delay=0.25), client=client)
    assert report.counts["new"] == 2
    assert wb.max_in_flight == 1
    assert 0.0 in waits  # Retry-After: 0 was honored rather than the backoff
    assert sum(1 for w in waits if 0 < w <= 0.25) >= report.requests - 3  # the delay before each next request


def test_backfill_command_bad_input(tmp_path):
    (tmp_path / "s.toml").write_text(SOURCES)
    unknown = invoke("backfill", "nope", "--sources", str(tmp_path / "s.toml"), data_dir=tmp_path / "d")
    assert unknown.returncode == 2 and "unknown source id 'nope'" in unknown.stderr
    bad_date = invoke("backfill", "lake", "--sources", str(tmp_path / "s.toml"), "--from", "last tuesday",
                      data_dir=tmp_path / "d")
    assert bad_date.returncode == 2 and "--from" in bad_date.stderr
    backwards = invoke("backfill", "lake", "--sources", str(tmp_path / "s.toml"), "--from", "2016", "--to", "2014-05",
                       data_dir=tmp_path / "d")
    assert backwards.returncode == 2 and "--to 2014-05 is before --from 2016" in backwards.stderr
    bad_url = invoke("backfill", "lake", "--sources", str(tmp_path / "s.toml"), "--wayback-url", "ftp://x",
                     data_dir=tmp_path / "d")
    assert bad_url.returncode == 2 and "not an http(s) URL" in bad_url.stderr


def test_parse_cdx_reads_rows_and_resume_keys():
    body = json.dumps([["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"],
                       ["k", "20150101000000", "http://a.example/x", "text/html", "200", "D", "1"],
                       ["k", "2015", "not a url", "text/html", "200", "D", "1"],
                       [], ["next-page"]]).encode()
    rows, key = parse_cdx(body)
    assert [(r.timestamp, r.original) for r in rows] == [("20150101000000", "http://a.example/x")] and key == "next-page"
    assert parse_cdx(b"") == ([], None) and parse_cdx(b"[]") == ([], None)
    assert parse_address("http://h/web/20150101000000id_/https://a.example/p?q=1") == ("20150101000000", "https://a.example/p?q=1")
    assert timestamp_iso("2015") == "2015-01-01T00:00:00Z"


def test_a_full_disk_stops_the_backfill_with_exit_code_4(wb, tmp_path, monkeypatch):
    _articles(wb, 5)
    (tmp_path / "s.toml").write_text(SOURCES)
    import errno

    from archive.warcstore import WarcStore

    def full(self, path):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(WarcStore, "_open_append", full)
    run = invoke("backfill", "lake", "--sources", str(tmp_path / "s.toml"), "--wayback-url", wb.base, "--delay", "0",
                 data_dir=tmp_path / "d")
    assert run.returncode == 4
    assert "No space left on device" in run.stderr
    assert len([h for h in wb.hits() if h.path.startswith("/web/")]) == 3  # stops after three, not all five


def test_articles_a_feed_listed_outside_the_prefixes_are_looked_up(wb, tmp_path):
    source = _source(SOURCES + f'prefixes = ["{SITE}/news/"]\n')
    _articles(wb, 1)
    letter = make_article(600, "/letters/to-the-board.html", words=200)
    stray = make_article(601, "/letters/unlisted.html", words=200)
    wb.add("20150801000000", SITE + letter.path, letter.html(SITE))
    wb.add("20150801000000", SITE + stray.path, stray.html(SITE))
    wb.add("20150802000000", SITE + "/feed/", rss("Lakeside", [SITE + letter.path], SITE), mimetype="application/rss+xml")
    report = _run(wb, tmp_path, source=source)
    archived = {c.url for c in _captures(tmp_path)}
    assert archived == {SITE + "/news/2015/story-0.html", SITE + letter.path}
    asked = [h.query for h in wb.hits("/cdx/search/cdx")]
    assert any("letters%2Fto-the-board" in q for q in asked) and not any("unlisted" in q for q in asked)
    assert report.counts["new"] == 2


def test_one_page_under_several_spellings_is_captured_once_across_runs(wb, tmp_path):
    art = make_article(800, "/news/2015/one-page.html", words=220)
    wb.add("20150101000000", "http://www.lakeside-educators.example:80" + art.path, art.html(SITE))
    first = _run(wb, tmp_path)
    assert first.counts["new"] == 1
    wb.captures.clear()  # the Archive now lists the page only under another spelling
    wb.add("20150601000000", "https://lakeside-educators.example" + art.path, art.html(SITE) + "<!-- later -->")
    second = _run(wb, tmp_path, restart=True)
    assert second.counts["archived before"] == 1 and len(_captures(tmp_path)) == 1
    assert not any(h.path.startswith("/web/20150601") for h in wb.hits())
