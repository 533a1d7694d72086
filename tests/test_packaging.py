"""A regular install (`pip install .`, as the README says) gets every module and data file the project reads.
The test suite itself runs against the source tree (the repository root is on sys.path), so a package or data
file missing from pyproject.toml's lists would pass every other test and fail for users: indexer.citations
once did (`optout quotes --cite apa` raised ModuleNotFoundError in a regular install)."""

import tomllib
from pathlib import Path

from setuptools import find_packages

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def _installed_packages() -> set[str]:
    """The packages setuptools installs, as pyproject.toml tells it."""
    packages = CONFIG["packages"]
    if isinstance(packages, list):
        return set(packages)
    find = packages["find"]
    return set(find_packages(where=str(ROOT), include=find.get("include", ["*"]), exclude=find.get("exclude", [])))


def _top_levels() -> set[str]:
    return {name for name in _installed_packages() if "." not in name}


def test_the_shipped_top_level_packages_are_the_projects():
    assert _top_levels() == {"archive", "crawler", "indexer", "search_cli", "webapp"}


def test_every_subpackage_is_installed():
    installed = _installed_packages()
    on_disk = {".".join(init.parent.relative_to(ROOT).parts)
               for top in _top_levels() for init in (ROOT / top).rglob("__init__.py")
               if "__pycache__" not in init.parts}
    assert "indexer.citations" in on_disk
    assert on_disk - installed == set()


def test_every_data_file_is_installed():
    # Each file of a package that is not Python must match one of its package-data patterns.
    data = CONFIG.get("package-data", {})
    missing = []
    for package in _installed_packages():
        folder = ROOT.joinpath(*package.split("."))
        covered = {p for pattern in data.get(package, []) for p in folder.glob(pattern) if p.is_file()}
        for path in folder.rglob("*"):
            if not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
                continue
            # a file inside a subpackage belongs to that subpackage's own patterns
            owner = path.parent
            while owner != folder and not (owner / "__init__.py").is_file():
                owner = owner.parent
            if owner == folder and path not in covered:
                missing.append(str(path.relative_to(ROOT)))
    assert missing == []
