"""One robots.txt policy everywhere: `optout extract URL` and `optout sources add/check` read robots.txt with
Protego, like the crawl, so wildcard (``/*/drafts/``) and end-anchored (``/*.pdf$``) rules hold for them too."""

from __future__ import annotations

import pytest

from crawler import fetch
from testsupport.cli import invoke
from testsupport.faultserver import FaultServer, make_article, page, rss

ROBOTS = "User-agent: *\nDisallow: /*/drafts/\nDisallow: /*.pdf$\n"


@pytest.fixture(scope="module")
def site():
    server = FaultServer()
    paths = ["/news/drafts/unfinished.html", "/news/published/ready.html", "/files/report.pdf",
             "/files/report.pdf.html"]
    for n, path in enumerate(paths):
        server.routes[path] = page(make_article(4200 + n, path).html(server.base))
    server.routes["/robots.txt"] = page(ROBOTS, "text/plain")
    server.routes["/feed.xml"] = page(rss("Wildcard Gazette", [server.url(p) for p in paths], server.base + "/"),
                                      "application/rss+xml")
    server.routes["/"] = page('<html><head><title>Wildcard Gazette</title>'
                              '<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head>'
                              '<body><p>Home</p></body></html>')
    with server:
        yield server


def test_fetch_policy_reads_wildcard_and_anchored_rules(site):
    fetch._robots.clear()
    assert not fetch.allowed_by_robots(site.url("/news/drafts/unfinished.html"))
    assert not fetch.allowed_by_robots(site.url("/files/report.pdf"))
    assert fetch.allowed_by_robots(site.url("/files/report.pdf.html"))  # "$": only names ending in .pdf
    assert fetch.allowed_by_robots(site.url("/news/published/ready.html"))


def test_extract_url_obeys_wildcard_rules(site):
    before = site.count("/news/drafts/unfinished.html")
    result = invoke("extract", site.url("/news/drafts/unfinished.html"), site.url("/files/report.pdf"))
    assert result.returncode == 1, result.stdout
    assert "disallowed by robots.txt" in result.stdout and "disallowed by robots.txt" in result.stderr
    assert site.count("/news/drafts/unfinished.html") == before
    assert site.count("/files/report.pdf") == 0
    allowed = invoke("extract", site.url("/news/published/ready.html"))
    assert allowed.returncode == 0, allowed.stderr
    assert '"error"' not in allowed.stdout


def test_sources_add_and_check_never_fetch_disallowed_articles(site, tmp_path):
    data = tmp_path / "data"
    added = invoke("sources", "add", site.url("/"), "--id", "wild", data_dir=data)
    assert added.returncode == 0, added.stderr
    check = invoke("sources", "check", "wild", "--sample", "4", data_dir=data)
    assert check.returncode == 0, check.stderr
    assert "4 distinct article URLs" in check.stdout
    lines = check.stdout.splitlines()
    assert any("unfinished.html: FAILED" in line and "disallowed by robots.txt" in line for line in lines)
    assert any("report.pdf: FAILED" in line and "disallowed by robots.txt" in line for line in lines)
    assert site.count("/news/drafts/unfinished.html") == 0
    assert site.count("/files/report.pdf") == 0
    assert site.count("/news/published/ready.html") >= 1
