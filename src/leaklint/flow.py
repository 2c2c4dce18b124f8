"""Dataflow values: what each expression carries.

`Evaluator.evaluate(expr)` returns a `Value`: the personal data the expression carries (with the
place each piece was found), whether it is a whole serialised object, whether it is an SDK module,
class or object (`ref`), an SDK carrier object built earlier, which of the enclosing function's
parameters it derives from, or that it is provably clean.  `walk.Walker` drives it statement by statement.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Protocol

import libcst as cst

from . import pii
from .catalogue import Bound, Catalogue, Sink
from .pii import PiiKind
from .resolve import dotted, last_name

MAX_DEPTH = 200  # evaluation depth; deeper expressions are treated as unknown

# Calls whose result is a number, a flag or a type, whatever goes in.
CLEAN_CALLS = frozenset({
    "len", "bool", "int", "float", "sum", "any", "all", "isinstance", "issubclass", "hasattr",
    "callable", "round", "abs", "type", "id", "range", "enumerate", "count", "exists",
    "uuid4", "uuid1", "now", "utcnow", "time", "today", "timestamp", "isoformat",
})
# Methods that return (part of) the string they are called on.
STRING_METHODS = frozenset({
    "lower", "upper", "strip", "lstrip", "rstrip", "title", "casefold", "capitalize", "replace",
    "split", "rsplit", "partition", "rpartition", "encode", "decode", "format", "join", "hexdigest",
    "digest", "get", "pop", "copy", "setdefault", "removeprefix", "removesuffix", "zfill", "ljust", "rjust",
})
# Ways of serialising a whole object into a dict.
WHOLE_OBJECT_FUNCS = frozenset({"vars", "model_to_dict", "asdict", "dataclasses.asdict", "attr.asdict", "attrs.asdict", "jsonable_encoder"})
WHOLE_OBJECT_METHODS = frozenset({"to_dict", "dict", "model_dump", "as_dict", "asdict", "to_json", "serialize", "todict", "values"})


@dataclass(frozen=True)
class Evidence:
    """One piece of personal data: its kind, a short human description, and where it was found."""

    kind: PiiKind
    what: str
    node: cst.CSTNode
    matched: str = ""   # the word(s) that decided the kind, for the explanation

    def explain(self) -> str:
        return f"{self.what} [{self.matched}]" if self.matched and self.matched not in self.what else self.what


@dataclass(frozen=True)
class Whole:
    """A whole object serialised into a payload (`vars(user)`, `user.to_dict()`)."""

    what: str
    node: cst.CSTNode


@dataclass(frozen=True)
class Carrier:
    """An SDK object built by a constructor (`BaseEvent(...)`) and sent later by another sink."""

    sink: Sink
    bound: tuple[Bound, ...]
    values: tuple["Value", ...]
    node: cst.CSTNode


@dataclass(frozen=True)
class Value:
    pii: tuple[Evidence, ...] = ()
    wholes: tuple[Whole, ...] = ()
    ref: str | None = None          # qualified name of a module, class, function or SDK object
    local: bool = False             # `ref` names the project's own code
    carrier: Carrier | None = None
    clean: bool = False             # provably no personal data (literal, count, flag, scrubbed)
    params: tuple[str, ...] = ()    # parameters of the enclosing function this value derives from
    partial: tuple[str | None, ...] = ()  # `functools.partial(ref, ...)`: the arguments already bound

    def merge(self, other: "Value") -> "Value":
        # A name that is an SDK client on one path and None (or unknown) on the other (`mp = None`, then
        # `if settings.TOKEN: mp = Mixpanel(...)`) is still that client wherever it is called.
        named = self if other.ref is None else other if self.ref is None else None
        if self.ref == other.ref:
            ref, local, partial = self.ref, self.local and other.local, self.partial
        elif named is not None:
            ref, local, partial = named.ref, named.local, named.partial
        else:
            ref, local, partial = None, False, ()
        return Value(
            pii=_unique(self.pii + other.pii),
            wholes=_unique(self.wholes + other.wholes),
            ref=ref,
            local=local,
            carrier=self.carrier or other.carrier,
            clean=self.clean and other.clean,
            params=_unique(self.params + other.params),
            partial=partial,
        )

    @property
    def tainted(self) -> bool:
        return bool(self.pii or self.wholes or self.carrier)


UNKNOWN = Value()
CLEAN = Value(clean=True)


MAX_EVIDENCE = 8  # per value: enough to explain a finding, and merges stay cheap in generated code


MAX_HOPS = 3  # helpers named in one explanation ("a() returns b() returns user.email")


def _through(label: str, what: str) -> str:
    """`what` as returned by the helper `label`.  A recursive helper (or one found again by its method
    name) is not named twice, and chains stop growing after a few helpers: the explanation, which is part
    of what the index compares between rounds, then stays the same and the rounds end."""
    if f"{label} returns " in what or what.count(" returns ") >= MAX_HOPS:
        return what
    return f"{label} returns {what}"


def _unique(items: tuple) -> tuple:
    if not items:
        return items
    unique = tuple(dict.fromkeys(items))
    if len(unique) <= MAX_EVIDENCE:
        return unique
    # Keep a deterministic subset, whatever the merge order: rounds of the index must converge.
    return tuple(sorted(unique, key=lambda e: (getattr(e, "kind", e) and str(getattr(e, "kind", "")),
                                               getattr(e, "what", str(e)))))[:MAX_EVIDENCE]


def merge_all(values: Iterable[Value]) -> Value:
    out: Value | None = None
    for v in values:
        out = v if out is None else out.merge(v)
    return out if out is not None else CLEAN


@dataclass
class Env:
    """Local names of one scope, falling back to the enclosing scope."""

    parent: "Env | None" = None
    names: dict[str, Value] = field(default_factory=dict)

    def get(self, name: str) -> Value | None:
        env: Env | None = self
        while env is not None:
            if name in env.names:
                return env.names[name]
            env = env.parent
        return None

    def set(self, name: str, value: Value, *, weak: bool = False) -> None:
        old = self.names.get(name)
        self.names[name] = old.merge(value) if weak and old is not None else value


class ProjectView(Protocol):
    """What the evaluator may ask about the rest of the project (see `index.ProjectIndex`)."""

    def lookup(self, ref: str) -> Value | None: ...
    def is_class(self, ref: str) -> bool: ...
    def returns(self, ref: str) -> Value | None: ...
    def method_returns(self, name: str) -> Value | None: ...


@dataclass
class Options:
    """What the evaluator needs from the configuration and the project."""

    catalogue: Catalogue
    project: ProjectView | None = None
    scrubbers: frozenset[str] = frozenset({"leaklint_scrub.scrub", "leaklint_scrub.pseudonymize", "leaklint_scrub.redact"})
    extra_words: dict[PiiKind, frozenset[str]] = field(default_factory=dict)
    never: frozenset[str] = frozenset()

    @property
    def scrubber_names(self) -> frozenset[str]:
        return frozenset(s.rsplit(".", 1)[-1] for s in self.scrubbers)


CallHook = Callable[[cst.Call, Value, "list[Value]", "Evaluator"], None]


class Evaluator:
    """Evaluates expressions against an environment; every call evaluated is passed to `on_call`."""

    def __init__(self, options: Options, env: Env, on_call: CallHook | None = None,
                 self_name: str | None = None, self_attrs: dict[str, Value] | None = None):
        self.options = options
        self.env = env
        self.on_call = on_call
        self.self_name = self_name
        self.self_attrs = self_attrs if self_attrs is not None else {}
        self._depth = 0

    # -- classification helpers ------------------------------------------------------------
    def _classify(self, name: str, node: cst.CSTNode, what: str, *, person: bool = False) -> Value:
        match = pii.classify_name(name, extra=self.options.extra_words, never=self.options.never,
                                  person_context=person)
        if match:
            return Value(pii=(Evidence(match.kind, what, node, match.matched),))
        return CLEAN if is_descriptor(name) else UNKNOWN

    def classify_key(self, key: str, node: cst.CSTNode, value: Value) -> Value:
        """A payload entry `key: value`: the key names the data unless the value is provably clean."""
        if is_descriptor(key) and pii.mentions_pii(key):
            return CLEAN  # `email_verified: ...`, `email_count: len(emails)`: about PII, not PII
        match = pii.classify_key(key, extra=self.options.extra_words, never=self.options.never)
        if value.pii:
            return value  # the value explains itself (`"email": user.email`)
        if match and not value.clean:
            return value.merge(Value(pii=(Evidence(match.kind, f'key "{key}"', node, match.matched),)))
        return value

    # -- evaluation ------------------------------------------------------------------------
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

    _eval_SimpleString = _eval_Integer = _eval_Float = _eval_Imaginary = _literal
    _eval_ConcatenatedString = _eval_Comparison = _eval_Ellipsis = _literal

    def _eval_Lambda(self, node: cst.Lambda) -> Value:
        return UNKNOWN

    def _eval_FormattedString(self, node: cst.FormattedString) -> Value:
        parts = [self.evaluate(p.expression) for p in node.parts if isinstance(p, cst.FormattedStringExpression)]
        return merge_all(parts)

    def _eval_Name(self, node: cst.Name) -> Value:
        if node.value in ("True", "False", "None"):
            return CLEAN
        bound = self.env.get(node.value)
        if bound is not None and (bound.tainted or bound.clean or bound.ref):
            return self.resolve_local(bound)
        named = self._classify(node.value, node, node.value)
        return named.merge(bound) if bound is not None and bound.params else named

    def resolve_local(self, value: Value) -> Value:
        """A name imported from the project's own code stands for what that module binds to it."""
        if value.local and value.ref and self.options.project is not None:
            found = self.options.project.lookup(value.ref)
            if found is not None:
                return replace(found, partial=found.partial + value.partial) if value.partial else found
        return value

    def _eval_Attribute(self, node: cst.Attribute) -> Value:
        attr = node.attr.value
        if isinstance(node.value, cst.Name) and node.value.value == self.self_name and attr in self.self_attrs:
            return self.self_attrs[attr]
        owner = self.evaluate(node.value)
        if owner.ref:
            path = f"{owner.ref}.{attr}"
            if not owner.local:
                return Value(ref=self.options.catalogue.instances.get(path, path))
            known = self.options.project.lookup(path) if self.options.project is not None else None
            if known is not None:
                return known
            if path in self.options.catalogue.sinks:
                return Value(ref=path, local=True)
            # Otherwise an attribute of project code we know nothing about: classify it by name below.
        owner_name = last_name(node.value)
        if attr == "__dict__":
            return self._whole(node.value, node)
        if attr == "data" and owner_name and "serializer" in pii.words(owner_name) and _is_entity(owner_name, node.value):
            return self._whole(node.value, node)
        match = pii.classify_attribute(owner_name, attr, extra=self.options.extra_words, never=self.options.never)
        if match:
            return Value(pii=(Evidence(match.kind, _code(node), node, match.matched),))
        if is_descriptor(attr) or attr in ("name", "title") or attr in ("id", "pk", "uuid"):
            return CLEAN
        if attr in STRING_METHODS:
            return replace(owner, ref=None)
        return UNKNOWN

    def _eval_Subscript(self, node: cst.Subscript) -> Value:
        owner = self.evaluate(node.value)
        for element in node.slice:
            self.evaluate(getattr(element.slice, "value", None))
        key = _string_key(node.slice[0].slice) if len(node.slice) == 1 else None
        if key is None:
            return owner if owner.tainted else UNKNOWN
        return self._classify(key.lstrip("$"), node, _code(node), person=_is_person(last_name(node.value)))

    def _eval_Call(self, node: cst.Call) -> Value:
        func = self.evaluate(node.func)
        args = [self.evaluate(a.value) for a in node.args]
        result = self._call_result(node, func, args)
        if self.on_call is not None:
            self.on_call(node, func, args, self)
        return result

    def _call_result(self, node: cst.Call, func: Value, args: list[Value]) -> Value:
        name = dotted(node.func) or ""
        short = last_name(node.func) or ""
        if self.is_scrubber(func, name):
            return CLEAN
        if (func.ref == "functools.partial" or name == "partial") and args and args[0].ref:
            # `partial(send, user)` is `send` with its first arguments bound: calls to it bind after them.
            first = args[0]
            bound = tuple(a.keyword.value if a.keyword else None for a in node.args[1:] if not a.star)
            return Value(ref=first.ref, local=first.local, partial=first.partial + bound)
        if func.ref and not func.local:
            sinks = self.options.catalogue.sinks.get(func.ref, [])
            carrier = next((s for s in sinks if s.carrier), None)
            cls = self.options.catalogue.instance_class(func.ref)
            if carrier is not None:
                bound = carrier.bind(_call_args(node)) or []
                values = tuple(self.evaluate(b.node) for b in bound)
                return Value(ref=cls, carrier=Carrier(carrier, tuple(bound), values, node))
            if cls is not None:
                return Value(ref=cls)
        if func.ref and func.local and self.options.project is not None:
            project = self.options.project
            if project.is_class(func.ref):
                return Value(ref=func.ref, local=True)  # an instance of a project class
            returned = project.returns(func.ref)
            if returned is not None and returned.tainted:
                return self._returned(node, returned, args)
        if short in WHOLE_OBJECT_FUNCS or name in WHOLE_OBJECT_FUNCS:
            if node.args:
                return self._whole(node.args[0].value, node)
        if isinstance(node.func, cst.Attribute):
            method = node.func.attr.value
            owner_name = last_name(node.func.value)
            if method in WHOLE_OBJECT_METHODS and owner_name and _is_entity(owner_name, node.func.value):
                return self._whole(node.func.value, node)
            if method in ("count", "exists", "keys") or (is_descriptor(method) and method not in STRING_METHODS):
                return CLEAN
            key = _string_key(node.args[0].value) if node.args and method in ("get", "pop", "setdefault") else None
            if key is not None:  # `request.POST.get("email")`
                return self._classify(key.lstrip("$"), node, _code(node), person=_is_person(owner_name))
            getter = method[4:] if method.startswith("get_") else method
            match = pii.classify_attribute(owner_name, getter, extra=self.options.extra_words, never=self.options.never)
            if match:
                return Value(pii=(Evidence(match.kind, _code(node), node, match.matched),))
            receiver = self.evaluate(node.func.value) if method in STRING_METHODS else UNKNOWN
            result = _strip_ref(merge_all([receiver, *args]) if args else receiver)
            if self.options.project is not None and not result.tainted:
                # `user.get_analytics_metadata()` on an object of unknown class: what the project's
                # methods of that name return (the same summaries as for functions, found by name).
                returned = self.options.project.method_returns(method)
                if returned is not None and returned.tainted:
                    return self._returned(node, returned, [])
            return result
        if short in CLEAN_CALLS or (short and is_descriptor(short)):
            return CLEAN
        if short == "dict":
            return merge_all([*(a for a, arg in zip(args, node.args) if arg.keyword is None),
                              *self.keyword_entries(node)])
        if short in ("str", "repr", "format", "list", "tuple", "set", "frozenset", "sorted", "reversed"):
            return _strip_ref(merge_all(args))
        return _strip_ref(merge_all(args)) if any(a.tainted for a in args) else UNKNOWN

    def _returned(self, node: cst.Call, returned: Value, args: list[Value]) -> Value:
        """A helper's return value, re-anchored at this call (its nodes belong to another module)."""
        label = f"{_code(node.func)}()"
        return merge_all([Value(pii=tuple(Evidence(e.kind, _through(label, e.what), node, e.matched)
                                          for e in returned.pii),
                                wholes=tuple(Whole(_through(label, w.what), node) for w in returned.wholes)),
                          *(a for a in args if a.tainted)])

    def keyword_entries(self, call: cst.Call) -> list[Value]:
        """`f(email=x, **extra)`: each keyword is a payload key."""
        out = []
        for arg in call.args:
            if arg.keyword is not None:
                out.append(self.classify_key(arg.keyword.value, arg, self.evaluate(arg.value)))
            elif arg.star == "**":
                out.append(self.evaluate(arg.value))
        return out

    def _eval_Dict(self, node: cst.Dict) -> Value:
        parts = []
        for element in node.elements:
            if isinstance(element, cst.StarredDictElement):
                parts.append(self.evaluate(element.value))
                continue
            self.evaluate(element.key)
            value = self.evaluate(element.value)
            key = _string_key(element.key)
            parts.append(self.classify_key(key, element, value) if key is not None else value)
        out = merge_all(parts)
        return replace(out, clean=out.clean and not out.tainted)

    def _eval_DictComp(self, node: cst.DictComp) -> Value:
        return _strip_ref(self.evaluate(node.key).merge(self.evaluate(node.value)))

    def _eval_BinaryOperation(self, node: cst.BinaryOperation) -> Value:
        return _strip_ref(self.evaluate(node.left).merge(self.evaluate(node.right)))

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

    def _whole(self, obj: cst.BaseExpression, node: cst.CSTNode) -> Value:
        name = last_name(obj)
        if name and _is_entity(name, obj):
            return Value(wholes=(Whole(_code(node), node),))
        return UNKNOWN

    def is_scrubber(self, func: Value, name: str) -> bool:
        if func.ref:
            return func.ref in self.options.scrubbers
        return bool(name) and (name in self.options.scrubbers or name.rsplit(".", 1)[-1] in self.options.scrubber_names)


def _strip_ref(value: Value) -> Value:
    return replace(value, ref=None, local=False, carrier=None) if (value.ref or value.carrier) else value


def _is_person(name: str | None) -> bool:
    ws = pii.words(name) if name else []
    return bool(ws) and ws[-1] in pii.PERSON_WORDS


def _is_entity(name: str, node: cst.CSTNode) -> bool:
    """A name that stands for a person or an organisation (`user`, `request.user`, `UserSerializer`)."""
    ws = pii.words(name)
    return any(w in pii.PERSON_WORDS or w in pii.ORG_WORDS for w in ws)


def is_descriptor(name: str) -> bool:
    """A name that describes data without holding it: flags, counts, templates, file names."""
    return any(w in pii.NOT_PII_WORDS for w in pii.words(name))


def _string_key(node: cst.CSTNode | None) -> str | None:
    if isinstance(node, cst.SimpleString):
        try:
            value = node.evaluated_value
        except Exception:  # noqa: BLE001 - odd prefixes: treat as unknown key
            return None
        return value if isinstance(value, str) else None
    if isinstance(node, cst.Index):
        return _string_key(node.value)
    return None


_EMPTY_MODULE = cst.Module(body=[])


def _code(node: cst.CSTNode) -> str:
    text = _EMPTY_MODULE.code_for_node(node)
    return text if len(text) <= 60 else text[:57] + "..."


def _call_args(call: cst.Call) -> list[tuple[str | None, str, cst.BaseExpression]]:
    return [(a.keyword.value if a.keyword else None, a.star if isinstance(a.star, str) else "", a.value)
            for a in call.args]


call_args = _call_args
code = _code
