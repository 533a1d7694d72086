"""Advisory locks on a data directory: one writer of a kind (a crawl, an index build) at a time."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from archive.errors import ArchiveError


class Busy(ArchiveError):
    """Another process holds the lock this one needs."""


@contextmanager
def exclusive(data_dir: Path, name: str, busy_message: str) -> Iterator[None]:
    """Hold ``DATA_DIR/NAME.lock`` for the block, or raise Busy at once when another process holds it.

    flock locks end with the process that holds them, so a killed crawl never leaves a stale lock behind.
    """
    fh = open(Path(data_dir) / f"{name}.lock", "a+")  # noqa: SIM115 - held for the whole block
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(busy_message) from None
        yield
    finally:
        fh.close()
