"""`optout sources add` finds feeds and sitemaps (or falls back to a listing page) and writes the source;
`optout sources check` dry-runs it; bad URLs are one-line errors with exit code 2."""

from __future__ import annotations

import tomllib

import pytest

from testsupport.cli import invoke
from testsupport.faultserver import FaultServer, Versioned, closed_port, make_article, page, rss, sitemap
from testsupport.forked import fork_optout


def _home(links: str, head: str = "") -> str:
    return f"""<!DOCTYPE html><html><head><title>The Quillhaven Courier</title>{head}</head>
<body><header><a href="/about.html">About</a></header><main><h1>Latest</h1><ul>{links}</ul></main></body></html>"""


@pytest.fixture(scope="module")
def sites():
    """``full``: a feed linked from the homepage and sitemaps named in robots.txt; ``bare``: neither,
    only links to articles."""
    full, bare = FaultServer(), FaultServer()
    articles = [f"/stories/{n}.html" for n in range(1, 5)]
    for server, seed in ((full, 1000), (bare, 1100)):
        for i, path in enumerate(articles):
            server.routes[path] = page(make_article(seed + i, path).html(server.base))
    f = full.base
    full.routes["/"] = page(_home(
        "".join(f'<li><a href="{p}">Story</a></li>' for p in articles),
        '<link rel="alternate" type="application/rss+xml" title="News" href="/news/feed.xml">'
        '<link rel="alternate" type="application/rss+xml" title="Comments" href="/comments/feed.xml">'))
    full.routes["/robots.txt"] = page(f"User-agent: *\nDisallow: /drafts/\n\nSitemap: {f}/sitemaps/index.xml\n",
                                      "text/plain")
    full.routes["/news/feed.xml"] = Versioned(rss("Courier news", [f + p for p in articles[:3]], f + "/"),
                                              "application/rss+xml")
    full.routes["/sitemaps/index.xml"] = page(sitemap([(f + p, f"2023-05-0{n}") for n, p in enumerate(articles, 1)]),
                                              "application/xml")
    bare.routes["/"] = page(_home("".join(f'<li><a href="{p}">Story {n}</a></li>' for n, p in enumerate(articles))))
    full.start()
    bare.start()
    yield full, bare, articles
    full.stop()
    bare.stop()


def _sources_file(data) -> list[dict]:
    return tomllib.loads((data / "sources.toml").read_text(encoding="utf-8"))["sources"]


def test_add_finds_feed_and_sitemap_then_check_dry_runs_it(sites, tmp_path):
    full, _bare, articles = sites
    data = tmp_path / "data"
    added = invoke("sources", "add", full.url("/"), "--id", "courier", "--kind", "news", data_dir=data)
    assert added.returncode == 0, added.stderr
    assert "added source 'courier'" in added.stdout
    (source,) = _sources_file(data)
    assert source["id"] == "courier"
    assert source["feeds"] == [full.url("/news/feed.xml")]  # the comments feed is left out
    assert source["sitemaps"] == [full.url("/sitemaps/index.xml")]
    assert source["pages"] == []
    assert source["homepage"] == full.url("/")
    assert source["name"] == "The Quillhaven Courier"

    before = full.counts()
    check = invoke("sources", "check", "courier", "--sample", "2", data_dir=data)
    assert check.returncode == 0, check.stderr
    out = check.stdout
    assert f"feed {full.url('/news/feed.xml')}: 3 article URLs" in out
    assert f"sitemap {full.url('/sitemaps/index.xml')}: 4 article URLs" in out
    assert "4 distinct article URLs; extracting the first 2:" in out
    titles = [line.split("title:", 1)[1].strip() for line in out.splitlines() if "title:" in line]
    dates = [line.split("date:", 1)[1].split()[0] for line in out.splitlines() if "date:" in line]
    assert len(titles) == 2 and all(t.startswith("'") and "(dispatch" in t for t in titles)
    assert len(dates) == 2 and all(d[:2] == "20" and len(d) == 10 for d in dates)
    # a dry run: nothing archived
    from archive import Archive

    with Archive(data) as archive:
        assert archive.catalog.count() == 0
    assert full.counts() - before  # it did fetch


def test_add_falls_back_to_a_listing_page(sites, tmp_path):
    _full, bare, articles = sites
    data = tmp_path / "data"
    added = invoke("sources", "add", bare.url("/"), "--id", "bare-site", data_dir=data)
    assert added.returncode == 0, added.stderr
    assert "listing page" in added.stdout
    (source,) = _sources_file(data)
    assert source["pages"] == [bare.url("/")]
    assert source["feeds"] == [] and source["sitemaps"] == []
    check = invoke("sources", "check", "bare-site", "--sample", "1", data_dir=data)
    assert check.returncode == 0, check.stderr
    assert f"listing {bare.url('/')}: {len(articles)} article URLs" in check.stdout
    assert "about.html" not in check.stdout


def test_add_accepts_a_feed_url_directly(sites, tmp_path):
    full, _bare, _articles = sites
    data = tmp_path / "data"
    added = invoke("sources", "add", full.url("/news/feed.xml"), "--id", "direct", data_dir=data)
    assert added.returncode == 0, added.stderr
    (source,) = _sources_file(data)
    assert source["feeds"] == [full.url("/news/feed.xml")]


def test_add_twice_is_refused(sites, tmp_path):
    full, _bare, _articles = sites
    data = tmp_path / "data"
    assert invoke("sources", "add", full.url("/"), "--id", "once", data_dir=data).returncode == 0
    again = invoke("sources", "add", full.url("/"), "--id", "once", data_dir=data)
    assert again.returncode == 2
    assert "already exists" in again.stderr
    assert len(_sources_file(data)) == 1


@pytest.mark.parametrize("url, words", [
    ("ftp://example.org/pub/", "not an http(s) URL"),
    ("http://no-such-host.invalid/", "cannot reach no-such-host.invalid"),
    ("http://127.0.0.1:{closed}/", "Connection refused"),
    ("not a url at all", "not an http(s) URL"),
])
def test_bad_urls_are_one_line_errors(tmp_path, url, words):
    data = tmp_path / "data"
    result = invoke("sources", "add", url.format(closed=closed_port()), data_dir=data)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    message = result.stderr.strip()
    assert "\n" not in message and words in message, message
    assert not (data / "sources.toml").exists()


FAST = {"OPTOUT_RETRY_BACKOFF": "0.1", "OPTOUT_THROTTLE_START": "0.05"}


def _crawl_homepage(tmp_path, url: str):
    from archive import Archive

    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[sources]]\nid = "home"\nname = "Home"\nhomepage = "{url}"\n', encoding="utf-8")
    data = tmp_path / "data"
    result = fork_optout("crawl", "--sources", str(sources), data_dir=data, env=FAST)
    assert result.returncode == 0, result.stderr
    with Archive(data) as archive:
        return {d.url for d in archive.documents(with_annotations=False)}, archive.catalog.failures("home")


def test_crawl_of_a_homepage_source_uses_the_feed_it_links(sites, tmp_path):
    full, _bare, articles = sites
    urls, failures = _crawl_homepage(tmp_path, full.url("/"))
    assert urls == {full.url(p) for p in articles[:3]}  # what the feed lists
    assert not failures
    assert full.count("/news/feed.xml") >= 1 and full.count("/comments/feed.xml") == 0
    # again: the feed answers 304, nothing is fetched twice and the homepage's other links stay unread
    before = full.counts()
    urls, failures = _crawl_homepage(tmp_path, full.url("/"))
    assert len(urls) == 3 and not failures
    assert full.hits("/news/feed.xml")[-1].headers.get("if-none-match")  # answered 304
    after = full.counts()
    assert all(after[p] == before[p] for p in articles)  # the 4th article, linked from the homepage only, too


def test_crawl_of_a_homepage_without_feeds_reads_it_as_a_listing_page(sites, tmp_path):
    _full, bare, articles = sites
    urls, failures = _crawl_homepage(tmp_path, bare.url("/"))
    assert urls == {bare.url(p) for p in articles}
    assert not failures
    assert bare.count("/about.html") == 0  # navigation is not an article
