"""From a call to a `SinkUse`: which catalogue sink it is, and what each argument carries there."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from . import pii
from .catalogue import Bound, Role, Sink
from .flow import Carrier, Evaluator, Evidence, Value, Whole, call_args, code
from .flow.names import is_person
from .resolve import last_name


@dataclass(frozen=True)
class Arg:
    """What reaches one parameter of a sink."""

    role: Role
    param: str
    value: Value
    node: cst.CSTNode               # the argument as written in the call
    via: Carrier | None = None      # the value travelled inside an SDK object built elsewhere
    expression: cst.BaseExpression | None = None  # where the value is written, if a fix may wrap it

    @property
    def is_payload_dict(self) -> bool:
        """A dict-shaped payload: wrapping it in a scrubber keeps the call working."""
        return self.role in DICT_ROLES and self.expression is not None


@dataclass(frozen=True)
class SinkUse:
    sink: Sink
    call: cst.Call
    args: tuple[Arg, ...]

    @property
    def label(self) -> str:
        """`Mixpanel people_set`: the SDK and the method, as users know them; for a vendor that is not an
        analytics tool, what it is (`Sentry set_user (error tracking)`), since the rules speak of analytics."""
        if self.sink.via:
            return f"{self.sink.sdk} via {self.sink.via}"
        if self.sink.project:
            return self.sink.id
        shown = self.sink.category not in ("", "product analytics")
        return f"{self.sink.vendor} {self.sink.method}" + (f" ({self.sink.category})" if shown else "")


_BOUND_EARLIER = cst.Name("_")
DICT_ROLES = frozenset({Role.PROPERTIES, Role.TRAITS, Role.CONTEXT, Role.GROUP_TRAITS})


def sink_use(call: cst.Call, func: Value, arg_values: list[Value], ev: Evaluator) -> SinkUse | None:
    if not func.ref:
        return None
    candidates = [s for s in ev.options.catalogue.sinks.get(func.ref, ())
                  if not s.carrier and (s.project or not func.local)]
    by_node = {id(a.value): v for a, v in zip(call.args, arg_values)}
    # Arguments a `functools.partial` bound earlier come first; their values were checked where bound.
    raw = [(keyword, "", _BOUND_EARLIER) for keyword in func.partial] + call_args(call)
    for sink in candidates:
        bound = sink.bind(raw)
        if bound is not None:
            return SinkUse(sink, call, tuple(_args(bound, by_node, ev, call)))
    return None


def _args(bound: list[Bound], values: dict[int, Value], ev: Evaluator, call: cst.Call, via: Carrier | None = None):
    key_arg = next((b for b in reversed(bound) if b.param.role is Role.TRAIT_KEY), None)
    for b in bound:
        role = b.param.role
        if role is None or role is Role.TRAIT_KEY:
            continue
        value = values.get(id(b.node))
        if value is None:
            value = ev.evaluate(b.node)
        anchor = _anchor(b, call)
        value = _named(b, value, key_arg, anchor, ev)
        if role in (Role.EVENT_OBJECT, Role.USER_OBJECT) and value.carrier is not None:
            yield from _carried(value.carrier, anchor, ev, call)
            continue
        if role in (Role.TRAIT_VALUE, Role.EVENT_OBJECT, Role.USER_OBJECT):
            role = Role.TRAITS
        yield Arg(role, b.key or b.param.name, value, anchor, via, _written(b, via))


def _named(b: Bound, value: Value, key_arg: Bound | None, anchor: cst.CSTNode, ev: Evaluator) -> Value:
    """What the argument's key says of its value: the key of a key/value setter, the keyword landing in
    `**kwargs`, or the name of a parameter that is personal data by its very name."""
    if b.param.role is Role.TRAIT_VALUE:
        key = _literal(key_arg.node) if key_arg else None
        return ev.classify_key(key, anchor, value) if key is not None else value
    if b.key is not None:
        return ev.classify_key(b.key, anchor, value)
    if b.param.objects and _person_object(b.node, value):
        # `sentry_sdk.set_user(request.user)`: the object itself, serialised whole (its repr, its fields).
        return value.merge(Value(wholes=(Whole(code(b.node), b.node),)))
    if b.param.implies and not value.clean:  # `request=request`: the SDK reads the client IP from it
        what = f"{b.param.name}={code(b.node)}" + (f" ({b.param.why})" if b.param.why else "")
        return value.merge(Value(pii=(Evidence(pii.PiiKind(b.param.implies), what, b.node),)))
    if b.param.role is Role.PII_FIELD and not value.pii and not value.clean:
        match = pii.classify_name(b.param.name, extra=ev.options.extra_words)
        if match:
            return value.merge(Value(pii=(Evidence(match.kind, f"{b.param.name}={code(b.node)}", b.node),)))
    return value


def _person_object(node: cst.CSTNode, value: Value) -> bool:
    """A name or attribute for a person (`user`, `request.user`) that is not a dict of traits known to hold
    nothing personal, nor an SDK object."""
    if value.tainted or value.clean or value.ref or not isinstance(node, (cst.Name, cst.Attribute)):
        return False
    return is_person(last_name(node))


def _carried(carrier: Carrier, anchor: cst.CSTNode, ev: Evaluator, call: cst.Call):
    """The fields of an SDK object built elsewhere (`BaseEvent(...)`), reported where it is sent."""
    by_node = {id(cb.node): cv for cb, cv in zip(carrier.bound, carrier.values)}
    for inner in _args(list(carrier.bound), by_node, ev, call, carrier):
        yield Arg(inner.role, inner.param, inner.value, node=anchor, via=carrier, expression=inner.expression)


def _written(b: Bound, via: Carrier | None) -> cst.BaseExpression | None:
    """The expression a fix may wrap: a whole argument; not one `**kwargs` field, an unpacked mapping,
    an argument a `partial` bound elsewhere, or a carrier field assigned as an attribute."""
    if b.key is not None or b.star or b.node is _BOUND_EARLIER:
        return None
    if via is not None and isinstance(b.node, cst.Attribute):  # `event.user_properties = {...}`
        return None
    return b.node if isinstance(b.node, cst.BaseExpression) else None


def _anchor(b: Bound, call: cst.Call) -> cst.CSTNode:
    """The node a finding points at: the whole `key=value` argument for keywords, else the value."""
    for arg in call.args:
        if arg.value is b.node:
            return arg if arg.keyword is not None else arg.value
    return b.node


def _literal(node: cst.CSTNode) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None
