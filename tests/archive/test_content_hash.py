"""The content hash is what it always was (stored hashes decide what changed): whitespace runs as one
space, trimmed, lowercased, SHA-1."""

import hashlib
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.store import content_hash

SPACES = st.sampled_from([" ", "\n", "\t", "\u00a0", "\u2003", "\u3000", "\x1c", "\x85", "\r\n", "  "])
TEXTS = st.lists(st.one_of(SPACES, st.text(max_size=6)), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.none(), TEXTS), TEXTS)
def test_the_hash_normalises_as_the_regular_expression_did(title, text):
    normalized = re.sub(r"\s+", " ", f"{title or ''}\n{text}").strip().lower()
    assert content_hash(title, text) == hashlib.sha1(normalized.encode("utf-8")).hexdigest()


def test_spacing_and_case_do_not_change_the_hash():
    assert content_hash("Opt Out", "Parents  wrote\n\nletters.") == content_hash("opt out", " parents wrote letters. ")
    assert content_hash("Opt Out", "Parents wrote letters.") != content_hash("Opt Out", "Parents wrote a letter.")
