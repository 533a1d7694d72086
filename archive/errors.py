"""Exceptions raised by the archive; the CLI turns them into one-line messages."""


class ArchiveError(Exception):
    """A problem with the data directory, the catalog or a WARC file."""


class NotFound(ArchiveError):
    """No document matches the given id or URL."""


class ImportFormatError(ArchiveError):
    """A line of an import file is not a valid document."""
