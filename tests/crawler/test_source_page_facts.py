"""A source's optional kind and time zone: omitted kind lets each page decide; a time zone is validated and
reaches extraction; `sources check` warns when the pages disagree with the declared kind."""

from __future__ import annotations

import pytest

from crawler.items import PageItem
from crawler.pipelines import ExtractionPipeline
from crawler.sources import SourcesError, parse_sources

_BASE = '[[sources]]\nid = "lv"\nname = "Lakeview"\nfeeds = ["https://lv.example.org/feed"]\n'


def test_an_omitted_kind_is_none_and_round_trips():
    (source,) = parse_sources(_BASE)
    assert source.kind is None
    assert "kind" not in source.to_toml()
    assert parse_sources(source.to_toml())[0].kind is None


def test_a_time_zone_is_read_validated_and_written_back():
    (source,) = parse_sources(_BASE + 'time_zone = "America/Chicago"\n')
    assert source.time_zone == "America/Chicago"
    assert parse_sources(source.to_toml())[0].time_zone == "America/Chicago"
    with pytest.raises(SourcesError, match=r"sources.toml:5: source 'lv': time_zone: unknown time zone"):
        parse_sources(_BASE + 'time_zone = "Mars/Olympus"\n')


_RELEASE = ("<html><head><title>Lakeview Teachers Association backs families who refuse the state test</title>"
            "</head><body><article><h1>Lakeview Teachers Association backs families who refuse the state test</h1>"
            "<p>FOR IMMEDIATE RELEASE</p>"
            + "<p>The Lakeview Teachers Association said on Monday that it stands with parents who decide to keep"
              " their children out of the spring exams, and asked the district to offer those students reading"
              " time instead.</p>" * 3
            + "<p>Contact: press office, Lakeview Teachers Association</p></article></body></html>")


def _item(kind: str | None, time_zone: str | None = None) -> PageItem:
    return PageItem(source="lv", url="https://lv.example.org/news/release.html",
                    requested_url="https://lv.example.org/news/release.html", status=200, body=_RELEASE.encode(),
                    response_headers=[], request_headers=[], kind=kind, content_type="text/html",
                    time_zone=time_zone)


def test_without_a_declared_kind_the_page_decides():
    item = ExtractionPipeline().process_item(_item(None))
    assert item.extracted is not None and item.extracted["kind"] == "statement"


def test_a_declared_kind_is_kept_for_a_news_source():
    item = ExtractionPipeline().process_item(_item("news"))
    assert item.extracted is not None and item.extracted["page_kind"] == "statement"


def test_source_time_zone_sets_the_local_date_of_a_utc_stamp():
    # 03:30 UTC on the 12th is the evening of the 11th in California: the publisher's date is the 11th.
    page = _RELEASE.replace("<head>", '<head><meta property="article:published_time" content="2016-04-12T03:30:00Z">')
    dates = {}
    for zone in (None, "America/Los_Angeles"):
        item = _item(None, zone)
        item.body = page.encode()
        extracted = ExtractionPipeline().process_item(item).extracted
        assert extracted is not None
        dates[zone] = extracted["published"][:10]
    assert dates == {None: "2016-04-12", "America/Los_Angeles": "2016-04-11"}
