"""libcst's tree of only the statements of a module that its reports are in.

A module walked on a lite tree that reports something needs libcst's tree where the reports are: positions,
fixes and fingerprints are made from it (`parallel_share`).  Parsing all of it cost more than the rest of a
one-file run (weblate's `vcs/git.py`: a quarter of a second for 2,490 lines, its findings in 154).  Here
libcst parses the module's leading block (the imports, where a fix adds its own: `fix_kinds._ImportScan`)
and each run of top-level statements holding a reported node, each as a module of its own; the statements
between are kept as their text (`Verbatim`).  The tree's code is the module's text, so the positions and
offsets read from it are the whole module's.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import libcst as cst

from .fix_kinds import leading_imports
from .flow.syntax import nodes_in
from .lite_text import Where, line_table

_INDENTED_COMMENT = re.compile(r"[ \t]+#")
_LONE_BACKSLASH = re.compile(r"^[ \t]*\\\r?$", re.MULTILINE)


@dataclass(frozen=True, eq=False)
class Verbatim(cst.CSTNode):
    """A top-level statement left unparsed: its text, with the comments and blank lines before it.
    `newline`: the line break libcst generates after the last statement of a module without one at its
    end, and takes back (`CodegenState.pop_trailing_newline` drops the last token)."""

    text: str
    newline: str = ""

    def _visit_and_replace_children(self, visitor) -> "Verbatim":
        return self

    def _codegen_impl(self, state) -> None:
        state.add_token(self.text)
        if self.newline:
            state.add_token(self.newline)


def partial_module(lite, text: str, nodes: list, parse) -> cst.Module | None:
    """libcst's tree of `text` (the module `lite` was built from) where `nodes` of `lite` are, and its
    leading block; `parse(text)` parses with libcst (and may raise: a part that does not parse alone).
    None where that cannot be done alike (the caller parses all of it): statements sharing a line, parts
    libcst reads with other defaults (indentation, line breaks), or text libcst would not keep."""
    spans = lite.lines
    if not spans or any(spans[i][1] >= spans[i + 1][0] for i in range(len(spans) - 1)):
        return None   # (two statements sharing a line)
    if "\x0c" in text or _LONE_BACKSLASH.search(text):
        return None   # (text libcst drops: a form feed, a line of only a backslash; see `_part`)
    table = line_table(text)
    starts = [start for start, _ in table[:-1]]
    ends = _owned_ends(lite.body, spans, text, starts)
    # the leading imports and the statement after them: where a fix adds its import (`fix_kinds._ImportScan`)
    leading = min(leading_imports(lite.body) + 1, len(spans))
    wanted = _statements_holding(nodes, text, starts, spans) | set(range(leading))

    def chunk(first: int, last: int) -> str:   # statements first..last with the lines before them
        begin = starts[ends[first - 1]] if first else 0
        return text[begin:starts[ends[last]] if last + 1 < len(spans) else len(text)]

    body: list = []
    parts: list[cst.Module] = []
    index = 0
    while index < len(spans):
        last = index
        while index in wanted and last + 1 in wanted:
            last += 1
        if index not in wanted:
            body.append(Verbatim(chunk(index, index)))
        else:
            part = _part(chunk(index, last), last - index + 1, last + 1 == len(spans), parse)
            if part is None:
                return None
            parts.append(part)
            statements = list(part.body)
            if index and part.header:   # (libcst gives the lines before a module's first statement to it)
                statements[0] = statements[0].with_changes(leading_lines=(*part.header, *statements[0].leading_lines))
            body.extend(statements)
        index = last + 1
    return _module(lite, body, parts)


def _part(chunk: str, count: int, at_end: bool, parse) -> cst.Module | None:
    """libcst's tree of one run of `count` statements; None where it would not be the whole module's
    tree of them: other statements, or lines after them that it gives the run rather than the statement
    after (kept only at the module's end).  (Text libcst drops, a form feed or a line of only a backslash,
    is left to a parse of the whole module: the positions after it are then those of its tree.)"""
    part = parse(chunk)
    if len(part.body) != count or (part.footer and not at_end):
        return None
    return part


def _module(lite, body: list, parts: list[cst.Module]) -> cst.Module | None:
    """The module of `body`, generated with the defaults its parsed parts were read with; None where they
    differ (a part with no indented block reads as libcst's default indentation, which it never uses)."""
    newlines = {part.default_newline for part in parts}
    indents = {part.default_indent for part in parts
               if any(isinstance(stmt, cst.BaseCompoundStatement) for stmt in part.body)}
    if len(newlines) != 1 or len(indents) > 1:
        return None
    [newline] = newlines
    indent = next(iter(indents), parts[0].default_indent)
    if type(body[-1]) is Verbatim and not lite.has_trailing_newline:
        body[-1] = Verbatim(body[-1].text, newline)
    footer = () if type(body[-1]) is Verbatim else parts[-1].footer
    return cst.Module(body=tuple(body), header=parts[0].header, footer=footer, default_indent=indent,
                      default_newline=newline, has_trailing_newline=lite.has_trailing_newline)


def _owned_ends(body, spans: tuple, text: str, starts: list[int]) -> list[int]:
    """Per top-level statement, the last line it owns: its own last line, or for a compound statement the
    last indented comment line before the next statement (libcst gives those to the block above)."""
    ends = [last for _, last in spans]
    for index, stmt in enumerate(body[:-1]):
        if isinstance(stmt, cst.BaseCompoundStatement):
            for line in range(spans[index + 1][0] - 1, spans[index][1], -1):
                end = starts[line] if line < len(starts) else len(text)
                if _INDENTED_COMMENT.match(text, starts[line - 1], end):
                    ends[index] = line
                    break
    return ends


def _statements_holding(nodes: list, text: str, starts: list[int], spans: tuple) -> set[int]:
    """The indices of the top-level statements `nodes` are in (`starts`: each line's offset in `text`)."""
    firsts = [first for first, _ in spans]
    found = set()
    for node in nodes:
        at = _offset(node, text)
        if at is not None:   # (else not of this module: returned by another module's function)
            found.add(bisect.bisect_right(firsts, bisect.bisect_right(starts, at)) - 1)
    return found


def _offset(node, text: str) -> int | None:
    """Where in `text` a node of its lite tree is: from any expression inside it (a statement, an argument
    or a node made during the walk has none of its own); None for a node of another module's tree."""
    for inner in nodes_in(node):
        where = getattr(inner, "lpar", None)
        if type(where) is Where:
            return where.at[1] if where.at[0] is text or where.at[0] == text else None
    return None
