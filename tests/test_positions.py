"""leaklint's own position finder agrees with libcst's PositionProvider on every node."""

from __future__ import annotations

from pathlib import Path

import hypothesmith
import libcst as cst
import pytest
from hypothesis import given
from libcst.metadata import MetadataWrapper, PositionProvider

from leaklint.positions import positions

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "fixtures").rglob("*.py")) + sorted((ROOT / "src" / "leaklint").glob("*.py"))


def all_nodes(module: cst.Module) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []

    class Collect(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            found.append(node)
            return True

    module.visit(Collect())
    return found


def assert_same(text: str) -> None:
    module = cst.parse_module(text)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    nodes = [n for n in all_nodes(module) if n is not module]
    got = positions(module, nodes)
    assert {n: got.get(n) for n in nodes} == {n: expected[n] for n in nodes}


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_same_positions_as_libcst_on_real_files(path: Path) -> None:
    assert_same(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("text", [
    "x = 1",                                   # no trailing newline
    "if a:\n    b(1)\nelse:\n    c = (d)\n",   # compound statements take their span from the body
    "a = 1; b(2); c\r\nd = 'x'\r",            # CRLF, a lone CR, several statements on a line
    "f(\n    'é', g(h)\n)  # comment\n",        # non-ASCII: columns count code points
    "class C:\n    def m(self): return (\n        self)\n",
])
def test_same_positions_as_libcst_on_odd_layouts(text: str) -> None:
    assert_same(text)


@given(hypothesmith.from_grammar())
def test_same_positions_as_libcst_on_generated_python(text: str) -> None:
    try:
        cst.parse_module(text)
    except cst.ParserSyntaxError:
        return  # hypothesmith's grammar is wider than libcst's in a few corners
    assert_same(text)
