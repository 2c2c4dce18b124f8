"""Small readings of syntax the dataflow shares: a literal key, a short code excerpt, a call's arguments."""

from __future__ import annotations

import libcst as cst

_EMPTY_MODULE = cst.Module(body=[])


def string_key(node: cst.CSTNode | None) -> str | None:
    """The text of a plain string literal (or of a subscript index that is one), else None."""
    if isinstance(node, cst.SimpleString):
        try:
            value = node.evaluated_value
        except Exception:  # noqa: BLE001 - odd prefixes: treat as unknown key
            return None
        return value if isinstance(value, str) else None
    if isinstance(node, cst.Index):
        return string_key(node.value)
    return None


def code(node: cst.CSTNode) -> str:
    """The source of `node`, cut to 60 characters, for messages."""
    text = _EMPTY_MODULE.code_for_node(node)
    return text if len(text) <= 60 else text[:57] + "..."


def call_args(call: cst.Call) -> list[tuple[str | None, str, cst.BaseExpression]]:
    """`(keyword, star, value)` per argument, as `catalogue.Sink.bind` takes them."""
    return [(a.keyword.value if a.keyword else None, a.star if isinstance(a.star, str) else "", a.value)
            for a in call.args]
