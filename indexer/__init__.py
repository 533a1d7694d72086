"""Tagging (organizations, states, tests), quotes with speakers, and the Whoosh indexes."""
