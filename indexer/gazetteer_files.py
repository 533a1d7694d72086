"""Where the gazetteer's four files are, reading them, and their version: what a search needs (its alias
cache is keyed on the version) without the gazetteer's parser, validators and record classes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

FILES = ("organizations.toml", "people.toml", "states.toml", "tests.toml")
# A folder with the four files, read instead of the packaged ones: a maintainer tries an edit on a copy
# (then `optout index` re-tags what the edit changes) without touching the installed package.
ENV = "OPTOUT_GAZETTEER"
# The packaged files sit beside this module (as the cue file and the position model do); read straight
# from the folder, not through importlib.resources, whose readers cost a search process about 8 ms.
PACKAGED = Path(__file__).parent / "data"


class GazetteerError(ValueError):
    """A gazetteer file with a problem; the message names the file, line and entry."""


def folder(directory: Path | None) -> Path | None:
    """``directory``, else the folder $OPTOUT_GAZETTEER names, else None (the packaged files)."""
    if directory is None and os.environ.get(ENV):
        return Path(os.environ[ENV]).expanduser()
    return directory


def read(directory: Path | None, name: str, binary: bool = False) -> Any:
    """The text (or bytes) of one gazetteer file; GazetteerError naming it when it cannot be read."""
    directory = folder(directory)
    if directory is None:
        source = PACKAGED / name
        return source.read_bytes() if binary else source.read_text(encoding="utf-8")
    try:
        return (directory / name).read_bytes() if binary else (directory / name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise GazetteerError(f"{directory / name}: cannot read the gazetteer file: {reason}") from None


def version(directory: Path | None = None) -> str:
    """The gazetteer's version: a digest of its four files, the same as ``load().version`` but without
    parsing them (caches and `optout index` key on it)."""
    import hashlib  # noqa: PLC0415 - its OpenSSL library costs a few ms to load

    digest = hashlib.sha1()
    for name in FILES:
        digest.update(read(directory, name, binary=True))
    return digest.hexdigest()[:12]


def signature(directory: Path | None = None) -> list[list[Any]] | None:
    """Each file's path, size and modification time: when these are as they were, so is the version (as
    Python trusts a cached .pyc); None when a file cannot be looked at."""
    base = folder(directory) or PACKAGED
    out: list[list[Any]] = []
    for name in FILES:
        try:
            st = (base / name).stat()
        except OSError:
            return None
        out.append([str(base / name), st.st_size, st.st_mtime_ns])
    return out
