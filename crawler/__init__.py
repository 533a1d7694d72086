"""Collecting pages: sources, discovery (feeds, sitemaps, listing pages), fetching and extraction."""

from archive.version import __version__

__all__ = ["__version__"]
