"""The one version string of optout-archive, read from the installed package's metadata."""

from __future__ import annotations

from typing import Any

DISTRIBUTION = "optout-archive"


def package_version() -> str:
    """The version pyproject.toml declares, as installed (a source tree never installed says so)."""
    # importlib.metadata (with email and zipfile) costs 20-60 ms: imported only when a version is asked for.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "0+unknown"


def __getattr__(name: str) -> Any:
    """``__version__``, read from the package metadata on first use (PEP 562)."""
    if name == "__version__":
        globals()["__version__"] = value = package_version()
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
