"""One crawl per data directory, and source patterns compiled once (issue 16)."""

from __future__ import annotations

from archive.locks import exclusive
from crawler.sources import Source
from testsupport.cli import invoke


def test_a_second_crawl_on_the_same_data_dir_is_refused(tmp_path):
    sources = tmp_path / "s.toml"
    sources.write_text('[[sources]]\nid = "x"\nname = "X"\nfeeds = ["http://127.0.0.1:9/feed.xml"]\n')
    data = tmp_path / "data"
    invoke("sources", "list", data_dir=data)  # creates the data dir
    with exclusive(data, "crawl", "busy"):
        run = invoke("crawl", "--sources", str(sources), "--no-defaults", data_dir=data)
    assert run.returncode == 1
    assert "another `optout crawl` is running" in run.stderr
    assert "Traceback" not in run.stderr


def test_the_lock_is_free_again_after_the_block(tmp_path):
    with exclusive(tmp_path, "crawl", "busy"):
        pass
    with exclusive(tmp_path, "crawl", "busy"):  # would raise Busy if the first one leaked
        pass


def test_thousands_of_patterns_are_one_compiled_test():
    source = Source(id="big", name="Big", feeds=["https://news.example.org/feed"],
                    exclude=[rf"/tag/t{i}/" for i in range(3000)], follow=[r"/20\d\d/", r"/stories/"])
    assert source.allows("https://news.example.org/2016/05/story.html")
    assert not source.allows("https://news.example.org/tag/t2999/x.html")
    assert source.follows("https://news.example.org/stories/a.html")
    assert not source.follows("https://news.example.org/about/")


def test_patterns_that_cannot_be_joined_still_work():
    source = Source(id="g", name="G", feeds=["https://g.example.org/f"],
                    exclude=[r"/(?P<y>\d{4})/old", r"/(?P<y>\d{4})/draft"])
    assert not source.allows("https://g.example.org/2014/draft/a")
    assert source.allows("https://g.example.org/2014/final/a")
