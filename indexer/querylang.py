"""The query language users type: words, "phrases", AND / OR / NOT / -word / +word, parentheses and fields
(org:, state:, test:, kind:, source:, speaker:, title:, by:, year:). Parsed into a small tree that any
search backend can run; no search engine is imported here.

Meaning (what the matched set is):
- ``a AND b``: both; ``a OR b``: either; ``NOT a`` / ``-a``: everything else; parentheses group.
- Words side by side are alternatives ranked by how many match (``parents refuse tests``), while fields,
  ``NOT``/``-`` and ``+word`` side by side are requirements: ``org:NYSUT kind:statement tests`` is
  NYSUT-tagged statements that contain "tests"; ``refuse NOT evaluation`` is a subset of ``refuse``.
- Precedence: NOT, then side by side, then AND, then OR.
- Operators with nothing on one side, unmatched parentheses and unmatched quotes are ignored with a note.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Union

MAX_QUERY_CHARS = 2000
MAX_DEPTH = 50
MAX_LEAVES = 300
FIELDS = ("org", "organization", "state", "test", "kind", "source", "speaker", "title", "by", "year")


class QueryError(ValueError):
    """A query or option the user must fix; the message says how."""


# -- the tree --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Text:
    """Free text: one word (which may analyze to several tokens: then they must be adjacent) or a phrase.
    ``field`` None means the backend's default free-text fields."""

    text: str
    field: str | None = None
    phrase: bool = False


@dataclass(frozen=True)
class FieldTerm:
    """An exact value of a keyword field (canonical names); several values mean any of them. No values
    matches nothing."""

    field: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class DateIn:
    """Published between two ISO days (both included; None open)."""

    start: str | None
    end: str | None


@dataclass(frozen=True)
class All:
    """Every document."""


@dataclass(frozen=True)
class Nothing:
    """No document."""


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Union[Text, FieldTerm, DateIn, All, Nothing, And, Or, Not]  # noqa: UP007 - runtime alias


@dataclass(frozen=True)
class _Required:
    """``+word``: required beside alternatives (only inside the parser)."""

    item: Node


def conjoin(*nodes: Node | None) -> Node:
    """AND of the given nodes, None and All left out (All when nothing remains)."""
    items = tuple(n for n in nodes if n is not None and not isinstance(n, All))
    if not items:
        return All()
    return items[0] if len(items) == 1 else And(items)


def leaves(node: Node) -> Iterator[Node]:
    if isinstance(node, And | Or):
        for item in node.items:
            yield from leaves(item)
    elif isinstance(node, Not):
        yield from leaves(node.item)
    else:
        yield node


def positive_text(node: Node, negated: bool = False) -> Iterator[Text]:
    """Free-text leaves not under a NOT: what ranking scores and snippets highlight."""
    if isinstance(node, And | Or):
        for item in node.items:
            yield from positive_text(item, negated)
    elif isinstance(node, Not):
        yield from positive_text(node.item, not negated)
    elif isinstance(node, Text) and not negated:
        yield node


def is_restriction(node: Node) -> bool:
    """True when every leaf is a field or date (not free text): such units are required side by side."""
    return all(not (isinstance(leaf, Text) and leaf.field is None) for leaf in leaves(node))


# -- lexing ----------------------------------------------------------------------------------------------

_FIELD = re.compile(r"(?P<name>" + "|".join(FIELDS) + r"):", re.IGNORECASE)
_WORD = re.compile(r'[^\s()"]+')


@dataclass
class _Token:
    kind: str  # ( ) AND OR NOT - + PHRASE WORD FIELD
    text: str = ""
    name: str = ""
    quoted: bool = False


@dataclass
class Parsed:
    """A parsed query and notes on what was ignored."""

    node: Node
    notes: list[str] = field(default_factory=list)


def _field_token(text: str, i: int, m: re.Match[str], notes: list[str]) -> tuple[_Token, int]:
    j = m.end()
    if j < len(text) and text[j] == '"':
        close = text.find('"', j + 1)
        if close < 0:
            notes.append("an unmatched quote was ignored")
            close = len(text)
        return _Token("FIELD", text[j + 1:close], m.group("name").lower(), True), close + 1
    w = _WORD.match(text, j)
    value = w.group(0) if w else ""
    return _Token("FIELD", value, m.group("name").lower()), j + len(value)


def tokenize(text: str, notes: list[str]) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "()":
            tokens.append(_Token(c))
            i += 1
        elif c == '"':
            close = text.find('"', i + 1)
            if close < 0:
                notes.append("an unmatched quote was ignored")
                i += 1
                continue
            tokens.append(_Token("PHRASE", text[i + 1:close]))
            i = close + 1
        elif c in "-+" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] not in "()-+" and \
                (i == 0 or text[i - 1].isspace() or text[i - 1] == "("):
            tokens.append(_Token(c))
            i += 1
        elif m := _FIELD.match(text, i):
            token, i = _field_token(text, i, m, notes)
            tokens.append(token)
        else:
            w = _WORD.match(text, i)
            word = w.group(0)
            tokens.append(_Token(word) if word in ("AND", "OR", "NOT") else _Token("WORD", word))
            i += len(word)
    return _balance(tokens, notes)


def _balance(tokens: list[_Token], notes: list[str]) -> list[_Token]:
    """Unmatched ")" dropped, missing ")" added at the end; depth limited."""
    out: list[_Token] = []
    depth = 0
    for t in tokens:
        if t.kind == "(":
            depth += 1
            if depth > MAX_DEPTH:
                raise QueryError(f"parentheses nested more than {MAX_DEPTH} deep")
        elif t.kind == ")":
            if depth == 0:
                notes.append("an unmatched ')' was ignored")
                continue
            depth -= 1
        out.append(t)
    if depth:
        notes.append(f"{depth} unclosed '(' closed at the end")
        out += [_Token(")") for _ in range(depth)]
    return out


# -- parsing ---------------------------------------------------------------------------------------------

FieldResolver = Callable[[str, str, bool], Node]


class _Parser:
    def __init__(self, tokens: list[_Token], resolve_field: FieldResolver, notes: list[str]):
        self.tokens, self.i, self.resolve_field, self.notes = tokens, 0, resolve_field, notes

    def peek(self) -> str:
        return self.tokens[self.i].kind if self.i < len(self.tokens) else "EOF"

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse_or(self) -> Node | None:
        return self._binary("OR", self.parse_and, Or)

    def parse_and(self) -> Node | None:
        return self._binary("AND", self.parse_seq, And)

    def _binary(self, op: str, operand: Callable[[], Node | None], make: type) -> Node | None:
        items = []
        first = operand()
        if first is not None:
            items.append(first)
        while self.peek() == op:
            self.take()
            nxt = operand()
            if nxt is None or not items:
                self.notes.append(f"{op} needs words on both sides; it was ignored")
            if nxt is not None:
                items.append(nxt)
        if not items:
            return None
        return items[0] if len(items) == 1 else make(tuple(items))

    def parse_seq(self) -> Node | None:
        units = []
        while self.peek() not in ("EOF", ")", "AND", "OR"):
            unit = self.parse_unary()
            if unit is not None:
                units.append(unit)
        if not units:
            return None
        required: list[Node] = []
        optional: list[Node] = []
        negated: list[Node] = []
        for u in units:
            if isinstance(u, Not):
                negated.append(u)
            elif isinstance(u, _Required):
                required.append(u.item)
            elif is_restriction(u):
                required.append(u)
            else:
                optional.append(u)
        if optional:
            required.append(optional[0] if len(optional) == 1 else Or(tuple(optional)))
        return conjoin(*required, *negated) if required else And((All(), *negated)) if len(negated) > 0 else None

    def parse_unary(self) -> Node | _Required | None:
        kind = self.peek()
        if kind in ("NOT", "-", "+"):
            self.take()
            if self.peek() in ("EOF", ")", "AND", "OR"):
                self.notes.append(f"{kind} needs something after it; it was ignored")
                return None
            operand = self.parse_unary()
            if operand is None:
                return None
            if isinstance(operand, _Required):
                operand = operand.item
            return _Required(operand) if kind == "+" else Not(operand)
        return self.parse_atom()

    def parse_atom(self) -> Node | None:
        token = self.take()
        if token.kind == "(":
            inner = self.parse_or()
            while self.peek() != ")":  # leftovers such as a dangling AND inside the group
                self.take()
            self.take()
            return inner
        if token.kind == "PHRASE":
            return Text(token.text, None, True) if token.text.strip() else None
        if token.kind == "WORD":
            return Text(token.text)
        if token.kind == "FIELD":
            return self.resolve_field(token.name, token.text, token.quoted)
        return None  # a stray ")" cannot reach here: _balance paired them


def parse(text: str, resolve_field: FieldResolver) -> Parsed:
    """Parse ``text``; ``resolve_field(name, value, quoted)`` turns a field into a node (or raises
    QueryError). An empty query is All(); a query with nothing left to search (only operators) is Nothing()."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is too long ({len(text)} characters; at most {MAX_QUERY_CHARS})")
    notes: list[str] = []
    tokens = tokenize(text, notes)
    if not tokens:
        return Parsed(All(), notes)
    parser = _Parser(tokens, resolve_field, notes)
    node = parser.parse_or()
    count = sum(1 for _ in leaves(node)) if node is not None else 0
    if count > MAX_LEAVES:
        raise QueryError(f"the query has {count} terms; at most {MAX_LEAVES}")
    return Parsed(node if node is not None else Nothing(), list(dict.fromkeys(notes)))


def render(node: Node) -> str:
    """The query text of a tree, fully parenthesized (round-trips through parse for Text/FieldTerm
    leaves whose field resolver is the identity). Used by tests and for showing what was searched."""
    if isinstance(node, Text):
        prefix = f"{node.field}:" if node.field else ""
        return f'{prefix}"{node.text}"' if node.phrase else f"{prefix}{node.text}"
    if isinstance(node, FieldTerm):
        return "(" + " OR ".join(f'{node.field}:"{v}"' for v in node.values) + ")"
    if isinstance(node, And):
        return "(" + " AND ".join(render(i) for i in node.items) + ")"
    if isinstance(node, Or):
        return "(" + " OR ".join(render(i) for i in node.items) + ")"
    if isinstance(node, Not):
        return f"(NOT {render(node.item)})"
    return ""


__all__ = ["All", "And", "DateIn", "FieldTerm", "Node", "Not", "Nothing", "Or", "Parsed", "QueryError", "Text",
           "conjoin", "leaves", "parse", "positive_text", "render"]
