"""Checking a project: every file the index needs, then findings for the files asked about.

Checking one file (as pre-commit does) still indexes the project it belongs to, so that a helper or
client defined elsewhere is known; only the asked-for files are reported.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import libcst as cst

from .discover import discover
from .engine import Checker, Source, needle_pattern
from .findings import Finding
from .index import MAX_ROUNDS, FunctionFacts, ModuleFacts, ProjectIndex, record_flows, record_return
from .resolve import Imports, module_info
from .rules import Report


class Project:
    def __init__(self, checker: Checker, sources: list[Source], wanted: set[str] | None = None):
        self.checker = checker
        self.sources = sources
        self.wanted = wanted if wanted is not None else {s.display for s in sources}
        self.index = ProjectIndex()
        self.reports: dict[str, list[Report]] = {}
        self.notes: list[str] = []
        self.timings: Counter[str] = Counter()   # seconds per phase: parse, index, report

    @classmethod
    def from_files(cls, checker: Checker, root: Path | None, files: list[tuple[Path, str]],
                   data: dict[Path, bytes] | None = None) -> "Project":
        """The asked-for `files` (path, display) plus every other Python file under `root`; `data` holds
        the content of files given on stdin (by absolute path) instead of what is on disk."""
        data = data or {}
        wanted = {display for _, display in files}
        known = {path.resolve() for path, _ in files}
        extra: list[tuple[Path, str]] = []
        if root is not None:
            extra = [(p, str(p)) for p in discover([root], checker.settings).files if p.resolve() not in known]
        start = time.perf_counter()
        sources = [checker.read(path, display, module_info(path, root), data.get(path.absolute()))
                   for path, display in [*files, *extra]]
        project = cls(checker, sources, wanted)
        project.timings["read"] += time.perf_counter() - start
        return project

    def findings(self) -> list[Finding]:
        self.build()
        start = time.perf_counter()
        out: list[Finding] = []
        for source in self.sources:
            if source.display in self.wanted:
                out.extend(self.checker.findings(source, self.reports.get(source.display, [])))
        self.timings["report"] += time.perf_counter() - start
        return out

    def build(self) -> None:
        """Grow the set of modules that can matter, then run rounds until the index is stable."""
        needles = set(self.checker.needles)
        pattern = self.checker.needle_re
        relevant: dict[str, Source] = {}
        while True:
            added = [s for s in self.sources if s.display not in relevant and s.error is None
                     and self.checker.relevant(s.text, pattern)]
            start = time.perf_counter()
            for source in added:
                self.checker.parse(source)
                if source.module is not None:
                    relevant[source.display] = source
            self.timings["parse"] += time.perf_counter() - start
            # Only the new modules: they import the earlier ones, whose facts are already in the index.
            self.run_round([s for s in added if s.module is not None])
            new = {name.rsplit(".", 1)[-1] for name in self.index.interesting()} - needles
            if not new:
                break
            needles |= new
            pattern = needle_pattern(new)  # only files that name a newly interesting module can be added
        # One level of the relevant modules' own imports (models, utils): their helpers' return values
        # can carry personal data into a sink call even though they name no SDK themselves.
        by_name = {s.info.name: s for s in self.sources if s.info.name and s.error is None}
        imported = {name for source in relevant.values() for name in _local_imports(source, by_name)}
        for name in sorted(imported):
            source = by_name[name]
            if source.display not in relevant:
                self.checker.parse(source)
                if source.module is not None:
                    relevant[source.display] = source
        for _ in range(MAX_ROUNDS):
            if not self.run_round(list(relevant.values())):
                return
        self.notes.append(f"project index: wrapper chains deeper than {MAX_ROUNDS} calls were not followed further")

    def run_round(self, sources: list[Source]) -> bool:
        """Walk every relevant module, callees first, updating the index as each module is done;
        True when the index changed.  Walking in import order lets most chains settle in one round."""
        start = time.perf_counter()
        before = _key(self.index)
        index = self.index
        catalogue = index.derived_sinks(self.checker.options.catalogue)
        options = replace(self.checker.options, catalogue=catalogue, project=index)
        for source in _import_order(sources, self.checker):
            fresh: dict[str, FunctionFacts] = {}

            def facts_for(scope, fresh=fresh, module=source.info.name) -> FunctionFacts:
                return fresh.setdefault(scope.qualname, FunctionFacts(scope, module))

            reports, walker = self.checker.walk(
                source, options,
                on_sink=lambda use, scope: record_flows(facts_for(scope), use, scope),
                on_return=lambda scope, value: record_return(facts_for(scope), value))
            self.reports[source.display] = reports
            name = source.info.name
            if name:
                module_classes = frozenset(_classes(source.module, name))
                index.classes |= module_classes
                index.modules[name] = ModuleFacts(name, dict(walker.module_env.names), module_classes)
                index.replace_functions(name, fresh, catalogue)
        index.rounds += 1
        self.timings["index"] += time.perf_counter() - start
        return _key(index) != before


def _import_order(sources: list[Source], checker: Checker) -> list[Source]:
    """Modules ordered so that a module comes after the project modules it imports (cycles: any order)."""
    by_name = {s.info.name: s for s in sources if s.info.name}
    deps = {name: sorted(_local_imports(source, by_name)) for name, source in by_name.items()}
    ordered: list[Source] = []
    state: dict[str, int] = {}

    def visit(name: str) -> None:
        stack = [(name, iter(deps[name]))]
        state[name] = 1
        while stack:
            current, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                state[current] = 2
                ordered.append(by_name[current])
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(deps[child])))

    for name in sorted(by_name):
        if name not in state:
            visit(name)
    return ordered + sorted((s for s in sources if not s.info.name), key=lambda s: s.display)


def _local_imports(source: Source, modules: dict[str, Source]) -> set[str]:
    """The project modules (keys of `modules`) a module imports at its top level."""
    imports = Imports(source.info)
    found = set()
    for stmt in source.module.body:
        for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
            if isinstance(small, (cst.Import, cst.ImportFrom)):
                for binding in imports.bindings(small):
                    target = binding.target
                    while target and target not in modules:
                        target = target.rpartition(".")[0]
                    if target and target != source.info.name:
                        found.add(target)
    return found


def _key(index: ProjectIndex) -> tuple:
    functions = tuple(sorted((q, f.key()) for q, f in index.functions.items()))
    names = tuple(sorted((m, n, v.ref or "", v.local) for m, facts in index.modules.items()
                         for n, v in facts.names.items() if v.ref))
    return functions, names


def _classes(module: cst.Module, prefix: str) -> list[str]:
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
