"""Templates and the small pieces of markup made in Python: highlighted snippets, citations with italics,
the position chart (inline SVG). Everything from the archive is escaped here or by Jinja's autoescape."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

# Colours of the positions toward opting out, in the chart and on badges (legend order).
POSITION_COLOURS = {"supports": "#2e7d32", "opposes": "#c62828", "neutral": "#b8860b", "none": "#8a8a8a",
                    "unscored": "#cfcfcf"}
_MARKED = re.compile("«([^«»]*)»")
_ITALIC = re.compile(r"\*([^*\n]+)\*")


def highlight(snippet: str | None) -> Markup:
    """A search snippet (query words marked «like this») as HTML with <mark>; the rest escaped."""
    return Markup(_MARKED.sub(lambda m: f"<mark>{m.group(1)}</mark>", str(escape(snippet or ""))))


def citation_html(text: str) -> Markup:
    """A citation (italics written as Markdown *...*) as HTML with <i>; the rest escaped."""
    return Markup(_ITALIC.sub(lambda m: f"<i>{m.group(1)}</i>", str(escape(text))))


def citation_plain(text: str) -> str:
    """A citation without the Markdown italics marks: what the copy button puts on the clipboard."""
    return _ITALIC.sub(lambda m: m.group(1), text)


def safe_href(url: str | None) -> str | None:
    """An archived URL usable as a link: http(s) only (never javascript:, data: ...); None otherwise."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def query_url(path: str, params: list[tuple[str, str]], **changes: Any) -> str:
    """``path`` with ``params``, where each change replaces a parameter (None removes it, a list repeats
    it) and ``add`` appends (name, value) pairs; the page number is dropped unless changed."""
    add = changes.pop("add", None) or []
    drop = changes.pop("drop", None)
    keep_page = "page" in changes
    out = [(k, v) for k, v in params if k not in changes and (keep_page or k != "page") and (k, v) != drop]
    for key, value in changes.items():
        if value is None:
            continue
        out += [(key, str(v)) for v in value] if isinstance(value, list | tuple) else [(key, str(value))]
    out += [pair for pair in add if pair not in out]
    out = [(k, v) for k, v in out if v != ""]
    return path + ("?" + urlencode(out) if out else "")


def position_chart(positions: dict[str, dict[str, dict[str, int]]], label: str) -> Markup:
    """Stacked bars, one per year, of positions (statements and people's quotes together), as inline SVG.
    Built from numbers and escaped labels only; presentation attributes (no inline styles: the page's CSP)."""
    years = list(positions)
    if not years:
        return Markup("")
    totals = {y: {p: kinds["statement"].get(p, 0) + kinds["quote"].get(p, 0) for p in POSITION_COLOURS}
              for y, kinds in positions.items()}
    top = max(1, max(sum(t.values()) for t in totals.values()))
    bar, gap, height, left, bottom = 34, 14, 180, 34, 26
    width = left + len(years) * (bar + gap) + gap
    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + bottom + 8}" '
             f'viewBox="0 0 {width} {height + bottom + 8}" role="img" aria-label="{escape(label)}">',
             f"<title>{escape(label)}</title>",
             f'<line x1="{left}" y1="{height}" x2="{width}" y2="{height}" stroke="#444" stroke-width="1"/>',
             f'<text x="{left - 6}" y="12" text-anchor="end" font-size="11">{top}</text>',
             f'<text x="{left - 6}" y="{height}" text-anchor="end" font-size="11">0</text>']
    for i, year in enumerate(years):
        x = left + gap + i * (bar + gap)
        y = float(height)
        for position, colour in POSITION_COLOURS.items():
            n = totals[year][position]
            if not n:
                continue
            h = n / top * (height - 10)
            y -= h
            parts.append(f'<rect class="bar" data-year="{escape(year)}" data-position="{position}" data-count="{n}" '
                         f'x="{x}" y="{y:.1f}" width="{bar}" height="{h:.1f}" fill="{colour}">'
                         f"<title>{escape(year)}: {n} {position}</title></rect>")
        parts.append(f'<text x="{x + bar / 2}" y="{height + 16}" text-anchor="middle" font-size="11">'
                     f"{escape(year)}</text>")
    parts.append("</svg>")
    return Markup("".join(parts))


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("webapp", "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters.update(highlight=highlight, citation_html=citation_html, safe_href=safe_href)
    env.globals.update(POSITION_COLOURS=POSITION_COLOURS, query_url=query_url)
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)
