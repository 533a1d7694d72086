"""The one version string of optout-archive, read from the installed package's metadata."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "optout-archive"


def package_version() -> str:
    """The version pyproject.toml declares, as installed (a source tree never installed says so)."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "0+unknown"


__version__ = package_version()
