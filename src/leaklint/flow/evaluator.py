"""The evaluator: `Evaluator.evaluate(expr)` returns the `Value` an expression carries.

Each kind of expression has its `_eval_<NodeType>` method: names, attributes and subscripts in
`names.py`, calls in `calls.py`, the rest (literals, containers, operators) here.  A kind of expression
with no method carries what its parts carry.  `walk.Walker` drives the evaluator statement by statement.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

import libcst as cst

from . import text
from .calls import CallEvaluation
from .env import Env, Options
from .names import NameEvaluation
from .syntax import string_key
from .values import CLEAN, UNKNOWN, Value, merge_all, strip_ref

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

    def evaluate(self, node: cst.BaseExpression | None) -> Value:
        if node is None:
            return UNKNOWN
        if self._depth > MAX_DEPTH:
            return UNKNOWN
        self._depth += 1
        try:
            method = getattr(self, "_eval_" + type(node).__name__, None)
            if method is not None:
                return method(node)
            return merge_all(self.evaluate(c) for c in node.children if isinstance(c, cst.BaseExpression))
        finally:
            self._depth -= 1

    def _literal(self, node) -> Value:
        return CLEAN

    _eval_Integer = _eval_Float = _eval_Imaginary = _eval_Comparison = _eval_Ellipsis = _literal

    def _string(self, node: cst.SimpleString | cst.ConcatenatedString) -> Value:
        known = text.literal(node)
        return CLEAN if known is None else Value(clean=True, text=known)

    _eval_SimpleString = _eval_ConcatenatedString = _string

    def _eval_Lambda(self, node: cst.Lambda) -> Value:
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
        return replace(out, clean=out.clean and not out.tainted)

    def _eval_DictComp(self, node: cst.DictComp) -> Value:
        return strip_ref(self.evaluate(node.key).merge(self.evaluate(node.value)))

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
