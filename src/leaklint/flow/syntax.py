"""Small readings of syntax the dataflow shares: a literal key, a short code excerpt, a call's arguments."""

from __future__ import annotations

import dataclasses
import re
from ast import literal_eval
from functools import cache, lru_cache
from typing import Iterator, Sequence

import libcst as cst

from ..lite_text import Where, spliced_code

_SURROGATE = re.compile("[\ud800-\udfff]")   # Python refuses source text holding a lone surrogate


def string_key(node: cst.CSTNode | None) -> str | None:
    """The text of a plain string literal (or of a subscript index that is one), else None."""
    kind = type(node)  # exact types: libcst has no subclasses of these, and isinstance costs an abc call
    if kind is cst.SimpleString:
        value = string_value(node)
        return value if isinstance(value, str) else None
    if kind is cst.Index:
        return string_key(node.value)
    return None


def string_value(node: cst.SimpleString | cst.ConcatenatedString) -> str | bytes | None:
    """What a string literal evaluates to; None when it cannot be evaluated (odd prefixes)."""
    if type(node) is cst.SimpleString:
        return _evaluated(node.value)
    try:
        return node.evaluated_value
    except Exception:  # noqa: BLE001 - odd prefixes: the text is unknown
        return None


@lru_cache(maxsize=1 << 15)
def _evaluated(literal: str) -> str | bytes | None:
    """`SimpleString.evaluated_value`, kept by the literal's text: every walk of a module reads its
    strings again.  A literal whose text is its value (no escape, no line break) is cut out of its quotes;
    `literal_eval`, which compiles, reads the rest."""
    plain = _plain(literal)
    if plain is not None:
        return plain
    try:
        return literal_eval(literal)
    except Exception:  # noqa: BLE001 - odd prefixes: the text is unknown
        return None


def _plain(literal: str) -> str | bytes | None:
    """The value of a one-line literal without escapes, read off its text; None for any other."""
    at = next((i for i, c in enumerate(literal[:3]) if c in "'\""), -1)
    prefix = literal[:at].lower()   # as libcst parsed it: none, r, u, b, br or rb
    if at < 0 or prefix.strip("rub") or (len(prefix) > 1 and "u" in prefix) or literal[-1:] != literal[at]:
        return None
    triple = literal[at:at + 3] == literal[-3:] == literal[at] * 3 and len(literal) >= at + 6
    quote = 3 if triple else 1
    body = literal[at + quote:len(literal) - quote]
    if not _is_value(body, literal[at], triple):
        return None
    if "b" not in prefix:
        return body
    return body.encode() if body.isascii() else None


def _is_value(body: str, mark: str, triple: bool) -> bool:
    """Whether the text between a literal's quotes (`mark`, three of them when `triple`) is its value, as
    Python reads it: no escape, no line break, no quote that would end the literal early (in a triple-quoted
    one: three in a row, or one just before the closing three), and no lone surrogate, which Python refuses
    in source text."""
    if "\\" in body or "\n" in body or "\r" in body:
        return False
    if mark in body and (not triple or mark * 3 in body or body.endswith(mark)):
        return False
    return body.isascii() or not _SURROGATE.search(body)


@lru_cache(maxsize=1 << 14)
def code(node: cst.CSTNode) -> str:
    """The source of `node`, cut to 60 characters, for messages.  Kept for the nodes seen last (by
    identity: a node never changes), as each walk of a module describes the same nodes again."""
    where = getattr(node, "lpar", None)
    text = where.text() if type(where) is Where else spliced_code(node)
    return text if len(text) <= 60 else text[:57] + "..."


# Fields that hold only layout (spaces, comments, brackets, commas): nothing in them binds or calls.
_LAYOUT = ("whitespace", "lpar", "rpar", "lbracket", "rbracket", "lbrace", "rbrace", "leading_lines",
           "lines_after_decorators", "header", "footer", "comma", "semicolon", "colon", "equal", "newline")


@cache
def semantic_fields(kind: type) -> tuple[str, ...]:
    """The fields of a node type that hold more than layout."""
    return tuple(f.name for f in dataclasses.fields(kind) if not f.name.startswith(_LAYOUT))


def nodes_in(root: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """`root` and every node inside it but layout, in no set order.  libcst's own visitors rebuild each
    node they pass (and check it), which costs about ten times as much on a large function."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        for name in semantic_fields(type(node)):
            value = getattr(node, name)
            if isinstance(value, cst.CSTNode):
                stack.append(value)
            elif type(value) in (list, tuple):
                stack.extend(item for item in value if isinstance(item, cst.CSTNode))


def read_root(node: cst.CSTNode | None) -> str | None:
    """The name whose attribute `node` reads: `user` of `user.profile.email` or `getattr(user, "email")`;
    None for anything else (a bare name, a call, a subscript)."""
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "getattr" and node.args:
        node = cst.Attribute(value=node.args[0].value, attr=cst.Name("_"))
    if not isinstance(node, cst.Attribute):
        return None
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def call_args(call: cst.Call) -> list[tuple[str | None, str, cst.BaseExpression]]:
    """`(keyword, star, value)` per argument, as `catalogue.Sink.bind` takes them."""
    return [(a.keyword.value if a.keyword else None, a.star if isinstance(a.star, str) else "", a.value)
            for a in call.args]


class KindOf:
    """Which of some node classes a node is an instance of (the first that fits, else None), found once
    per type of node: each failed `isinstance` against libcst's abstract node classes calls into `abc`."""

    def __init__(self, *classes: type):
        self.classes = classes
        self._known: dict[type, type | None] = {}

    def __call__(self, node: object) -> type | None:
        kind = type(node)
        if kind not in self._known:
            self._known[kind] = next((c for c in self.classes if issubclass(kind, c)), None)
        return self._known[kind]


# Reading a node's parts by attribute, not through libcst's `children`, which runs a visitor over the node
# (and every whitespace node in it) on each call.  Each answer is, in order, what `children` would give
# filtered the same way; an unknown kind of node still goes through `children`.

_BODY_OWNERS = frozenset({cst.If, cst.For, cst.While, cst.With, cst.Try, cst.TryStar, cst.Else, cst.Finally,
                          cst.ExceptHandler, cst.ExceptStarHandler, cst.MatchCase})
_NO_EXPRESSIONS = frozenset({cst.Pass, cst.Break, cst.Continue, cst.Global, cst.Nonlocal})
_SMALL_STATEMENTS = frozenset({*_NO_EXPRESSIONS, cst.Raise, cst.Assert, cst.Del, cst.Return, cst.Expr, cst.Assign,
                               cst.AnnAssign, cst.AugAssign, cst.Import, cst.ImportFrom})
_NO_STATEMENTS = frozenset({*_SMALL_STATEMENTS, cst.SimpleStatementLine, cst.SimpleStatementSuite, cst.Match})


def statements(suite: cst.BaseSuite) -> Sequence[cst.CSTNode]:
    """The statements of a block: an indented block's lines, or the one-line suite itself (`if x: y = 1`)."""
    return suite.body if isinstance(suite, cst.IndentedBlock) else [suite]


def suites_of(part: cst.CSTNode) -> Sequence[cst.BaseSuite]:
    """The blocks directly under a compound statement or one of its clauses."""
    kind = type(part)
    if kind in _BODY_OWNERS:
        return (part.body,)
    if kind is cst.Match:
        return ()
    return [c for c in part.children if isinstance(c, cst.BaseSuite)]


def clauses(stmt: cst.CSTNode) -> Sequence[cst.CSTNode]:
    """A compound statement's parts after its first block, in order: `elif` (an `If`), `else`, `except`,
    `finally`, `case`; for an unknown kind, every part."""
    kind = type(stmt)
    if kind is cst.If or kind is cst.For or kind is cst.While:
        return () if stmt.orelse is None else (stmt.orelse,)
    if kind is cst.Try or kind is cst.TryStar:
        return [*stmt.handlers, *(c for c in (stmt.orelse, stmt.finalbody) if c is not None)]
    if kind is cst.Match:
        return stmt.cases
    if kind is cst.With:
        return ()
    return stmt.children


def small_expressions(small: cst.BaseSmallStatement) -> Sequence[cst.BaseExpression]:
    """The expressions directly under a small statement (`raise exc`, `assert test, msg`, `del x`); the
    cause of `raise ... from cause` is not one (it sits in a `From` node)."""
    kind = type(small)
    if kind in _NO_EXPRESSIONS:
        return ()
    if kind is cst.Raise:
        return () if small.exc is None else (small.exc,)
    if kind is cst.Assert:
        return (small.test,) if small.msg is None else (small.test, small.msg)
    if kind is cst.Del:
        return (small.target,)
    return [c for c in small.children if isinstance(c, cst.BaseExpression)]


def statement_parts(node: cst.CSTNode) -> Sequence[cst.CSTNode]:
    """The blocks and statements directly under a node (`elif` is one, `else`, `except` and `case` are
    clauses, not statements; a line's small statements are not statements either)."""
    kind = type(node)
    if kind is cst.IndentedBlock:
        return node.body
    if kind is cst.If:
        return (node.body, node.orelse) if type(node.orelse) is cst.If else (node.body,)
    if kind in _BODY_OWNERS or kind is cst.FunctionDef or kind is cst.ClassDef:
        return (node.body,)
    if kind in _NO_STATEMENTS:
        return ()
    return [c for c in node.children if isinstance(c, (cst.BaseSuite, cst.BaseStatement, cst.BaseCompoundStatement))]


def statement_holders(node: cst.CSTNode) -> Sequence[cst.CSTNode]:
    """Every part directly under a block, statement or clause that may hold statements, in order (a small
    statement holds none); for an unknown kind, every part but its expressions."""
    kind = type(node)
    if kind is cst.IndentedBlock or kind is cst.SimpleStatementLine or kind is cst.SimpleStatementSuite:
        return node.body
    if kind is cst.If or kind is cst.For or kind is cst.While or kind is cst.Try or kind is cst.TryStar:
        return [node.body, *clauses(node)]
    if kind in _BODY_OWNERS or kind is cst.FunctionDef or kind is cst.ClassDef:
        return (node.body,)
    if kind is cst.Match:
        return node.cases
    if kind in _SMALL_STATEMENTS:
        return ()
    return [c for c in node.children if not isinstance(c, cst.BaseExpression)]
