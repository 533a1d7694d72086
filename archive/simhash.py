"""64-bit simhash of a text, to link near-identical articles published by several outlets."""

from __future__ import annotations

import re
import zlib

_WORD = re.compile(r"\w+", re.UNICODE)
_MASK = (1 << 64) - 1


def _hash64(shingle: str) -> int:
    data = shingle.encode()
    # Two CRCs make a cheap 64-bit hash; simhash needs spread, not cryptographic strength.
    return (zlib.crc32(data) << 32 | zlib.crc32(data[::-1])) & _MASK


def simhash(text: str, width: int = 3) -> int | None:
    """Simhash over word ``width``-shingles; None for texts too short to compare."""
    words = _WORD.findall(text.lower())
    n = len(words) - width + 1
    if n < 1:
        return None
    # Bit-sliced counters: counters[i] holds bit i of the 64 per-position counts, so one shingle
    # costs a few big-int operations instead of 64 additions.
    counters: list[int] = []
    for i in range(n):
        carry = _hash64(" ".join(words[i:i + width]))
        level = 0
        while carry:
            if level == len(counters):
                counters.append(0)
            counters[level], carry = counters[level] ^ carry, counters[level] & carry
            level += 1
    result = 0
    for bit in range(64):
        count = sum(((c >> bit) & 1) << level for level, c in enumerate(counters))
        if 2 * count > n:
            result |= 1 << bit
    return result


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()
