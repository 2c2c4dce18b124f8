"""One process's share of the files that matter: parsed once, walked each round, turned into findings.

With `--jobs`, this process and each worker process hold one (see `parallel`); with one job the only share
is this process's.  What a share learns of the index and gives back of it are the modules' facts: no
syntax tree crosses between processes.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass

from .engine import Checker, Source, internal_error
from .findings import Finding
from .lite import LiteModule


@dataclass
class Parsed:
    """What the project learns of a file a share parsed."""

    display: str
    error: Finding | None
    imports: frozenset[str]   # project modules it imports (to follow one level of helpers)
    digest: str
    classes: frozenset[str] = frozenset()   # the classes it defines (`index.add_classes`)


class Share:
    """The files one process owns: parsed once, walked each round, turned into findings at the end."""

    def __init__(self, checker: Checker, at=None):
        self.checker = checker
        self.sources: dict[str, Source] = {}
        self.reports: dict[str, list] = {}
        # what each module's last walk read of the index (`reads`); the reference path walks every module
        # in every round (`LEAKLINT_EXHAUSTIVE=1`, to compare with)
        self.seen: dict[str, dict] | None = None if os.environ.get("LEAKLINT_EXHAUSTIVE") == "1" else {}
        self.at = at or (lambda position: None)   # which file of a command is being worked on
        self.order: dict[str, tuple] = {}   # the walk order's edges per module (`index_order.walk_order`)
        # what each function's last walk did, replayed when its module is walked again (`index_replay`)
        self.functions: dict | None = None if self.seen is None else {}
        self.index = None   # in a worker: the index, kept from round to round (see `catch_up`)
        self.walked: set[str] = set()   # the modules the last round walked

    def parse(self, sources: list[Source], modules: frozenset[str]) -> list[Parsed]:
        """Parse `sources`, as lite trees (`lite`): libcst's only for those that report (`findings`)."""
        from .index import classes_of
        from .index_order import local_imports

        out = []
        for position, source in enumerate(sources):
            self.at(position)
            imports: set[str] = set()
            classes: frozenset[str] = frozenset()
            try:
                self.checker.parse(source, lite=True)
                if source.module is not None:
                    imports = local_imports(source, modules)
                    if source.info.name:
                        classes = frozenset(classes_of(source.module, source.info.name))
            except Exception as err:  # noqa: BLE001 - one file's failure is its finding, not the run's
                source.error, source.module = internal_error(source.display, err), None
            self.sources[source.display] = source
            out.append(Parsed(source.display, source.error, frozenset(imports), source.digest, classes))
        return out

    def round(self, index, only: frozenset[str] | None = None, facts: bool = True) -> dict | None:
        """Walk this share's modules (or the `only` ones) against `index`, updating it; their facts for
        another process's index (this process's share updates that index itself)."""
        from .index import run_round

        self.index = index
        sources = [s for s in self.sources.values() if s.module is not None and (only is None or s.display in only)]
        positions = {display: i for i, display in enumerate(self.sources)}
        self.walked = set()

        def at(source) -> None:
            self.walked.add(source.info.name)
            self.at(positions[source.display])

        run_round(self.checker, index, sources, self.reports, at, self.seen, self.order, self.functions)
        self.walked.discard("")
        # (a module not walked has the facts the other processes already took)
        return module_facts(index, self.walked) if facts else None

    def catch_up(self, update: tuple) -> object:
        """In a worker, before a round: the whole index the first time, then the facts of the modules walked
        elsewhere since its last round (pickling the whole index for every round cost more than the walks of
        a late round)."""
        kind, data = update
        if kind == "index":
            self.index = pickle.loads(data)
        else:
            merge(self.index, data)
        return self.index

    def findings(self, wanted: frozenset[str]) -> dict[str, list[Finding]]:
        """Findings as plain data (fixes included), which cross back to the main process as they are."""
        out = {}
        for position, (display, source) in enumerate(self.sources.items()):
            if display in wanted:
                self.at(position)
                reports = self.reports.get(display, [])
                if reports and isinstance(source.module, LiteModule):
                    out[display] = self._on_libcst_tree(source, reports)
                else:
                    out[display] = self.checker.findings(source, reports)
        return out

    def _on_libcst_tree(self, source: Source, reports: list) -> list[Finding]:
        """The findings of a module walked on a lite tree: made on libcst's tree of the statements its
        reports are in (`lite_partial`), its reports pointed at the same places of that tree (the two trees
        have the same shape, `lite.twins`).  The lite tree stays the one walked (the partial tree is not
        all of the module).  Where that cannot be done, libcst parses all of the module, which is walked
        from then on; where its shape differs from the lite tree's, it is walked again at once."""
        from .analysis import on_other_tree
        from .index import walk_again
        from .lite import twins
        from .lite_text import Unsupported

        lite = source.module
        partial = _partial(lite, source.text, reports)
        if partial is not None:
            source.module, moved = partial
            try:
                return self.checker.findings(source, moved)
            finally:
                source.module = lite
        source.module = None
        self.checker.parse(source)
        if source.module is None:   # (libcst refuses it: its LL900 is the finding)
            return self.checker.findings(source, [])
        try:
            moved = self.reports[source.display] = on_other_tree(reports, twins(lite, source.module))
        except Unsupported:   # the trees differ somewhere: walk libcst's instead, against the settled index
            walk_again(self.checker, self.index, source, self.reports)
            moved = self.reports[source.display]
        return self.checker.findings(source, moved)


def _partial(lite: LiteModule, text: str, reports: list) -> tuple | None:
    """libcst's tree of the statements of `lite` that `reports` are in, and the reports moved onto it;
    None where that cannot be made alike (`lite_partial`)."""
    from .analysis import libcst_tree, on_other_tree, report_nodes
    from .lite import twins
    from .lite_partial import partial_module

    try:
        tree = partial_module(lite, text, report_nodes(reports), libcst_tree)
        return (tree, on_other_tree(reports, twins(lite, tree))) if tree is not None else None
    except Exception:  # noqa: BLE001 - a part libcst reads otherwise than the lite tree: all of it, then
        return None


def module_facts(index, names: set[str]) -> dict:
    """What `index` knows of the modules `names`: the part of a round one share contributes."""
    functions = [f for f in index.functions.values() if f.module in names]
    modules = {n: index.modules[n] for n in names if n in index.modules}
    # (a module's facts name its classes, nested ones too)
    return {"modules": modules, "functions": functions, "classes": set().union(*(m.classes for m in modules.values()))}


def merge(index, facts: dict) -> None:
    """Take another share's modules' facts into `index`.  Only the look-ups that read a module, function
    or class whose facts differ are forgotten, as when this process walks a module itself: forgetting them
    all at each merge made every round after the first look each name up again (on weblate, two jobs spent
    four times one job's time re-asking last walks' questions)."""
    names = set(facts["modules"]) | {f.module for f in facts["functions"]}
    before = {q: f for q, f in index.functions.items() if f.module in names}
    after = {f.qualname: f for f in facts["functions"]}
    changed = {q for q in before.keys() | after.keys() if before.get(q) != after.get(q)}
    changed |= {n for n, m in facts["modules"].items() if index.modules.get(n) != m}
    changed |= facts["classes"] - index.classes
    for qualname in before:
        del index.functions[qualname]
    index.modules.update(facts["modules"])
    index.functions.update(after)
    index.classes |= facts["classes"]
    if changed:  # (`changed()` with no name forgets every look-up)
        index.changed(*changed)
