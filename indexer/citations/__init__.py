"""Citations of archived documents: APA 7, MLA 9 and Chicago 17 text, and CSL-JSON, BibTeX and RIS exports.

A :class:`Reference` holds what a citation needs (authors, title, publication, dates, URL); the style and
export functions only format it, so every output agrees on the same facts.
"""

from indexer.citations.model import Name, Reference, reference_from_document
from indexer.citations.styles import STYLES, format_citation

__all__ = ["STYLES", "Name", "Reference", "format_citation", "reference_from_document"]
