"""Bad input for the history commands, generated: CDX answers and file heads of any shape are read or refused
with a reason (WaybackError, WarcImportError), never another exception; soft 404s are told from short articles."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.warcimport import WarcImportError, check_warc
from crawler.wayback import WaybackError, looks_like_soft_404, parse_cdx

_json = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                     lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                     max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=300), _json.map(lambda v: json.dumps(v).encode())))
def test_any_cdx_answer_is_read_or_refused_with_a_reason(body):
    try:
        rows, key = parse_cdx(body)
    except WaybackError as exc:
        assert str(exc)
        return
    assert all(r.original.startswith(("http://", "https://")) and r.timestamp.isdigit() for r in rows)
    assert key is None or isinstance(key, str)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_any_file_head_is_a_warc_or_refused(tmp_path_factory, head):
    path = tmp_path_factory.mktemp("heads") / "f.warc"
    path.write_bytes(head)
    try:
        check_warc(path)
    except WarcImportError as exc:
        assert str(exc).startswith(str(path))
    else:
        assert head.startswith(b"WARC/")


@pytest.mark.parametrize("title, words, soft", [
    ("Page Not Found | Lakeside Educators", 12, True),
    ("404", 5, True),
    ("Error 404 - Harbor Teachers", 20, True),
    ("Not Found", 3, True),
    ("404 parents opt their children out of the spring tests", 90, False),
    ("Funding for the new tests not found in the budget", 90, False),
    ("Page not found", 400, False),  # a long page is an article whatever its title says
])
def test_soft_404s_are_short_pages_that_say_so(title, words, soft):
    assert looks_like_soft_404({"title": title, "text": "word " * words}) is soft
