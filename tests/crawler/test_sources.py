import pytest

from crawler.sources import SourcesError, append_source, default_sources, parse_sources
from testsupport.forked import fork_optout

GOOD = """
[[sources]]
id = "ex-news"
name = "Example News"
kind = "news"
feeds = ["https://news.example/feed/"]
follow = ["/20[0-9]{2}/"]
"""


def test_good_file_parses():
    (src,) = parse_sources(GOOD)
    assert src.id == "ex-news" and src.feeds == ["https://news.example/feed/"]
    assert src.allows("https://www.news.example/2015/a.html")
    assert not src.allows("https://other.example/2015/a.html")
    assert not src.allows("file:///etc/passwd")
    assert src.follows("https://news.example/2015/a.html") and not src.follows("https://news.example/about")


@pytest.mark.parametrize("text, message", [
    ("[[sources]\nid = 1", "TOML error"),
    (GOOD.replace('kind = "news"', 'kind = "news"\nfeedz = []'), ":6: source 'ex-news': feedz: unknown key"),
    (GOOD + GOOD, "duplicate id"),
    (GOOD.replace('"ex-news"', '"../etc"'), "id: must be letters"),
    (GOOD.replace("https://news.example/feed/", "file:///etc/passwd"), "feeds: 'file:///etc/passwd' is not an http(s) URL"),
    (GOOD.replace('kind = "news"', 'kind = "gossip"'), "kind: must be one of"),
    (GOOD.replace('follow = ["/20[0-9]{2}/"]', 'follow = ["(unclosed"]'), "bad pattern"),
    ('[[sources]]\nid = "x"\nname = "X"\n', "needs at least one of"),
    ('[[sources]]\nid = "x"\nfeeds = "https://a.example/feed"\n', "must be a list of strings"),
])
def test_bad_files_name_file_source_and_key(text, message):
    with pytest.raises(SourcesError) as exc:
        parse_sources(text, "my-sources.toml")
    assert str(exc.value).startswith("my-sources.toml")
    assert message in str(exc.value)


def test_default_sources_are_valid_and_real():
    sources = default_sources()
    assert len(sources) >= 15
    ids = {s.id for s in sources}
    assert {"nea", "aft", "nysut", "uft", "massteacher", "ctu", "fairtest", "npe"} <= ids
    assert all(s.homepage or s.feeds for s in sources)


def test_append_source_round_trips(tmp_path):
    (src,) = parse_sources(GOOD)
    path = tmp_path / "sources.toml"
    append_source(path, src)
    with pytest.raises(SourcesError, match="already exists"):
        append_source(path, src)
    assert parse_sources(path.read_text())[0] == src


def test_crawl_rejects_bad_sources_before_fetching(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace("https://news.example/feed/", "javascript:alert(1)"))
    result = fork_optout("crawl", "--sources", str(bad), data_dir=tmp_path / "data")
    assert result.returncode == 2
    assert "bad.toml:6: source 'ex-news': feeds:" in result.stderr
    assert "Traceback" not in result.stderr
    missing = fork_optout("crawl", "--sources", str(tmp_path / "none.toml"), data_dir=tmp_path / "data")
    assert missing.returncode == 2 and "no such sources file" in missing.stderr
