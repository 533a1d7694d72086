"""One discovery for the crawl, `sources add` and `sources check`: a homepage that links no feed and no
article, whose robots.txt names a sitemap at an unusual path, is found the same way by all three."""

from __future__ import annotations

import tomllib

import pytest

from crawler import discovery
from testsupport.cli import invoke
from testsupport.faultserver import FaultServer, make_article, page, sitemap
from testsupport.forked import fork_optout

FAST = {"OPTOUT_RETRY_BACKOFF": "0.1", "OPTOUT_THROTTLE_START": "0.05"}


@pytest.fixture(scope="module")
def mapped():
    server = FaultServer()
    paths = [f"/dispatches/{n}.html" for n in range(1, 4)]
    for n, path in enumerate(paths):
        server.routes[path] = page(make_article(7300 + n, path).html(server.base))
    server.routes["/"] = page("<html><head><title>The Brackenridge Bulletin</title></head>"
                              "<body><p>Our dispatches are listed in the sitemap.</p></body></html>")
    server.routes["/robots.txt"] = page(f"User-agent: *\nDisallow: /private/\nSitemap: {server.base}/maps/all.xml\n",
                                        "text/plain")
    server.routes["/maps/all.xml"] = page(sitemap([(server.url(p), f"2024-02-0{n}") for n, p in enumerate(paths, 1)]),
                                          "application/xml")
    with server:
        yield server, paths


def test_crawl_add_and_check_find_the_sitemap_robots_txt_names(mapped, tmp_path):
    from archive import Archive

    server, paths = mapped
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[sources]]\nid = "bulletin"\nname = "Bulletin"\nhomepage = "{server.url("/")}"\n',
                       encoding="utf-8")
    crawl = fork_optout("crawl", "--sources", str(sources), data_dir=tmp_path / "crawl", env=FAST)
    assert crawl.returncode == 0, crawl.stderr
    with Archive(tmp_path / "crawl") as archive:
        assert {d.url for d in archive.documents(with_annotations=False)} == {server.url(p) for p in paths}
        assert not archive.catalog.failures("bulletin")

    data = tmp_path / "added"
    added = invoke("sources", "add", server.url("/"), "--id", "bulletin", data_dir=data)
    assert added.returncode == 0, added.stderr
    (source,) = tomllib.loads((data / "sources.toml").read_text(encoding="utf-8"))["sources"]
    assert source["sitemaps"] == [server.url("/maps/all.xml")] and source["feeds"] == []

    home_only = tmp_path / "home-only"
    home_only.mkdir()
    (home_only / "sources.toml").write_text(sources.read_text(encoding="utf-8"), encoding="utf-8")
    check = invoke("sources", "check", "bulletin", "--sample", "1", data_dir=home_only)
    assert check.returncode == 0, check.stderr
    assert "discovered as a crawl would" in check.stdout
    assert f"sitemap {server.url('/maps/all.xml')}: 3 article URLs" in check.stdout


def test_candidates_are_one_list_for_everyone():
    home = "http://127.0.0.1:9/section/"
    linked = ["http://127.0.0.1:9/a.xml", "http://elsewhere.example/feed/", "http://127.0.0.1:9/b.xml",
              "http://127.0.0.1:9/c.xml", "http://127.0.0.1:9/d.xml"]
    feeds, guessed = discovery.feed_candidates(home, linked)
    assert not guessed and feeds == linked[:1] + linked[2:4]  # own site only, at most three
    feeds, guessed = discovery.feed_candidates(home, [])
    assert guessed and feeds == [f"http://127.0.0.1:9{p}" for p in discovery.CANDIDATE_FEED_PATHS]
    robots = b"User-agent: *\nSitemap: /maps/one.xml\nsitemap: http://elsewhere.example/s.xml\n"
    assert discovery.sitemap_candidates(home, robots) == (["http://127.0.0.1:9/maps/one.xml"], False)
    sitemaps, guessed = discovery.sitemap_candidates(home, None)
    assert guessed and sitemaps == [f"http://127.0.0.1:9{p}" for p in discovery.CANDIDATE_SITEMAP_PATHS]
