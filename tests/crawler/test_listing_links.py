"""Listing pages are read in full, however large (issue 16: a page was cut at 3,000,000 characters)."""

from __future__ import annotations

from crawler.discovery import listing_links

BASE = "https://news.example.org/section/"


def _page(n: int) -> bytes:
    items = "".join(f'<li><a href="/2016/05/story-{i}.html#top">Story {i} on the spring exams</a></li>' for i in range(n))
    nav = ('<a href="/about/">About</a><a href="https://elsewhere.example.com/x">x</a><a href="javascript:void(0)">j</a>'
           '<a href="//news.example.org/2015/01/protocol-relative.html">p</a><a href="../2014/02/relative.html">r</a>'
           '<a href="/tag/tests/">tag</a><a href="/">home</a><a href="/2016/05/story-0.html">again</a>')
    return f"<html><head><title>All stories</title></head><body><nav>{nav}</nav><ul>{items}</ul></body></html>".encode()


def test_every_link_of_a_page_far_beyond_the_extractor_limit_is_read():
    body = _page(60_000)
    assert len(body) > 3_000_000
    links = listing_links(body, BASE, "text/html; charset=utf-8")
    stories = [x for x in links if "/story-" in x]
    assert len(stories) == 60_000
    assert stories[-1] == "https://news.example.org/2016/05/story-59999.html"


def test_link_rules_hold_on_the_streaming_reader():
    links = listing_links(_page(2), BASE)
    assert links == [
        "https://news.example.org/2015/01/protocol-relative.html",
        "https://news.example.org/2014/02/relative.html",
        "https://news.example.org/2016/05/story-0.html",
        "https://news.example.org/2016/05/story-1.html",
    ]


def test_garbage_is_no_links():
    assert listing_links(b"\x00\xff<<<a href=", BASE) == []
    assert listing_links(b"", BASE) == []
