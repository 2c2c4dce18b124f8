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
from dataclasses import dataclass

import libcst as cst

from .flow.syntax import nodes_in
from .lite_text import Where, line_table


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
    leading block; `parse(text)` parses with libcst.  None where that cannot be done alike (the caller
    parses all of it): statements sharing a line, or parts libcst reads with other defaults (indentation)."""
    spans = lite.lines
    if not spans or any(spans[i][1] >= spans[i + 1][0] for i in range(len(spans) - 1)):
        return None   # (two statements sharing a line)
    starts = [start for start, _ in line_table(text)[:-1]]
    wanted = _statements_holding(nodes, text, starts, spans) | set(range(_leading_block(lite.body) + 1))

    def chunk(first: int, last: int) -> str:   # statements first..last with the lines before them
        begin = starts[spans[first - 1][1]] if first else 0
        end = starts[spans[last][1]] if last + 1 < len(spans) else len(text)
        return text[begin:end]

    body: list = []
    header, footer, defaults = (), (), set()
    index = 0
    while index < len(spans):
        if index not in wanted:
            body.append(Verbatim(chunk(index, index)))
            index += 1
            continue
        last = index
        while last + 1 in wanted:
            last += 1
        part = parse(chunk(index, last))
        if len(part.body) != last - index + 1:
            return None
        statements = list(part.body)
        if index == 0:
            header = part.header
        elif part.header:   # (libcst gives the lines before a module's first statement to the module)
            statements[0] = statements[0].with_changes(leading_lines=(*part.header, *statements[0].leading_lines))
        if last + 1 == len(spans):
            footer = part.footer
        body.extend(statements)
        defaults.add((part.default_indent, part.default_newline))
        index = last + 1
    if len(defaults) != 1:
        return None   # (each part's layout is generated with its own defaults: they must be the module's)
    [(indent, newline)] = defaults
    if type(body[-1]) is Verbatim and not lite.has_trailing_newline:
        body[-1] = Verbatim(body[-1].text, newline)
    return cst.Module(body=tuple(body), header=header, footer=footer, default_indent=indent, default_newline=newline,
                      has_trailing_newline=lite.has_trailing_newline)


def _statements_holding(nodes: list, text: str, starts: list[int], spans: tuple) -> set[int]:
    """The indices of the top-level statements `nodes` are in (`starts`: each line's offset in `text`)."""
    firsts = [first for first, _ in spans]
    found = set()
    for node in nodes:
        at = _offset(node, text)
        if at is not None:   # (else not of this module: returned by another module's function)
            found.add(bisect.bisect_right(firsts, bisect.bisect_right(starts, at)) - 1)
    return found


def _leading_block(body) -> int:
    """The index of the first statement that is neither an import nor a string (`fix_kinds._ImportScan`
    reads the statements up to it), or the last index."""
    for index, stmt in enumerate(body):
        small = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 else None
        if not (isinstance(small, (cst.Import, cst.ImportFrom))
                or (isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)))):
            return index
    return len(body) - 1


def _offset(node, text: str) -> int | None:
    """Where in `text` a node of its lite tree is: from any expression inside it (a statement, an argument
    or a node made during the walk has none of its own); None for a node of another module's tree."""
    for inner in nodes_in(node):
        where = getattr(inner, "lpar", None)
        if type(where) is Where:
            return where.at[1] if where.at[0] is text else None
    return None
