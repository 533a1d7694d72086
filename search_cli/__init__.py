"""The `optout` command: a thin click layer over crawler, archive and indexer."""
