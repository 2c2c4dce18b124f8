"""Conditions on a function's own parameters: what an `if` test says of one, and what a caller's argument
provably is.

A sink use inside `if exc_info: ... else: send(subject)` runs only when `exc_info` is falsy; the walker
keeps such conditions (`Guard`) while it walks a branch, and a function's summary keeps them with the
parameter that reaches the sink.  At a call, that parameter's use is left out only when the argument for
the parameter tested is provably on the other side (`fails`): a literal, a display, a call whose result is
known (`CALL_RESULTS`), or the default when it is omitted.  Anything else may be either, and is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import libcst as cst

from .syntax import nodes_in, string_value

# What must hold of a parameter for the code under a test to run.
TRUTHY, FALSY, NONE, NOT_NONE = "truthy", "falsy", "none", "not none"
HOLDS = frozenset({TRUTHY, FALSY, NONE, NOT_NONE})


@dataclass(frozen=True)
class Guard:
    """The code being walked runs only when the parameter `param` is `holds` (one of TRUTHY ... NOT_NONE)."""

    param: str
    holds: str
    default_fails: bool = False   # its default provably fails it: a caller omitting it never runs that code


@dataclass(frozen=True)
class Known:
    """What an argument provably is: truthy or not, None or not (None: either)."""

    truthy: bool | None = None
    none: bool | None = None


UNKNOWN_ARG = Known()
_TRUE_OBJECT = Known(truthy=True, none=False)

# Calls whose result is known without running them.  `sys.exc_info()` is always a 3-tuple (of Nones
# outside an `except` block); a UUID or a date defines neither `__bool__` nor `__len__`.
CALL_RESULTS = {
    "sys.exc_info": _TRUE_OBJECT,
    "uuid.uuid1": _TRUE_OBJECT,
    "uuid.uuid4": _TRUE_OBJECT,
    "datetime.datetime.now": _TRUE_OBJECT,
    "datetime.datetime.utcnow": _TRUE_OBJECT,
    "datetime.date.today": _TRUE_OBJECT,
}

_NUMBERS = (cst.Integer, cst.Float, cst.Imaginary)
_CONSTANTS = {"None": Known(False, True), "True": Known(True, False), "False": Known(False, False)}


def fails(known: Known, holds: str) -> bool:
    """Whether an argument known as `known` provably fails the condition `holds`."""
    if holds == TRUTHY or holds == FALSY:
        return known.truthy is (holds == FALSY)
    return known.none is (holds == NOT_NONE)


def known(node: object, ev=None) -> Known:
    """What the expression `node` provably is (a call's, through the evaluator `ev` telling what it calls)."""
    reader = _READERS.get(type(node))
    return reader(node, ev) if reader is not None else UNKNOWN_ARG


def _number(node, ev) -> Known:
    return Known(bool(node.evaluated_value), False)


def _signed(node: cst.UnaryOperation, ev) -> Known:
    """`-1`: as true as the number."""
    if type(node.operator) in (cst.Minus, cst.Plus) and type(node.expression) in _NUMBERS:
        return _number(node.expression, ev)
    return UNKNOWN_ARG


def _string(node, ev) -> Known:
    value = string_value(node)
    return Known(bool(value) if value is not None else None, False)


def _formatted(node: cst.FormattedString, ev) -> Known:
    """An f-string with some text written out is not empty."""
    return Known(True if any(type(p) is cst.FormattedStringText and p.value for p in node.parts) else None, False)


def _display(node, ev) -> Known:
    """A tuple, list, set or dict display: truthy with one element written out, falsy with none."""
    if not node.elements:
        return Known(False, False)
    plain = any(type(e) not in (cst.StarredElement, cst.StarredDictElement) for e in node.elements)
    return Known(True if plain else None, False)


def _call(node: cst.Call, ev) -> Known:
    return CALL_RESULTS.get(ev.quietly(node.func).ref or "", UNKNOWN_ARG) if ev is not None else UNKNOWN_ARG


_READERS = {
    cst.Name: lambda node, ev: _CONSTANTS.get(node.value, UNKNOWN_ARG),
    cst.Integer: _number, cst.Float: _number, cst.Imaginary: _number, cst.UnaryOperation: _signed,
    cst.SimpleString: _string, cst.ConcatenatedString: _string, cst.FormattedString: _formatted,
    cst.Tuple: _display, cst.List: _display, cst.Set: _display, cst.Dict: _display,
    cst.GeneratorExp: lambda node, ev: _TRUE_OBJECT, cst.Lambda: lambda node, ev: _TRUE_OBJECT,
    cst.ListComp: lambda node, ev: Known(None, False), cst.SetComp: lambda node, ev: Known(None, False),
    cst.DictComp: lambda node, ev: Known(None, False),
    cst.Call: _call,
}


def conditions(test: cst.BaseExpression, params: frozenset[str], positive: bool) -> list[tuple[str, str]]:
    """What `test` being true (`positive`) or false says of `params`, as `(parameter, holds)` pairs, each
    one necessary: `p`, `not p`, `p is None`, `p is not None`, and `and` (or, when false, `or`) of these."""
    kind = type(test)
    if kind is cst.Name:
        return [(test.value, TRUTHY if positive else FALSY)] if test.value in params else []
    if kind is cst.UnaryOperation and type(test.operator) is cst.Not:
        return conditions(test.expression, params, not positive)
    if kind is cst.BooleanOperation and type(test.operator) is (cst.And if positive else cst.Or):
        return conditions(test.left, params, positive) + conditions(test.right, params, positive)
    if kind is cst.Comparison and len(test.comparisons) == 1:
        name = _none_test(test)
        if name in params:
            is_none = type(test.comparisons[0].operator) is cst.Is
            return [(name, NONE if is_none is positive else NOT_NONE)]
    return []


def _none_test(test: cst.Comparison) -> str | None:
    """The name compared in `name is None` / `name is not None`, else None."""
    target = test.comparisons[0]
    if type(target.operator) not in (cst.Is, cst.IsNot):
        return None
    left, right = test.left, target.comparator
    if type(right) is cst.Name and right.value == "None" and type(left) is cst.Name:
        return left.value
    return None


@lru_cache(maxsize=1 << 12)
def tested_params(func: cst.FunctionDef, method: bool) -> frozenset[str]:
    """The parameters a caller passes one value to (not `self`, nor `*args` or `**kwargs`)."""
    positional = [*func.params.posonly_params, *func.params.params][1 if method else 0:]
    return frozenset(p.name.value for p in (*positional, *func.params.kwonly_params))


def default_fails(func: cst.FunctionDef, name: str, holds: str, ev) -> bool:
    """Whether the parameter's default provably fails `holds` (a caller omitting it never runs that code)."""
    params = func.params
    param = next(p for p in (*params.posonly_params, *params.params, *params.kwonly_params) if p.name.value == name)
    return param.default is not None and fails(known(param.default, ev), holds)


def exits(suite: cst.BaseSuite) -> bool:
    """Whether a block always leaves the code after it (its last statement returns, raises, breaks or
    continues)."""
    body = suite.body if isinstance(suite, cst.IndentedBlock) else [suite]
    last = body[-1] if body else None
    if type(last) in (cst.SimpleStatementLine, cst.SimpleStatementSuite) and last.body:
        return type(last.body[-1]) in (cst.Return, cst.Raise, cst.Break, cst.Continue)
    return False


@lru_cache(maxsize=1 << 12)
def changed_names(func: cst.FunctionDef) -> frozenset[str]:
    """The names a function (its nested scopes too) may bind again, or change in place (an assignment to
    an item or attribute of it, a method called on it): a test of such a parameter may not be testing what
    the caller passed.  Kept by the function's node (a node never changes)."""
    names: set[str] = set()
    for node in nodes_in(func.body):
        kind = type(node)
        if kind in _BINDING_FIELDS:
            _bound(getattr(node, _BINDING_FIELDS[kind]), names)
        elif kind is cst.ImportAlias and node.asname is None:   # `import a.b` binds `a`
            _bound(node.name, names)
        elif kind is cst.Call and type(node.func) is cst.Attribute and type(node.func.value) is cst.Name:
            _bound(node.func.value, names)   # `items.append(x)`: may empty or fill it
    return frozenset(names)


# What binds a name, by the field holding the target: `a = `, `a += `, `for a in`, `with ... as a`,
# `except ... as a`, `import ... as a`, `(a := ...)`, `del a`, `case a`, `global a`, `def a`, `class a`.
_BINDING_FIELDS = {cst.AssignTarget: "target", cst.AugAssign: "target", cst.AnnAssign: "target", cst.For: "target",
                   cst.CompFor: "target", cst.NamedExpr: "target", cst.Del: "target", cst.AsName: "name",
                   cst.MatchAs: "name", cst.MatchStar: "name", cst.NameItem: "name", cst.FunctionDef: "name",
                   cst.ClassDef: "name"}


def _bound(target: cst.CSTNode | None, names: set[str]) -> None:
    """Every name bound by a target (`a, *b`), and the object an item or attribute is set on."""
    kind = type(target)
    if kind is cst.Name:
        names.add(target.value)
    elif kind in (cst.Tuple, cst.List):
        for element in target.elements:
            _bound(element.value, names)
    elif kind in (cst.StarredElement, cst.Subscript, cst.Attribute):
        _bound(target.value, names)


def unguarded(sink, bound: list, raw: list, ev) -> list:
    """Of the arguments `bound` to a project function's derived `sink`, those whose parameter reaches the
    sink at this call: not one reaching it only under a condition (its `conditions`) that the argument for
    the parameter tested provably fails, or its default when the call leaves it out (and unpacks nothing
    that could fill it)."""
    conditions = getattr(sink, "conditions", ())   # a project function's (`summaries.DerivedSink`)
    if not conditions:
        return bound
    unpacked = any(star for _, star, _ in raw)

    def failed(tested: str, holds: str, default: bool) -> bool:
        given = [b for b in bound if b.param.name == tested]
        if not given:
            return default and not unpacked
        return not given[0].star and fails(known(given[0].node, ev), holds)

    out = {param for param, tested, holds, default in conditions if failed(tested, holds, default)}
    return [b for b in bound if b.param.name not in out] if out else bound
