"""64-bit simhash of a text, to link near-identical articles published by several outlets."""

from __future__ import annotations

import re
import struct
import zlib

_WORD = re.compile(r"\w+", re.UNICODE)
_MASK = (1 << 64) - 1
_PAIR = struct.Struct("<II")
# _BIT[k] maps a byte to 1 if its bit k is set, else 0 (bytes.translate tables: counting in C).
_BIT = [bytes((v >> k) & 1 for v in range(256)) for k in range(8)]


def _hash64(shingle: str) -> int:
    data = shingle.encode()
    # Two CRCs make a cheap 64-bit hash; simhash needs spread, not cryptographic strength.
    return (zlib.crc32(data) << 32 | zlib.crc32(data[::-1])) & _MASK


def simhash(text: str, width: int = 3) -> int | None:
    """Simhash over word ``width``-shingles; None for texts too short to compare.

    Bit b is set when more than half of the shingle hashes have it set. The hashes are packed as 8
    little-endian bytes each, and the count for each bit is taken over one byte column at a time with
    bytes.translate and bytes.count (the per-shingle work in Python is one hash).
    """
    words = _WORD.findall(text.lower())
    n = len(words) - width + 1
    if n < 1:
        return None
    crc, pack = zlib.crc32, _PAIR.pack
    shingles = map(" ".join, zip(*(words[k:] for k in range(width)), strict=False))
    # Little-endian (low word first): byte j of a hash holds its bits 8j .. 8j + 7.
    packed = b"".join([pack(crc(data[::-1]), crc(data)) for data in map(str.encode, shingles)])
    result = 0
    for j in range(8):
        column = packed[j::8]
        for k in range(8):
            if 2 * column.translate(_BIT[k]).count(1) > n:
                result |= 1 << (8 * j + k)
    return result


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()
