"""The evaluator: `Evaluator.evaluate(expr)` returns the `Value` an expression carries.

Each kind of expression has its `_eval_<NodeType>` method: names, attributes and subscripts in
`names.py`, calls in `calls.py`, the rest (literals, containers, operators) here.  A kind of expression
with no method carries what its parts carry.  `walk.Walker` drives the evaluator statement by statement.
"""

from __future__ import annotations

import functools
from typing import Callable

import libcst as cst

from . import text
from .calls import CallEvaluation
from .env import Env, Options
from .names import NameEvaluation
from .syntax import string_key
from .values import CLEAN, UNKNOWN, Value, iterated, merge_all, strip_ref, tuple_of, unpacked

MAX_DEPTH = 200  # evaluation depth; deeper expressions are treated as unknown

CallHook = Callable[[cst.Call, Value, "list[Value]", "Evaluator"], None]


class Evaluator(NameEvaluation, CallEvaluation):
    """Evaluates expressions against an environment; every call evaluated is passed to `on_call`."""

    def __init__(self, options: Options, env: Env, on_call: CallHook | None = None,
                 self_name: str | None = None, self_attrs: dict[str, Value] | None = None):
        self.options = options
        self.env = env
        self.on_call = on_call
        self.self_name = self_name
        self.self_attrs = self_attrs if self_attrs is not None else {}
        self._depth = 0
        self._displays: dict[int, tuple[Value, cst.Dict]] = {}  # a dict display's value -> the display

    def evaluate(self, node: cst.BaseExpression | None) -> Value:
        if node is None:
            return UNKNOWN
        if self._depth > MAX_DEPTH:
            return UNKNOWN
        self._depth += 1
        try:
            kind = type(node)
            method = _METHODS[kind] if kind in _METHODS else _METHODS.setdefault(kind, _method(kind))
            if method is not None:
                return method(self, node)
            return merge_all(self.evaluate(c) for c in node.children if isinstance(c, cst.BaseExpression))
        finally:
            self._depth -= 1

    def quietly(self, node: cst.BaseExpression) -> Value:
        """What `node` carries, evaluated again without telling `on_call` of the calls inside it."""
        hook, self.on_call = self.on_call, None
        try:
            return self.evaluate(node)
        finally:
            self.on_call = hook

    def _literal(self, node) -> Value:
        return CLEAN

    _eval_Integer = _eval_Float = _eval_Imaginary = _eval_Comparison = _eval_Ellipsis = _literal

    def _string(self, node: cst.SimpleString | cst.ConcatenatedString) -> Value:
        known = text.literal(node)
        return CLEAN if known is None else _clean_text(known)

    _eval_SimpleString = _eval_ConcatenatedString = _string

    def _eval_Lambda(self, node: cst.Lambda) -> Value:
        """The body runs where the lambda is written (`on_commit(lambda: mp.track(...))`), seeing the
        enclosing names; its own parameters shadow them and, like any unbound name, say what they are by
        their names.  What a lambda returns is not followed."""
        params = node.params
        names = [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]
        names += [p.name.value for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
        outer, self.env = self.env, Env(self.env, {name: UNKNOWN for name in names})
        try:
            self.evaluate(node.body)
        finally:
            self.env = outer
        return UNKNOWN

    def _eval_FormattedString(self, node: cst.FormattedString) -> Value:
        parts, texts = [], []
        for p in node.parts:
            if isinstance(p, cst.FormattedStringExpression):
                parts.append(self.evaluate(p.expression))
                texts.append(text.part(p.expression, parts[-1]))
            else:
                texts.append(p.value.replace("{{", "{").replace("}}", "}"))
        return text.string(text.joined(*texts), parts)

    def _eval_Dict(self, node: cst.Dict) -> Value:
        parts = []
        for element in node.elements:
            if isinstance(element, cst.StarredDictElement):
                parts.append(self.evaluate(element.value))
                continue
            self.evaluate(element.key)
            value = self.evaluate(element.value)
            key = string_key(element.key)
            parts.append(self.classify_key(key, element, value) if key is not None else value)
        out = merge_all(parts)
        out = out.but(clean=out.clean and not out.tainted, elements=None)
        self._displays[id(out)] = (out, node)  # the value is kept too, so that its id stays its own
        return out

    def display(self, node: cst.BaseExpression) -> cst.Dict | None:
        """The dict display `node` is, or that the name `node` still holds as it was bound
        (`kwargs = {"distinct_id": email}`): its keys are then known."""
        if isinstance(node, cst.Dict):
            return node
        bound = self.env.get(node.value) if isinstance(node, cst.Name) else None
        known = self._displays.get(id(bound))
        return known[1] if known is not None and known[0] is bound else None

    def keep_display(self, name: cst.Name, display: cst.Dict) -> None:
        """The name `name` now holds `display` (a dict it held, with an entry added)."""
        bound = self.env.get(name.value)
        if bound is not None:
            self._displays[id(bound)] = (bound, display)

    def _eval_List(self, node: cst.List | cst.Tuple | cst.Set) -> Value:
        return strip_ref(merge_all(self.evaluate(element.value) for element in node.elements))

    _eval_Set = _eval_List

    def _eval_Tuple(self, node: cst.Tuple) -> Value:
        """A tuple keeps what each element carries, unless one is starred (`(a, *rest)`: where each lands
        is not known)."""
        values = [self.evaluate(element.value) for element in node.elements]
        if any(isinstance(element, cst.StarredElement) for element in node.elements):
            return strip_ref(merge_all(values))
        return tuple_of(values)

    def _eval_DictComp(self, node: cst.DictComp) -> Value:
        return self._comprehension(node, node.key, node.value)

    def _eval_ListComp(self, node: cst.ListComp | cst.SetComp | cst.GeneratorExp) -> Value:
        return self._comprehension(node, node.elt)

    _eval_SetComp = _eval_GeneratorExp = _eval_ListComp

    def _comprehension(self, node: cst.BaseComp | cst.DictComp, *results: cst.BaseExpression) -> Value:
        """Its own scope: each `for` target holds what its iterable holds (`for k, v in props.items()`
        keeps `props`'s data and parameters), the conditions are evaluated, then the results."""
        outer, self.env = self.env, Env(self.env)
        try:
            clause: cst.CompFor | None = node.for_in
            while clause is not None:
                self._bind_target(clause.target, iterated(self.evaluate(clause.iter)))
                for condition in clause.ifs:
                    self.evaluate(condition.test)
                clause = clause.inner_for_in
            return strip_ref(merge_all(self.evaluate(r) for r in results))
        finally:
            self.env = outer

    def _bind_target(self, target: cst.BaseExpression, value: Value) -> None:
        if isinstance(target, cst.Name):
            self.env.set(target.value, value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element, part in zip(target.elements, unpacked(value, target.elements)):
                self._bind_target(element.value, part)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, value)

    def _eval_BinaryOperation(self, node: cst.BinaryOperation) -> Value:
        left, right = self.evaluate(node.left), self.evaluate(node.right)
        if isinstance(node.operator, cst.Add) and (left.text is not None or right.text is not None):
            return text.string(text.joined(text.part(node.left, left), text.part(node.right, right)), [left, right])
        if isinstance(node.operator, cst.Modulo) and left.text is not None:
            args = node.right.elements if isinstance(node.right, cst.Tuple) else ()
            texts = [text.written(e.value) for e in args] or [text.part(node.right, right)]
            return text.string(text.percent(left.text, texts), [left, right])
        return strip_ref(left.merge(right))

    def _eval_BooleanOperation(self, node: cst.BooleanOperation) -> Value:
        return self.evaluate(node.left).merge(self.evaluate(node.right))

    def _eval_UnaryOperation(self, node: cst.UnaryOperation) -> Value:
        self.evaluate(node.expression)
        return CLEAN

    def _eval_IfExp(self, node: cst.IfExp) -> Value:
        self.evaluate(node.test)
        return self.evaluate(node.body).merge(self.evaluate(node.orelse))

    def _eval_NamedExpr(self, node: cst.NamedExpr) -> Value:
        value = self.evaluate(node.value)
        if isinstance(node.target, cst.Name):
            self.env.set(node.target.value, value)
        return value

    def _eval_Await(self, node: cst.Await) -> Value:
        return self.evaluate(node.expression)

    def _eval_Yield(self, node: cst.Yield) -> Value:
        """What it yields (not what it is sent); `yield from it` carries nothing here."""
        return self.evaluate(node.value) if isinstance(node.value, cst.BaseExpression) else CLEAN

    def _eval_StarredElement(self, node: cst.StarredElement) -> Value:
        return self.evaluate(node.value)


# Each kind of node's `_eval_` method (None: the node carries what its parts carry), found once per kind.
_METHODS: dict[type, Callable | None] = {}


def _method(kind: type) -> Callable | None:
    return getattr(Evaluator, "_eval_" + kind.__name__, None)


@functools.lru_cache(maxsize=1 << 16)
def _clean_text(known: str) -> Value:
    """The value of a string literal: one per text (values never change), not one per time it is read."""
    return Value(clean=True, text=known)
