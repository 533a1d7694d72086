"""A source's optional [sources.wayback] table: validated like the rest of the sources file (file and line
named), and read by `optout backfill` (the command's options win over it, the environment comes after)."""

from __future__ import annotations

import pytest

from crawler.sources import SourcesError, WaybackOptions, parse_sources, wayback_date
from crawler.wayback import WaybackError, options_for, queries_for

BASE = """[[sources]]
id = "harbor"
name = "Harbor Teachers"
feeds = ["https://harbor-teachers.example/feed/"]
sitemaps = ["https://harbor-teachers.example/sitemap.xml"]
"""


def test_the_table_is_read():
    (src,) = parse_sources(BASE + '\n[sources.wayback]\nfrom = 2013\nto = "2016-06"\n'
                           'prefixes = ["https://harbor-teachers.example/news/"]\ndelay = 2.5\nper_url = 2\n')
    assert src.wayback == WaybackOptions(since="2013", until="201606", prefixes=["https://harbor-teachers.example/news/"],
                                         delay=2.5, per_url=2)
    assert parse_sources(src.to_toml())[0].wayback == src.wayback  # written back as it was read
    inline = parse_sources(BASE.replace('name = "Harbor Teachers"', 'name = "Harbor Teachers"\nwayback = {from = 2014}'))
    assert inline[0].wayback.since == "2014"
    assert parse_sources(BASE)[0].wayback is None


@pytest.mark.parametrize("table, line, message", [
    ('[sources.wayback]\nfrom = 2013\nuntil = 2016', 9, "wayback.until: unknown key"),
    ('[sources.wayback]\nfrom = "last spring"', 8, "wayback.from: must be a year"),
    ('[sources.wayback]\nfrom = 2016\nto = 2013', 9, "wayback.to: is before from"),
    ('[sources.wayback]\nto = 20151340', 8, "wayback.to: must be a year"),
    ('[sources.wayback]\nprefixes = ["ftp://harbor-teachers.example/"]', 8, "wayback.prefixes: 'ftp://"),
    ('[sources.wayback]\ndelay = -1', 8, "wayback.delay: must be a number"),
    ('[sources.wayback]\nper_url = 0', 8, "wayback.per_url: must be a whole number"),
    ('[sources.wayback]\nmax_captures = true', 8, "wayback.max_captures: must be a whole number"),
])
def test_bad_tables_name_file_line_and_key(table, line, message):
    with pytest.raises(SourcesError) as exc:
        parse_sources(BASE + "\n" + table + "\n", "my-sources.toml")
    assert str(exc.value).startswith(f"my-sources.toml:{line}: source 'harbor': ")
    assert message in str(exc.value)


def test_wayback_must_be_a_table():
    with pytest.raises(SourcesError, match=r"my-sources.toml:4: source 'harbor': wayback: must be a table"):
        parse_sources(BASE.replace('name = "Harbor Teachers"', 'name = "Harbor Teachers"\nwayback = true'),
                      "my-sources.toml")


def test_dates_the_cdx_api_takes():
    assert wayback_date(2013) == "2013" and wayback_date("2015-03") == "201503" and wayback_date("2015-03-31") == "20150331"
    assert wayback_date("15") is None and wayback_date(True) is None and wayback_date("2015-13") is None


def test_options_come_from_the_command_then_the_table_then_the_environment(monkeypatch):
    (src,) = parse_sources(BASE + '\n[sources.wayback]\nfrom = 2013\nto = 2016\ndelay = 3\n')
    monkeypatch.setenv("OPTOUT_WAYBACK_URL", "http://127.0.0.1:9/")
    monkeypatch.setenv("OPTOUT_WAYBACK_DELAY", "7")
    opts = options_for(src, since="2014")
    assert (opts.base, opts.since, opts.until, opts.delay) == ("http://127.0.0.1:9", "2014", "2016", 3.0)
    assert options_for(parse_sources(BASE)[0]).delay == 7.0
    assert options_for(src, delay=0.0, base="http://other.example").base == "http://other.example"
    monkeypatch.setenv("OPTOUT_WAYBACK_DELAY", "soon")
    with pytest.raises(WaybackError, match="OPTOUT_WAYBACK_DELAY"):
        options_for(parse_sources(BASE)[0])


def test_queries_cover_feeds_sitemaps_and_the_domain_or_the_prefixes():
    (src,) = parse_sources(BASE)
    queries = queries_for(src, "2013", "2016")
    assert [q.role for q in queries] == ["feed", "sitemap", "pages"]
    pages = dict(queries[-1].params)
    assert pages["url"] == "harbor-teachers.example" and pages["matchType"] == "domain"
    assert ("filter", "mimetype:text/html|application/pdf") in queries[-1].params and ("filter", "statuscode:200") in queries[-1].params
    assert pages["collapse"] == "digest" and pages["from"] == "2013" and pages["to"] == "2016"
    assert dict(queries[0].params)["collapse"] == "timestamp:6"  # a feed: one capture a month
    (scoped,) = parse_sources(BASE + '\n[sources.wayback]\nprefixes = ["https://harbor-teachers.example/news/"]\n')
    assert [(dict(q.params)["url"], dict(q.params)["matchType"]) for q in queries_for(scoped, None, None)][-1] == \
        ("https://harbor-teachers.example/news/", "prefix")
