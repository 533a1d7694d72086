"""Importing whoosh without three modules it never uses in optout (part of the Whoosh backend).

whoosh.compat imports urllib.request (and with it http.client, email and ssl) for ``urlretrieve``, which
no part of Whoosh that optout runs calls; whoosh.reading imports the cached_property package, which
imports asyncio, for one cached attribute; whoosh.query.terms imports whoosh.lang.morph_en (hundreds of
regular expressions compiled on import) for the Variations query. Together they cost about 60 ms of every `optout search`
process. While whoosh is imported, light stand-ins take their place in ``sys.modules``; they are removed
right after, so any later import gets the real modules."""

from __future__ import annotations

import functools
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager


def _variations(*args: object, **kwargs: object) -> object:
    from whoosh.lang.morph_en import variations  # the real one (only Whoosh's Variations query calls it)

    return variations(*args, **kwargs)


def _urlretrieve(*args: object, **kwargs: object) -> object:
    from urllib.request import urlretrieve  # the real one, imported when (if ever) it is called

    return urlretrieve(*args, **kwargs)


@contextmanager
def light_whoosh_import() -> Iterator[None]:
    """Stand-ins for urllib.request and cached_property, only for modules not imported yet."""
    stubs: dict[str, types.ModuleType] = {}
    if "whoosh" not in sys.modules:
        if "urllib.request" not in sys.modules:
            stubs["urllib.request"] = types.ModuleType("urllib.request")
            stubs["urllib.request"].urlretrieve = _urlretrieve  # type: ignore[attr-defined]
        if "whoosh.lang.morph_en" not in sys.modules:
            # Compiles a few hundred English word-form patterns on import (~45 ms) for a query optout never builds.
            stubs["whoosh.lang.morph_en"] = types.ModuleType("whoosh.lang.morph_en")
            stubs["whoosh.lang.morph_en"].variations = _variations  # type: ignore[attr-defined]
        if "cached_property" not in sys.modules:
            stubs["cached_property"] = types.ModuleType("cached_property")
            stubs["cached_property"].cached_property = functools.cached_property  # type: ignore[attr-defined]
    sys.modules.update(stubs)
    try:
        yield
    finally:
        for name, stub in stubs.items():
            if sys.modules.get(name) is stub:
                del sys.modules[name]
