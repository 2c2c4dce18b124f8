"""Intra-procedural dataflow: what each expression carries, following local assignments in order.

`Evaluator.evaluate(expr)` returns a `Value`: the personal data the expression carries (with the
place each piece was found), whether it is a whole serialised object, whether it is an SDK module,
class or object (`ref`), an SDK carrier object built earlier, or provably clean.  `Walker` runs over
a module's statements in order, binding names, and hands every call it evaluates to a callback.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Iterable

import libcst as cst

from . import pii
from .catalogue import Bound, Catalogue, Sink
from .pii import PiiKind
from .resolve import Imports, dotted, last_name

MAX_DEPTH = 200  # evaluation depth; deeper expressions are treated as unknown

# Calls whose result is a number, a flag or a type, whatever goes in.
CLEAN_CALLS = frozenset({
    "len", "bool", "int", "float", "sum", "any", "all", "isinstance", "issubclass", "hasattr",
    "callable", "round", "abs", "type", "id", "range", "enumerate", "sorted_count", "count", "exists",
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

    def merge(self, other: "Value") -> "Value":
        return Value(
            pii=_unique(self.pii + other.pii),
            wholes=_unique(self.wholes + other.wholes),
            ref=self.ref if self.ref == other.ref else None,
            local=self.local and other.local,
            carrier=self.carrier or other.carrier,
            clean=self.clean and other.clean,
        )

    @property
    def tainted(self) -> bool:
        return bool(self.pii or self.wholes or self.carrier)


UNKNOWN = Value()
CLEAN = Value(clean=True)


def _unique(items: tuple) -> tuple:
    return tuple(dict.fromkeys(items))


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


@dataclass
class Options:
    """What the evaluator needs from the configuration."""

    catalogue: Catalogue
    scrubbers: frozenset[str] = frozenset({"leaklint.scrub.scrub", "leaklint.scrub.pseudonymize", "leaklint.scrub"})
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
            return bound
        return self._classify(node.value, node, node.value)

    def _eval_Attribute(self, node: cst.Attribute) -> Value:
        attr = node.attr.value
        if isinstance(node.value, cst.Name) and node.value.value == self.self_name and attr in self.self_attrs:
            return self.self_attrs[attr]
        owner = self.evaluate(node.value)
        if owner.ref:
            path = f"{owner.ref}.{attr}"
            return Value(ref=self.options.catalogue.instances.get(path, path), local=owner.local)
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
            return _strip_ref(merge_all([receiver, *args]) if args else receiver)
        if short in CLEAN_CALLS or (short and is_descriptor(short)):
            return CLEAN
        if short == "dict":
            return merge_all([*(a for a, arg in zip(args, node.args) if arg.keyword is None),
                              *self.keyword_entries(node)])
        if short in ("str", "repr", "format", "list", "tuple", "set", "frozenset", "sorted", "reversed"):
            return _strip_ref(merge_all(args))
        return _strip_ref(merge_all(args)) if any(a.tainted for a in args) else UNKNOWN

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


class Walker:
    """Runs over statements in order, keeping each scope's names, and evaluates every expression."""

    def __init__(self, options: Options, imports: Imports, on_call: CallHook):
        self.options = options
        self.imports = imports
        self.on_call = on_call
        self._pending: list[tuple[cst.FunctionDef, Env, str | None, dict[str, Value]]] = []

    def run(self, module: cst.Module) -> None:
        env = Env()
        self.block(module.body, Evaluator(self.options, env, self.on_call), weak=False)
        while self._pending:  # functions run after their enclosing scope, so they see its final names
            func, parent, self_name, attrs = self._pending.pop(0)
            self.function(func, parent, self_name, attrs)

    def function(self, func: cst.FunctionDef, parent: Env, self_name: str | None, attrs: dict[str, Value]) -> None:
        env = Env(parent)
        for param in _params(func.params):
            env.names[param] = UNKNOWN  # parameters shadow outer names
        ev = Evaluator(self.options, env, self.on_call, self_name, dict(attrs))
        self.block(func.body.body if isinstance(func.body, cst.IndentedBlock) else [func.body], ev, weak=False)

    def block(self, body: Iterable[cst.CSTNode], ev: Evaluator, *, weak: bool) -> None:
        for stmt in body:
            self.statement(stmt, ev, weak=weak)

    def statement(self, stmt: cst.CSTNode, ev: Evaluator, *, weak: bool) -> None:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                self.small(small, ev, weak=weak)
        elif isinstance(stmt, cst.SimpleStatementSuite):
            for small in stmt.body:
                self.small(small, ev, weak=weak)
        elif isinstance(stmt, cst.FunctionDef):
            for deco in stmt.decorators:
                ev.evaluate(deco.decorator)
            in_class = ev.self_name == "__class__"
            # Methods do not see the class body's names, only the scope around the class.
            self._pending.append((stmt, ev.env.parent if in_class else ev.env,
                                  _self_param(stmt) if in_class else ev.self_name, ev.self_attrs))
            ev.env.set(stmt.name.value, UNKNOWN)
        elif isinstance(stmt, cst.ClassDef):
            self.klass(stmt, ev)
        else:
            self.compound(stmt, ev)

    def klass(self, node: cst.ClassDef, ev: Evaluator) -> None:
        for base in node.bases:
            ev.evaluate(base.value)
        attrs = self.class_attributes(node, ev.env)
        # The class body is its own scope; "__class__" marks methods so their first parameter is `self`.
        body_ev = Evaluator(self.options, Env(ev.env), self.on_call, "__class__", attrs)
        self.block(node.body.body if isinstance(node.body, cst.IndentedBlock) else [node.body], body_ev, weak=False)
        ev.env.set(node.name.value, UNKNOWN)

    def class_attributes(self, node: cst.ClassDef, env: Env) -> dict[str, Value]:
        """SDK objects a class keeps on itself: `client = Mixpanel(...)` or `self.mp = Mixpanel(...)`."""
        quiet = Evaluator(self.options, Env(env), None)
        attrs: dict[str, Value] = {}
        for stmt in _walk_statements(node.body):
            if not isinstance(stmt, cst.Assign):
                continue
            for target in stmt.targets:
                t = target.target
                name = None
                if isinstance(t, cst.Name):
                    name = t.value
                elif isinstance(t, cst.Attribute) and isinstance(t.value, cst.Name) and t.value.value in ("self", "cls"):
                    name = t.attr.value
                if name:
                    value = quiet.evaluate(stmt.value)
                    if value.ref or value.carrier:
                        attrs[name] = value
        return attrs

    def small(self, node: cst.BaseSmallStatement, ev: Evaluator, *, weak: bool) -> None:
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            for b in self.imports.bindings(node):
                ev.env.set(b.name, Value(ref=b.target, local=b.local))
        elif isinstance(node, cst.Assign):
            value = ev.evaluate(node.value)
            for target in node.targets:
                self.bind(target.target, value, ev, weak=weak)
        elif isinstance(node, cst.AnnAssign):
            if node.value is not None:
                self.bind(node.target, ev.evaluate(node.value), ev, weak=weak)
        elif isinstance(node, cst.AugAssign):
            self.bind(node.target, ev.evaluate(node.value), ev, weak=True)
        elif isinstance(node, cst.Expr):
            self.expression_statement(node.value, ev)
        else:
            for child in node.children:
                if isinstance(child, cst.BaseExpression):
                    ev.evaluate(child)

    def expression_statement(self, expr: cst.BaseExpression, ev: Evaluator) -> None:
        value = ev.evaluate(expr)
        del value
        # `payload.update(...)` / `payload.setdefault(k, v)` add entries to a local dict.
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and isinstance(expr.func.value, cst.Name):
            method = expr.func.attr.value
            target = expr.func.value
            if method == "update":
                added = merge_all([*(ev.evaluate(a.value) for a in expr.args if a.keyword is None and a.star == ""),
                                   *ev.keyword_entries(expr)])
                self.bind(target, added, ev, weak=True)
            elif method == "setdefault" and len(expr.args) == 2:
                key = _string_key(expr.args[0].value)
                value = ev.evaluate(expr.args[1].value)
                self.bind(target, ev.classify_key(key, expr, value) if key else value, ev, weak=True)

    def bind(self, target: cst.BaseExpression, value: Value, ev: Evaluator, *, weak: bool) -> None:
        if isinstance(target, cst.Name):
            ev.env.set(target.value, value, weak=weak)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.bind(element.value, _strip_ref(value), ev, weak=weak)
        elif isinstance(target, cst.StarredElement):
            self.bind(target.value, value, ev, weak=weak)
        elif isinstance(target, cst.Subscript):
            # `traits["phone"] = profile.mobile` adds an entry to the dict `traits`.
            ev.evaluate(target.slice[0].slice.value if isinstance(target.slice[0].slice, cst.Index) else None)
            key = _string_key(target.slice[0].slice) if len(target.slice) == 1 else None
            entry = ev.classify_key(key, target, value) if key is not None else value
            self._add_to(target.value, entry, ev)
        elif isinstance(target, cst.Attribute):
            owner = target.value
            if isinstance(owner, cst.Name) and owner.value == ev.self_name:
                ev.self_attrs[target.attr.value] = value
                return
            current = ev.evaluate(owner)
            if current.carrier is not None:
                # `event.user_properties = {...}` fills a field of an SDK carrier object.
                param = next((p for p in current.carrier.sink.params if p.name == target.attr.value), None)
                if param is not None:
                    c = current.carrier
                    carrier = replace(c, bound=c.bound + (Bound(param, target),), values=c.values + (value,))
                    self._set_root(owner, replace(current, carrier=carrier), ev)

    def _add_to(self, container: cst.BaseExpression, entry: Value, ev: Evaluator) -> None:
        if isinstance(container, cst.Name):
            ev.env.set(container.value, entry, weak=True)
        elif isinstance(container, cst.Subscript):
            self._add_to(container.value, entry, ev)

    def _set_root(self, owner: cst.BaseExpression, value: Value, ev: Evaluator) -> None:
        if isinstance(owner, cst.Name):
            ev.env.set(owner.value, value)

    def compound(self, stmt: cst.CSTNode, ev: Evaluator) -> None:
        if isinstance(stmt, (cst.For,)):
            self.bind(stmt.target, _strip_ref(ev.evaluate(stmt.iter)), ev, weak=True)
        elif isinstance(stmt, (cst.If, cst.While)):
            ev.evaluate(stmt.test)
        elif isinstance(stmt, cst.With):
            for item in stmt.items:
                value = ev.evaluate(item.item)
                if item.asname is not None:
                    self.bind(item.asname.name, value, ev, weak=False)
        elif isinstance(stmt, cst.Match):
            ev.evaluate(stmt.subject)
        for child in stmt.children:
            if isinstance(child, cst.BaseSuite):
                body = child.body if isinstance(child, cst.IndentedBlock) else [child]
                self.block(body, ev, weak=True)
            elif isinstance(child, (cst.If, cst.Else, cst.ExceptHandler, cst.Finally, cst.MatchCase,
                                    cst.ExceptStarHandler)):
                if isinstance(child, cst.If):
                    self.compound(child, ev)
                else:
                    self.compound_part(child, ev)

    def compound_part(self, part: cst.CSTNode, ev: Evaluator) -> None:
        for child in part.children:
            if isinstance(child, cst.BaseSuite):
                body = child.body if isinstance(child, cst.IndentedBlock) else [child]
                self.block(body, ev, weak=True)


def _params(params: cst.Parameters) -> list[str]:
    names = [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            names.append(star.name.value)
    return names


def _self_param(func: cst.FunctionDef) -> str | None:
    if any(_decorator_name(d) == "staticmethod" for d in func.decorators):
        return None
    params = [*func.params.posonly_params, *func.params.params]
    return params[0].name.value if params else None


def _decorator_name(deco: cst.Decorator) -> str | None:
    return last_name(deco.decorator)


def _walk_statements(body: cst.BaseSuite) -> Iterable[cst.BaseSmallStatement]:
    """Every small statement in a class body and its methods (not nested classes)."""
    stack = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.SimpleStatementLine):
            yield from node.body
            continue
        if isinstance(node, cst.ClassDef):
            continue
        stack.extend(reversed([c for c in node.children if isinstance(c, (cst.BaseSuite, cst.BaseStatement,
                                                                         cst.BaseCompoundStatement))]))
