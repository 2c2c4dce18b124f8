"""From a call to a `SinkUse`: which catalogue sink it is, and what each argument carries there."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import libcst as cst

from . import pii
from .catalogue import Bound, Param, ParamKind, Role, Sink
from .flow import Carrier, Evaluator, Evidence, Value, Whole, call_args, code, string_key
from .flow.attribute_paths import sdk_method_by_path
from .flow.builders import hidden_fields
from .flow.calls import ANY_METHOD, sink_methods
from .flow.deferred import dispatched
from .flow.guards import unguarded
from .flow.names import is_person
from .rules.host_wrapper import host_sink
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
        if self.sink.method == ANY_METHOD:
            return f"{self.sink.vendor} ({RUN_TIME}" + (f"; {self.sink.category})" if shown else ")")
        return f"{self.sink.vendor} {self.sink.method}" + (f" ({self.sink.category})" if shown else "")


_BOUND_EARLIER = cst.Name("_")
DICT_ROLES = frozenset({Role.PROPERTIES, Role.TRAITS, Role.CONTEXT, Role.GROUP_TRAITS})


def sink_use(call: cst.Call, func: Value, arg_values: list[Value], ev: Evaluator) -> SinkUse | None:
    """The sink `call` reaches: called directly, or deferred (`task.delay(...)`, `executor.submit(f, ...)`),
    then checked like a direct call of the function with the same argument nodes."""
    by_node = {id(a.value): v for a, v in zip(call.args, arg_values)}
    use = _bound(call, func, call_args(call), by_node, ev)
    if use is None and func.ref and func.ref.endswith(_ANY) and not func.local \
            and (anything := any_sink_method(func.ref, ev)) is not None:
        use = _bound(call, func, call_args(call), by_node, ev, [anything])
    if use is None and not func.ref:
        use = _any_method(call, by_node, ev)
    if use is None and not func.ref and (path := sdk_method_by_path(call.func, ev.options.catalogue)):
        use = _bound(call, Value(ref=path), call_args(call), by_node, ev)  # an SDK client of unknown class
    if use is None and (host := host_sink(call, func, ev)) is not None:
        use = _bound(call, Value(ref=host.id), call_args(call), by_node, ev, [host])  # a host's tracking call
    if use is None:
        deferred = dispatched(call)
        if deferred is not None:
            target = ev.quietly(deferred.function)
            by_node.update((id(node), ev.quietly(node)) for _, _, node in deferred.args if id(node) not in by_node)
            use = _bound(call, target, deferred.args, by_node, ev)
    return use


_ANY = f".{ANY_METHOD}"
RUN_TIME = "method named at run time"  # how a call of `getattr(client, method)` is shown


def any_sink_method(ref: str, ev: Evaluator) -> Sink | None:
    """`getattr(client, method)(...)` with `client` an SDK object: any of its sink methods may be called, so
    every argument is checked as payload (`*args`, `**kwargs`), and the vendor is named without a method.
    No argument's role is known (an id, an event name or a dict of traits), so none gets an automatic fix."""
    methods = sink_methods(ev.options.catalogue, ref.removesuffix(_ANY))
    return _any_sink(ref, methods[0].sdk, methods[0].category) if methods else None


@functools.lru_cache(maxsize=256)
def _any_sink(ref: str, sdk: str, category: str) -> Sink:
    params = (Param("args", Role.PII_KWARGS, ParamKind.VAR_POSITIONAL, required=False),
              Param("kwargs", Role.PII_KWARGS, ParamKind.VAR_KEYWORD, required=False))
    return Sink(id=ref, sdk=sdk, calls=(ref,), params=params, category=category)


MAX_METHODS = 3  # `getattr(client, name)(...)`: checked against each method of a client with this few sinks


def _any_method(call: cst.Call, by_node: dict[int, Value], ev: Evaluator) -> SinkUse | None:
    """`getattr(client, method)(...)` with a method name not written out and `client` a project object:
    when it has only a few sink methods, the call is checked against each, and the first whose signature
    binds is reported (an SDK object's are any of its methods: `any_sink_method`)."""
    getter = call.func
    if not (isinstance(getter, cst.Call) and getter.func is not None and isinstance(getter.func, cst.Name)
            and getter.func.value == "getattr" and len(getter.args) >= 2):
        return None
    owner = ev.quietly(getter.args[0].value)
    prefix = f"{owner.ref}." if owner.ref else None
    methods = sorted({c for c in ev.options.catalogue.sinks if prefix and c.startswith(prefix)
                      and "." not in c[len(prefix):]})
    if not methods or len(methods) > MAX_METHODS:
        return None
    for method in methods:
        use = _bound(call, Value(ref=method, local=owner.local), call_args(call), by_node, ev)
        if use is not None:
            return use
    return None


def _bound(call: cst.Call, func: Value, args: list, by_node: dict[int, Value], ev: Evaluator,
           sinks: list[Sink] | None = None) -> SinkUse | None:
    if not func.ref:
        return None
    candidates = sinks or [s for s in ev.options.catalogue.sinks.get(func.ref, ())
                           if not s.carrier and (s.project or not func.local)]
    if not candidates:
        return None
    # Arguments a `functools.partial` bound earlier come first; their values were checked where bound.
    moved: dict[int, cst.CSTNode] = {}
    raw = [(keyword, "", _BOUND_EARLIER) for keyword in func.partial] + _spread(args, ev, by_node, moved)
    for sink in candidates:
        bound = sink.bind(raw)
        if bound is not None:
            reached = unguarded(sink, _unpacked(sink, bound, raw), raw, ev)
            return SinkUse(sink, call, tuple(_args(reached, by_node, ev, call, moved=moved)))
    return None


def _spread(args: list, ev: Evaluator, by_node: dict[int, Value], moved: dict[int, cst.CSTNode]) -> list:
    """`f(**kwargs)` where `kwargs` holds a dict display: its literal keys are keywords of the call (the
    finding points at the `**kwargs` argument: `moved` maps each entry's value to it)."""
    out = []
    for keyword, star, node in args:
        display = ev.display(node) if star == "**" else None
        if display is None:
            out.append((keyword, star, node))
            continue
        for element in display.elements:
            key = string_key(element.key) if isinstance(element, cst.DictElement) else None
            out.append((key, "", element.value) if key is not None else (None, "**", element.value))
            by_node.setdefault(id(element.value), ev.quietly(element.value))
            moved[id(element.value)] = node
    return out


def _unpacked(sink: Sink, bound: list[Bound], raw: list) -> list[Bound]:
    """`*args` / `**kwargs` of unknown length or keys may fill any payload parameter left unfilled, or a
    `*args` parameter (forwarding wrappers: `def send(*args, **kw): mp.track(*args, **kw)`)."""
    unpacked = [node for _, star, node in raw if star and not any(b.node is node for b in bound)]
    if not unpacked:
        return bound
    filled = {b.param.name for b in bound}
    open_params = [p for p in sink.params if p.name not in filled and p.role is not None and (
        p.kind is ParamKind.VAR_POSITIONAL or p.role in DICT_ROLES and p.kind is not ParamKind.VAR_KEYWORD)]
    return bound + [Bound(p, node, star=True) for node in unpacked for p in open_params]


def _args(bound: list[Bound], values: dict[int, Value], ev: Evaluator, call: cst.Call, via: Carrier | None = None,
          moved: dict[int, cst.CSTNode] | None = None):
    key_arg = next((b for b in reversed(bound) if b.param.role is Role.TRAIT_KEY), None)
    for b in bound:
        role = b.param.role
        if role is None or role is Role.TRAIT_KEY:
            continue
        value = values.get(id(b.node))
        if value is None:
            value = ev.evaluate(b.node)
        spread_from = moved.get(id(b.node)) if moved else None
        anchor = _anchor(b, call) if spread_from is None else spread_from
        value = _named(b, value, key_arg, anchor, ev)
        if role in (Role.EVENT_OBJECT, Role.USER_OBJECT) and value.carrier is not None:
            yield from _carried(value.carrier, anchor, ev, call)
            continue
        if role in (Role.TRAIT_VALUE, Role.EVENT_OBJECT, Role.USER_OBJECT):
            role = Role.TRAITS
        yield Arg(role, b.key or b.param.name, value, anchor, via, _written(b, via) if spread_from is None else None)


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
    """The fields of an SDK object built elsewhere (`BaseEvent(...)`), reported where it is sent, but for those
    the client it is sent by keeps private (`Config(all_attributes_private=True)`)."""
    by_node = {id(cb.node): cv for cb, cv in zip(carrier.bound, carrier.values)}
    hidden = hidden_fields(ev, call)
    bound = [b for b in carrier.bound if hidden is None or not hidden.hides(b.key or b.param.name)]
    for inner in _args(bound, by_node, ev, call, carrier):
        yield Arg(inner.role, inner.param, inner.value, node=anchor, via=carrier, expression=inner.expression)


def _written(b: Bound, via: Carrier | None) -> cst.BaseExpression | None:
    """The expression a fix may wrap: a whole argument; not one `**kwargs` field, an unpacked mapping,
    an argument a `partial` bound elsewhere, an object the data is read from, or a carrier field assigned
    as an attribute."""
    if b.key is not None or b.star or b.node is _BOUND_EARLIER:
        return None
    if b.param.implies:  # the object the data is read from (`request`, a `user` whose `.email` is sent)
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
