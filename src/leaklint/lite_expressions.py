"""Expressions for `lite`: CPython's `ast` expression nodes as libcst's, each placed in the text (`Where`)."""

from __future__ import annotations

import ast
import dataclasses

import libcst as cst

from .lite_text import Unsupported, Where, offset, opens_call, owned, replacement_field, skip_back, skip_forward, string_tokens

_set = object.__setattr__
_new = object.__new__


def _maker(kind: type):
    """A function building a `kind` node from its fields (by keyword), the others at their defaults, as
    libcst's own `__init__` would but without validating it: generated once per node type, as dataclasses
    generate `__init__`, since a module of a few thousand lines builds tens of thousands of nodes."""
    given = {"_new": _new, "_set": _set, "_kind": kind}
    params, sets = [], []
    for f in dataclasses.fields(kind):
        if f.default is not dataclasses.MISSING:
            given[f"_d_{f.name}"] = f.default
            params.append(f"{f.name}=_d_{f.name}")
        elif f.default_factory is not dataclasses.MISSING:
            given[f"_d_{f.name}"] = f.default_factory()
            params.append(f"{f.name}=_d_{f.name}")
        else:
            params.append(f.name)
        # libcst's sequences are tuples; the builder hands lists over
        value = f"tuple({f.name}) if {f.name}.__class__ is list else {f.name}" if "Sequence" in str(f.type) else f.name
        sets.append(f"    _set(made, {f.name!r}, {value})\n")
    source = f"def make({', '.join(['*', *params]) if params else ''}):\n    made = _new(_kind)\n{''.join(sets)}    return made\n"
    exec(compile(source, f"<lite {kind.__name__}>", "exec"), given)  # noqa: S102 - text built above from field names
    return given["make"]


_MAKERS: dict[type, object] = {}


def node(kind: type, **fields):
    """A `kind` node holding `fields`, its other fields at their defaults; not validated."""
    make = _MAKERS.get(kind)
    if make is None:
        make = _MAKERS[kind] = _maker(kind)
    return make(**fields)


DEFAULT = cst.MaybeSentinel.DEFAULT
EQUAL = cst.AssignEqual()
_OPERATORS = {
    ast.Add: cst.Add, ast.Sub: cst.Subtract, ast.Mult: cst.Multiply, ast.Div: cst.Divide,
    ast.FloorDiv: cst.FloorDivide, ast.Mod: cst.Modulo, ast.Pow: cst.Power, ast.LShift: cst.LeftShift,
    ast.RShift: cst.RightShift, ast.BitOr: cst.BitOr, ast.BitXor: cst.BitXor, ast.BitAnd: cst.BitAnd,
    ast.MatMult: cst.MatrixMultiply,
    ast.And: cst.And, ast.Or: cst.Or,
    ast.Not: cst.Not, ast.USub: cst.Minus, ast.UAdd: cst.Plus, ast.Invert: cst.BitInvert,
    ast.Eq: cst.Equal, ast.NotEq: cst.NotEqual, ast.Lt: cst.LessThan, ast.LtE: cst.LessThanEqual,
    ast.Gt: cst.GreaterThan, ast.GtE: cst.GreaterThanEqual, ast.Is: cst.Is, ast.IsNot: cst.IsNot,
    ast.In: cst.In, ast.NotIn: cst.NotIn,
}
_OPERATOR = {kind: made() for kind, made in _OPERATORS.items()}
AUGMENTED = {kind: getattr(cst, made.__name__ + "Assign")() for kind, made in _OPERATORS.items()
              if hasattr(cst, made.__name__ + "Assign")}
_NAMED_CONSTANTS = {True: "True", False: "False", None: "None"}


class Expressions:
    """Building expressions; the builder keeps `text`, `lines`, `indent` and `literals`."""

    def expr(self, e: ast.expr):
        kind = type(e)
        if kind not in _EXPRESSIONS:
            raise Unsupported(kind.__name__)
        made = _EXPRESSIONS[kind](self, e)
        if type(made) in _PARENTHESIZED and type(made.lpar) is not Where:
            self.place(made, *self.span(e))
        return made

    def span(self, e: ast.expr) -> tuple[int, int]:
        """Where `e` starts and ends in the text (character offsets)."""
        return offset(self.lines, e.lineno, e.col_offset), offset(self.lines, e.end_lineno, e.end_col_offset)

    def place(self, made, start: int, end: int) -> None:
        where = Where()
        where.at = (self.text, start, end, self.indent)
        _set(made, "lpar", where)
        _set(made, "rpar", ())   # (a tuple's default is a pair of parentheses; its text has them if it does)

    def name(self, e: ast.Name):
        return node(cst.Name, value=e.id)

    def attribute(self, e: ast.Attribute):
        return node(cst.Attribute, value=self.expr(e.value), attr=node(cst.Name, value=e.attr))

    def call(self, e: ast.Call):
        found = [(a.lineno, a.col_offset, self.arg(a)) for a in e.args]
        found += [(k.lineno, k.col_offset, self.keyword(k)) for k in e.keywords]
        found.sort(key=lambda item: item[:2])
        return node(cst.Call, func=self.expr(e.func), args=[a for _, _, a in found])

    def arg(self, a: ast.expr):
        if type(a) is ast.Starred:
            return node(cst.Arg, value=self.expr(a.value), star="*")
        return node(cst.Arg, value=self.expr(a))

    def keyword(self, k: ast.keyword):
        if k.arg is None:
            return node(cst.Arg, value=self.expr(k.value), star="**")
        return node(cst.Arg, value=self.expr(k.value), keyword=node(cst.Name, value=k.arg), equal=EQUAL)

    def constant(self, e: ast.Constant):
        value = e.value
        if value is None or value is True or value is False:
            return node(cst.Name, value=_NAMED_CONSTANTS[value])
        if value is ...:
            return node(cst.Ellipsis)
        start, end = self.span(e)
        raw = self.text[start:end]
        kind = type(value)
        if kind is int:
            return node(cst.Integer, value=raw)
        if kind is float:
            return node(cst.Float, value=raw)
        if kind is complex:
            return node(cst.Imaginary, value=raw)
        return self.strings(start, end, [])

    def joined(self, e: ast.JoinedStr):
        values = [v for v in e.values if type(v) is ast.FormattedValue]
        return self.strings(*self.span(e), values)

    def strings(self, start: int, end: int, values: list):
        """A string literal, or several written one after another (`"a" f"{b}"`)."""
        tokens = string_tokens(self.text, start, end)
        parts = [self.string(self.text[a:b], values) for a, b in tokens]
        if values:
            raise Unsupported("f-string")
        if len(parts) == 1:
            return parts[0]
        for part, (a, b) in zip(parts, tokens):
            self.place(part, a, b)
        made = parts[-1]
        for part, (a, _) in zip(reversed(parts[:-1]), reversed(tokens[:-1])):
            made = node(cst.ConcatenatedString, left=part, right=made)
            self.place(made, a, end)
        return made

    def string(self, token: str, values: list):
        prefix = token[:len(token) - len(token.lstrip("rRbBuUfF"))]
        if "f" not in prefix.lower():
            made = node(cst.SimpleString, value=token)
            self.literals.append(made)
            return made
        quote = token[len(prefix):len(prefix) + 3]
        quote = quote if quote in ('"""', "'''") else quote[0]
        body = token[len(prefix) + len(quote):len(token) - len(quote)]
        return node(cst.FormattedString, parts=self.formatted(body, values, "r" in prefix.lower()), start=prefix + quote, end=quote)

    def formatted(self, body: str, values: list, raw: bool) -> list:
        """The parts of an f-string's body: text, and each `{...}` as the next of `values`."""
        parts: list = []
        text_start = at = 0
        while at < len(body):
            char = body[at]
            if (char in "{}" and body[at + 1:at + 2] == char) or (char == "\\" and not raw):
                # (`\N{DEGREE SIGN}` is text, not a field)
                at = body.index("}", at) + 1 if body.startswith("\\N{", at) and not raw else at + 2
                continue
            if char != "{":
                at += 1
                continue
            if at > text_start:
                parts.append(node(cst.FormattedStringText, value=body[text_start:at]))
            end, spec_at, conversion, equal = replacement_field(body, at)
            value = values.pop(0)
            spec = None
            if spec_at is not None:
                inner = [v for v in value.format_spec.values if type(v) is ast.FormattedValue]
                spec = self.formatted(body[spec_at:end - 1], inner, raw)
            parts.append(node(cst.FormattedStringExpression, expression=self.expr(value.value), conversion=conversion,
                              format_spec=spec, equal=EQUAL if equal else None))
            text_start = at = end
        if text_start < len(body):
            parts.append(node(cst.FormattedStringText, value=body[text_start:]))
        return parts

    def bin_op(self, e: ast.BinOp):
        return node(cst.BinaryOperation, left=self.expr(e.left), operator=_OPERATOR[type(e.op)], right=self.expr(e.right))

    def bool_op(self, e: ast.BoolOp):
        operator = _OPERATOR[type(e.op)]
        made = self.expr(e.values[0])
        start = owned(self.text, *self.span(e.values[0]))[0]
        for value in e.values[1:]:
            made = node(cst.BooleanOperation, left=made, operator=operator, right=self.expr(value))
            if value is not e.values[-1]:   # `a and b` of `a and b and c`: a node of its own in libcst
                self.place(made, start, owned(self.text, *self.span(value))[1])
        return made

    def unary_op(self, e: ast.UnaryOp):
        return node(cst.UnaryOperation, operator=_OPERATOR[type(e.op)], expression=self.expr(e.operand))

    def compare(self, e: ast.Compare):
        targets = [node(cst.ComparisonTarget, operator=_OPERATOR[type(op)], comparator=self.expr(c))
                   for op, c in zip(e.ops, e.comparators)]
        return node(cst.Comparison, left=self.expr(e.left), comparisons=targets)

    def if_exp(self, e: ast.IfExp):
        return node(cst.IfExp, test=self.expr(e.test), body=self.expr(e.body), orelse=self.expr(e.orelse))

    def lambda_(self, e: ast.Lambda):
        return node(cst.Lambda, params=self.parameters(e.args, annotations=False), body=self.expr(e.body))

    def elements(self, found: list[ast.expr]) -> list:
        return [node(cst.StarredElement, value=self.expr(v.value)) if type(v) is ast.Starred
                else node(cst.Element, value=self.expr(v)) for v in found]

    def tuple_(self, e: ast.Tuple):
        return node(cst.Tuple, elements=self.elements(e.elts))

    def list_(self, e: ast.List):
        return node(cst.List, elements=self.elements(e.elts))

    def set_(self, e: ast.Set):
        return node(cst.Set, elements=self.elements(e.elts))

    def dict_(self, e: ast.Dict):
        return node(cst.Dict, elements=[
            node(cst.StarredDictElement, value=self.expr(v)) if k is None
            else node(cst.DictElement, key=self.expr(k), value=self.expr(v)) for k, v in zip(e.keys, e.values)])

    def comprehension(self, generators: list[ast.comprehension]):
        made = None
        for g in reversed(generators):
            made = node(cst.CompFor, target=self.expr(g.target), iter=self.expr(g.iter),
                        ifs=[node(cst.CompIf, test=self.expr(t)) for t in g.ifs], inner_for_in=made,
                        asynchronous=node(cst.Asynchronous) if g.is_async else None)
        return made

    def list_comp(self, e):
        return node(cst.ListComp, elt=self.expr(e.elt), for_in=self.comprehension(e.generators))

    def set_comp(self, e):
        return node(cst.SetComp, elt=self.expr(e.elt), for_in=self.comprehension(e.generators))

    def generator_exp(self, e):
        made = node(cst.GeneratorExp, elt=self.expr(e.elt), for_in=self.comprehension(e.generators))
        start, end = self.span(e)
        if self.text[start] == "(" and opens_call(self.text, start):   # `f(x for x in y)`: the call's parentheses
            self.place(made, skip_forward(self.text, start + 1), skip_back(self.text, end - 2) + 1)
        return made

    def dict_comp(self, e):
        return node(cst.DictComp, key=self.expr(e.key), value=self.expr(e.value), for_in=self.comprehension(e.generators))

    def await_(self, e):
        return node(cst.Await, expression=self.expr(e.value))

    def yield_(self, e):
        return node(cst.Yield, value=self.expr(e.value) if e.value is not None else None)

    def yield_from(self, e):
        return node(cst.Yield, value=node(cst.From, item=self.expr(e.value)))

    def named_expr(self, e):
        return node(cst.NamedExpr, target=self.expr(e.target), value=self.expr(e.value))

    def starred(self, e):
        return node(cst.StarredElement, value=self.expr(e.value))

    def subscript(self, e: ast.Subscript):
        index = e.slice
        if type(index) is ast.Tuple and index.elts and not self.parenthesized(index):
            elements = [self.index(i) for i in index.elts]
        else:
            elements = [self.index(index)]
        return node(cst.Subscript, value=self.expr(e.value), slice=elements)

    def parenthesized(self, t: ast.Tuple) -> bool:
        """Whether a tuple is written in its own parentheses (`a[(b, c)]`), not `a[(b), c]`."""
        start, _ = self.span(t)
        return self.text.startswith("(", start) and owned(self.text, *self.span(t.elts[0]))[0] != start

    def index(self, i: ast.expr):
        if type(i) is ast.Slice:
            made = node(cst.Slice, lower=self.optional(i.lower), upper=self.optional(i.upper), step=self.optional(i.step))
        elif type(i) is ast.Starred:
            made = node(cst.Index, value=self.expr(i.value), star="*")
        else:
            made = node(cst.Index, value=self.expr(i))
        return node(cst.SubscriptElement, slice=made)

    def optional(self, e):
        return self.expr(e) if e is not None else None

    def parameters(self, a: ast.arguments, annotations: bool = True):
        def param(arg: ast.arg, default=None, star=""):
            note = arg.annotation if annotations else None
            return node(cst.Param, name=node(cst.Name, value=arg.arg), star=star,
                        annotation=node(cst.Annotation, annotation=self.expr(note)) if note is not None else None,
                        default=self.expr(default) if default is not None else None,
                        equal=EQUAL if default is not None else DEFAULT)

        positional = [*a.posonlyargs, *a.args]
        defaults = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
        made = [param(p, d) for p, d in zip(positional, defaults)]
        posonly = len(a.posonlyargs)
        star_arg = (param(a.vararg, star="*") if a.vararg is not None
                    else node(cst.ParamStar) if a.kwonlyargs else DEFAULT)
        return node(cst.Parameters, posonly_params=made[:posonly], params=made[posonly:], star_arg=star_arg,
                    kwonly_params=[param(p, d) for p, d in zip(a.kwonlyargs, a.kw_defaults)],
                    star_kwarg=param(a.kwarg, star="**") if a.kwarg is not None else None,
                    posonly_ind=node(cst.ParamSlash) if posonly else DEFAULT)


def dotted(name: str):
    parts = name.split(".")
    made = node(cst.Name, value=parts[0])
    for part in parts[1:]:
        made = node(cst.Attribute, value=made, attr=node(cst.Name, value=part))
    return made


_PARENTHESIZED = frozenset(kind for kind in vars(cst).values() if isinstance(kind, type) and dataclasses.is_dataclass(kind)
                           and any(f.name == "lpar" for f in dataclasses.fields(kind)))
_EXPRESSIONS = {
    ast.Name: Expressions.name, ast.Attribute: Expressions.attribute, ast.Call: Expressions.call,
    ast.Constant: Expressions.constant, ast.JoinedStr: Expressions.joined, ast.BinOp: Expressions.bin_op,
    ast.BoolOp: Expressions.bool_op, ast.UnaryOp: Expressions.unary_op, ast.Compare: Expressions.compare,
    ast.IfExp: Expressions.if_exp, ast.Lambda: Expressions.lambda_, ast.Tuple: Expressions.tuple_, ast.List: Expressions.list_,
    ast.Set: Expressions.set_, ast.Dict: Expressions.dict_, ast.ListComp: Expressions.list_comp, ast.SetComp: Expressions.set_comp,
    ast.GeneratorExp: Expressions.generator_exp, ast.DictComp: Expressions.dict_comp, ast.Await: Expressions.await_,
    ast.Yield: Expressions.yield_, ast.YieldFrom: Expressions.yield_from, ast.NamedExpr: Expressions.named_expr,
    ast.Starred: Expressions.starred, ast.Subscript: Expressions.subscript,
}
