"""What a class keeps, and what a function binds outside itself, known before their bodies are walked.

A class's attributes (set in its body or on `self` in any method, or returned by a property) are known
before any method is walked, so every method sees them whatever their order; a function's assignments
to names it declares `global` or `nonlocal` hold from where it is defined.  Both are found by a quiet
evaluation (no call is reported) of the assignments in order.  Mixed into `walk.Walker`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Iterator

import libcst as cst

from . import pii
from .flow import Env, Evaluator, Evidence, Value, string_key
from .flow.names import is_serializer
from .flow.syntax import statement_holders, statement_parts, statements
from .resolve import last_name

PROPERTY_DECORATORS = frozenset({"property", "cached_property"})  # builtins, functools, django.utils.functional


class QuietBindings:
    """The walker's look-ahead (uses its `options`, `imports`, `module_env`, `members`)."""

    def class_attributes(self, node: cst.ClassDef, env: Env) -> dict[str, Value]:
        """What a class keeps on itself or its instances: `client = Mixpanel(...)` in its body,
        `self.mp = Mixpanel(...)` in any method (after an import inside that method, too), and what a
        `property` or `cached_property` returns.  Known before any method is walked, so every method sees
        them whatever their order."""
        attrs: dict[str, Value] = {}
        body = statements(node.body)
        quiet = Evaluator(self.options, Env(env), None)
        bases = [(base.value, quiet.evaluate(base.value)) for base in node.bases]
        fields = serialized_fields(node, self.options, [value for _, value in bases])
        if fields.tainted:  # its own fields, and those of the serializers it extends
            attrs["data"] = fields.merge(self._inherited_data(bases))
        for stmt in body:
            if isinstance(stmt, cst.FunctionDef):
                self._method_attributes(stmt, env, attrs)
                continue
            for small in _small_statements(stmt):  # `if settings.TOKEN: client = Mixpanel(...)` too
                names = [t.value for t in _targets(small) if isinstance(t, cst.Name)]
                value = quiet.evaluate(small.value) if names else None
                for name in names:
                    _keep(attrs, name, value)
        return attrs

    def _inherited_data(self, bases: list[tuple[cst.BaseExpression, Value]]) -> Value:
        """What the project's serializer classes among `bases` hold in `.data` (a class declaring fields of
        its own would otherwise hide theirs), pointing at the base as written."""
        module = self.imports.module.name
        found = []
        for written, base in bases:
            if not (base.local and base.ref):
                continue
            data = self.members.get(f"{base.ref.removeprefix(module + '.') if module else base.ref}.data")
            if data is None and self.options.project is not None:
                data = self.options.project.lookup(f"{base.ref}.data")
            if data is not None:
                found += (Evidence(e.kind, e.what, written, e.matched) for e in data.pii)
        return Value(pii=tuple(found))

    def _method_attributes(self, func: cst.FunctionDef, env: Env, attrs: dict[str, Value]) -> None:
        """`self.<attr> = ...` in one method; a property's return value."""
        self_name = self_param(func)
        prop = is_property(func)
        if not prop and not _assigns_to_self(func):
            return  # nothing to learn: the method is not evaluated twice
        for target, value in self.quiet_assignments(func, env, returns=prop):
            if isinstance(target, cst.Return):
                _keep(attrs, func.name.value, value, data=True)
            elif _on_self(target, self_name):
                _keep(attrs, target.attr.value, value)

    def quiet_assignments(self, func: cst.FunctionDef, env: Env, *, returns: bool = False) \
            -> Iterator[tuple[cst.CSTNode, Value]]:
        """Each assignment target in a function's body (and each `return`, if asked) with the value
        assigned, evaluated in order without reporting anything: its imports and local names are followed,
        its parameters are unknown.  What a function binds outside itself, known before any call to it."""
        quiet = Evaluator(self.options, Env(env), None)
        for small in _small_statements(func.body):
            if isinstance(small, (cst.Import, cst.ImportFrom)):
                for b in self.imports.bindings(small):
                    quiet.env.set(b.name, Value(ref=b.target, local=b.local))
            elif _targets(small):
                value = quiet.evaluate(small.value)
                for target in _targets(small):
                    if isinstance(target, cst.Name):
                        quiet.env.set(target.value, value, weak=True)
                    yield target, value
            elif isinstance(small, cst.Return) and returns and small.value is not None:
                yield small, quiet.evaluate(small.value)

    def bind_declared(self, func: cst.FunctionDef, env: Env, declared: tuple[list[str], list[str]]) -> None:
        """Where a function is defined: the names it declares `global` or `nonlocal` also hold what it
        assigns to them (an `init()` setting the module's client), for the code that runs after."""
        globals_, nonlocals = declared
        for target, value in self.quiet_assignments(func, env):
            if isinstance(target, cst.Name) and target.value in globals_:
                self.module_env.set(target.value, value, weak=True)
            elif isinstance(target, cst.Name) and target.value in nonlocals:
                binding_env(env, target.value).set(target.value, value, weak=True)


def serialized_fields(node: cst.ClassDef, options, bases: list[Value]) -> Value:
    """What a Django REST framework serializer class's `.data` holds: its declared fields
    (`email = serializers.EmailField(source="user.email")`) and the names its `Meta.fields` lists, each
    personal data by its name or its source's last attribute.  Only for a class extending one of the
    framework's serializers, or a project class named as a serializer (the project's own base)."""
    if not any(_serializer_base(base) for base in bases):
        return Value()
    found: list[Evidence] = []
    for name, where in _field_names(node):
        match = pii.classify_name(name, extra=options.extra_words, never=options.never)
        if match:
            found.append(Evidence(match.kind, f"{node.name.value}.{name}", where, match.matched))
    return Value(pii=tuple(found))


def _field_names(node: cst.ClassDef) -> Iterator[tuple[str, cst.CSTNode]]:
    """The names of the fields a serializer class declares, with where each is written."""
    for stmt in statements(node.body):
        if isinstance(stmt, cst.ClassDef) and stmt.name.value == "Meta":
            yield from _meta_fields(stmt)
        for small in _small_statements(stmt):
            value = getattr(small, "value", None)
            if not (isinstance(value, cst.Call) and (last_name(value.func) or "").endswith("Field")):
                continue
            yield from ((t.value, t) for t in _targets(small) if isinstance(t, cst.Name))
            source = next((string_key(a.value) for a in value.args if a.keyword and a.keyword.value == "source"), None)
            if source:
                yield source.rsplit(".", 1)[-1], value


def _serializer_base(base: Value) -> bool:
    """`serializers.ModelSerializer` (and the framework's extensions': `rest_framework_gis`, `drf_...`), or
    a project class named as a serializer."""
    name = (base.ref or "").rsplit(".", 1)[-1]
    if base.local:
        return is_serializer(name)
    return (base.ref or "").startswith(("rest_framework", "drf")) and name.endswith("Serializer")


def _meta_fields(meta: cst.ClassDef) -> Iterator[tuple[str, cst.CSTNode]]:
    """`fields = [...]` of a serializer's `Meta`, when written out, and the lists added to a base's
    (`fields = Base.Meta.fields + [...]`: the base's own are its `.data`)."""
    for small in (s for inner in statements(meta.body) for s in _small_statements(inner)):
        if any(isinstance(t, cst.Name) and t.value == "fields" for t in _targets(small)):
            for listed in _added_lists(small.value):
                yield from ((string_key(e.value), e.value) for e in listed.elements if string_key(e.value))


def _added_lists(node: cst.BaseExpression) -> Iterator[cst.List | cst.Tuple]:
    """The list and tuple displays of `a + [...] + (...)` (or the display itself)."""
    while isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        yield from _added_lists(node.right)
        node = node.left
    if isinstance(node, (cst.List, cst.Tuple)):
        yield node


def is_property(func: cst.FunctionDef) -> bool:
    return any(_decorator_name(d) in PROPERTY_DECORATORS for d in func.decorators)


def _targets(small: cst.BaseSmallStatement) -> list[cst.BaseExpression]:
    """What an assignment (plain or annotated, with a value) assigns to."""
    if isinstance(small, cst.Assign):
        return [t.target for t in small.targets]
    return [small.target] if isinstance(small, cst.AnnAssign) and small.value is not None else []


def _on_self(target: cst.BaseExpression, self_name: str | None) -> bool:
    return isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == self_name


def _keep(attrs: dict[str, Value], name: str, value: Value, *, data: bool = False) -> None:
    """Keep an attribute that is an SDK or project object, a base URL its requests are sent to (or, for a
    property, personal data)."""
    if value.ref or value.carrier or value.url or (data and value.tainted):
        attrs[name] = attrs[name].merge(value) if name in attrs else value


def declared_names(body: cst.BaseSuite) -> tuple[list[str], list[str]]:
    """Names a function declares `global` and `nonlocal`, not counting its nested functions and classes."""
    names: tuple[list[str], list[str]] = ([], [])
    stack: list[cst.CSTNode] = [body]
    while stack:
        node = stack.pop()
        kind = type(node)  # exact types: libcst has no subclasses of these, and isinstance costs an abc call
        if kind is cst.Global or kind is cst.Nonlocal:
            names[kind is cst.Nonlocal].extend(item.name.value for item in node.names)
        elif kind is not cst.FunctionDef and kind is not cst.ClassDef:
            stack.extend(statement_holders(node))
    return names


def binding_env(env: Env, name: str) -> Env:
    """The enclosing scope that binds `name` (for `nonlocal`), else the nearest one."""
    found: Env | None = env
    while found is not None and name not in found.names:
        found = found.parent
    return found if found is not None else env


def self_param(func: cst.FunctionDef) -> str | None:
    if any(_decorator_name(d) == "staticmethod" for d in func.decorators):
        return None
    params = [*func.params.posonly_params, *func.params.params]
    return params[0].name.value if params else None


def _decorator_name(deco: cst.Decorator) -> str | None:
    return last_name(deco.decorator)


# What only the syntax decides is kept for the nodes seen last (by identity: a node never changes), as
# each walk of a module asks it again; what the statements evaluate to changes between walks.

@lru_cache(maxsize=1 << 13)
def _assigns_to_self(func: cst.FunctionDef) -> bool:
    """Whether a method assigns to an attribute of its `self`."""
    self_name = self_param(func)
    return any(_on_self(t, self_name) for small in _small_statements(func.body) for t in _targets(small))


@lru_cache(maxsize=1 << 13)
def _small_statements(node: cst.CSTNode) -> tuple[cst.BaseSmallStatement, ...]:
    return tuple(_walk_statements(node))


def _walk_statements(body: cst.CSTNode) -> Iterable[cst.BaseSmallStatement]:
    """Every small statement in a block and the blocks inside it (not in nested classes)."""
    stack = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.SimpleStatementLine):
            yield from node.body
            continue
        if isinstance(node, cst.ClassDef):
            continue
        stack.extend(reversed(statement_parts(node)))


def items_value_target(stmt: cst.For) -> cst.BaseExpression | None:
    """`for key, value in d.items()`: the value's target.  What a dict carries is in its values (a dict of
    emails by course id); a key is known by its name (`for email, n in counts.items()`), and by what a
    caller passes when the dict is a parameter (its keys are judged there)."""
    it, target = stmt.iter, stmt.target
    if (isinstance(it, cst.Call) and not it.args and isinstance(it.func, cst.Attribute)
            and it.func.attr.value == "items" and isinstance(target, cst.Tuple) and len(target.elements) == 2):
        return target.elements[1].value
    return None
