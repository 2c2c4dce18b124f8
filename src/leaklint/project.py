"""Checking a project: every file the index needs, then findings for the files asked about.

Checking one file (as pre-commit does) still indexes the project it belongs to, so that a helper or
client defined elsewhere is known; only the asked-for files are reported.
"""

from __future__ import annotations

import functools
import hashlib
import os
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from .cache import Cache, ProjectEntry, finding_data, finding_from
from .collector import collector_off
from .discover import discover
from .engine import Checker, Source, printable
from .findings import Finding
from .prefilter import absolute_module, import_entries, imported_names
from .project_files import few, source_at
from .suppress import source_lines

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .index import ProjectIndex
    from .parallel import Shares


class Project:
    def __init__(self, checker: Checker, sources: list[Source], wanted: set[str] | None = None,
                 cache: Cache | None = None, root: Path | None = None, jobs: int = 1):
        self.checker = checker
        self.jobs = jobs
        self.sources = sources
        self.wanted = wanted if wanted is not None else {s.display for s in sources}
        self.cache = cache
        self.root = root
        self.index: ProjectIndex | None = None
        self.shares: Shares | None = None         # the parsed files, in this process and in workers
        self.changed: dict[str, Source] = {}      # absolute path -> source, after a partial use of the cache
        self.cached: dict[str, list[Finding]] = {}   # display -> findings taken from the cache
        self.computed: dict[str, list[Finding]] = {}  # display -> findings already worked out (to store them)
        self.notes: list[str] = []
        self.timings: Counter[str] = Counter()   # seconds per phase: read, parse, index, report
        self.cache_use = "none"                  # none | hit | partial | miss, for benchmarks and tests
        # The files an index built from scratch may draw on: every file, or for a run asked about a few
        # files, those their imports reach (see `reach`)
        self.pool: list[Source] = sources
        self.relevant: set[str] = set()   # the files analysed for leading to a sink (not only as helpers)
        self._imported_from: frozenset[tuple[str, str]] | None = None
        self._imports: dict[str, tuple[tuple[str, str], ...]] = {}   # display -> what it imports, by name
        self.progress = None                     # a progress.Progress, told of each batch parsed and round run
        # A few files asked about, nothing of the project cached: the others are read only once their
        # imports reach them (`_reach`); reading and scanning every file of a large project cost more
        # than indexing what one file reaches
        self.deferred = False

    @classmethod
    def from_files(cls, checker: Checker, root: Path | None, files: list[tuple[Path, str]],
                   data: dict[Path, bytes] | None = None, *, discover_root: bool = True,
                   cache: Cache | None = None, jobs: int = 1) -> "Project":
        """The asked-for `files` (path, display) plus every other Python file under `root`; `data` holds
        the content of files given on stdin (by absolute path) instead of what is on disk."""
        data = data or {}
        wanted = {printable(name) for _, name in files}
        extra: list[tuple[Path, str]] = []
        if root is not None and discover_root:
            known = {os.path.abspath(path) for path, _ in files}
            extra = [(p, str(p)) for p in discover([root], checker.settings).files if os.path.abspath(p) not in known]
        start = time.perf_counter()
        defer = few(len(files), len(files) + len(extra)) and not (
            cache is not None and root is not None and cache.project(str(root)) is not None)
        sources = []
        for position, (path, name) in enumerate([*files, *extra]):
            source = source_at(checker, path, printable(name), root, data.get(path.absolute()) if data else None,
                               cache, defer=defer and position >= len(files))
            source.name = name
            sources.append(source)
        project = cls(checker, sources, wanted, cache, root, jobs)
        project.deferred = defer
        project.timings["read"] += time.perf_counter() - start
        return project

    def findings(self) -> list[Finding]:
        with collector_off():
            return self._findings()

    def _findings(self) -> list[Finding]:
        try:
            self.build()
            start = time.perf_counter()
            owned = {}
            if self.shares is not None:
                owned = self.shares.findings({s.display for s in self.sources if s.display in self.wanted
                                              and s.display not in self.cached and s.display not in self.computed})
        finally:
            if self.shares is not None:
                self.shares.close()
        out: list[Finding] = []
        for source in self.sources:
            if source.display in self.cached:
                out.extend(self.cached[source.display])
            elif source.display in self.computed and source.display in self.wanted:
                out.extend(self.computed[source.display])
            elif source.display in self.wanted:
                found = owned.get(source.display)
                out.extend(found if found is not None else self.checker.findings(source, []))
        self.timings["report"] += time.perf_counter() - start
        if self.cache is not None:
            if self.cache_use == "partial":
                self._store_changed(owned)
            self.cache.save()
        return out

    def build(self) -> None:
        """Grow the set of modules that can matter, then run rounds until the index is stable.
        When no file can matter, nothing is parsed (and the parser is never imported); when the files that
        matter are as the cache last saw them, nothing is parsed either."""
        if self.deferred:
            self.pool = self._reach()
        if not any(s.error is None and self.checker.relevant(s) for s in self.pool):
            return
        entry = self.cache.project(str(self.root)) if self.cache is not None and self.root is not None else None
        try:
            if entry is not None and self._from_cache(entry):
                return
        except Exception:  # noqa: BLE001 - a cache entry that does not fit is ignored and rebuilt
            self.cached.clear()
        self._build_all()
        if self.cache is not None and self.root is not None and self.pool is self.sources:
            self._store()  # (an index of part of the project is not stored: it would pass for the whole)

    def _closure(self, leads: set[str], among: list[Source] | None = None) -> dict[str, Source]:
        """The files (of `among`, default all) that import an SDK or one of the `leads` ("module:name", text
        facts only)."""
        by_module: dict[str, set[str]] = {}
        for lead in leads:
            module, _, name = lead.rpartition(":")
            by_module.setdefault(module, set()).add(name)
        prefilter = self.checker.prefilter.with_leads(by_module, self.imported_from)
        return {s.absolute: s for s in (self.sources if among is None else among)
                if s.path is not None and s.error is None and self.checker.relevant(s, prefilter)}

    def _from_cache(self, entry: ProjectEntry) -> bool:
        """Use the cached results if the files that matter are unchanged, or if only asked-for files
        changed and their summaries came out the same.  False: the caller builds everything.
        The files leading to an interesting module are either those the build parsed or those it
        watched (left unparsed); a new one, or a watched one that changed, means building again."""
        by_path = {s.absolute: s for s in self.sources if s.path is not None}
        # A file unchanged in text and place since the entry was stored joins the closure as it did then
        moved = {p: closure_key(s) for p, s in by_path.items() if entry.seen.get(p) != closure_key(s)}
        if not self._still_covers(entry, by_path, moved):
            return False
        # a file that moved (its module's name or the folder's packages changed) resolves its imports anew
        changed = {p for p, digest in entry.relevant.items() if by_path[p].digest != digest or p in moved}
        wanted = {p for p, s in by_path.items() if s.display in self.wanted}
        if not changed <= wanted:
            return False
        for path in wanted & set(entry.relevant) - changed:
            self.cached[by_path[path].display] = self._stored_findings(entry, path, by_path[path])
        if moved:  # checked against the closure now: the next run need not check them again
            self.cache.put_project(str(self.root), replace(entry, seen={**entry.seen, **moved}))
        if not changed:
            self.cache_use = "hit"
            return True
        # Pre-commit's case: re-analyse the changed files against the cached index of the others.
        self.checker.load_parser()
        from . import index as idx

        index: idx.ProjectIndex = entry.index()
        before = {p: idx.summary_key(index, by_path[p].info.name) for p in changed}
        self.index = index
        self.shares = self._shares(1)
        self.parse([by_path[p] for p in sorted(changed)])
        for _ in range(idx.MAX_ROUNDS):
            if not self.run_round():
                break
        if any(idx.summary_key(index, by_path[p].info.name) != before[p] for p in changed):
            self.cached.clear()
            self.shares.close()
            return False  # what others see of the changed files moved: their results may too
        self.cache_use = "partial"
        self.changed = {p: by_path[p] for p in changed}
        return True

    def _still_covers(self, entry: ProjectEntry, by_path: dict[str, Source], moved: dict[str, str]) -> bool:
        """No file that `moved` joined the closure unseen, and the files the entry parsed or watched are
        all there (the watched ones unchanged)."""
        return not (any(p not in entry.relevant and p not in entry.watched
                        for p in self._closure(set(entry.interesting), [by_path[p] for p in moved]))
                    or any(p not in by_path for p in entry.relevant)
                    or any(p not in by_path or by_path[p].digest != d for p, d in entry.watched.items()))

    def _stored_findings(self, entry: ProjectEntry, path: str, source: Source) -> list[Finding]:
        """A file's stored findings, with their source lines read from the file again (the cache does not
        keep them: they may hold secrets)."""
        rows = entry.findings.get(path, [])
        lines = source_lines(self.checker.load(source).text) if rows else []
        return [finding_from(row, source.display, lines) for row in rows]

    def _store_changed(self, found: dict[str, list[Finding]]) -> None:
        """After a partial use: the changed files' new digests and findings, so that the next run is a
        plain hit (their summaries, and so the stored index, are as before)."""
        entry = self.cache.project(str(self.root))
        relevant, findings = dict(entry.relevant), dict(entry.findings)
        for path, source in self.changed.items():
            relevant[path] = self.shares.parsed[source.display].digest or source.digest
            findings[path] = [finding_data(f) for f in found.get(source.display, [])]
        self.cache.put_project(str(self.root), replace(entry, relevant=relevant, findings=findings))

    def _store(self) -> None:
        """Save the index and every relevant file's findings for the next run."""
        owned = self.shares.parsed
        relevant = [s for s in self.sources if s.display in owned and s.path is not None and s.digest]
        # computed once: findings() hands the same lists out for the asked-for files
        self.computed = self.shares.findings({s.display for s in relevant})
        findings = {s.absolute: [finding_data(f) for f in self.computed[s.display]] for s in relevant}
        digests = {s.absolute: owned[s.display].digest or s.digest for s in relevant}
        from .index_data import to_data

        interesting = frozenset(f"{module}:{name}" for module, names in self.index.leads(self.checker.leads_to_sink).items()
                                for name in names)
        # A file the closure names that the build did not parse (it keeps growing the closure, so normally
        # none) is watched: the next run can then tell that nothing changed (else it would never be a hit).
        watched = {p: s.digest for p, s in self._closure(set(interesting)).items() if p not in digests}
        seen = {s.absolute: closure_key(s) for s in self.sources if s.path is not None}
        self.cache.put_project(str(self.root), ProjectEntry(digests, interesting, to_data(self.index), findings,
                                                            watched, seen))
        self.cache_use = "miss"

    def _build_all(self) -> None:
        self.checker.load_parser()
        from . import index as idx

        if self.pool is self.sources and few(len(self.wanted), len(self.sources)):
            self.pool = self._reach()

        self.index = idx.ProjectIndex()
        self.shares = self._shares(self.jobs)
        known: dict[str, set[str]] = {}   # project modules known to lead to a sink -> the names that do
        added = [s for s in self.pool if s.error is None and self.checker.relevant(s)]
        settled = True
        while added:
            self._grow(added, known)
            settled = self._settle()
            # A module may become interesting only once the index has settled (a wrapper whose callee
            # became a sink in a later round): then the files importing it are parsed too, and so on.
            added = self._importers(self._new_leads(known))
        if not settled:
            self.notes.append(f"project index: wrapper chains deeper than {idx.MAX_ROUNDS} calls were not followed further")

    def _reach(self) -> list[Source]:
        """The asked-for files and what their imports reach, each file read when reached."""
        from .reach import reachable

        return reachable([s for s in self.sources if s.display in self.wanted], self.sources, self.checker.facts)

    def _grow(self, added: list[Source], known: dict[str, set[str]]) -> None:
        """Parse `added` and the modules they import (helpers), and walk them once, helpers first; then the
        files importing a name that has just become a lead to a sink, until no new one does (`known` grows
        with them)."""
        while added:
            fresh = [s for s in added if s.display not in self.shares.parsed]
            self.parse(fresh)
            self.relevant.update(s.display for s in added)
            fresh += self._parse_imported()
            # Only the new modules: they import the earlier ones, whose facts are already in the index.
            self.run_round(frozenset(s.display for s in fresh))
            added = self._importers(self._new_leads(known))

    def _new_leads(self, known: dict[str, set[str]]) -> dict[str, set[str]]:
        """The names leading to a sink not in `known` yet, per module (added to `known`)."""
        new: dict[str, set[str]] = {}
        for module, names in self.index.leads(self.checker.leads_to_sink).items():
            fresh = names - known.setdefault(module, set())
            if fresh:
                new[module] = fresh
                known[module] |= fresh
        return new

    def _importers(self, leads: dict[str, set[str]]) -> list[Source]:
        """The files importing one of the `leads` (names per project module) not yet analysed for it
        (a file parsed as a helper may be one)."""
        if not leads:
            return []
        prefilter = self.checker.prefilter.with_leads(leads, self.imported_from)
        return [s for s in self.pool if s.display not in self.relevant and s.error is None
                and self.checker.relevant(s, prefilter)]

    def imported_from(self) -> frozenset[tuple[str, str]]:
        """The (module, name) pairs the project's files import (see `Prefilter.with_leads`)."""
        if self._imported_from is None:
            self._imported_from = frozenset(pair for s in self.pool if s.error is None
                                            for pair in self._imports_of(s))
        return self._imported_from

    def _imports_of(self, source: Source) -> tuple[tuple[str, str], ...]:
        """The (module, name) pairs one file imports, from its import statements' words (worked out once)."""
        found = self._imports.get(source.display)
        if found is None:
            info = source.info
            found = self._imports[source.display] = tuple(
                imported_names(source.words or (), info.name, info.is_package, info.absolute))
        return found

    def _parse_imported(self) -> list[Source]:
        """One level of the relevant modules' own imports (models, utils): their helpers' return values
        can carry personal data into a sink call even though they name no SDK themselves.  An import of
        a module that could not be read or parsed is left out: that module has its LL900 already.
        The files parsed now are returned."""
        by_name = {s.info.name: s for s in self.pool if s.info.name}
        # (not the imports of these helpers in turn: else each pass would reach one level further)
        imported = {name for display, parsed in self.shares.parsed.items() if display in self.relevant
                    for name in parsed.imports}
        imported |= self._re_exported(by_name)
        helpers = [by_name[n] for n in sorted(imported) if n in by_name and by_name[n].error is None
                   and by_name[n].display not in self.shares.parsed]
        self.parse(helpers)
        return helpers

    def _re_exported(self, by_name: dict[str, Source]) -> set[str]:
        """The submodules that define what the relevant modules import from a package re-exporting it
        (`from app.serializers import S`, where `app/serializers/__init__.py` does `from .requests import S`):
        the package is a helper, and so is the module the name really comes from."""
        out: set[str] = set()
        for module, name in (pair for s in self.sources if s.display in self.relevant for pair in self._imports_of(s)):
            package = by_name.get(module)
            if package is None or not package.info.is_package or package.words is None or not name:
                continue
            out.update(absolute_module(written, module, True) for written, passed in import_entries(package.words)
                       if written.startswith(".") and passed in (name, "*"))
        return out

    def _settle(self) -> bool:
        """Rounds over every parsed module until the index is stable; False when the bound stopped them."""
        from .index import MAX_ROUNDS

        for _ in range(MAX_ROUNDS):
            if not self.run_round():
                return True
        return False

    def _shares(self, jobs: int) -> "Shares":
        from .parallel import Shares

        modules = frozenset(s.info.name for s in self.sources if s.info.name and s.error is None)
        return Shares(self.checker, jobs, modules)

    def parse(self, sources: list[Source]) -> None:
        start = time.perf_counter()
        if self.progress is not None:
            self.progress.parsing(self.shares, sources)
        self.shares.parse(sources, self.index)
        self.timings["parse"] += time.perf_counter() - start

    def run_round(self, only: frozenset[str] | None = None) -> bool:
        start = time.perf_counter()
        if self.progress is not None:
            self.progress.walking(self.shares, only)
        changed = self.shares.round(self.index, only)
        self.timings["index"] += time.perf_counter() - start
        return changed


def closure_key(source: Source) -> str:
    """What decides whether a file joins the closure: its text, and where it sits in the project."""
    info = source.info
    return f"{source.digest} {info.name} {int(info.is_package)} {_roots_key(info.local_roots)} {_roots_key(info.siblings)}"


@functools.lru_cache(maxsize=256)
def _roots_key(roots: frozenset[str]) -> str:
    return hashlib.blake2b(" ".join(sorted(roots)).encode(), digest_size=8).hexdigest()
