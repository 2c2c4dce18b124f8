"""An editor's open documents, each analysed with its project and kept in memory between changes.

The first analysis of a document is `api.check_source`'s: its project is read (unchanged files known
from the on-disk cache), and the modules its imports reach are parsed and indexed.  That project stays
alive: on each change only the document is parsed again and walked, and the rounds walk again only
the modules whose questions to the index now get other answers (`reads`).  A change that can alter
which modules matter (its imports, a risky literal, a leaklint comment, a name newly leading to a
sink or no longer) rebuilds the project from the files already in memory.  A document that no longer
parses keeps the last index that did: its diagnostic is the syntax error until it parses again.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from .api import cache_folder, display_path, outside_tests
from .collector import collector_off
from .config import Configs, Settings, root_of
from .source import Source, printable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .engine import Checker
    from .findings import Finding
    from .project import Project


@dataclass
class Analysis:
    """What one analysis of a document's text found."""

    findings: list[Finding]
    source: Source          # the text analysed (fixes are planned on it)
    settings: Settings
    seconds: float = 0.0
    rebuilt: bool = False   # the project was (re)built rather than updated


@dataclass
class LiveDocument:
    """One open document's project, kept between its changes."""

    path: Path
    checker: Checker
    project: Project
    settings: Settings
    source: Source                       # the document as the project holds it (the last text that parsed)
    shown: str = ""
    leads: dict = field(default_factory=dict)   # module -> names leading to a sink, after the last update


class Session:
    """The open documents, by absolute path; not thread-safe (the server runs one analysis at a time)."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings
        self.configs = Configs(settings=settings)
        self.documents: dict[str, LiveDocument] = {}

    @collector_off()
    def analyse(self, path: Path, text: str) -> Analysis:
        """The findings of `text` as the document at `path`; any failure of leaklint's own is the
        document's LL902 (its project is then built again on the next change).  The collector is off
        meanwhile (see `collector`): the server turns it on between analyses."""
        start = time.perf_counter()
        key = os.path.abspath(path)
        live = self.documents.get(key)
        try:
            if live is None:
                live = self.documents[key] = self._open(path, text)
                found, source, rebuilt = _findings(live), live.source, True
            else:
                found, source, rebuilt = self._change(live, text)
            settings = live.settings
        except Exception as err:  # noqa: BLE001 - shown on the document, not lost in the server's log
            from .rules.unreadable import internal_error

            self.documents.pop(key, None)
            shown = printable(display_path(path))
            found, source, settings, rebuilt = [internal_error(shown, err)], Source(shown, text), Settings(), True
        return Analysis(found, source, settings, time.perf_counter() - start, rebuilt)

    def forget(self, path: Path) -> None:
        """The document was closed."""
        self.documents.pop(os.path.abspath(path), None)

    def files_changed(self) -> None:
        """A configuration changed (or more than Python files did): every project is read again."""
        self.configs = Configs(settings=self.settings)
        self.documents.clear()

    def file_changed(self, path: Path) -> set[str]:
        """A Python file changed, came or went on disk (saved, or by another program): each project
        holding it reads it again and is rebuilt from memory; a project it is new to, or gone from, is
        read again.  The open documents whose projects changed, by absolute path (not the file itself:
        its buffer is what it is analysed with)."""
        key = os.path.abspath(path)
        touched = set()
        for document, live in list(self.documents.items()):
            if document == key:
                continue
            old = next((s for s in live.project.sources if s.path is not None and os.path.abspath(s.path) == key), None)
            if old is None:
                root = live.project.root
                if root is not None and key.startswith(os.path.join(os.path.abspath(root), "")):
                    del self.documents[document]   # a new file of its project
                    touched.add(document)
                continue
            if not os.path.isfile(key):   # gone: its project is read again
                del self.documents[document]
                touched.add(document)
                continue
            new = live.checker.read(old.path, old.display, old.info)
            if new.digest != old.digest:
                new.name = old.name
                live.project.sources = [new if s is old else s for s in live.project.sources]
                _build(live, rebuild=True)
                touched.add(document)
        return touched

    def _open(self, path: Path, text: str) -> LiveDocument:
        from .cache import Cache
        from .engine import Checker
        from .project import Project

        folder = os.path.dirname(os.path.abspath(path))
        found = root_of(folder)
        root = Path(found) if found is not None else None
        settings = self.configs.for_path(path)
        cache_dir = cache_folder(root or Path.cwd())
        checker = Checker(settings, cache_dir=cache_dir)
        cache = Cache.for_run(cache_dir, settings)   # what unchanged files say, without reading them again
        project = Project.from_files(checker, root, [(path, display_path(path))], {path.absolute(): _encoded(text)},
                                     cache=cache)
        cache.save()
        # The live project keeps its own index: a stored one has no syntax trees to walk again.
        project.cache = None
        [source] = [s for s in project.sources if s.display in project.wanted]
        live = LiveDocument(path, checker, project, settings, source, source.display)
        _build(live)
        return live

    def _change(self, live: LiveDocument, text: str) -> tuple[list[Finding], Source, bool]:
        """The document's new findings and source, and whether its project was built again."""
        old = live.source
        new = live.checker.read(live.path, live.shown, old.info, _encoded(text))
        new.name = old.name
        live.checker.facts(new)
        if _relevance(new) != _relevance(old) or _joins(live, new):
            _replace(live, new)
            _build(live, rebuild=True)
            return _findings(live), new, True
        shares = live.project.shares
        if shares is None or live.shown not in shares.parsed:  # cannot leak: not parsed, as `check` leaves it
            _replace(live, new)
            return _findings(live), new, False
        _parse(live.checker, new)
        if new.module is None:  # does not parse (mid-edit): its error; the project keeps the last text that did
            return _shown(live, live.checker.findings(new, [])), new, False
        _replace(live, new)
        live.project.parse([new])   # (parsed already: the share takes its tree and imports)
        if shares.local.seen is not None:
            shares.local.seen.pop(live.shown, None)
        _settle(live.project, frozenset({live.shown}))
        if _leads(live) != live.leads:   # which modules matter may have changed
            _build(live, rebuild=True)
            return _findings(live), new, True
        return _findings(live), new, False


def _parse(checker: Checker, source: Source) -> None:
    """Parse as a share does: leaklint's own failure on the file is its LL902."""
    from .rules.unreadable import internal_error

    try:
        checker.parse(source)
    except Exception as err:  # noqa: BLE001
        source.error, source.module = internal_error(source.display, err), None


def _joins(live: LiveDocument, new: Source) -> bool:
    """An unparsed document whose edit names a member of a lead it imports (`component.do_update`):
    with the same imports, it can matter now."""
    shares = live.project.shares
    if shares is not None and live.shown in shares.parsed:
        return False
    return live.checker.relevant(new, live.checker.prefilter.with_leads(live.leads))


def _encoded(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # a lone surrogate from an editor: an undecodable file


def _relevance(source: Source) -> tuple:
    """What decides whether a file can matter, and which files its imports reach."""
    return source.words, source.literal, source.marked, source.error is None


def _replace(live: LiveDocument, new: Source) -> None:
    project, old = live.project, live.source
    project.sources = [new if s is old else s for s in project.sources]
    if project.pool is not project.sources:
        project.pool = [new if s is old else s for s in project.pool]
    live.source = new


def _build(live: LiveDocument, rebuild: bool = False) -> None:
    """Index the document's project; `rebuild`: a new project over the files already in memory (none
    read or parsed again)."""
    from .project import Project

    if rebuild:
        old = live.project
        live.project = Project(live.checker, old.sources, {live.shown}, root=old.root)
    live.project.build()
    live.leads = _leads(live)


def _leads(live: LiveDocument) -> dict:
    index = live.project.index
    return index.leads(live.checker.leads_to_sink) if index is not None else {}


def _settle(project: Project, changed: frozenset[str]) -> None:
    """Walk the changed module, then rounds until the index is stable (each walks only the modules whose
    answers changed)."""
    from .index import MAX_ROUNDS

    project.run_round(changed)
    for _ in range(MAX_ROUNDS):
        if not project.run_round():
            return
    project.notes.append(f"project index: wrapper chains deeper than {MAX_ROUNDS} calls were not followed further")


def _findings(live: LiveDocument) -> list[Finding]:
    """The document's findings, as `check` shows them."""
    project, source = live.project, live.source
    if project.shares is not None and live.shown in project.shares.parsed:
        # one job: every parsed file is in this process's share
        found = project.shares.local.findings(frozenset({live.shown})).get(live.shown, [])
    else:
        found = live.checker.findings(source, [])
    return _shown(live, found)


def _shown(live: LiveDocument, found: list[Finding]) -> list[Finding]:
    """The findings `check` would show of the document: test code left out, wrappers' definitions related."""
    from .wrappers import with_wrappers

    shown, _ = outside_tests(found, live.project, live.settings)
    out = with_wrappers(shown, live.project.sources, live.checker.load)
    return sorted(out, key=lambda f: (f.line, f.col, f.code))
