"""Function summaries: what a project function's walk tells its callers.

While a function is walked, `record_flows` notes which parameter reached which sink and `record_return`
what personal data it returns and which parameters reach its return value (`FunctionFacts`), and, when
every `return` gives a tuple of the same length, the same for each element.  A function
whose parameter reaches a sink becomes a *derived sink* (`derived_sink`) with that parameter's role, so
calls to it are checked like calls to the SDK itself.  `Summary` is what the index keeps of it: no syntax-tree nodes, so that it can be cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import libcst as cst

from .catalogue import Bound, Param, ParamKind, Role, Sink
from .flow import Value, merge_all
from .flow.guards import Guard
from .flow.syntax import read_root
from .walk import FunctionScope

# Roles whose data is inspected as a payload; `**kwargs` reaching one makes every keyword a payload key.
PAYLOAD_ROLES = frozenset({Role.PROPERTIES, Role.TRAITS, Role.CONTEXT, Role.GROUP_TRAITS, Role.PII_KWARGS})


@dataclass(frozen=True)
class Flow:
    """A parameter of a project function that reaches a sink."""

    role: Role
    target: str      # the SDK call at the end of the chain, e.g. "Mixpanel track"
    via: str         # the chain of project functions below this one ("" when the sink is the SDK's)
    chain: tuple[str, ...] = ()  # their qualified names
    implies: str = ""  # a PII kind sent from whatever is passed (an attribute of it is read: `user.email`)
    why: str = ""      # which, for the explanation at the call
    category: str = ""  # a project sink's category kept up the chain (a host's tracking call)
    when: tuple[Guard, ...] = ()  # conditions on the function's parameters under which it reaches the sink


@dataclass(frozen=True)
class DerivedSink(Sink):
    """A project function as a sink, with the conditions its parameters reach the sink under: (parameter,
    parameter tested, what must hold of it, whether its default fails that), checked at each call
    (`flow.guards.unguarded`)."""

    conditions: tuple[tuple[str, str, str, bool], ...] = ()


@dataclass
class FunctionFacts:
    scope: FunctionScope
    module: str
    flows: dict[str, Flow] = field(default_factory=dict)
    returns: Value = field(default_factory=Value)
    passes: tuple[str, ...] = ()   # parameters reaching the return value (`return {**props, "k": v}`)
    # Per element of the tuple each `return` gives (its data and own parameters); None before the first
    # `return`, () once one gives something else, or a tuple of another length.
    elements: tuple[Value, ...] | None = None

    def key(self) -> tuple:
        """What callers see of this function; rounds stop when no key changes."""
        return (tuple(sorted((p, f.role.value, f.target, f.via, f.implies) for p, f in self.flows.items())),
                _data_key(self.returns), _wholes_key(self.returns), tuple(sorted(self.passes)),
                conditions(self.flows),
                tuple((_data_key(e), _wholes_key(e), tuple(sorted(e.params))) for e in self.elements or ()))


@dataclass(frozen=True)
class Summary:
    """What callers see of a project function, without syntax-tree nodes, so that it can be cached."""

    qualname: str
    module: str
    method: bool
    sink: DerivedSink | None   # the derived sink, when a parameter reaches one
    returns: Value         # personal data it returns (evidence without nodes)
    key: tuple
    passes: tuple[str, ...] = ()        # parameters reaching the return value
    params: tuple[Param, ...] = ()      # its signature as callers bind it, when some parameter passes

    @classmethod
    def of(cls, qualname: str, facts: FunctionFacts) -> "Summary":
        elements = tuple(_without_nodes(e).but(params=e.params) for e in facts.elements) \
            if facts.elements else None
        returns = _without_nodes(facts.returns).but(elements=elements)
        return cls(qualname, facts.module, facts.scope.method,
                   derived_sink(qualname, facts) if facts.flows else None, returns, facts.key(),
                   facts.passes, signature(facts) if facts.passes else ())

    def passed(self, args) -> list[Bound]:
        """Of the call arguments `(keyword, star, node)`, those reaching the return value, as bound."""
        bound = Sink(self.qualname, "", (), self.params).bind(args) if self.passes else None
        return [b for b in bound or () if b.param.name in self.passes]


def record_flows(facts: FunctionFacts, use, scope: FunctionScope) -> None:
    """After a sink call inside a function: which of its parameters reached which role."""
    kwargs = scope.node.params.star_kwarg
    kwargs_name = kwargs.name.value if isinstance(kwargs, cst.Param) else None
    target = use.sink.sdk if use.sink.via or use.sink.project else use.label
    via, chain = (use.sink.via, use.sink.chain) if use.sink.via else ("", ())
    category = use.sink.category if use.sink.project else ""
    for arg in use.args:
        # What an SDK reads from an object passed there (`request=request`) is read from this one too; a
        # project helper's reads are reported at its callers only, not again at every caller above them.
        passed = next((p for p in use.sink.params if p.name == arg.param), None) if not use.sink.project else None
        implies, why = (passed.implies, passed.why) if passed is not None else ("", "")
        for param in arg.value.params:
            role = arg.role
            if param == kwargs_name and role in PAYLOAD_ROLES:
                role = Role.PII_KWARGS
            reached = dict(use.sink.settings).get(arg.param, target) if role is Role.SETTING else target
            _reach(facts, param, Flow(role, reached, via, chain, implies, why, category), scope.guards)
        if not use.sink.project:  # read where it is sent, not again in every function above the reader
            _record_reads(facts, arg, scope, Flow(arg.role, target, via, chain))


def _record_reads(facts: FunctionFacts, arg, scope: FunctionScope, flow: Flow) -> None:
    """A parameter whose attribute reaches the sink as personal data (`user.email`): whatever a caller
    passes there is sent that way, so the call is checked as if it sent it."""
    name = scope.qualname.rsplit(".", 1)[-1]
    callers_pass = scope.params[1:] if scope.method else scope.params  # not `self`: no caller passes it
    for e in arg.value.pii:
        root = read_root(e.node)
        if root in callers_pass:
            _reach(facts, root, replace(flow, implies=e.kind.value, why=f"{name}() sends {e.what}"), scope.guards)


def _reach(facts: FunctionFacts, param: str, flow: Flow, guards: tuple[Guard, ...]) -> None:
    """`param` reaches a sink as `flow` says, under `guards`: the first flow found is kept, under the conditions
    common to every place it reaches one (a place under none makes it reach unconditionally)."""
    found = facts.flows.get(param)
    if found is None:
        facts.flows[param] = replace(flow, when=guards)
    elif found.when:
        facts.flows[param] = replace(found, when=tuple(g for g in found.when if g in guards))


def conditions(flows: dict[str, Flow]) -> tuple[tuple[str, str, str, bool], ...]:
    """`DerivedSink.conditions`: each parameter reaching a sink only under conditions, with each condition."""
    return tuple(sorted((p, g.param, g.holds, g.default_fails) for p, f in flows.items() for g in f.when))


def record_return(facts: FunctionFacts, value: Value) -> None:
    own = {p.name for p in signature(facts)} if value.params or value.elements else set()
    if value.params:  # its own parameters only, not those of an enclosing function it reads
        facts.passes = tuple(dict.fromkeys(facts.passes + tuple(p for p in value.params if p in own)))
    if value.tainted:
        facts.returns = merge_all([facts.returns, Value(pii=value.pii, wholes=value.wholes)]) \
            if facts.returns.tainted else Value(pii=value.pii, wholes=value.wholes)
    # Each element keeps its data and the parameters reaching it; tuples of two lengths, or a `return`
    # giving anything else, leave callers the merged value.
    elements = tuple(Value(pii=e.pii, wholes=e.wholes, params=tuple(p for p in e.params if p in own))
                     for e in value.elements or ())
    if facts.elements is None:
        facts.elements = elements
    elif len(facts.elements) == len(elements):
        facts.elements = tuple(a.merge(b) for a, b in zip(facts.elements, elements))
    else:
        facts.elements = ()


def _without_nodes(value: Value) -> Value:
    """The data of `value` for a summary: evidence without syntax-tree nodes, which cannot be cached."""
    return Value(pii=tuple(replace(e, node=None) for e in value.pii),
                 wholes=tuple(replace(w, node=None) for w in value.wholes))


def _data_key(value: Value) -> tuple:
    return tuple(sorted((e.kind.value, e.what) for e in value.pii))


def _wholes_key(value: Value) -> tuple:
    return tuple(sorted(w.what for w in value.wholes))


def signature(facts: FunctionFacts) -> tuple[Param, ...]:
    """The function's parameters as callers bind them (without `self`), each with the role it reaches."""
    node = facts.scope.node.params
    params: list[Param] = []

    def add(p: cst.Param, kind: ParamKind) -> None:
        flow = facts.flows.get(p.name.value)
        params.append(Param(p.name.value, flow.role if flow else None, kind,
                            required=p.default is None and kind in (ParamKind.POSITIONAL, ParamKind.KEYWORD_ONLY,
                                                                    ParamKind.POSITIONAL_ONLY),
                            implies=flow.implies if flow else "", why=flow.why if flow else ""))

    positional = [*node.posonly_params, *node.params]
    if facts.scope.method:
        positional = positional[1:]
    for p in positional:
        add(p, ParamKind.POSITIONAL_ONLY if p in node.posonly_params else ParamKind.POSITIONAL)
    if isinstance(node.star_arg, cst.Param):
        add(node.star_arg, ParamKind.VAR_POSITIONAL)
    for p in node.kwonly_params:
        add(p, ParamKind.KEYWORD_ONLY)
    if isinstance(node.star_kwarg, cst.Param):
        add(node.star_kwarg, ParamKind.VAR_KEYWORD)
    return tuple(params)


def derived_sink(qualname: str, facts: FunctionFacts) -> DerivedSink:
    params = signature(facts)
    parts = qualname.split(".")
    shown = ".".join(parts[1:]) if len(parts) > 2 else qualname  # without the top-level package
    # Name the parameters that carry data (an event name or user id alone is shown only if that is all).
    carrying = [p for p in params if p.role and p.role not in (Role.EVENT, Role.USER_ID)] or \
        [p for p in params if p.role]
    spec = ", ".join(("**" if p.kind is ParamKind.VAR_KEYWORD else "") + p.name for p in carrying)
    # Named after the data it sends: a setting it also forwards is not its vendor.
    first = next((f for f in facts.flows.values() if f.role is not Role.SETTING), next(iter(facts.flows.values())))
    via = f"{shown}({spec})" + (f" -> {first.via}" if first.via else "")
    settings = tuple((p, f.target) for p, f in facts.flows.items() if f.role is Role.SETTING)
    return DerivedSink(id=qualname, sdk=first.target, calls=(qualname,), params=tuple(params), project=True,
                       via=via, chain=(qualname, *first.chain), settings=settings, category=first.category,
                       conditions=conditions(facts.flows))
