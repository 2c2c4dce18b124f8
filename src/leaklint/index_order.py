"""In which order a round walks the modules: each after the modules it takes facts from.

A module's walk reads facts of other modules: those it imports, and, once it has been walked, those that
answered what it asked the index (`reads`): a function's return, a name's binding, or, by name alone, the
methods and attributes of that name in any class.  Walking providers first lets a change travel down a
chain within one round instead of one link per round; the rounds still run until nothing changes, so the
order decides only how many walks that takes, not what they find.  Modules in a cycle: any order.
"""

from __future__ import annotations

import libcst as cst

from .prefilter import owner
from .resolve import Imports


def walk_order(sources: list, seen: dict[str, dict] | None = None, index=None, memo: dict | None = None) -> list:
    """`sources` ordered so that a module comes after the project modules it imports and, when its last
    walk is in `seen`, after those that answered that walk's questions.  `memo` keeps each module's edges
    from one round to the next (it holds syntax trees: it stays in the process that walks them)."""
    by_name = {s.info.name: s for s in sources if s.info.name}
    known = by_name.keys() | (index.modules.keys() if index is not None else set())
    memo = {} if memo is None else memo
    providers = None
    deps: dict[str, list[str]] = {}
    for name, source in by_name.items():
        asked = seen.get(source.display) if seen else None
        kept = memo.get(source.display)
        # Kept while the module's syntax and its last walk's questions are the same objects: the order
        # only decides how soon a change travels, so edges a little out of date cost walks, not findings.
        if kept is None or kept[0] is not source.module or kept[1] is not asked:
            found = local_imports(source, known)
            if asked:
                providers = providers or _Providers(index, known)
                for question in asked:
                    found |= providers(question)
            found.discard(name)
            kept = memo[source.display] = (source.module, asked, sorted(found))
        deps[name] = [d for d in kept[2] if d in by_name]
    return _depth_first(by_name, deps) + sorted((s for s in sources if not s.info.name), key=lambda s: s.display)


def _depth_first(by_name: dict, deps: dict[str, list[str]]) -> list:
    ordered: list = []
    state: set[str] = set()
    for root in sorted(by_name):
        if root in state:
            continue
        state.add(root)
        stack = [(root, iter(deps[root]))]
        while stack:
            current, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                ordered.append(by_name[current])
            elif child not in state:
                state.add(child)
                stack.append((child, iter(deps[child])))
    return ordered


class _Providers:
    """The modules (of those known) whose facts answer a question."""

    BY_NAME = frozenset({"method_returns", "attribute_named"})

    def __init__(self, index, modules) -> None:
        self.modules = modules
        self.named: dict[str, dict[str, set[str]]] = {"method_returns": {}, "attribute_named": {}}
        for summary in index.functions.values():
            if summary.method and summary.module in modules:
                self.named["method_returns"].setdefault(summary.qualname.rpartition(".")[2], set()).add(summary.module)
        for facts in index.modules.values():
            if facts.name in modules:
                for bound in facts.names:
                    self.named["attribute_named"].setdefault(bound.rpartition(".")[2], set()).add(facts.name)
        self.owners: dict[str, set[str]] = {}

    def __call__(self, question: tuple[str, str]) -> set[str]:
        kind, name = question
        if kind in self.BY_NAME:
            return self.named[kind].get(name, set())
        found = self.owners.get(name)
        if found is None:
            module = owner(name, self.modules)
            found = self.owners[name] = {module} if module else set()
        return found


def local_imports(source, modules) -> set[str]:
    """The project modules (of the names `modules` holds) a module imports at its top level."""
    imports = Imports(source.info)
    found = set()
    for stmt in source.module.body:
        for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
            if isinstance(small, (cst.Import, cst.ImportFrom)):
                for binding in imports.bindings(small):
                    target = owner(binding.target, modules)
                    if target and target != source.info.name:
                        found.add(target)
    return found
