"""`optout sources add` names a source after the site's own name, refuses a homepage or feed already
added, accepts a bare host; `optout sources remove ID`; `optout sources status --format json`."""

from __future__ import annotations

import json
import tomllib

import pytest
from click.testing import CliRunner

from crawler.discover_site import DiscoveryError, default_id, normalize_url
from crawler.sources import SourcesError, append_source, duplicate_of, parse_sources, remove_source
from search_cli.cli import cli
from testsupport.cli import invoke
from testsupport.faultserver import FaultServer, make_article, page, rss


@pytest.fixture(scope="module")
def union_site():
    server = FaultServer()
    paths = [f"/news/{n}.html" for n in range(3)]
    for n, path in enumerate(paths):
        server.routes[path] = page(make_article(6100 + n, path).html(server.base))
    server.routes["/feed.xml"] = page(rss("News", [server.url(p) for p in paths], server.base + "/"),
                                      "application/rss+xml")
    server.routes["/"] = page(
        '<html><head><title>Home | Lakeview Teachers Association</title>'
        '<meta property="og:site_name" content="Lakeview Teachers Association">'
        '<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body><p>Hi</p></body></html>')
    server.routes["/titled/"] = page(
        '<html><head><title>Welcome - Marrowby Parents for Fair Schools</title></head><body>'
        + "".join(f'<a href="{p}">Story</a>' for p in paths) + '</body></html>')
    with server:
        yield server


def _file(data) -> list[dict]:
    return tomllib.loads((data / "sources.toml").read_text(encoding="utf-8"))["sources"]


def test_add_names_the_source_after_the_site(union_site, tmp_path):
    data = tmp_path / "data"
    added = invoke("sources", "add", union_site.url("/"), "--kind", "statement", data_dir=data)
    assert added.returncode == 0, added.stderr
    (source,) = _file(data)
    assert source["name"] == "Lakeview Teachers Association"
    assert source["id"] == "lakeview-teachers-association"  # not "127", from the loopback address
    other = tmp_path / "other"
    titled = invoke("sources", "add", union_site.url("/titled/"), data_dir=other)
    assert titled.returncode == 0, titled.stderr
    (source,) = _file(other)
    assert source["name"] == "Marrowby Parents for Fair Schools"  # from <title>, without "Welcome"
    assert source["id"] == "marrowby-parents-for-fair-schools"


def test_add_refuses_a_homepage_or_feed_already_added(union_site, tmp_path):
    data = tmp_path / "data"
    assert invoke("sources", "add", union_site.url("/"), data_dir=data).returncode == 0
    again = invoke("sources", "add", union_site.url("/"), "--id", "other-id", data_dir=data)
    assert again.returncode == 2
    assert "already exists" in again.stderr and "lakeview-teachers-association" in again.stderr
    feed = invoke("sources", "add", union_site.url("/feed.xml"), "--id", "feed-only", data_dir=data)
    assert feed.returncode == 2 and "feed" in feed.stderr
    assert len(_file(data)) == 1


def test_duplicates_compare_urls_loosely():
    (mine,) = parse_sources('[[sources]]\nid = "a"\nname = "A"\nhomepage = "https://www.example.org/"\n'
                            'feeds = ["https://example.org/feed/"]\n')
    probe = parse_sources('[[sources]]\nid = "b"\nname = "B"\nhomepage = "http://example.org"\n')[0]
    twin = duplicate_of(probe, [mine])
    assert twin is not None and twin[0].id == "a" and twin[1] == "homepage"
    other = parse_sources('[[sources]]\nid = "c"\nname = "C"\nhomepage = "https://example.org/news/"\n')[0]
    assert duplicate_of(other, [mine]) is None


@pytest.mark.parametrize("typed, url", [
    ("example.org", "https://example.org/"),
    ("www.example.org/news", "https://www.example.org/news"),
    ("http://example.org", "http://example.org/"),
])
def test_a_bare_host_means_https(typed, url):
    assert normalize_url(typed) == url


@pytest.mark.parametrize("typed", ["not a url at all", "ftp://example.org/", "example", "javascript:alert(1)"])
def test_what_is_not_a_web_address_is_refused(typed):
    with pytest.raises(DiscoveryError, match="not an http"):
        normalize_url(typed)


def test_default_ids_come_from_the_name_never_an_ip():
    assert default_id("127.0.0.1", "Lakeview Teachers Association") == "lakeview-teachers-association"
    assert default_id("127.0.0.1", None) == "source"
    assert default_id("www.ctulocal1.org", None) == "ctulocal1"
    assert default_id("www.ctulocal1.org", None, {"ctulocal1"}) == "ctulocal1-2"


GOOD = '[[sources]]\nid = "{id}"\nname = "{id}"\nfeeds = ["https://{id}.example/feed/"]\n'


def test_remove_keeps_the_rest_of_the_file(tmp_path):
    path = tmp_path / "sources.toml"
    for sid in ("first", "middle", "last"):
        append_source(path, parse_sources(GOOD.format(id=sid))[0])
    text = path.read_text(encoding="utf-8")
    assert remove_source(path, "middle").id == "middle"
    left = path.read_text(encoding="utf-8")
    assert [s.id for s in parse_sources(left)] == ["first", "last"]
    assert left.splitlines()[0] == text.splitlines()[0]  # the header comment stays
    with pytest.raises(SourcesError, match="no source with id 'middle'"):
        remove_source(path, "middle")


def test_sources_remove_command(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    append_source(data / "sources.toml", parse_sources(GOOD.format(id="mine"))[0])
    runner = CliRunner()
    removed = runner.invoke(cli, ["--data-dir", str(data), "sources", "remove", "mine"])
    assert removed.exit_code == 0, removed.output
    assert "removed source 'mine'" in removed.output
    missing = runner.invoke(cli, ["--data-dir", str(data), "sources", "remove", "mine"])
    assert missing.exit_code == 2 and "no source with id 'mine'" in missing.output
    default = runner.invoke(cli, ["--data-dir", str(data), "sources", "remove", "nysut"])
    assert default.exit_code == 2 and "packaged default source" in default.output


def test_sources_status_json(tmp_path):
    from archive import Archive

    data = tmp_path / "data"
    with Archive(data) as archive:
        archive.catalog.record_run("alpha", "2026-11-30T10:00:00Z", "2026-11-30T10:01:00Z",
                                   {"fetched": 2, "failed": 1}, True)
        archive.record_failure("alpha", "http://127.0.0.1/gone.html", "HTTP 404")
    result = CliRunner().invoke(cli, ["--data-dir", str(data), "sources", "status", "--format", "json"])
    assert result.exit_code == 0, result.output
    (row,) = [r for r in json.loads(result.output) if r["id"] == "alpha"]
    assert row["last_success"] == "2026-11-30T10:01:00Z"
    assert row["failures"] >= 1
    assert row["recent_failures"][0]["reason"] == "HTTP 404"
    assert row["recent_failures"][0]["url"] == "http://127.0.0.1/gone.html"
