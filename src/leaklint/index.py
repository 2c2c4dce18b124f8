"""The project index: what each module binds, and which project functions lead to SDK sinks.

Real applications create one SDK client in `telemetry.py`, import it everywhere and wrap it in helpers.
The index walks the modules that can matter (those naming an SDK, and then those naming a module
already known to matter), records per module the names it binds (`mp = Mixpanel(...)`, re-exports),
and per function which parameter reaches which sink and what it returns (`summaries`).  A function whose
parameter reaches a sink becomes a *derived sink* with that parameter's role, so calls to it are checked
like calls to the SDK itself; rounds repeat until nothing changes (wrappers of wrappers), up to a bound.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

import libcst as cst

from .catalogue import Catalogue
from .flow import Value, merge_all
from .index_names import ModuleFacts, NameLookup
from .index_order import walk_order
from .index_replay import Replay, Walked
from .prefilter import owner
from .reads import NotedSinks, Question, asked, recording
from .rules.host_wrapper import HOST
from .rules.unreadable import internal_error
from .summaries import FunctionFacts, Summary, record_flows, record_return

# Rounds of the index (reported when a project needs more).  One job settles most chains in a round, walking
# callees first; with several jobs a chain crossing shares moves one link per round (weblate, two jobs:
# 7 to 8 rounds), so the bound leaves room above what real applications take.
MAX_ROUNDS = 12


class ProjectIndex(NameLookup):
    """Answers `flow.ProjectView` questions from the facts of the last round."""

    def __init__(self) -> None:
        self.modules: dict[str, ModuleFacts] = {}
        self.functions: dict[str, Summary] = {}
        self.classes: set[str] = set()
        self.rounds = 0
        self.walks = 0    # modules walked by this process (to show what skipping unchanged ones saves)
        # `method_returns`: per method name, the tainted returns of the methods of that name (None: worked out
        # again when next asked), and their merge per name asked about
        self._methods: dict[str, dict[str, Value]] | None = None
        self._merged: dict[str, Value | None] = {}

    # -- ProjectView (`lookup` and `attribute_named` in index_names.NameLookup) -------------
    # Each question a walk asks is noted with its answer (`reads.asked`), to tell in a later round whether
    # the module needs walking again.
    @asked
    def is_class(self, ref: str) -> bool:
        return ref in self.classes

    @asked
    def returns(self, ref: str) -> Value | None:
        facts = self.functions.get(ref)
        return facts.returns if facts is not None else None

    def passed(self, ref: str, args: list) -> list | None:
        """Of a call's arguments `(keyword, star, node)`, those reaching the function's return value (as
        bound); [] when the function was walked and returns none of its parameters, None when unknown."""
        facts = self.passing(ref)
        if isinstance(facts, Summary):
            return facts.passed(args)
        return [] if facts else None

    @asked
    def passing(self, ref: str) -> Summary | bool:
        """The summary of the function `ref` when there is one, else whether it was walked."""
        facts = self.functions.get(ref)
        if facts is not None:
            return facts
        walked = ref.rpartition(".")[0] in self.modules and ref not in self.classes
        return walked and self.looked_up(ref) is not None

    @asked
    def method_returns(self, name: str) -> Value | None:
        # By name, not in the index's order, which depends on how the modules were shared out between
        # processes (and the order of evidence shows in the explanation).
        if name in self._merged:   # merged once per name until a method of that name changes
            return self._merged[name]
        if self._methods is None:  # one pass over the functions, not one per method call evaluated
            self._methods = {}
            for f in self.functions.values():
                self._method_put(f.qualname, f)
        found = self._methods.get(name)
        merged = self._merged[name] = merge_all(returns for _, returns in sorted(found.items())) if found else None
        return merged

    def _method_put(self, qualname: str, summary: Summary | None) -> None:
        """A method's summary (None: gone) into `_methods`; a method changing during a walk (its module's
        other functions are shown to the rest of the walk as each is done) is not a pass over them all."""
        name = qualname.rsplit(".", 1)[-1]
        self._merged.pop(name, None)
        if summary is not None and summary.method and summary.returns.tainted:
            self._methods.setdefault(name, {})[qualname] = summary.returns
        elif name in self._methods:
            self._methods[name].pop(qualname, None)

    def forget_methods(self) -> None:
        """`method_returns` worked out again when next asked (other processes' facts were merged in)."""
        self._methods, self._merged = None, {}

    def still_answers(self, questions: dict[Question, object], catalogue: Catalogue) -> bool:
        """Whether the index (and the round's `catalogue` of derived sinks) answers each of a walk's
        `questions` as it did then."""
        for (kind, name), answer in questions.items():
            if kind == "sinks":
                now = tuple(dict.get(catalogue.sinks, name) or ())
            elif kind == "instance_class":
                now = catalogue.instance_class(name)
            elif kind == "root":   # (a derived sink's root counts: see `rules.host_wrapper`)
                now = name in catalogue.roots
            else:
                now = getattr(self, kind)(name)
            if now != answer:
                return False
        return True

    # -- building ------------------------------------------------------------------------
    def derived_sinks(self, base: Catalogue) -> Catalogue:
        """`base` plus one sink per project function whose parameters reach a sink."""
        cat = base.copy()
        cat.sinks = NotedSinks(cat.sinks)   # a derived sink looked up is a read of the project
        for summary in self.functions.values():
            if summary.sink is not None:
                cat.add_sink(summary.sink)
        return cat

    def replace_functions(self, module: str, fresh: dict[str, FunctionFacts], catalogue: Catalogue) -> None:
        """Swap in a module's new function facts, and its derived sinks in the round's catalogue."""
        for qualname in [q for q, f in self.functions.items() if f.module == module and q not in fresh]:
            self.put_function(qualname, None, catalogue)
        for qualname, facts in fresh.items():
            self.put_function(qualname, facts, catalogue)

    def put_function(self, qualname: str, facts: FunctionFacts | None, catalogue: Catalogue) -> None:
        """One function's facts (None: nothing to tell), and its derived sink in the round's catalogue."""
        before = self.functions.pop(qualname, None)
        if facts is None and before is None:
            return  # (a sink the configuration declares under this name stays)
        catalogue.sinks.pop(qualname, None)
        summary = None
        if facts is not None and (facts.flows or facts.returns.tainted or facts.passes):
            summary = self.functions[qualname] = Summary.of(qualname, facts)
            if summary.sink is not None:
                catalogue.add_sink(summary.sink)
        if summary != before:
            self.changed(qualname)
            if (summary or before).method and self._methods is not None:
                self._method_put(qualname, summary)

    def interesting(self, leads_to_sink: Callable[[str], bool]) -> set[str]:
        """Module names through which a caller can reach a sink (see `leads`)."""
        return set(self.leads(leads_to_sink))

    def leads(self, leads_to_sink: Callable[[str], bool]) -> dict[str, set[str]]:
        """Per module through which a caller can reach a sink, the names it binds that do: SDK objects that
        lead to a sink (`leads_to_sink`: not an SDK's exception class or constant), project sinks (a class
        for its methods), and re-exports of these (or of the module or class holding one).
        A name reached only through one of its members is given with that member (`Component.do_update`):
        a file importing `Component` can only reach the wrapper method by naming it (see `LeadPrefilter`)."""
        leads = self._sdk_leads(leads_to_sink)   # qualified name a caller can reach a sink through -> its module
        for summary in self.functions.values():
            # A helper that only returns personal data is not a lead; nor a wrapper of a wrapper of a host's
            # tracking call: a plugin imports such helpers' module nearly everywhere, and following each level
            # to its importers would parse most of the plugin (callers in modules analysed anyway are checked).
            if summary.sink is not None and not (summary.sink.category == HOST and len(summary.sink.chain) > 1):
                leads[summary.qualname] = summary.module
        return _by_module(_with_re_exports(leads, self.modules))

    def _sdk_leads(self, leads_to_sink: Callable[[str], bool]) -> dict[str, str]:
        """SDK objects the modules bind (on their classes too), and their classes extending an SDK class."""
        leads: dict[str, str] = {}
        for name, module in self.modules.items():
            for bound, v in module.names.items():
                if v.ref and not v.local and leads_to_sink(v.ref):
                    leads[f"{name}.{bound}"] = name
            for cls, bases in module.bases.items():
                if any(leads_to_sink(b) for b in bases):
                    leads[f"{name}.{cls}"] = name
        return leads


def _by_module(leads: dict[str, str]) -> dict[str, set[str]]:
    """Per module, the names its leads are reached through: `track` for a lead the module binds itself,
    `Tracker.client` for one reached through a member of what it binds."""
    out: dict[str, set[str]] = {}
    for qualname, module in leads.items():
        out.setdefault(module, set()).add(".".join(qualname[len(module) + 1:].split(".", 2)[:2]))
    return out


def _with_re_exports(leads: dict[str, str], modules: dict[str, ModuleFacts]) -> dict[str, str]:
    """`leads` (qualified name -> its module) and the names re-exporting one, or what holds one: its module
    and the classes between (`from app import telemetry`, then `telemetry.mp`; `from app.tel import Tracker`,
    then `Tracker().client`), and re-exports of these.  Not the packages above a lead's module: `import
    app.views` binds `app` without re-exporting anything.  Each pass looks again only at the names bound to
    what the pass before added: the others would add what they added then."""
    bound_to: dict[str, list[tuple[str, str]]] = {}   # a project name -> (a name bound to it, that one's module)
    for name, module in modules.items():
        for bound, v in module.names.items():
            if v.local and v.ref:
                bound_to.setdefault(v.ref, []).append((f"{name}.{bound}", name))
    within: dict[str, list[str]] = {}   # a name -> the names bound to that are it or inside it
    for ref in bound_to:
        prefix = ref
        while prefix:
            within.setdefault(prefix, []).append(ref)
            prefix = prefix.rpartition(".")[0]
    under: dict[str, set[str]] = {}   # holder -> the rest of the paths of the leads it holds
    fresh, refs = dict(leads), list(bound_to)
    while fresh:
        for q, module in fresh.items():
            for prefix in _prefixes_from(q, module):
                under.setdefault(prefix, set()).add(q[len(prefix):])
        added: dict[str, str] = {}
        direct: set[str] = set()
        for ref in refs:
            inside = owner(ref, leads)
            for there, name in bound_to[ref]:
                if there in leads:
                    continue
                if inside:
                    added[there] = name
                    direct.add(there)
                else:   # a re-export of a holder holds what it holds, by the same member
                    # (only the first: it is all a file must name, and a cycle of re-exports stays finite)
                    members = {f"{there}.{rest[1:].split('.', 1)[0]}" for rest in under.get(ref, ())}
                    for member in members - leads.keys() - direct:
                        _hold(added, member, name)
        leads.update(added)
        fresh = added
        refs = sorted({r for q in added for r in within.get(q, ())}
                      | {p for q, module in added.items() for p in _prefixes_from(q, module) if p in bound_to})
    return leads


def _hold(added: dict[str, str], member: str, module: str) -> None:
    """A name reached through re-exports in two modules in one pass is held by the first by name (and a name a
    module binds itself by that module): which route a pass takes first must not decide it."""
    if member not in added or module < added[member]:
        added[member] = module


def _prefixes_from(qualname: str, module: str) -> list[str]:
    """`module` and the names between it and `qualname` (`a.m.C.f` in `a.m`: `a.m`, `a.m.C`)."""
    out = [module]
    rest = qualname[len(module) + 1:].split(".")[:-1] if qualname.startswith(module + ".") else []
    for part in rest:
        out.append(f"{out[-1]}.{part}")
    return out


def run_round(checker, index: ProjectIndex, sources: list, reports: dict, at=None,
              seen: dict[str, dict] | None = None, order: dict | None = None,
              functions: dict[str, Walked] | None = None) -> bool:
    """Walk every relevant module, callees first, updating the index as each module is done;
    True when the index changed.  Walking each module after those it imports and those that answered it
    last time (`index_order`) lets most chains settle in one round.  `at(source)` is told which module is
    being walked.  `seen` keeps, per module, the questions its last walk asked the index and their answers
    (`reads`): a module the index still answers alike is not walked again (its walk would give the same
    facts and reports).  `order` keeps the walk order's edges from one round to the next.  `functions`
    keeps what each function's last walk did: a module walked again replays those still answered alike
    (`index_replay`)."""
    before = _key(index)
    options = _walk_options(checker, index)
    catalogue = options.catalogue
    for source in walk_order(sources, seen, index, order):
        if seen is not None and source.display in seen and index.still_answers(seen[source.display], catalogue):
            continue
        if at is not None:
            at(source)
        index.walks += 1
        _walk(checker, index, source, reports, options, seen, functions)
    index.rounds += 1
    return _key(index) != before


def walk_again(checker, index: ProjectIndex, source, reports: dict) -> None:
    """Walk one module once more against `index` as it is (its reports anew), not counted as a round's walk."""
    _walk(checker, index, source, reports, _walk_options(checker, index), None, None)


def _walk_options(checker, index: ProjectIndex):
    """The options walks against `index` run with, from now on: its derived sinks, and its look-ups of
    attributes and methods forgotten (other processes' facts may have been merged in since the last walk)."""
    index.forget_attributes()
    index.forget_methods()
    return replace(checker.options, catalogue=index.derived_sinks(checker.options.catalogue), project=index)


def _walk(checker, index: ProjectIndex, source, reports: dict, options, seen: dict | None,
          functions: dict | None) -> None:
    """Walk one module, its facts into `index` as each part is done, its reports into `reports`."""
    catalogue = options.catalogue
    fresh: dict[str, FunctionFacts] = {}

    def facts_for(scope, fresh=fresh, module=source.info.name) -> FunctionFacts:
        return fresh.setdefault(scope.qualname, FunctionFacts(scope, module))

    # Its classes are known from its syntax (`add_classes`); a caller that parsed it has told them already.
    classes = frozenset(classes_of(source.module, source.info.name)) if source.info.name else frozenset()
    add_classes(index, classes)

    def done(walker, scope, fresh=fresh, source=source, classes=classes) -> None:
        # What the module's walk found so far, shown to the rest of it: its names after its statements,
        # each function's summary once it is walked.
        if scope is None:
            _add_module_names(checker, index, source, walker, classes)
        else:
            index.put_function(scope.qualname, fresh.get(scope.qualname), catalogue)

    replay = Replay(source, functions, lambda questions: index.still_answers(questions, catalogue))
    hooks = replay.hooks(lambda use, scope, facts_for=facts_for: record_flows(facts_for(scope), use, scope),
                         lambda scope, value, facts_for=facts_for: record_return(facts_for(scope), value))
    with recording() as noted:
        file_reports, walker = checker.walk(source, options, on_sink=hooks[0], on_return=hooks[1],
                                            on_done=done if source.info.name else None, around=replay.around)
    if seen is not None:
        seen[source.display] = noted
    replay.keep(walker)
    reports[source.display] = file_reports
    name = source.info.name
    if name and walker is not None:
        try:
            _add_module_names(checker, index, source, walker, classes)
            index.replace_functions(name, fresh, catalogue)
        except Exception as err:  # noqa: BLE001 - one module's summary failing must not lose the run
            source.error = internal_error(source.display, err)


def _add_module_names(checker, index: ProjectIndex, source, walker, classes: frozenset[str]) -> None:
    """What a walked module binds, for the index: its names, and its `classes` (told to the index before
    its walk)."""
    name = source.info.name
    before = index.modules.get(name)
    facts = index.modules[name] = ModuleFacts.of(name, {**walker.module_env.names, **walker.members},
                                                 classes, checker.sdk_roots, walker.bases, frozenset(walker.properties))
    if facts != before:
        index.changed(name)
    if before is None or before.members != facts.members:
        index.forget_attributes()


def add_classes(index: ProjectIndex, classes) -> None:
    """Tell the index classes known from a module's syntax, before any walk.  Told only as each defining
    module was walked, a module walked earlier (in a cycle, or in another process's share) would read
    `UsernameField(...)` as a helper's call and `self.username` as a person's name, and a cycle of
    by-name look-ups could keep that stale evidence alive: the findings would depend on the walk order."""
    new = set(classes) - index.classes
    if new:   # (a look-up that asks whether `C` is a class has read the name `C`: see `NameLookup._follow`)
        index.changed(*new)
        index.classes |= new


def summary_key(index: ProjectIndex, module: str) -> tuple:
    """What other modules see of `module`: its bindings and its functions' summaries."""
    facts = index.modules.get(module)
    names = facts.names_key() if facts else ()
    classes = (tuple(sorted(facts.classes)), tuple(sorted(facts.bases.items())),
               tuple(sorted(facts.properties))) if facts else ()
    return names, classes, tuple(sorted((q, f.key) for q, f in index.functions.items() if f.module == module))


def _key(index: ProjectIndex) -> tuple:
    functions = tuple(sorted((q, f.key) for q, f in index.functions.items()))
    names = tuple(sorted((m, facts.names_key()) for m, facts in index.modules.items()))
    bases = tuple(sorted((m, c, refs) for m, facts in index.modules.items() for c, refs in facts.bases.items()))
    return functions, names, bases


def classes_of(module: cst.Module, prefix: str) -> list[str]:
    """The classes a module defines, nested ones too, by qualified name (`prefix.C`, `prefix.C.Inner`)."""
    out = []
    stack: list[tuple[str, cst.CSTNode]] = [(prefix, module)]
    while stack:
        name, node = stack.pop()
        body = node.body if isinstance(node, cst.Module) else node.body.body
        for stmt in body:
            if isinstance(stmt, cst.ClassDef):
                qual = f"{name}.{stmt.name.value}"
                out.append(qual)
                if isinstance(stmt.body, cst.IndentedBlock):
                    stack.append((qual, stmt))
    return out
