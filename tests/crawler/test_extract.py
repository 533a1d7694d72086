"""Extraction of title, date, authors, text and kind from pages written for these tests (fictional)."""

import json

from crawler.encoding import decode_html
from crawler.extract import extract

BODY = "".join(f"<p>Paragraph {i} of a fictional story about parents who refused the spring tests in a small "
               f"district, and what the teachers union said about it afterwards.</p>" for i in range(8))


def page(head="", body_top="", body=BODY, lang=' lang="en"'):
    return f"<!DOCTYPE html><html{lang}><head>{head}</head><body><nav><a href='/'>Home</a></nav>" \
           f"<article>{body_top}{body}</article><footer>Copyright Example</footer></body></html>"


def test_jsonld_first():
    ld = {"@context": "https://schema.org", "@graph": [{"@type": "WebPage", "name": "x"}, {
        "@type": "NewsArticle", "headline": "Union backs families who opt out", "datePublished": "2015-04-14T21:30:00-04:00",
        "author": [{"@type": "Person", "name": "Ana Ortiz"}, {"@type": "Person", "name": "Ben Cho"},
                   {"@type": "Organization", "name": "Example Times"}]}]}
    html = page(f'<title>Union backs families who opt out | Example Times</title>'
                f'<script type="application/ld+json">{json.dumps(ld)}</script>')
    ex = extract(html.encode(), "https://example.org/story")
    assert ex.title == "Union backs families who opt out"
    assert ex.published == "2015-04-14"  # the date as the page states it, not shifted to UTC
    assert ex.authors == ["Ana Ortiz", "Ben Cho"]
    assert ex.language == "en"
    assert "Paragraph 3" in ex.text and "Copyright" not in ex.text


def test_meta_and_site_suffix():
    html = page('<title>Test boycott grows - The Daily Example</title><meta property="og:site_name" content="The Daily Example">'
                '<meta property="article:published_time" content="2016-03-12T01:00:00Z">'
                '<meta name="author" content="The Daily Example Staff">')
    ex = extract(html.encode(), "https://dailyexample.org/2016/03/12/test-boycott")
    assert ex.title == "Test boycott grows"
    assert ex.published == "2016-03-12"
    assert ex.authors == []  # never "Staff" or the site's name


def test_visible_dateline_and_byline():
    top = '<h1>Unions urge parents to opt out</h1><div class="meta"><span class="byline">By Carla Mendes and Tom Wu</span>' \
          '<span class="date">Saturday, March 12, 2016 at 5:00 PM EST</span></div>'
    ex = extract(page("<title>Unions urge parents to opt out</title>", top).encode(), "https://radio.example/s/1")
    assert ex.published == "2016-03-12"
    assert ex.authors == ["Carla Mendes", "Tom Wu"]


def test_date_from_url_and_feed_fallbacks():
    ex = extract(page("<title>A</title>").encode(), "https://x.example/news/2014/10/06/story")
    assert ex.published == "2014-10-06"
    ex = extract(page("<title>A</title>").encode(), "https://x.example/story",
                 feed_entry={"published": "2013-01-02", "authors": ["Feed Author"]})
    assert ex.published == "2013-01-02" and ex.authors == ["Feed Author"]


def test_no_date_stays_null():
    ex = extract(page("<title>Opt Out</title>").encode(), "https://union.example/opt-out")
    assert ex.published is None


def test_press_release_kind_refined():
    body = "<p>FOR IMMEDIATE RELEASE</p>" + BODY
    assert extract(page("<title>S</title>", body=body).encode(), "https://u.example/p", default_kind="advocacy").kind == "statement"
    assert extract(page("<title>S</title>").encode(), "https://u.example/p", default_kind="news").kind == "news"
    assert extract(page("<title>S</title>").encode(), "https://www.state.example.gov/p").kind == "official"


def test_canonical_link_only_when_trustworthy():
    html = page('<title>A</title><link rel="canonical" href="/news/story-1">')
    assert extract(html.encode(), "https://x.example/print/1").canonical_url == "https://x.example/news/story-1"
    home = page('<title>A</title><link rel="canonical" href="https://x.example/">')
    assert extract(home.encode(), "https://x.example/news/story-1").canonical_url is None
    other = page('<title>A</title><link rel="canonical" href="https://elsewhere.example/x">')
    assert extract(other.encode(), "https://x.example/news/story-1").canonical_url is None


def test_encodings():
    text = "<html><head><meta charset='utf-8'><title>Caf\u00e9</title></head><body><p>\u201cQuoted\u201d words</p></body></html>"
    assert "\u201cQuoted\u201d" in decode_html(text.encode("cp1252"))  # declared UTF-8, written cp1252
    assert decode_html(b"\xef\xbb\xbf<p>caf\xc3\xa9</p>") == "<p>caf\u00e9</p>"  # BOM
    assert "\u00e9" in decode_html("<p>caf\u00e9</p>".encode("latin-1"), "text/html; charset=iso-8859-1")
    assert "\u00e9" in decode_html("<p>caf\u00e9</p>".encode("utf-8"), "text/html; charset=iso-8859-1")  # mislabelled


def test_garbage_does_not_crash():
    for junk in [b"", b"\x00\x01\x02" * 100, b"<html><body><p>unclosed <b><i>" * 1000, b"<?xml version='1.0'?><x/>",
                 "<p>" + "\u00e9" * 10 + "</p>"]:
        ex = extract(junk, "https://x.example/")
        assert isinstance(ex.text, str)
