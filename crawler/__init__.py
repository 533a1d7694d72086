"""Collecting pages: sources, discovery (feeds, sitemaps, listing pages), fetching and extraction."""

__version__ = "0.1.0"
