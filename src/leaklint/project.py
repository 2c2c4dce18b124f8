"""Checking a project: every file the index needs, then findings for the files asked about.

Checking one file (as pre-commit does) still indexes the project it belongs to, so that a helper or
client defined elsewhere is known; only the asked-for files are reported.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

from .discover import discover
from .engine import Checker, Source
from .findings import Finding
from .layout import module_info

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .index import ProjectIndex
    from .rules import Report


class Project:
    def __init__(self, checker: Checker, sources: list[Source], wanted: set[str] | None = None):
        self.checker = checker
        self.sources = sources
        self.wanted = wanted if wanted is not None else {s.display for s in sources}
        self.index: ProjectIndex | None = None
        self.reports: dict[str, list[Report]] = {}
        self.notes: list[str] = []
        self.timings: Counter[str] = Counter()   # seconds per phase: parse, index, report

    @classmethod
    def from_files(cls, checker: Checker, root: Path | None, files: list[tuple[Path, str]],
                   data: dict[Path, bytes] | None = None, *, discover_root: bool = True) -> "Project":
        """The asked-for `files` (path, display) plus every other Python file under `root`; `data` holds
        the content of files given on stdin (by absolute path) instead of what is on disk."""
        data = data or {}
        wanted = {display for _, display in files}
        extra: list[tuple[Path, str]] = []
        if root is not None and discover_root:
            known = {os.path.realpath(path) for path, _ in files}
            extra = [(p, str(p)) for p in discover([root], checker.settings).files if os.path.realpath(p) not in known]
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
        """Grow the set of modules that can matter, then run rounds until the index is stable.
        When no file can matter, nothing is parsed (and the parser is never imported)."""
        prefilter = self.checker.prefilter
        names = set(prefilter.imported)
        relevant: dict[str, Source] = {}
        added = [s for s in self.sources if s.error is None and self.checker.relevant(s.text, prefilter)]
        if not added:
            return
        from . import index as idx

        self.index = idx.ProjectIndex()
        while True:
            start = time.perf_counter()
            for source in added:
                self.checker.parse(source)
                if source.module is not None:
                    relevant[source.display] = source
            self.timings["parse"] += time.perf_counter() - start
            # Only the new modules: they import the earlier ones, whose facts are already in the index.
            self.run_round([s for s in added if s.module is not None])
            new = {name.rsplit(".", 1)[-1] for name in self.index.interesting(self.checker.sdk_roots)} - names
            if not new:
                break
            names |= new
            prefilter = prefilter.with_imports(new)  # only files importing a newly interesting module
            added = [s for s in self.sources if s.display not in relevant and s.error is None
                     and self.checker.relevant(s.text, prefilter)]
        # One level of the relevant modules' own imports (models, utils): their helpers' return values
        # can carry personal data into a sink call even though they name no SDK themselves.
        by_name = {s.info.name: s for s in self.sources if s.info.name and s.error is None}
        imported = {name for source in relevant.values() for name in idx.local_imports(source, by_name)}
        for name in sorted(imported):
            source = by_name[name]
            if source.display not in relevant:
                self.checker.parse(source)
                if source.module is not None:
                    relevant[source.display] = source
        for _ in range(idx.MAX_ROUNDS):
            if not self.run_round(list(relevant.values())):
                return
        self.notes.append(f"project index: wrapper chains deeper than {idx.MAX_ROUNDS} calls were not followed further")

    def run_round(self, sources: list[Source]) -> bool:
        from .index import run_round

        start = time.perf_counter()
        changed = run_round(self.checker, self.index, sources, self.reports)
        self.timings["index"] += time.perf_counter() - start
        return changed
