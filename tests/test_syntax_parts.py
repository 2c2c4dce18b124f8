"""The walker reads a statement's parts by attribute (`flow.syntax`), not through libcst's `children`
(a visitor pass per call): each reading gives, in the same order, what the filtered `children` gives."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from hypothesis import given, strategies as st

from leaklint.flow import syntax

ROOT = Path(__file__).resolve().parents[1]

EVERY_STATEMENT = '''
import a, b as c
from d import e
global g
def f(x, *args, **kw):
    global g, h
    nonlocal_ = 1
    def inner():
        nonlocal nonlocal_
    if x: y = 1
    if x:
        pass
    elif args:
        break
    elif kw:
        continue
    else:
        raise ValueError(x) from kw
    raise
    for i, j in x:
        del i, j[0]
    else:
        assert x, "message"
    async for k in x: pass
    while x:
        x -= 1
    else:
        x: int = 2
    with open(x) as fh, lock:
        y: int
    async with x: pass
    try:
        return x
    except (ValueError, TypeError) as err:
        yield err
    except Exception:
        yield from x
    else:
        lambda: (yield)
    finally:
        await x
    try:
        pass
    except* OSError as group:
        pass
    finally: pass
    match x:
        case [1, *rest] if rest:
            pass
        case {"k": v}:
            return v
        case _: pass
class K(Base):
    a = 1
    @property
    def p(self): return self.a
type Alias = list[int]
'''


def _all_nodes(module: cst.Module):
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.children)


def _sources():
    yield "every statement", EVERY_STATEMENT
    for path in sorted((ROOT / "fixtures").rglob("*.py"))[:40]:
        yield path.name, path.read_text(encoding="utf-8")


STATEMENTY = (cst.BaseSuite, cst.BaseStatement, cst.BaseCompoundStatement)
CLAUSES = (cst.If, cst.Else, cst.ExceptHandler, cst.ExceptStarHandler, cst.Finally, cst.MatchCase)


@pytest.mark.parametrize("name,source", list(_sources()))
def test_parts_read_by_attribute_are_the_filtered_children(name, source):
    module = cst.parse_module(source)
    seen = set()
    for node in _all_nodes(module):
        children = node.children
        seen.add(type(node))
        if isinstance(node, (cst.BaseCompoundStatement, *CLAUSES)):
            assert list(syntax.suites_of(node)) == [c for c in children if isinstance(c, cst.BaseSuite)]
            assert [c for c in syntax.clauses(node) if isinstance(c, CLAUSES)] == \
                [c for c in children if isinstance(c, CLAUSES)]
        if isinstance(node, cst.BaseSmallStatement):
            assert list(syntax.small_expressions(node)) == [c for c in children if isinstance(c, cst.BaseExpression)]
        if isinstance(node, (cst.BaseSuite, cst.BaseStatement, *CLAUSES, cst.BaseSmallStatement)):
            assert list(syntax.statement_parts(node)) == [c for c in children if isinstance(c, STATEMENTY)]
            holders = [c for c in syntax.statement_holders(node) if isinstance(c, (*STATEMENTY, *CLAUSES,
                                                                                   cst.BaseSmallStatement))]
            assert holders == [c for c in children if isinstance(c, (*STATEMENTY, *CLAUSES, cst.BaseSmallStatement))]
    if name == "every statement":  # the snippet does reach every kind of statement and clause
        kinds = {cls for cls in vars(cst).values() if isinstance(cls, type) and issubclass(cls, cst.CSTNode)
                 and issubclass(cls, (cst.BaseStatement, cst.BaseSmallStatement, *CLAUSES))
                 and not cls.__name__.startswith(("Base", "Lazy"))}
        assert kinds <= seen, sorted(k.__name__ for k in kinds - seen)


def test_kind_of_is_the_first_class_that_fits():
    kind = syntax.KindOf(cst.BaseCompoundStatement, cst.If, cst.SimpleStatementLine)
    if_ = cst.parse_statement("if x:\n    pass\n")
    line = cst.parse_statement("x = 1\n")
    for _ in range(2):  # found, then known
        assert kind(if_) is cst.BaseCompoundStatement
        assert kind(line) is cst.SimpleStatementLine
        assert kind(cst.Name("x")) is None


# A string literal's value is read off its text when it has no escape and no line break (most do), else
# by `ast.literal_eval`: both must give the same value, of the same type, for any literal Python accepts
# (no null byte: a file holding one is refused before it is parsed).
_PREFIXES = ["", "r", "R", "u", "U", "b", "B", "br", "rB", "Rb"]
_QUOTES = ["'", '"', "'''", '"""']


@given(st.text(st.characters(blacklist_characters="\x00"), max_size=12), st.sampled_from(_PREFIXES),
       st.sampled_from(_QUOTES))
def test_a_literal_read_off_its_text_has_the_value_python_gives(body, prefix, quote):
    import ast

    literal = prefix + quote + body + quote
    try:
        expected = ast.literal_eval(literal)
    except (SyntaxError, ValueError):
        expected = None
    got = syntax._evaluated.__wrapped__(literal)
    assert got == expected and type(got) is type(expected), literal


def test_plain_literals_are_read_without_compiling():
    assert syntax._plain("'email'") == "email"
    assert syntax._plain('b"x"') == b"x"
    assert syntax._plain("'''it's'''") == "it's"
    assert syntax._plain("'a\\nb'") is None   # an escape: left to literal_eval
