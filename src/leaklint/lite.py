"""A libcst-shaped tree built from CPython's `ast`, for the modules whose walks only feed the index.

libcst's parser makes about four nodes for each of `ast`'s (whitespace, commas, brackets) and takes about
ten times as long; the walk reads none of that layout.  This builds the same node types with the same
semantic fields from the `ast` tree the parse vets the text with anyway, skipping libcst's validation, and
leaves the layout fields at their defaults.  Each expression keeps where it is in the text (`Where`, in its
`lpar` field, which it reads as no parentheses), so that `flow.syntax.code` shows what libcst would.

A module whose walk reports something is parsed with libcst, and its reports are moved to the same places
of that tree (`twins`, `parallel_share`): positions and fixes always come from libcst's tree.  Syntax not
built here (`match`) raises `Unsupported`, and the module is parsed with libcst from the start.
"""

from __future__ import annotations

import ast
import re

import libcst as cst

from .flow.syntax import semantic_fields
from .lite_expressions import AUGMENTED, DEFAULT, EQUAL, Expressions, dotted, node
from .lite_partial import Verbatim
from .lite_text import LINE_BREAK, Unsupported, Where, line_table, offset, owned, skip_forward


class LiteModule(cst.Module):
    """A module built here (its nodes lack layout: their code is their text, `lite_text.Where`)."""

    __slots__ = ("strings", "lines")   # its plain string literals, in the order of the text; per statement
                                       # of its body, its first and last line (decorators and all)


_set = object.__setattr__
_ESCAPED_BREAK = re.compile(r"\\(\r\n?|\n)")


def twins(lite: LiteModule, full: cst.Module):
    """A function giving, for a node of the `lite` tree, the node at the same place of libcst's `full` tree
    of the same text; a node made during the walk (`scope.user = x` seen as a call) is made again around
    the twins of its parts; a node of neither is given back as it is.  `Unsupported` where the two trees
    differ in shape (a layout this builder reads otherwise than libcst)."""
    found: dict[int, cst.CSTNode] = {}
    pairs = [(lite, full)]
    while pairs:   # (both trees have the same fields holding nodes, in the same shapes: tests/test_lite.py)
        mine, theirs = pairs.pop()
        if isinstance(mine, cst.CSTNode):
            if type(theirs) is Verbatim:
                continue   # (a statement `full` keeps as text: see `lite_partial`)
            if type(mine) is not type(theirs) and mine is not lite:
                raise Unsupported(f"{type(mine).__name__} where libcst has {type(theirs).__name__}")
            found[id(mine)] = theirs
            pairs.extend((getattr(mine, name), getattr(theirs, name)) for name in semantic_fields(type(mine)))
        elif type(mine) is tuple:
            if type(theirs) is not tuple or len(mine) != len(theirs):
                raise Unsupported("a sequence of another length than libcst's")
            pairs.extend(zip(mine, theirs))

    def twin(node):
        if not isinstance(node, cst.CSTNode):
            return node
        if id(node) in found:
            return found[id(node)]
        changes = {name: _twin_of(getattr(node, name), twin) for name in semantic_fields(type(node))}
        changes = {name: value for name, value in changes.items() if value is not getattr(node, name)}
        try:
            return node.with_changes(**changes) if changes else node
        except Exception:  # noqa: BLE001 - a node that cannot be made again is shown as it is
            return node

    return twin


def _twin_of(value, twin):
    if type(value) is tuple or type(value) is list:
        items = [twin(v) for v in value]
        return value if all(a is b for a, b in zip(items, value)) else type(value)(items)
    return twin(value)


def build(tree: ast.Module, text: str) -> LiteModule:
    """The module `tree` is the syntax of (`text` its source) as libcst's node types; `Unsupported` for
    syntax left to libcst."""
    return _Builder(text).module(tree)


class _Builder(Expressions):
    def __init__(self, text: str):
        self.text = text
        self.indent = ""   # the indentation of the block being built
        self.literals: list = []   # the plain string literals built
        self.lines = line_table(text)

    # -- statements --------------------------------------------------------------------------------
    def module(self, tree: ast.Module) -> LiteModule:
        lines: list[tuple[int, int]] = []
        made = node(LiteModule, body=self.body(tree.body, lines),
                    has_trailing_newline=self.text.endswith(("\n", "\r")))
        _set(made, "strings", tuple(self.literals))
        _set(made, "lines", tuple(lines))
        return made

    def body(self, statements: list[ast.stmt], lines: list | None = None) -> list:
        """Statements as libcst groups them: compound ones alone, simple ones a line at a time; `lines`, if
        given, gets the first and last line of each."""
        out: list = []
        line: list = []
        first = last_end = 0
        for stmt in statements:
            kind = type(stmt)
            small = _SMALL.get(kind)
            if small is None:
                if line:
                    out.append(node(cst.SimpleStatementLine, body=line))
                    line = []
                out.append(_COMPOUND[kind](self, stmt) if kind in _COMPOUND else self.unsupported(stmt))
                if lines is not None:
                    lines.append((min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))]),
                                  stmt.end_lineno))
                continue
            start, end = offset(self.lines, stmt.lineno, stmt.col_offset), offset(self.lines, stmt.end_lineno, stmt.end_col_offset)
            between = self.text[last_end:start]
            if line and not _same_line(between):
                out.append(node(cst.SimpleStatementLine, body=line))
                line = []
            if not line:
                first = stmt.lineno
            line.append(small(self, stmt))
            last_end = end
            if lines is not None:   # (the line being built has the last entry, until it is done)
                lines[len(out):] = [(first, stmt.end_lineno)]
        if line:
            out.append(node(cst.SimpleStatementLine, body=line))
        return out

    def suite(self, statements: list[ast.stmt]):
        """An indented block, or statements on the header's line (`if x: return`)."""
        first = statements[0]
        start, _ = self.lines[first.lineno - 1]
        text = self.text
        at = offset(self.lines, first.lineno, first.col_offset)
        if _after_colon(text, at):
            line = [_SMALL[type(s)](self, s) if type(s) in _SMALL else self.unsupported(s) for s in statements]
            return node(cst.SimpleStatementSuite, body=line)
        outer, self.indent = self.indent, text[start:at]
        try:
            return node(cst.IndentedBlock, body=self.body(statements))
        finally:
            self.indent = outer

    def unsupported(self, stmt):
        raise Unsupported(type(stmt).__name__)

    def orelse(self, statements: list[ast.stmt]):
        return node(cst.Else, body=self.suite(statements)) if statements else None

    def function(self, s):
        return node(cst.FunctionDef, name=node(cst.Name, value=s.name), params=self.parameters(s.args),
                    body=self.suite(s.body), decorators=self.decorators(s.decorator_list),
                    returns=node(cst.Annotation, annotation=self.expr(s.returns)) if s.returns is not None else None,
                    asynchronous=node(cst.Asynchronous) if type(s) is ast.AsyncFunctionDef else None)

    def decorators(self, found: list[ast.expr]) -> list:
        return [node(cst.Decorator, decorator=self.expr(d)) for d in found]

    def klass(self, s: ast.ClassDef):
        bases = [self.arg(b) for b in s.bases]
        keywords = [self.keyword(k) for k in s.keywords]
        return node(cst.ClassDef, name=node(cst.Name, value=s.name), body=self.suite(s.body), bases=bases,
                    keywords=keywords, decorators=self.decorators(s.decorator_list))

    def if_(self, s: ast.If):
        orelse = None
        if s.orelse:
            first = s.orelse[0]
            if len(s.orelse) == 1 and type(first) is ast.If and \
                    self.text.startswith("elif", offset(self.lines, first.lineno, first.col_offset)):
                orelse = self.if_(first)
            else:
                orelse = self.orelse(s.orelse)
        return node(cst.If, test=self.expr(s.test), body=self.suite(s.body), orelse=orelse)

    def for_(self, s):
        return node(cst.For, target=self.expr(s.target), iter=self.expr(s.iter), body=self.suite(s.body),
                    orelse=self.orelse(s.orelse), asynchronous=node(cst.Asynchronous) if type(s) is ast.AsyncFor else None)

    def while_(self, s: ast.While):
        return node(cst.While, test=self.expr(s.test), body=self.suite(s.body), orelse=self.orelse(s.orelse))

    def try_(self, s):
        star = type(s) is not ast.Try
        handler = cst.ExceptStarHandler if star else cst.ExceptHandler
        handlers = [node(handler, body=self.suite(h.body), type=self.expr(h.type) if h.type is not None else None,
                         name=node(cst.AsName, name=node(cst.Name, value=h.name)) if h.name else None)
                    for h in s.handlers]
        return node(cst.TryStar if star else cst.Try, body=self.suite(s.body), handlers=handlers,
                    orelse=self.orelse(s.orelse),
                    finalbody=node(cst.Finally, body=self.suite(s.finalbody)) if s.finalbody else None)

    def with_(self, s):
        items = [node(cst.WithItem, item=self.expr(i.context_expr),
                      asname=node(cst.AsName, name=self.expr(i.optional_vars)) if i.optional_vars is not None else None)
                 for i in s.items]
        inside = self.with_parentheses(s)
        if inside is not None:  # `with (a, b as c):` - the parentheses are the statement's, not its items'
            for item in items:
                for part in (item.item, item.asname.name if item.asname else None):
                    if part is not None and type(part.lpar) is Where:
                        part.lpar.inside = inside
        return node(cst.With, items=items, body=self.suite(s.body),
                    asynchronous=node(cst.Asynchronous) if type(s) is ast.AsyncWith else None)

    def with_parentheses(self, s) -> tuple[int, int] | None:
        """Where the text inside `with (...):` parentheses holding the items is, if they are there."""
        text = self.text
        at = skip_forward(text, self.span(s)[0] + (len("async") if type(s) is ast.AsyncWith else 0))
        at = skip_forward(text, at + len("with"))
        if text[at] != "(":
            return None
        last = s.items[-1]
        end = self.span(last.optional_vars if last.optional_vars is not None else last.context_expr)[1]
        end = owned(text, self.span(last.context_expr)[0], end, at + 1)[1] if last.optional_vars is None else end
        close = skip_forward(text, end)
        if text[close] == ",":
            close = skip_forward(text, close + 1)
        if text[close] == ")" and text[skip_forward(text, close + 1)] == ":":
            return at + 1, close
        return None

    # -- simple statements -------------------------------------------------------------------------
    def expr_statement(self, s: ast.Expr):
        return node(cst.Expr, value=self.expr(s.value))

    def assign(self, s: ast.Assign):
        return node(cst.Assign, targets=[node(cst.AssignTarget, target=self.expr(t)) for t in s.targets],
                    value=self.expr(s.value))

    def ann_assign(self, s: ast.AnnAssign):
        value = self.expr(s.value) if s.value is not None else None
        return node(cst.AnnAssign, target=self.expr(s.target), annotation=node(cst.Annotation, annotation=self.expr(s.annotation)),
                    value=value, equal=DEFAULT if value is None else EQUAL)

    def aug_assign(self, s: ast.AugAssign):
        return node(cst.AugAssign, target=self.expr(s.target), operator=AUGMENTED[type(s.op)], value=self.expr(s.value))

    def return_(self, s: ast.Return):
        return node(cst.Return, value=self.expr(s.value) if s.value is not None else None)

    def raise_(self, s: ast.Raise):
        return node(cst.Raise, exc=self.expr(s.exc) if s.exc is not None else None,
                    cause=node(cst.From, item=self.expr(s.cause)) if s.cause is not None else None)

    def assert_(self, s: ast.Assert):
        return node(cst.Assert, test=self.expr(s.test), msg=self.expr(s.msg) if s.msg is not None else None)

    def delete(self, s: ast.Delete):
        targets = [self.expr(t) for t in s.targets]
        after = skip_forward(self.text, self.span(s.targets[-1])[1])
        target = targets[0] if len(targets) == 1 and not self.text.startswith(",", after) else node(cst.Tuple, elements=[node(cst.Element, value=t) for t in targets])
        return node(cst.Del, target=target)

    def names(self, s):
        items = [node(cst.NameItem, name=node(cst.Name, value=n)) for n in s.names]
        return node(cst.Global if type(s) is ast.Global else cst.Nonlocal, names=items)

    def import_(self, s: ast.Import):
        return node(cst.Import, names=[self.alias(a) for a in s.names])

    def import_from(self, s: ast.ImportFrom):
        names = node(cst.ImportStar) if s.names[0].name == "*" else [self.alias(a) for a in s.names]
        return node(cst.ImportFrom, module=dotted(s.module) if s.module else None, names=names,
                    relative=[node(cst.Dot) for _ in range(s.level or 0)])

    def alias(self, a: ast.alias):
        return node(cst.ImportAlias, name=dotted(a.name),
                    asname=node(cst.AsName, name=node(cst.Name, value=a.asname)) if a.asname else None)

_SMALL = {
    ast.Expr: _Builder.expr_statement, ast.Assign: _Builder.assign, ast.AnnAssign: _Builder.ann_assign,
    ast.AugAssign: _Builder.aug_assign, ast.Return: _Builder.return_, ast.Raise: _Builder.raise_,
    ast.Assert: _Builder.assert_, ast.Delete: _Builder.delete, ast.Global: _Builder.names,
    ast.Nonlocal: _Builder.names, ast.Import: _Builder.import_, ast.ImportFrom: _Builder.import_from,
    ast.Pass: lambda self, s: node(cst.Pass), ast.Break: lambda self, s: node(cst.Break),
    ast.Continue: lambda self, s: node(cst.Continue),
}
_COMPOUND = {
    ast.FunctionDef: _Builder.function, ast.AsyncFunctionDef: _Builder.function, ast.ClassDef: _Builder.klass,
    ast.If: _Builder.if_, ast.For: _Builder.for_, ast.AsyncFor: _Builder.for_, ast.While: _Builder.while_,
    ast.Try: _Builder.try_, ast.TryStar: _Builder.try_, ast.With: _Builder.with_, ast.AsyncWith: _Builder.with_,
}


def _same_line(between: str) -> bool:
    """Whether a simple statement after another, `between` their texts, is on the same line as libcst
    reads it: after a `;` and no line break (`a; b`), or only escaped ones (`a; \\` then `b`)."""
    if ";" not in between or "#" in between:
        return False
    rest = between[between.rindex(";") + 1:]
    return not LINE_BREAK.search(_ESCAPED_BREAK.sub("", rest))


def _after_colon(text: str, at: int) -> bool:
    """Whether the statement at `at` follows its header's colon on the same logical line (`if x: y`)."""
    i = at - 1
    while i >= 0:
        if text[i] in " \t\f":
            i -= 1
        elif text[i] in "\r\n" and text[max(0, i - 2):i].rstrip("\r").endswith("\\"):   # a backslash continuation
            i = text.rindex("\\", 0, i) - 1
        else:
            break
    return i >= 0 and text[i] == ":"

