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
from .flow.builders import callback_params, late_callbacks
from .flow.guards import Guard, changed_names, conditions, default_fails, exits, tested_params
from .flow.syntax import KindOf, clauses, read_root, small_expressions, statements, suites_of
from .flow.values import iterated as item_of, unpacked
from .pii import vocabulary as vocab
from .resolve import Imports
from .walk_classes import QuietBindings, binding_env, declared_names, is_property, items_value_target, self_param


@dataclass(frozen=True)
class FunctionScope:
    """A function being walked: its qualified name, and whether calls to it bind a `self` first."""

    qualname: str
    node: cst.FunctionDef
    method: bool
    owner: str | None = None   # the class's qualified name, for methods
    enclosing: "FunctionScope | None" = None   # the function this one is defined in, if any
    guards: tuple[Guard, ...] = ()   # handed with a sink use: the conditions on its parameters it is made under

    @property
    def params(self) -> list[str]:
        return _params(self.node.params)


@dataclass
class _Pending:
    scope: FunctionScope
    parent: Env
    self_name: str | None
    attrs: dict[str, Value]
    declared: tuple[list[str], list[str]]   # the names it declares `global` and `nonlocal`


ReturnHook = Callable[[FunctionScope, Value], None]
DoneHook = Callable[["Walker", "FunctionScope | None"], None]


class Walker(QuietBindings):
    """Runs over statements in order, keeping each scope's names, and evaluates every expression."""

    def __init__(self, options: Options, imports: Imports, on_call: CallHook,
                 on_return: ReturnHook | None = None):
        self.options = options
        self.imports = imports
        self.on_call = on_call
        self.on_return = on_return
        self.current: FunctionScope | None = None
        self.guards: list[Guard] = []   # what holds of the current function's parameters where the walk is
        self.module_env = Env()
        self._scope: list[str] = [imports.module.name] if imports.module.name else []
        self._pending: list[_Pending] = []
        # Whether any function may declare a name `global` or `nonlocal` (the caller may know from the text:
        # looking through every function body for the statements is costly).
        self.declarations = True
        # What the module's classes hold, by their name inside the module: "Tracker.client" -> an SDK
        # object kept on the class or its instances; "Tracker" -> the SDK or project classes it extends.
        self.members: dict[str, Value] = {}
        self.bases: dict[str, tuple[Value, ...]] = {}
        self.properties: set[str] = set()   # "Account.contact"
        # Told when the module's own statements are done (None), then each function: what is known of the
        # module so far can be shown to the rest of its walk (a helper defined above the code calling it).
        self.on_done: DoneHook | None = None
        # Told of each function to walk, with the walk to run or not: `around(walker, job, walk)` (a walk
        # of a module again can replay what a function's last walk did, `index_replay`).
        self.around: Callable | None = None
        self.late = False   # walking callbacks handed to an SDK again

    def run(self, module: cst.Module) -> None:
        self.block(module.body, Evaluator(self.options, self.module_env, self.on_call), weak=False)
        if self.on_done is not None:
            self.on_done(self, None)
        walked: dict[str, _Pending] = {}
        while self._pending:  # functions run after their enclosing scope, so they see its final names
            job = self._pending.pop(0)
            walked[job.scope.qualname] = job
            if self.around is not None:
                self.around(self, job, self.function)
            else:
                self.function(job)
            if not self._pending:  # callbacks handed to an SDK below them: again, seeing the SDK object
                self._pending = [walked.pop(q) for q in late_callbacks(self.module_env) if q in walked]
                self.late = self.late or bool(self._pending)

    def function(self, job: _Pending) -> None:
        scope = job.scope
        env = Env(job.parent)
        sdk_objects = callback_params(self.module_env, scope)  # a callback handed to an SDK: what it is given
        for param in scope.params:
            env.names[param] = Value(params=(param,), ref=sdk_objects.get(param))  # parameters shadow outer names
        globals_, nonlocals = job.declared
        for name in globals_:
            env.elsewhere[name] = self.module_env
        for name in nonlocals:
            env.elsewhere[name] = binding_env(job.parent, name)
        if scope.method and job.self_name:
            env.names[job.self_name] = Value(ref=scope.owner, local=True)
        ev = Evaluator(self.options, env, self.on_call, job.self_name, dict(job.attrs))
        self.current, self._scope, self.guards = scope, scope.qualname.split("."), []
        self.block(statements(scope.node.body), ev, weak=False)
        self.current = None
        if self.on_done is not None:
            self.on_done(self, scope)

    def recorded(self, use):
        """A sink use (`sinks.SinkUse`) as each function sees it whose own parameters reach it: the one
        being walked and, for an inner function or closure, the enclosing ones whose parameters it uses
        (an inner function's own parameter shadows the outer one of the same name)."""
        out = []
        # A parameter reaches the sink as itself, or as an attribute of it read there (`user.email`).
        remaining = {p for arg in use.args for p in arg.value.params}
        remaining.update(root for arg in use.args for e in arg.value.pii if (root := read_root(e.node)))
        scope = self.current
        while scope is not None and remaining:
            own = remaining.intersection(scope.params)
            if own:
                args = tuple(replace(a, value=replace(a.value, params=tuple(p for p in a.value.params if p in own)))
                             for a in use.args)
                seen = replace(scope, guards=tuple(self.guards)) if scope is self.current and self.guards else scope
                out.append((seen, replace(use, args=args)))
                remaining -= own
            scope = scope.enclosing
        return out

    def _qualname(self, name: str) -> str:
        return ".".join([*self._scope, name])

    def block(self, body: Iterable[cst.CSTNode], ev: Evaluator, *, weak: bool) -> None:
        depth = len(self.guards)
        for stmt in body:
            self.statement(stmt, ev, weak=weak)
            if type(stmt) is cst.If and self.current is not None:
                self.guards += self._past(stmt, ev)
        del self.guards[depth:]

    def statement(self, stmt: cst.CSTNode, ev: Evaluator, *, weak: bool) -> None:
        kind = _STATEMENT(stmt)
        if kind is cst.SimpleStatementLine or kind is cst.SimpleStatementSuite:
            for small in stmt.body:
                self.small(small, ev, weak=weak)
        elif kind is cst.FunctionDef:
            for deco in stmt.decorators:
                ev.evaluate(deco.decorator)
            in_class = ev.self_name == "__class__"
            self_name = self_param(stmt) if in_class else ev.self_name
            qualname = self._qualname(stmt.name.value)
            scope = FunctionScope(qualname, stmt, method=in_class and self_name is not None,
                                  owner=".".join(self._scope) if in_class else None, enclosing=self.current)
            # Methods do not see the class body's names, only the scope around the class.
            parent = ev.env.parent if in_class else ev.env
            declared = declared_names(stmt.body) if self.declarations else ([], [])
            if declared != ([], []):
                self.bind_declared(stmt, parent, declared)
            self._pending.append(_Pending(scope, parent, self_name, ev.self_attrs, declared))
            ev.env.set(stmt.name.value, Value(ref=qualname, local=True))
        elif kind is cst.ClassDef:
            self.klass(stmt, ev)
        else:
            self.compound(stmt, ev)

    def klass(self, node: cst.ClassDef, ev: Evaluator) -> None:
        qualname = self._qualname(node.name.value)
        inside = qualname.removeprefix(self.imports.module.name + ".") if self.imports.module.name else qualname
        bases = tuple(v for v in (ev.evaluate(base.value) for base in node.bases) if v.ref)
        if bases:
            self.bases[inside] = bases
        attrs = self.class_attributes(node, ev.env)
        self.members.update({f"{inside}.{name}": value for name, value in attrs.items()})
        body = statements(node.body)
        self.properties.update(f"{inside}.{f.name.value}" for f in body
                               if isinstance(f, cst.FunctionDef) and is_property(f))
        # The class body is its own scope; "__class__" marks methods so their first parameter is `self`.
        body_ev = Evaluator(self.options, Env(ev.env), self.on_call, "__class__", attrs)
        self._scope.append(node.name.value)
        self.block(body, body_ev, weak=False)
        self._scope.pop()
        ev.env.set(node.name.value, Value(ref=qualname, local=True))

    def small(self, node: cst.BaseSmallStatement, ev: Evaluator, *, weak: bool) -> None:
        kind = _SMALL(node)
        if kind is cst.Import or kind is cst.ImportFrom:
            for b in self.imports.bindings(node):
                ev.env.set(b.name, Value(ref=b.target, local=b.local))
        elif kind is cst.Assign:
            value = ev.evaluate(node.value)
            for target in node.targets:
                self.bind(target.target, value, ev, weak=weak, source=node.value)
        elif kind is cst.AnnAssign:
            if node.value is not None:
                self.bind(node.target, ev.evaluate(node.value), ev, weak=weak, source=node.value)
        elif kind is cst.AugAssign:
            self.bind(node.target, ev.evaluate(node.value), ev, weak=True)
        elif kind is cst.Expr:
            self.expression_statement(node.value, ev)
        elif kind is cst.Return:
            value = ev.evaluate(node.value) if node.value is not None else UNKNOWN
            if self.on_return is not None and self.current is not None:
                self.on_return(self.current, value)
        else:
            for child in small_expressions(node):
                ev.evaluate(child)

    def expression_statement(self, expr: cst.BaseExpression, ev: Evaluator) -> None:
        if isinstance(expr, cst.Yield):
            # A generator gives its callers what it yields, as a function what it returns.
            yielded = ev.evaluate(expr.value.item if isinstance(expr.value, cst.From) else expr.value)
            yielded = yielded.but(elements=None)  # a generator is no tuple: `a, b = gen()` takes two items
            if self.on_return is not None and self.current is not None:
                self.on_return(self.current, yielded)
        else:
            ev.evaluate(expr)
        # `payload.update(...)` / `payload.setdefault(k, v)` add entries to a local dict; `out.append(x)`
        # (`extend`, `add`, `insert`) an element to a local list or set.
        if isinstance(expr, cst.Call) and isinstance(expr.func, cst.Attribute) and isinstance(expr.func.value, cst.Name):
            method = expr.func.attr.value
            target = expr.func.value
            if method in vocab.ADDING_METHODS and expr.args:
                self.bind(target, strip_ref(ev.evaluate(expr.args[-1].value)), ev, weak=True)
            elif method == "update":
                added = merge_all([*(ev.evaluate(a.value) for a in expr.args if a.keyword is None and a.star == ""),
                                   *ev.keyword_entries(expr)])
                self.bind(target, added, ev, weak=True)
            elif method == "setdefault" and len(expr.args) == 2:
                key = string_key(expr.args[0].value)
                value = ev.evaluate(expr.args[1].value)
                self.bind(target, ev.classify_key(key, expr, value) if key else value, ev, weak=True)

    def bind(self, target: cst.BaseExpression, value: Value, ev: Evaluator, *, weak: bool,
             source: cst.BaseExpression | None = None) -> None:
        if isinstance(target, cst.Name):
            ev.env.set(target.value, value, weak=weak)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element, part in zip(target.elements, unpacked(value, target.elements)):
                self.bind(element.value, part, ev, weak=weak)
        elif isinstance(target, cst.StarredElement):
            self.bind(target.value, value, ev, weak=weak)
        elif isinstance(target, cst.Subscript):
            # `traits["phone"] = profile.mobile` adds an entry to the dict `traits`.
            ev.evaluate(target.slice[0].slice.value if isinstance(target.slice[0].slice, cst.Index) else None)
            key = string_key(target.slice[0].slice) if len(target.slice) == 1 else None
            entry = ev.classify_key(key, target, value) if key is not None else value
            display = ev.display(target.value) if key is not None and source is not None else None
            self._add_to(target.value, entry, ev)
            if display is not None:  # `kwargs["flags"] = flags`: its keys are still known, one more
                added = cst.DictElement(cst.SimpleString(repr(key)), source)
                ev.keep_display(target.value, display.with_changes(elements=[*display.elements, added]))
        elif isinstance(target, cst.Attribute):
            self._bind_attribute(target, value, ev, source)

    def _bind_attribute(self, target: cst.Attribute, value: Value, ev: Evaluator,
                        source: cst.BaseExpression | None) -> None:
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
        elif current.ref and not current.local and source is not None:
            self._assigned_to_sdk(target, f"{current.ref}.{target.attr.value}", value, source, ev)

    def _assigned_to_sdk(self, target: cst.Attribute, path: str, value: Value, source: cst.BaseExpression,
                         ev: Evaluator) -> None:
        """`scope.user = {...}` sends like `scope.set_user({...})`: seen as that call, written where the
        value is (the finding and a fix point at the value)."""
        if any(s.attribute for s in self.options.catalogue.sinks.get(path, ())) and self.on_call is not None:
            self.on_call(cst.Call(func=target, args=[cst.Arg(source)]), Value(ref=path), [value], ev)

    def _add_to(self, container: cst.BaseExpression, entry: Value, ev: Evaluator) -> None:
        if isinstance(container, cst.Name):
            ev.env.set(container.value, entry, weak=True)
        elif isinstance(container, cst.Subscript):
            self._add_to(container.value, entry, ev)

    def _set_root(self, owner: cst.BaseExpression, value: Value, ev: Evaluator) -> None:
        if isinstance(owner, cst.Name):
            ev.env.set(owner.value, value)

    def compound(self, stmt: cst.CSTNode, ev: Evaluator) -> None:
        kind = _COMPOUND(stmt)
        if kind is cst.For:
            iterated, value_target = item_of(ev.evaluate(stmt.iter)), items_value_target(stmt)
            if value_target is not None:
                self.bind(stmt.target.elements[0].value, Value(params=iterated.params), ev, weak=True)
            self.bind(value_target or stmt.target, iterated, ev, weak=True)
        elif kind is cst.If:
            self.if_statement(stmt, ev)
            return
        elif kind is cst.While:
            ev.evaluate(stmt.test)
        elif kind is cst.With:
            for item in stmt.items:
                value = ev.evaluate(item.item)
                if item.asname is not None:
                    self.bind(item.asname.name, value, ev, weak=False)
        elif kind is cst.Match:
            ev.evaluate(stmt.subject)
        self.suites(stmt, ev)
        for child in clauses(stmt):
            clause = _CLAUSE(child)
            if clause is cst.If:  # `elif`: a test, then suites
                self.compound(child, ev)
            elif clause is not None:
                self.suites(child, ev)

    def if_statement(self, stmt: cst.If, ev: Evaluator) -> None:
        """A test, its block walked under what the test says of the function's parameters, and the `elif` or
        `else` under what its being false says."""
        ev.evaluate(stmt.test)
        depth = len(self.guards)
        self.guards += self._guards(stmt.test, True, ev)
        self.suites(stmt, ev)
        del self.guards[depth:]
        if stmt.orelse is not None:
            self.guards += self._guards(stmt.test, False, ev)
            if type(stmt.orelse) is cst.If:  # `elif`
                self.if_statement(stmt.orelse, ev)
            else:
                self.suites(stmt.orelse, ev)
            del self.guards[depth:]

    def _past(self, stmt: cst.If, ev: Evaluator) -> list[Guard]:
        """What holds after an `if` whose block always leaves (`if not user: return`): its test was false;
        or after one whose `else` always does."""
        if exits(stmt.body):
            return self._guards(stmt.test, False, ev)
        if type(stmt.orelse) is cst.Else and exits(stmt.orelse.body):
            return self._guards(stmt.test, True, ev)
        return []

    def _guards(self, test: cst.BaseExpression, positive: bool, ev: Evaluator) -> list[Guard]:
        """What `test` being true (`positive`) or false says of the current function's parameters that its
        callers pass, when the function never binds or changes them (the test reads what the caller passed)."""
        scope = self.current
        if scope is None:
            return []
        found = conditions(test, tested_params(scope.node, scope.method), positive)
        if not found:
            return []
        changed = changed_names(scope.node)
        return [Guard(p, holds, default_fails(scope.node, p, holds, ev)) for p, holds in found if p not in changed]

    def suites(self, part: cst.CSTNode, ev: Evaluator) -> None:
        """Walk the blocks directly under a compound statement or one of its clauses; names bound in a
        branch are merged with what they held before (the branch may not run)."""
        for suite in suites_of(part):
            self.block(statements(suite), ev, weak=True)


_STATEMENT = KindOf(cst.SimpleStatementLine, cst.SimpleStatementSuite, cst.FunctionDef, cst.ClassDef)
_SMALL = KindOf(cst.Import, cst.ImportFrom, cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Expr, cst.Return)
_COMPOUND = KindOf(cst.For, cst.If, cst.While, cst.With, cst.Match)
_CLAUSE = KindOf(cst.If, cst.Else, cst.ExceptHandler, cst.Finally, cst.MatchCase, cst.ExceptStarHandler)


def _params(params: cst.Parameters) -> list[str]:
    names = [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]
    for star in (params.star_arg, params.star_kwarg):
        if isinstance(star, cst.Param):
            names.append(star.name.value)
    return names
