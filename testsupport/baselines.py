"""Quality floors kept in one file (tests/fixtures/baselines.toml), each tied to the corpus it was
measured on by a digest: when the corpus changes, the floor fails loudly until it is measured again
(the way trafilatura's evaluation gate pins its scores to its evaluation set).

    python -m testsupport.baselines            # each baseline: stored and current digest
"""

from __future__ import annotations

import hashlib
import sys
import tomllib
from pathlib import Path
from typing import Any

from testsupport import ROOT

BASELINES = ROOT / "tests" / "fixtures" / "baselines.toml"


class CorpusChanged(AssertionError):
    """A floor's corpus is not the one it was measured on."""


def corpus_digest(paths: list[str], root: Path | None = None) -> str:
    """sha256 over every file under ``paths`` (relative to ``root``, by default the repository): names and
    bytes, in sorted order."""
    root = root or ROOT
    files: list[Path] = []
    for rel in paths:
        path = root / rel
        if not path.exists():
            raise CorpusChanged(f"baseline corpus {rel} does not exist")
        files += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    h = hashlib.sha256()
    for path in sorted(set(files)):
        h.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return "sha256:" + h.hexdigest()


def load(path: Path = BASELINES) -> dict[str, dict[str, Any]]:
    """Every baseline table, checked for its keys (corpus, digest, floors); errors name the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: {exc}") from None
    for name, table in data.items():
        missing = {"corpus", "digest", "floors", "measured_with"} - set(table)
        if missing:
            raise ValueError(f"{path}: [{name}] lacks {', '.join(sorted(missing))}")
        if not all(isinstance(v, int | float) and 0 < v <= 1 for v in table["floors"].values()):
            raise ValueError(f"{path}: [{name}.floors] must be numbers in (0, 1]")
    return data


def floors(name: str, path: Path = BASELINES) -> dict[str, float]:
    """The floors of baseline ``name``; CorpusChanged when its corpus differs from the one measured."""
    table = load(path)[name]
    current = corpus_digest(table["corpus"])
    if current != table["digest"]:
        raise CorpusChanged(
            f"the corpus of baseline [{name}] ({', '.join(table['corpus'])}) changed since its floors were "
            f"measured: digest {current}, recorded {table['digest']}. Measure again with "
            f"`{table['measured_with']}`, then set the floors and digest in {path}.")
    return {k: float(v) for k, v in table["floors"].items()}


def main() -> None:
    for name, table in load().items():
        current = corpus_digest(table["corpus"])
        state = "ok" if current == table["digest"] else "CHANGED"
        print(f"[{name}] {state}\n  recorded {table['digest']}\n  current  {current}")
    sys.exit(0)


if __name__ == "__main__":
    main()
