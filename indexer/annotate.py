"""One call that tags a document and extracts its quotes: what `optout index` stores per document."""

from __future__ import annotations

from archive.model import Quote
from indexer.quotes import default_extractor
from indexer.tagger import Tags, default_tagger

# Texts beyond this many characters are tagged on their first part only: a 5 MB page is not an
# article, and tagging cost must stay bounded (a second per document at most).
MAX_CHARS = 200_000


def annotate(title: str | None, text: str, published: str | None = None, source_organization: str | None = None,
             kind: str = "news") -> tuple[Tags, list[Quote]]:
    """Tags (organizations, states, tests) and quotes of one document."""
    text = (text or "")[:MAX_CHARS]
    tags = default_tagger().tag(title, text, published, source_organization)
    quotes = default_extractor().extract(text, published, source_organization, kind, tags.primary_state or "")
    return tags, quotes


def gazetteer_version() -> str:
    from indexer.gazetteer import default

    return default().version
