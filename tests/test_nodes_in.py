"""`flow.syntax.nodes_in` walks a tree without libcst's visitors (which rebuild every node they pass): it
must still reach every node that is not layout, and the parameter guards built on it must see the same
names bound as a visitor does."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from leaklint.flow.guards import changed_names
from leaklint.flow.syntax import nodes_in

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*ROOT.glob("src/leaklint/**/*.py"), *ROOT.glob("fixtures/**/*.py")])
LAYOUT = (cst.BaseParenthesizableWhitespace, cst.EmptyLine, cst.TrailingWhitespace, cst.Newline, cst.Comment,
          cst.Comma, cst.LeftParen, cst.RightParen, cst.LeftSquareBracket, cst.RightSquareBracket,
          cst.LeftCurlyBrace, cst.RightCurlyBrace, cst.Semicolon, cst.Colon, cst.AssignEqual)


class _All(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.nodes.append(node)
        return True


class _Bindings(cst.CSTVisitor):
    """The reference: what the guards asked libcst's visitor before (bindings, item and attribute
    assignments, method calls on a name)."""

    FIELDS = {cst.AssignTarget: "target", cst.AugAssign: "target", cst.AnnAssign: "target", cst.For: "target",
              cst.CompFor: "target", cst.NamedExpr: "target", cst.Del: "target", cst.AsName: "name",
              cst.MatchAs: "name", cst.MatchStar: "name", cst.NameItem: "name", cst.FunctionDef: "name",
              cst.ClassDef: "name"}

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def on_visit(self, node: cst.CSTNode) -> bool:
        if type(node) in self.FIELDS:
            self._root(getattr(node, self.FIELDS[type(node)]))
        elif isinstance(node, cst.ImportAlias) and node.asname is None:
            self._root(node.name)
        elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) \
                and isinstance(node.func.value, cst.Name):
            self._root(node.func.value)
        return True

    def _root(self, target) -> None:
        if isinstance(target, cst.Name):
            self.names.add(target.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._root(element.value)
        elif isinstance(target, (cst.StarredElement, cst.Subscript, cst.Attribute)):
            self._root(target.value)


@pytest.fixture(scope="module")
def modules() -> list[cst.Module]:
    out = []
    for path in SOURCES:
        try:
            out.append(cst.parse_module(path.read_text(encoding="utf-8")))
        except (cst.ParserSyntaxError, UnicodeDecodeError):
            continue  # fixtures of unreadable files
    assert len(out) > 50
    return out


def test_every_node_but_layout_is_reached(modules):
    for module in modules:
        visitor = _All()
        module.visit(visitor)
        expected = {id(n) for n in visitor.nodes if not isinstance(n, LAYOUT)}
        found = {id(n) for n in nodes_in(module)}
        assert expected <= found, "a node that is not layout was missed"
        assert found <= {id(n) for n in visitor.nodes}, "a node that is not in the tree was yielded"


def test_changed_names_agree_with_a_visitor(modules):
    functions = [n for m in modules for n in nodes_in(m) if isinstance(n, cst.FunctionDef)]
    assert len(functions) > 500
    for func in functions:
        reference = _Bindings()
        func.body.visit(reference)
        assert changed_names(func) == frozenset(reference.names), cst.Module([]).code_for_node(func)[:200]
