"""SDK object models that are not one call: fluent builders and callbacks handed an SDK object.

A builder (`Context.builder(key).name(n).set("email", e).build()`) is a carrier that grows with each
setter; `private("email")` takes the named fields back out.  A callback (`configure_scope(lambda scope:
...)`) is run with its first parameter bound to the SDK object the SDK will pass it.  Both are steps of
`calls.CallEvaluation`: they read the catalogue's `builders` and `callbacks` tables.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import libcst as cst

from ..catalogue import Bound, Param, ParamKind, PrivateConfig, Role
from .env import Env
from .syntax import call_args, string_key
from .values import Carrier, Value

_PRIVATE = "private"  # the `key` of a bound entry recording a field name that is not sent
_CALLBACK, _GIVEN = "callback", "given"  # keys of `Env.told`: a function handed to an SDK; walked knowing it
_CONFIGURED, _INSTALLED = "configured", "installed"  # ... an SDK object whose config hides fields; the shared one's


def object_model(ev, call) -> Value | None:
    """The step of `calls.CallEvaluation`: runs a callback given to the SDK, then says what a builder
    method or a dict with private fields makes (None for any other call)."""
    callback_argument(ev, call)
    return private_fields_dict(ev, call) or builder_method(ev, call) or private_config(ev, call)


def callback_argument(ev, call) -> None:
    """`configure_scope(lambda scope: scope.set_user(...))`: the lambda runs with `scope` an SDK object; a
    project function handed over instead (`configure_scope(set_scope)`) is noted on the module's Env, and the
    walker binds its parameter when it walks it (`callback_params`).  Never the call's result (the next
    steps decide that), so always None."""
    handed = _handed(call.node)
    if handed is None or not call.func.ref or call.func.local:
        return None
    cls = ev.options.catalogue.callbacks.get(_called_path(ev, call))
    if cls is None:
        return None
    if type(handed) is not cst.Lambda:  # exact: cheaper than isinstance
        value = next((v for a, v in zip(call.node.args, call.args) if a.value is handed), None)
        function = _function(ev, handed, value)
        if function is not None:
            skip = sum(1 for keyword in function.partial if keyword is None)  # bound first by a `partial`
            _told(ev.env)[(_CALLBACK, function.ref)] = (cls, skip)
        return None
    params = [p.name.value for p in (*handed.params.posonly_params, *handed.params.params)]
    env = Env(ev.env)
    for name in params:
        env.names[name] = Value(params=(name,))
    if params:
        env.names[params[0]] = Value(ref=cls)
    type(ev)(ev.options, env, ev.on_call, ev.self_name, ev.self_attrs).evaluate(handed.body)
    return None


def _handed(node: cst.Call) -> cst.BaseExpression | None:
    """The callback of `configure_scope(cb)` / `configure_scope(callback=cb)`."""
    for arg in node.args:
        if arg.keyword is None and not arg.star or arg.keyword is not None and arg.keyword.value == "callback":
            return arg.value
    return None


def _function(ev, handed: cst.BaseExpression, value: Value | None) -> Value | None:
    """The project function handed over: a name for one, or `self.method` (its class's own method)."""
    if value is not None and value.ref and value.local:
        return value
    if isinstance(handed, cst.Attribute) and isinstance(handed.value, cst.Name) and handed.value.value == ev.self_name:
        owner = ev.env.get(ev.self_name)
        if owner is not None and owner.ref and owner.local:
            return Value(ref=f"{owner.ref}.{handed.attr.value}", local=True)
    return None


def callback_params(module: Env, scope) -> dict[str, str]:
    """The parameter of the function `scope` (a walker's `FunctionScope`) that an SDK calls it with, and the
    class of that SDK object, when the module handed the function to the SDK as a callback."""
    told = _told(module)
    found = told.get((_CALLBACK, scope.qualname))
    if found is None:
        return {}
    told[(_GIVEN, scope.qualname)] = True
    cls, skip = found
    params = scope.node.params
    positional = [p.name.value for p in (*params.posonly_params, *params.params)][1 if scope.method else 0:]
    return {positional[skip]: cls} if skip < len(positional) else {}


def late_callbacks(module: Env) -> list[str]:
    """Functions handed to an SDK as callbacks by code walked after them (a module-level function handed
    over in a function below it): walked again, so that they see the SDK object."""
    told = _told(module)
    return [key[1] for key in list(told) if key[0] == _CALLBACK and (_GIVEN, key[1]) not in told]


def _told(env: Env) -> dict:
    module = env.module()
    if module.told is None:
        module.told = {}
    return module.told


def _called_path(ev, call) -> str:
    """The SDK path called, before the catalogue maps it to the class it returns (`sentry_sdk.push_scope`
    stands for a scope when used as `with push_scope() as scope`, but here it is the function)."""
    func = call.node.func
    if isinstance(func, cst.Attribute) and isinstance(func.value, (cst.Name, cst.Attribute)):
        owner = ev.evaluate(func.value)  # a dotted name: evaluating it again calls nothing
        if owner.ref and not owner.local:
            return f"{owner.ref}.{func.attr.value}"
    return call.func.ref or ""


def builder_method(ev, call) -> Value | None:
    """A method called on a builder: the builder with the fields it sets, or the object `build()` makes."""
    node = call.node
    owner = (call.func.ref or "").rpartition(".")[0]
    builder = ev.options.catalogue.builders.get(owner)
    if builder is None or not isinstance(node.func, cst.Attribute) or call.func.local:
        return None  # decided by the called name alone: other calls never evaluate their receiver again
    method = node.func.attr.value
    receiver = _receiver(ev, node.func.value)
    if receiver.carrier is None:
        return None
    if method == builder.build:
        return Value(ref=builder.builds, carrier=receiver.carrier)
    carrier = receiver.carrier
    if method == builder.private:
        carrier = _private(carrier, node)
    else:
        setter = next((s for s in ev.options.catalogue.sinks.get(f"{builder.cls}.{method}", ()) if s.carrier), None)
        bound = setter.bind(call_args(node)) if setter is not None else None
        if bound:
            carrier = _with_fields(ev, carrier, bound)
    built = Value(ref=builder.cls, carrier=carrier)
    if isinstance(node.func.value, cst.Name):  # `b.set("email", e)` as a statement changes `b` itself
        ev.env.set(node.func.value.value, built)
    _chains(ev)[id(node)] = (node, built)
    return built


def private_fields_dict(ev, call) -> Value | None:
    """`Context.from_dict({..., "_meta": {"privateAttributes": ["email"]}})`: a carrier of the dict's
    fields less the private ones (the catalogue's `private_keys` says where the dict names them)."""
    catalogue = ev.options.catalogue
    path = catalogue.private_keys.get(call.func.ref or "")
    first = call.node.args[0].value if call.node.args else None
    sink = next((s for s in catalogue.sinks.get(call.func.ref or "", ()) if s.carrier), None)
    if path is None or sink is None or call.func.local or not isinstance(first, cst.Dict):
        return None
    steps = path.split(".")
    private = _strings_at(first, steps) | {steps[0]}
    fields, values = [], []
    for element in first.elements:
        key = string_key(element.key) if isinstance(element, cst.DictElement) else None
        if key in private:
            continue
        name = key or "**"
        fields.append(Bound(Param(name, Role.TRAITS, ParamKind.KEYWORD_ONLY, False), element.value, key=key))
        values.append(ev.evaluate(element.value))
    carrier = Carrier(sink, tuple(fields), tuple(values), call.node)
    return Value(ref=catalogue.instance_class(call.func.ref), carrier=carrier)


def _strings_at(node: cst.BaseExpression, steps: list[str]) -> set[str]:
    """The string literals of the list found under the keys `steps` of nested dict literals."""
    for step in steps:
        if not isinstance(node, cst.Dict):
            return set()
        node = next((e.value for e in node.elements if isinstance(e, cst.DictElement) and string_key(e.key) == step),
                    None)
    if not isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        return set()
    return {string_key(e.value) for e in node.elements} - {None}


def _receiver(ev, node: cst.BaseExpression) -> Value:
    """The receiver's value; a call earlier in the chain was evaluated just before, so it is reused
    (evaluating it again would make a chain of n calls cost 2**n)."""
    if isinstance(node, cst.Call):
        seen = _chains(ev).get(id(node))
        if seen is not None and seen[0] is node:
            return seen[1]
    return ev.evaluate(node)


def _chains(ev) -> dict:
    return ev.__dict__.setdefault("_builder_chains", {})


def _with_fields(ev, carrier: Carrier, bound: list[Bound]) -> Carrier:
    """The carrier plus one setter's fields; `set("email", e)` becomes the field `email`."""
    key = next((string_key(b.node) for b in bound if b.param.role is Role.TRAIT_KEY), None)
    private = _private_names(carrier)
    fields, values = [], []
    for b in bound:
        if b.param.role is Role.TRAIT_KEY:
            continue
        if b.param.role is Role.TRAIT_VALUE:
            if key is None:
                b = replace(b, param=replace(b.param, role=Role.TRAITS))
            else:
                b = Bound(Param(key, Role.TRAITS, ParamKind.KEYWORD_ONLY, False), b.node, key=key)
        if (b.key or b.param.name) in private:
            continue
        fields.append(b)
        values.append(ev.evaluate(b.node))
    return replace(carrier, bound=carrier.bound + tuple(fields), values=carrier.values + tuple(values))


def _private(carrier: Carrier, node: cst.Call) -> Carrier:
    """`private("email", "name")`: those fields are dropped, now and when set later."""
    names = {string_key(a.value) for a in node.args} - {None}
    kept = [(b, v) for b, v in zip(carrier.bound, carrier.values) if (b.key or b.param.name) not in names]
    marks = [(Bound(Param(n, None, ParamKind.KEYWORD_ONLY, False), node, key=_PRIVATE), Value()) for n in sorted(names)]
    pairs = kept + marks
    return replace(carrier, bound=tuple(b for b, _ in pairs), values=tuple(v for _, v in pairs))


def _private_names(carrier: Carrier) -> set[str]:
    return {b.param.name for b in carrier.bound if b.key == _PRIVATE}


# -- configs whose clients keep attributes private -------------------------------------------------------
@dataclass(frozen=True)
class Hidden:
    """The context attributes a client never sends (`PrivateConfig`)."""

    names: frozenset[str]
    every: bool
    kept: frozenset[str]

    def hides(self, field: str) -> bool:
        return field not in self.kept and (self.every or field in self.names)

    def common(self, other: "Hidden | None") -> "Hidden | None":
        """What both hide (two configs installed in turn: either may be the one in force)."""
        if other is None or self.every:
            return other
        return self if other.every else Hidden(self.names & other.names, False, self.kept)


def private_config(ev, call) -> Value | None:
    """`Config(all_attributes_private=True)`, `LDClient(config)`, `set_config(config)`, `get()`: the config or
    client, noted on the module's Env (by the value's identity) with the attributes it keeps private; the
    config installed is noted for the shared client.  None when nothing is private (the next steps decide)."""
    found = ev.options.catalogue.private_configs.get(call.func.ref or "")
    if found is None or call.func.local:
        return None
    role, config = found
    told = _told(ev.env)
    if role == "config":
        return _configured(told, Value(ref=call.func.ref), _hidden(call.node, config))
    given = next((v for a, v in zip(call.node.args, call.args) if a.keyword is None and not a.star
                  or a.keyword is not None and a.keyword.value == "config"), None)
    hidden = _noted(told, given) if given is not None else told.get((_INSTALLED, config))
    if role == "install":
        installed = (_INSTALLED, config)  # installed twice: only what both configs hide is sure to be hidden
        told[installed] = hidden if installed not in told else hidden.common(told[installed]) if hidden else None
        return None
    cls = ev.options.catalogue.instance_class(call.func.ref)  # `get()` (no config): the shared client
    return _configured(told, Value(ref=cls), hidden) if cls is not None else None


def hidden_fields(ev, call: cst.Call) -> Hidden | None:
    """The attributes the client a sink method is called on keeps private (`client.variation(...)`)."""
    told = ev.env.module().told
    if not told or (_CONFIGURED,) not in told or not isinstance(call.func, cst.Attribute):
        return None
    receiver = ev.quietly(call.func.value)
    return _noted(told, receiver)


def _configured(told: dict, value: Value, hidden: Hidden | None) -> Value | None:
    if hidden is None:
        return None
    told[(_CONFIGURED,)] = True
    told[(_CONFIGURED, id(value))] = (value, hidden)  # the value is kept too, so that its id stays its own
    return value


def _noted(told: dict, value: Value) -> Hidden | None:
    seen = told.get((_CONFIGURED, id(value)))
    return seen[1] if seen is not None and seen[0] is value else None


def _hidden(node: cst.Call, config: PrivateConfig) -> Hidden | None:
    """The attributes a config call makes private, from its literal keywords (`all_attributes_private=True`,
    `private_attributes=["email", "/name"]`); a nested path (`/address/street`) hides no whole attribute."""
    every, names = False, set()
    for arg in node.args:
        keyword = arg.keyword.value if arg.keyword is not None else None
        if keyword == config.every:
            every = isinstance(arg.value, cst.Name) and arg.value.value == "True"
        elif keyword == config.names and isinstance(arg.value, (cst.List, cst.Tuple, cst.Set)):
            names = {_attribute(string_key(e.value) or "") for e in arg.value.elements}
    names.discard("")
    return Hidden(frozenset(names), every, config.kept) if every or names else None


def _attribute(ref: str) -> str:
    """The attribute a LaunchDarkly attribute reference names at the top level ("email", "/email"), else ""."""
    if not ref.startswith("/"):
        return ref
    parts = ref[1:].split("/")
    return parts[0].replace("~1", "/").replace("~0", "~") if len(parts) == 1 else ""
