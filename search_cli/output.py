"""Printing results: tables for people, JSON, JSON lines, CSV and Markdown for programs."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

FORMATS = ("table", "json", "jsonl", "csv", "md")


def dump(rows: list[dict[str, Any]], fmt: str, columns: Sequence[str], out: Any = None) -> None:
    """Print ``rows`` in a machine-readable ``fmt`` (json, jsonl, csv, md)."""
    out = out or sys.stdout
    if fmt == "json":
        out.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _flat(row.get(k)) for k in columns})
        out.write(buf.getvalue())
    elif fmt == "md":
        out.write("| " + " | ".join(columns) + " |\n|" + "---|" * len(columns) + "\n")
        for row in rows:
            out.write("| " + " | ".join(_flat(row.get(k)).replace("|", "\\|").replace("\n", " ") for k in columns) + " |\n")


def _flat(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]], err: bool = False) -> None:
    """A readable table on the terminal (rich), plain text when piped."""
    from rich.console import Console
    from rich.table import Table

    t = Table(title=title, show_lines=False, expand=False)
    for c in columns:
        t.add_column(c, overflow="fold")
    from rich.markup import escape

    for row in rows:
        # Cells are data, not markup: "[out]" in a snippet must print, not vanish as a style tag.
        t.add_row(*[_highlight(escape(_flat(v))) for v in row])
    Console(stderr=err, soft_wrap=False).print(t)


def _highlight(cell: str) -> str:
    """Snippet words marked «word» print in bold."""
    return cell.replace("«", "[bold]").replace("»", "[/bold]")


def console(err: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=err, highlight=False)
