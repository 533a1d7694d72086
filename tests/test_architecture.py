"""The import rules and seams of DESIGN.md, checked by reading the source (ast), not by running it.

- imports flow one way: search_cli -> webapp, crawler, indexer, archive; webapp -> indexer, archive;
  crawler -> archive; indexer -> archive (crawler and indexer never import each other; archive imports
  none of them; nothing but search_cli imports webapp);
- only the search backend imports whoosh;
- only the catalog runs SQL (no execute/executemany/executescript, no reaching for ``catalog.conn``);
- tests and benchmarks share code through testsupport/, never by importing each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("archive", "crawler", "indexer", "search_cli", "webapp")

# The modules allowed to import whoosh: the backend behind indexer/engine.py's interface and its import
# helper (whoosh_import.py stands in for modules Whoosh imports but optout never uses; it needs the real one
# when a stand-in is called).
WHOOSH_MODULES = frozenset({"indexer/whoosh_backend.py", "indexer/whoosh_segments.py", "indexer/whoosh_import.py"})
# The one module allowed to run SQL.
SQL_MODULES = frozenset({"archive/catalog.py"})
SQL_CALLS = frozenset({"execute", "executemany", "executescript"})
# Which first-party packages each package may import (itself included).
ALLOWED_IMPORTS = {
    "archive": {"archive"},
    "crawler": {"crawler", "archive"},
    "indexer": {"indexer", "archive"},
    "search_cli": {"search_cli", "crawler", "indexer", "archive", "webapp"},
    # The web app calls the same library as the CLI, never the crawler: it only reads.
    "webapp": {"webapp", "indexer", "archive"},
}


def _modules() -> list[tuple[str, ast.Module]]:
    out = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            out.append((rel, ast.parse(path.read_text(encoding="utf-8"), filename=rel)))
    return out


MODULES = _modules()


def imported_names(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, dotted module name) of every import, including those inside functions (lazy imports)."""
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append((node.lineno, node.module))
    return names


def sql_uses(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, what) of every SQL execution call and every ``.conn`` attribute in ``tree``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS:
            found.append((node.lineno, f".{node.func.attr}()"))
        elif isinstance(node, ast.Attribute) and node.attr == "conn":
            found.append((node.lineno, ".conn"))
    return found


def test_the_scan_sees_the_packages():
    names = {rel for rel, _ in MODULES}
    assert SQL_MODULES | WHOOSH_MODULES <= names
    assert len(names) > 30


def test_only_the_search_backend_imports_whoosh():
    offenders = [f"{rel}:{line} imports {name}" for rel, tree in MODULES if rel not in WHOOSH_MODULES
                 for line, name in imported_names(tree) if name.split(".")[0] == "whoosh"]
    assert not offenders, offenders


def test_only_the_catalog_runs_sql():
    offenders = [f"{rel}:{line} {what}" for rel, tree in MODULES if rel not in SQL_MODULES
                 for line, what in sql_uses(tree)]
    assert not offenders, offenders


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_flow_one_way(package):
    offenders = []
    for rel, tree in MODULES:
        if rel.split("/")[0] != package:
            continue
        for line, name in imported_names(tree):
            top = name.split(".")[0]
            if top in PACKAGES and top not in ALLOWED_IMPORTS[package]:
                offenders.append(f"{rel}:{line} imports {name}")
    assert not offenders, offenders


def _reaches_into(tree: ast.AST, other: str) -> list[int]:
    """Lines importing package ``other``, or building the path of one of its modules (``ROOT / "bench" /
    "x.py"``, to load it by file location). Reading data files, such as tests/fixtures, is fine."""
    lines = [line for line, name in imported_names(tree) if name.split(".")[0] == other]
    for node in ast.walk(tree):
        if (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and isinstance(node.right, ast.Constant)
                and str(node.right.value).endswith(".py")
                and any(isinstance(c, ast.Constant) and c.value == other for c in ast.walk(node.left))):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("side, other", [("tests", "bench"), ("bench", "tests")])
def test_tests_and_bench_do_not_import_each_other(side, other):
    offenders = []
    for path in sorted((ROOT / side).rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
        offenders += [f"{rel}:{line}" for line in _reaches_into(tree, other)]
    assert not offenders, f"share it through testsupport/ instead: {offenders}"


def test_the_checks_catch_what_they_look_for():
    # The scanners themselves, on code that breaks every rule.
    bad = ast.parse("import whoosh.query\n"
                    "def f(archive):\n"
                    "    from crawler import spider\n"
                    "    archive.catalog.conn.execute('DELETE FROM documents')\n"
                    "    cur.executemany('x', [])\n")
    assert [name for _, name in imported_names(bad)] == ["whoosh.query", "crawler"]
    assert sorted(what for _, what in sql_uses(bad)) == [".conn", ".execute()", ".executemany()"]
    crossing = ast.parse('import bench.search\nspec = ROOT / "bench" / "relevance.py"\n')
    assert _reaches_into(crossing, "bench") == [1, 2]
