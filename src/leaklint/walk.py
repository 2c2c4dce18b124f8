"""The statement walker: runs over a module's statements in order, keeping each scope's names.

Every expression is evaluated by a `flow.Evaluator` (which hands each call to the `on_call` hook);
assignments bind names, dict entries and SDK carrier fields.  Functions are walked after the scope
that defines them, with each parameter bound to a marker so that summaries can say which parameter
reaches which sink.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Iterable

import libcst as cst

from .catalogue import Bound
from .flow import UNKNOWN, CallHook, Env, Evaluator, Options, Value, merge_all, string_key, strip_ref
from .resolve import Imports, last_name


@dataclass(frozen=True)
class FunctionScope:
    """A function being walked: its qualified name, and whether calls to it bind a `self` first."""

    qualname: str
    node: cst.FunctionDef
    method: bool
    owner: str | None = None   # the class's qualified name, for methods


@dataclass
class _Pending:
    scope: FunctionScope
    parent: Env
    self_name: str | None
    attrs: dict[str, Value]


ReturnHook = Callable[[FunctionScope, Value], None]


class Walker:
    """Runs over statements in order, keeping each scope's names, and evaluates every expression."""

    def __init__(self, options: Options, imports: Imports, on_call: CallHook,
                 on_return: ReturnHook | None = None):
        self.options = options
        self.imports = imports
        self.on_call = on_call
        self.on_return = on_return
        self.current: FunctionScope | None = None
        self.module_env = Env()
        self._scope: list[str] = [imports.module.name] if imports.module.name else []
        self._pending: list[_Pending] = []

    def run(self, module: cst.Module) -> None:
        self.block(module.body, Evaluator(self.options, self.module_env, self.on_call), weak=False)
        while self._pending:  # functions run after their enclosing scope, so they see its final names
            self.function(self._pending.pop(0))

    def function(self, job: _Pending) -> None:
        scope = job.scope
        env = Env(job.parent)
        for param in _params(scope.node.params):
            env.names[param] = Value(params=(param,))  # parameters shadow outer names
        if scope.method and job.self_name:
            env.names[job.self_name] = Value(ref=scope.owner, local=True)
        ev = Evaluator(self.options, env, self.on_call, job.self_name, dict(job.attrs))
        self.current, self._scope = scope, scope.qualname.split(".")
        body = scope.node.body
        self.block(body.body if isinstance(body, cst.IndentedBlock) else [body], ev, weak=False)
        self.current = None

    def _qualname(self, name: str) -> str:
        return ".".join([*self._scope, name])

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
            self_name = _self_param(stmt) if in_class else ev.self_name
            qualname = self._qualname(stmt.name.value)
            scope = FunctionScope(qualname, stmt, method=in_class and self_name is not None,
                                  owner=".".join(self._scope) if in_class else None)
            # Methods do not see the class body's names, only the scope around the class.
            self._pending.append(_Pending(scope, ev.env.parent if in_class else ev.env, self_name, ev.self_attrs))
            ev.env.set(stmt.name.value, Value(ref=qualname, local=True))
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
        qualname = self._qualname(node.name.value)
        self._scope.append(node.name.value)
        self.block(node.body.body if isinstance(node.body, cst.IndentedBlock) else [node.body], body_ev, weak=False)
        self._scope.pop()
        ev.env.set(node.name.value, Value(ref=qualname, local=True))

    def class_attributes(self, node: cst.ClassDef, env: Env) -> dict[str, Value]:
        """SDK objects a class keeps on itself: `client = Mixpanel(...)` or `self.mp = Mixpanel(...)`, and
        base URLs (`api = "https://api.hubapi.com"`) its requests are sent to."""
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
                    if value.ref or value.carrier or value.url:
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
        elif isinstance(node, cst.Return):
            value = ev.evaluate(node.value) if node.value is not None else UNKNOWN
            if self.on_return is not None and self.current is not None:
                self.on_return(self.current, value)
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
                key = string_key(expr.args[0].value)
                value = ev.evaluate(expr.args[1].value)
                self.bind(target, ev.classify_key(key, expr, value) if key else value, ev, weak=True)

    def bind(self, target: cst.BaseExpression, value: Value, ev: Evaluator, *, weak: bool) -> None:
        if isinstance(target, cst.Name):
            ev.env.set(target.value, value, weak=weak)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self.bind(element.value, strip_ref(value), ev, weak=weak)
        elif isinstance(target, cst.StarredElement):
            self.bind(target.value, value, ev, weak=weak)
        elif isinstance(target, cst.Subscript):
            # `traits["phone"] = profile.mobile` adds an entry to the dict `traits`.
            ev.evaluate(target.slice[0].slice.value if isinstance(target.slice[0].slice, cst.Index) else None)
            key = string_key(target.slice[0].slice) if len(target.slice) == 1 else None
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
            self.bind(stmt.target, strip_ref(ev.evaluate(stmt.iter)), ev, weak=True)
        elif isinstance(stmt, (cst.If, cst.While)):
            ev.evaluate(stmt.test)
        elif isinstance(stmt, cst.With):
            for item in stmt.items:
                value = ev.evaluate(item.item)
                if item.asname is not None:
                    self.bind(item.asname.name, value, ev, weak=False)
        elif isinstance(stmt, cst.Match):
            ev.evaluate(stmt.subject)
        self.suites(stmt, ev)
        for child in stmt.children:
            if isinstance(child, cst.If):  # `elif`: a test, then suites
                self.compound(child, ev)
            elif isinstance(child, (cst.Else, cst.ExceptHandler, cst.Finally, cst.MatchCase, cst.ExceptStarHandler)):
                self.suites(child, ev)

    def suites(self, part: cst.CSTNode, ev: Evaluator) -> None:
        """Walk the blocks directly under a compound statement or one of its clauses; names bound in a
        branch are merged with what they held before (the branch may not run)."""
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
