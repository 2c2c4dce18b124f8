"""Line and column of a few nodes, as libcst's PositionProvider gives them, at a fraction of its cost.

PositionProvider records a range for every node and re-counts lines token by token; a file with one
finding needs the range of three or four nodes.  This runs the same code generation, notes only the
token indices where the wanted nodes start and end, and turns those into lines and columns once.
"""

from __future__ import annotations

import bisect
import re
from contextlib import contextmanager
from itertools import accumulate
from typing import Iterable, Iterator

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange

NEWLINE = re.compile(r"\r\n?|\n")  # what libcst counts as a line break


class _Marking(CodegenState):
    """Code generation that records, for the wanted nodes only, the token indices they span:
    syntactic spans where the node reports one (as PositionProvider does), else the whole node."""

    def __init__(self, module: cst.Module, wanted: set[int]):
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.wanted = wanted
        self.starts: dict[int, int] = {}
        self.marks: dict[int, tuple[int, int]] = {}
        self.whole: dict[int, tuple[int, int]] = {}   # every token of the node, parentheses included

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.wanted:
            self.starts[id(node)] = len(self.tokens)

    def after_codegen(self, node: cst.CSTNode) -> None:
        key = id(node)
        if key in self.wanted:
            self.whole[key] = (self.starts[key], len(self.tokens))
            self.marks.setdefault(key, self.whole[key])

    def pop_trailing_newline(self) -> None:
        pass  # PositionProvider counts the newline a file without one is generated with; so do we

    @contextmanager
    def record_syntactic_position(self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None,
                                  end_node: cst.CSTNode | None = None) -> Iterator[None]:
        start = len(self.tokens)
        try:
            yield
        finally:
            key = id(node)
            if key in self.wanted:
                end = len(self.tokens)
                # Statements hoist their span from a child (their body); that child is wanted too.
                if start_node is not None and id(start_node) in self.marks:
                    start = self.marks[id(start_node)][0]
                if end_node is not None and id(end_node) in self.marks:
                    end = self.marks[id(end_node)][1]
                self.marks[key] = (start, end)


class _Tracing(_Marking):
    """Also notes the ancestors (outermost first, the node last) of the `traced` nodes: the code
    generation walks the whole tree anyway, so no visit of its own is needed."""

    def __init__(self, module: cst.Module, wanted: set[int], traced: set[int]):
        super().__init__(module, wanted)
        self.traced, self.path = traced, []
        self.ancestors: dict[int, tuple[cst.CSTNode, ...]] = {}

    def before_codegen(self, node: cst.CSTNode) -> None:
        super().before_codegen(node)
        self.path.append(node)
        if id(node) in self.traced:
            self.ancestors[id(node)] = tuple(self.path)

    def after_codegen(self, node: cst.CSTNode) -> None:
        self.path.pop()
        super().after_codegen(node)


def positions(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> dict[cst.CSTNode, CodeRange]:
    """CodeRange (1-based lines, 0-based columns, like PositionProvider) of each of `nodes`."""
    return locate(module, nodes)[0]


def locate(module: cst.Module, nodes: Iterable[cst.CSTNode], whole: Iterable[cst.CSTNode] = (),
           traced: Iterable[cst.CSTNode] = ()) -> tuple[dict, dict[int, tuple[int, int]], dict[int, tuple]]:
    """In one pass: the CodeRange of each of `nodes`; the character offsets of all of each of `whole`
    in the module's code (what a fix edits); the ancestors of each of `traced`.  The last two by node id."""
    nodes = [n for n in nodes if n is not None]
    whole = [n for n in whole if n is not None]
    traced = {id(n) for n in traced if n is not None}
    if not nodes and not whole:
        return {}, {}, {}
    wanted = {id(n) for n in nodes} | {id(n) for n in whole}
    for node in nodes:  # the children a statement may take its span from
        if isinstance(node, cst.BaseCompoundStatement):
            wanted.add(id(node.body))
        elif isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)) and node.body:
            wanted.update((id(node.body[0]), id(node.body[-1])))
    state = _Tracing(module, wanted, traced) if traced else _Marking(module, wanted)
    module._codegen(state)
    offsets = [0, *accumulate(map(len, state.tokens))]
    code = "".join(state.tokens)
    line_starts = [0, *(m.end() for m in NEWLINE.finditer(code))]

    def at(token: int) -> CodePosition:
        offset = offsets[token]
        line = bisect.bisect_right(line_starts, offset)
        return CodePosition(line, offset - line_starts[line - 1])

    out = {}
    for node in nodes:
        mark = state.marks.get(id(node))
        if mark is not None:
            out[node] = CodeRange(at(mark[0]), at(mark[1]))
    spans = {id(n): (offsets[state.whole[id(n)][0]], offsets[state.whole[id(n)][1]]) for n in whole
             if id(n) in state.whole}
    return out, spans, getattr(state, "ancestors", {})
