"""`optout extract`: extraction of files and URLs without archiving, several processes for many inputs."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 20 * 1024 * 1024
PARALLEL_FROM = 16  # below this many inputs, starting workers costs more than it saves


def _read(source: str) -> tuple[bytes, str, str | None]:
    if source.startswith(("http://", "https://")):
        from crawler.fetch import fetch

        response = fetch(source)
        return response.body, response.url, response.content_type
    if "://" in source:
        raise ValueError(f"only http(s) URLs and files can be extracted, not {source.split('://')[0]}://")
    path = Path(source)
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ValueError(f"file larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    return path.read_bytes(), path.resolve().as_uri(), None


def extract_one(source: str, kind: str | None = None) -> dict[str, Any]:
    """The extraction of one input as a dict (with "error" when it could not be read)."""
    from crawler.extract import extract_page

    try:
        body, url, ctype = _read(source)
        result = extract_page(body, url, ctype, kind).to_dict()  # a PdfFailure is a ValueError: its reason
    except (OSError, ValueError) as exc:
        return {"input": source, "error": str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
                "title": None, "published": None, "authors": [], "text": ""}
    return {"input": source, **result}


def _batch(args: tuple[list[str], str | None]) -> list[dict[str, Any]]:
    sources, kind = args
    return [extract_one(s, kind) for s in sources]


def extract_inputs(sources: list[str], kind: str | None = None, workers: int | None = None) -> list[dict[str, Any]]:
    """Extract every input, in order."""
    workers = workers or min(os.cpu_count() or 1, 4)
    if len(sources) < PARALLEL_FROM or workers < 2:
        return [extract_one(s, kind) for s in sources]
    size = -(-len(sources) // (workers * 4))
    chunks = [(sources[i:i + size], kind) for i in range(0, len(sources), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return [row for chunk in pool.map(_batch, chunks) for row in chunk]
