"""The search seam is real: only the Whoosh backend imports whoosh, and another engine written against
indexer.engine (here a tiny in-memory one) serves the same Searcher and finds the same documents."""

from __future__ import annotations

import ast
import re
from contextlib import contextmanager
from pathlib import Path

import pytest

from archive import Archive
from indexer import querylang as ql
from indexer.engine import DOCS, Request, Response
from indexer.searching import Searcher

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("archive", "crawler", "indexer", "search_cli")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_backend_imports_whoosh():
    importers = sorted(str(p.relative_to(ROOT)) for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")
                       if "whoosh" in _imports(p))
    # the backend, its bulk segment writer and its import helper
    assert importers == ["indexer/whoosh_backend.py", "indexer/whoosh_import.py", "indexer/whoosh_segments.py"]


def test_query_language_imports_no_engine():
    for name in ("querylang.py", "dates.py", "aliases.py", "engine.py", "searching.py"):
        assert "whoosh" not in _imports(ROOT / "indexer" / name), name


class MemorySession:
    """A brute-force engine: every request evaluated document by document."""

    def __init__(self, docs: list[dict]):
        self.docs = docs

    @staticmethod
    def analyze(collection: str, text: str, fieldname: str | None = None) -> list[str]:
        return re.findall(r"\w+", text.lower())

    def _has(self, d: dict, node: ql.Node) -> bool:
        if isinstance(node, ql.Text):
            words = self.analyze(DOCS, node.text)
            hay = self.analyze(DOCS, d["title"] if node.field == "title" else d["content"])
            return bool(words) and any(hay[i:i + len(words)] == words for i in range(len(hay)))
        if isinstance(node, ql.FieldTerm):
            have = {v.lower() for v in d.get(node.field, [])}
            return any(v.lower() in have for v in node.values)
        if isinstance(node, ql.DateIn):
            p = d["published"]
            return bool(p) and (not node.start or p >= node.start) and (not node.end or p <= node.end)
        if isinstance(node, ql.All | ql.Nothing):
            return isinstance(node, ql.All)
        if isinstance(node, ql.Not):
            return not self._has(d, node.item)
        if isinstance(node, ql.Or):
            return any(self._has(d, i) for i in node.items)
        return all(self._has(d, i) for i in node.items)

    def search(self, collection: str, request: Request) -> Response:
        found = [d for d in self.docs if self._has(d, request.match)]
        hits = [{"id": d["id"], "url": d["url"], "title": d["title"], "published": d["published"], "score": 1.0}
                for d in found]
        return Response(total=len(found), hits=hits[:request.window], facets={f: {} for f in request.facets})

    def suggest(self, collection: str, word: str) -> str | None:
        return None

    def values(self, collection: str, fieldname: str) -> list[str]:
        return sorted({v for d in self.docs for v in d.get(fieldname, [])})


class MemoryBackend:
    def __init__(self, docs: list[dict]):
        self.directory = Path("/nonexistent")
        self.docs = docs

    def exists(self) -> bool:
        return True

    @contextmanager
    def session(self):
        yield MemorySession(self.docs)


@pytest.fixture(scope="module")
def archive(sample_archive):
    a = Archive(sample_archive)
    yield a
    a.close()


def test_another_backend_serves_the_same_searcher(archive):
    docs = []
    for row in archive.catalog.iter_rows():
        doc = archive.catalog.to_document(row)
        docs.append({"id": doc.id, "url": doc.url, "title": doc.title or "", "published": (doc.published or "")[:10],
                     "content": f"{doc.title}\n{' '.join(doc.organizations)}\n{doc.text}",
                     "organizations": doc.organizations, "states": doc.states, "tests": doc.tests,
                     "kind": [doc.kind], "source": [doc.source or ""],
                     "publisher": [doc.source_organization] if doc.source_organization else []})
    memory = Searcher(archive, backend=MemoryBackend(docs))
    whoosh = Searcher(archive)
    try:
        for text, options in [("org:NYSUT OR org:NJEA", {}), ("org:NYSUT AND kind:statement", {}),
                              ("NOT org:NYSUT", {"kinds": ["news"]}), ("", {"by": ["Riverside Federation of Teachers"]}),
                              ("state:NY -test:PARCC", {"since": "2015", "until": "2016"})]:
            a = memory.search(text, memory.filters(**options), limit=100, fold=False, suggest=False)
            b = whoosh.search(text, whoosh.filters(**options), limit=100, fold=False, suggest=False)
            assert a.total == b.total and {h.id for h in a.hits} == {h.id for h in b.hits}, text
            assert a.total or text.startswith("state")
    finally:
        whoosh.close()
