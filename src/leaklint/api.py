"""leaklint's one door: what the command line, the language server and the flake8 plugin all call.

    run = check_paths([Path("src")])            # files and folders, each project indexed once
    run = check_source(text, Path("app/views.py"))  # one file's text (an editor's buffer)
    found = check_text(text)                     # one module on its own, outside any project

Each file is checked under the configuration nearest to it (`config.Configs`), with the index of the
project it belongs to.  Importing this module is cheap: the parser is imported only when a file needs it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .collector import collector_off
from .config import Configs, Settings
from .layout import loose_root, root_of
from .discover import Discovery, discover, excluded_by

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .engine import Checker, Source
    from .findings import Finding
    from .progress import Progress


@dataclass
class Run:
    """What a check found."""

    findings: list[Finding] = field(default_factory=list)   # sorted by file, position, code
    notes: list[str] = field(default_factory=list)           # one line each, about the run
    sources: dict[str, Source] = field(default_factory=dict)  # display -> the file as read (to fix it)
    settings: dict[str, Settings] = field(default_factory=dict)  # display -> the settings it was checked under
    in_tests: int = 0       # findings in test code, not shown (`include-tests` shows them)

    def for_file(self, path: Path) -> list[Finding]:
        """The findings of one file, named by any path to it."""
        absolute = os.path.abspath(path)
        shown = {d for d, s in self.sources.items() if s.path is not None and s.absolute == absolute}
        return [f for f in self.findings if f.path in shown]


def check_paths(paths: list[Path], settings: Settings | Configs | None = None, *, jobs: int = 1,
                cache: bool = False) -> Run:
    """Check files and folders (folders walked, exclusions applied); `settings` for every file, else
    each file's nearest configuration."""
    configs = _configs(settings)
    found = discover_paths(paths, configs)
    return check_files(found.files, configs, given=paths, jobs=jobs, cache=cache)


def check_source(text: str, path: Path, settings: Settings | Configs | None = None) -> Run:
    """Check one file's text as if it were at `path` (which need not exist), with its project's index."""
    data = text.encode("utf-8", "surrogatepass")  # a lone surrogate from an editor: an undecodable file
    return check_files([path], _configs(settings), data={path.absolute(): data})


def check_text(text: str, display: str = "example.py", settings: Settings | None = None) -> list[Finding]:
    """One module's text on its own, in no project and no folder (examples, tests)."""
    from .engine import Checker
    from .project import Project
    from .source import Source

    return Project(Checker(settings or Settings()), [Source(display, text)]).findings()


def discover_paths(paths: list[Path], configs: Configs, remember: bool = False) -> Discovery:
    """The files to check: each given path walked under its nearest configuration, and a file found in a
    folder dropped when the configuration nearest to it excludes it.  `remember`: see `discover`."""
    groups: dict[Path | None, list[Path]] = {}
    for path in paths:
        groups.setdefault(configs.file_of(path), []).append(path)
    if len(groups) == 1:  # the common case: one walk, which keeps each file once itself
        [(config, group)] = groups.items()
        found = discover(group, configs.for_path(group[0]), remember)
        return Discovery(_nearest(found.files, config, configs, set(paths)), found.errors)
    out, seen = Discovery(), set()
    for config, group in groups.items():
        found = discover(group, configs.for_path(group[0]), remember)
        out.errors += found.errors
        for file in _nearest(found.files, config, configs, set(paths)):
            if os.path.realpath(file) not in seen:
                seen.add(os.path.realpath(file))
                out.files.append(file)
    return out


def _nearest(files: list[Path], config: Path | None, configs: Configs, named: set[Path]) -> list[Path]:
    """The files found under `config`'s settings that the configuration nearest to each does not exclude
    (a project nested in the folder walked; a file named on the command line is kept as it is)."""
    out = []
    nested: dict[str, bool] = {}  # folder as written -> under another configuration than `config`
    for file in files:
        written = os.path.dirname(file)
        if written not in nested:  # each folder made absolute once, not each of its files
            nested[written] = configs.file_in(os.path.abspath(written)) != config
        if nested[written] and file not in named and excluded_by(file, configs.for_path(file)):
            continue
        out.append(file)
    return out


# The collector is off for all of it, finding the wrappers' definitions too: after a project's analysis, each
# collection scans millions of objects (weblate: 1.2 s of parsing three modules with `ast`).
@collector_off()
def check_files(files: list[Path], configs: Configs, *, given: list[Path] = (), data: dict[Path, bytes] | None = None,
                jobs: int = 1, cache: bool = False, progress: Progress | None = None, related: bool = True) -> Run:
    """Findings for the files, each project (and configuration) indexed once.  `data` holds the content of
    files not to be read from disk, by `Path.absolute()`; when one of the `given` folders holds a project's
    root, the files of that project are all here already.  `progress` is told what the run is doing.
    `related=False`: the findings lack the definitions of the functions they go through (an output that
    does not show related locations; finding those parses the modules)."""
    from .cache import Cache
    from .project import Project
    from .wrappers import with_wrappers

    folders = [os.path.abspath(g) for g in given if os.path.isdir(g)]
    cwd = os.getcwd()
    groups = _groups(files, configs)
    shared = {}
    for root, _ in groups:
        shared[root] = shared.get(root, 0) + 1
    run, checkers = Run(), {}
    for (root, config), group in groups.items():
        settings = configs.for_path(group[0])
        root, complete = _root_of_group(root, group, shared[root] == 1, folders, cwd)
        folder = cache_folder(root or Path.cwd()) if cache else None
        if (config, folder) not in checkers:
            checkers[config, folder] = _checker(settings, folder)
        if progress is not None:
            progress.set("reading")
        project = Project.from_files(checkers[config, folder], root, [(f, display_path(f, cwd)) for f in group],
                                     data, discover_root=not complete,
                                     cache=Cache.for_run(folder, settings) if folder is not None else None, jobs=jobs)
        project.progress = progress
        shown, in_tests = outside_tests(project.findings(), project, settings)
        if progress is not None:
            progress.set("reporting")
        run.findings.extend(with_wrappers(shown, project.sources, project.checker.load) if related else shown)
        run.in_tests += in_tests
        run.notes.extend(project.notes)
        for source in project.sources:
            if source.display in project.wanted:
                run.sources[source.display] = source
                run.settings[source.display] = settings
    run.findings.sort(key=lambda f: (f.path, f.line, f.col, f.code))
    return run


def _root_of_group(root: Path | None, group: list[Path], alone: bool, folders: list[str],
                   cwd: str) -> tuple[Path | None, bool]:
    """The root a group of files is checked under, and whether the group holds all of that project (else its
    other files are read too): when the group is the root's only one and a folder given holds the root.
    Files in no project get a root all the same (for module names and the cache), never walked."""
    if root is None:
        loose = loose_root(group, cwd)
        return (Path(loose) if loose is not None else None), True
    return root, alone and any(str(root) == f or str(root).startswith(f + os.sep) for f in folders)


def outside_tests(findings: list[Finding], project, settings: Settings) -> tuple[list[Finding], int]:
    """The findings to show, and how many are left out for being in test code.  leaklint's own failure
    on a file is always shown: it is no verdict on the code."""
    if settings.include_tests or not findings:
        return findings, 0
    from .discover import is_test_code
    from .rules.unreadable import INTERNAL_ERROR

    paths = {s.display: s.path for s in project.sources if s.path is not None}
    tests = {shown for shown in {f.path for f in findings} if shown in paths and is_test_code(paths[shown], settings)}
    shown = [f for f in findings if f.path not in tests or f.code == INTERNAL_ERROR.code]
    return shown, len(findings) - len(shown)


def _configs(settings: Settings | Configs | None) -> Configs:
    return settings if isinstance(settings, Configs) else Configs(settings=settings)


def _checker(settings: Settings, cache_dir: Path | None) -> Checker:
    from .engine import Checker

    return Checker(settings, cache_dir=cache_dir)


def _groups(files: list[Path], configs: Configs) -> dict[tuple, list[Path]]:
    """Files by the project they belong to (nearest pyproject.toml, setup.py/cfg or .git) and the
    configuration they are checked under, in a stable order."""
    lists: dict[str, list[Path]] = {}  # folder as written -> its group's list
    roots: dict[str | None, Path | None] = {None: None}
    groups: dict[tuple, list[Path]] = {}
    for file in files:
        written = os.path.dirname(file)
        if written not in lists:  # each folder made absolute and looked up once, not each of its files
            folder = os.path.abspath(written)
            root = root_of(folder)
            if root not in roots:
                roots[root] = Path(root)
            lists[written] = groups.setdefault((roots[root], configs.file_in(folder)), [])
        lists[written].append(file)
    return groups


def display_path(path: Path, cwd: str | None = None) -> str:
    """The path as given to the project: relative to the current folder when inside it, else as given
    (the project escapes odd characters for showing)."""
    text = str(path)
    if not os.path.isabs(text):
        return os.path.normpath(text)
    try:
        rel = os.path.relpath(text, cwd or os.getcwd())
    except ValueError:
        return text
    return text if rel.startswith("..") else rel


def cache_folder(path: Path) -> Path:
    """`.leaklint_cache` in the project root of `path` (or the current folder)."""
    from .layout import project_root

    return (project_root(path) or Path.cwd()) / ".leaklint_cache"
