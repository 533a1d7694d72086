"""Printing results: tables for people, JSON, JSON lines, CSV and Markdown for programs."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

FORMATS = ("table", "json", "jsonl", "csv", "md")


def dump(rows: list[dict[str, Any]] | dict[str, Any], fmt: str, columns: Sequence[str], out: Any = None) -> None:
    """Print ``rows`` in a machine-readable ``fmt`` (json, jsonl, csv, md); with json, ``rows`` may be an
    object (the --with-total envelope)."""
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


def print_notes(notes: Sequence[str]) -> None:
    """What the query parser ignored, on stderr (stdout stays clean for programs)."""
    for note in notes:
        sys.stderr.write(f"note: {note}\n")


def _facet_line(name: str, counts: dict[str, int], top: int = 6) -> str | None:
    items = list(counts.items())[:top]
    if not items:
        return None
    more = f", +{len(counts) - top} more" if len(counts) > top else ""
    return f"{name}: " + ", ".join(f"{k} {v}" for k, v in items) + more


def _bold_marked(text: str) -> str:
    """Snippet words marked «word» in bold (plain when the output is not a terminal: click strips styles)."""
    import re

    import click

    return re.sub("«([^»]*)»", lambda m: click.style(m.group(1), bold=True), text)


def print_hits_table(results: Any) -> None:
    """Documents as a numbered list (date, source, title, id; tags; snippet), with the paging summary,
    facets (years too), the date range applied and the next page's option. A list rather than a grid:
    titles and snippets stay readable at 80 columns, and it prints in a few milliseconds (a rich table
    of ten snippets took about 100)."""
    import click

    if not results.hits:
        msg = results.summary("documents")
        if results.suggestion:
            msg += f"; did you mean: {results.suggestion}"
        click.echo(msg)
        if results.dates:
            click.echo(f"dates: published {results.dates}")
        return
    click.echo(click.style(results.summary("documents"), bold=True))
    for n, h in enumerate(results.hits, start=results.first):
        similar = f" (+{len(h.folded)} similar)" if h.folded else ""
        click.echo(f"\n{n:>3}. {click.style(h.title or '(untitled)', bold=True)}")
        click.echo(f"     {h.published or 'undated'} · {h.source or '?'} · {h.kind or '?'} · {h.id}{similar}")
        tags = ", ".join([*h.organizations[:4], *h.states[:3], *h.tests[:3]])
        if tags:
            click.echo(f"     {tags}")
        if h.snippet:
            click.echo(f"     {_bold_marked(h.snippet[:240])}")
    lines = [_facet_line(name, counts, top=8 if name == "year" else 6) for name, counts in results.facets.items()]
    if results.dates:
        lines.append(f"dates: published {results.dates}")
    if results.pages > results.page:
        lines.append(f"next page: --page {results.page + 1}")
    click.echo("\n" + "\n".join(line for line in lines if line))


def print_quotes_table(results: Any, cited_rows: list[dict[str, Any]] | None = None) -> None:
    """Quotes as a table, with the paging summary and the date range applied; citations below."""
    if not results.hits:
        print(results.summary("quotes"))
        if results.dates:
            print(f"dates: published {results.dates}")
        return
    table(results.summary("quotes"), ["quote", "speaker", "organization", "position", "date", "source"],
          [[f"“{h.text}”", ", ".join(filter(None, [h.speaker, h.speaker_role])) or "(organization)",
            h.speaker_org or "", h.position or "", h.published or "", f"{h.title}\n{h.url}"] for h in results.hits])
    if results.dates:
        print(f"dates: published {results.dates}")
    if results.pages > results.page:
        print(f"next page: --page {results.page + 1}")
    for row in cited_rows or []:
        print(row["citation"])
