"""The simhash's bit counting (done column by column in C) agrees with the definition."""

import re
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.simhash import simhash

WORDS = st.sampled_from(["parents", "refuse", "the", "exam", "NYSUT", "opt", "out", "ß", "école", "95", "a"])


def _reference(text, width=3):
    words = re.findall(r"\w+", text.lower())
    n = len(words) - width + 1
    if n < 1:
        return None
    counts = [0] * 64
    for i in range(n):
        data = " ".join(words[i:i + width]).encode()
        h = zlib.crc32(data) << 32 | zlib.crc32(data[::-1])
        for b in range(64):
            counts[b] += (h >> b) & 1
    return sum(1 << b for b in range(64) if 2 * counts[b] > n)


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=120).map(" ".join), st.integers(min_value=1, max_value=4))
def test_simhash_is_the_majority_of_shingle_hash_bits(text, width):
    assert simhash(text, width) == _reference(text, width)


def test_short_texts_have_no_simhash():
    assert simhash("two words") is None and simhash("") is None
