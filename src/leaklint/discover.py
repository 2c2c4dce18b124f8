"""Find the Python files to check: walk folders, skip excluded and git-ignored paths.

The walk works on strings from `os.scandir` (no `Path` per entry): on a large tree it is a good part of
a run that parses almost nothing.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

from .config import Settings
from .layout import project_root, repository_top


SUFFIXES = (".py", ".pyi")


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)   # one line each: missing paths and the like


# A line of plain characters (no wildcard, escape, class or space): matched by comparing strings, no regex
_PLAIN = re.compile(r"[^*?\[\]\\\s]+")


@dataclass(frozen=True)
class IgnorePattern:
    """One line of an ignore file, translated by `pathspec` (git's wildcard rules, escapes, trailing spaces).
    The common shapes (`name`, `*.ext`, `prefix*`, `/some/path`) are matched as strings; the regex of any
    other is compiled only when the union of its file's patterns matched."""

    regex: str                         # matches a whole path, relative to the ignore file's folder
    ignores: bool                      # False: a negation (`!`), which takes the path back
    folders_only: bool                 # the line ends with `/`
    on_name: bool                      # no `/` in it: it matches a name in any folder, so the name alone
    shape: str = ""                    # "name", "suffix", "prefix" or "path": `text` is compared; "": the regex
    text: str = ""

    @functools.cached_property
    def matches(self) -> Callable[[str], bool]:
        """Whether the name (`on_name`) or the relative path matches."""
        if self.shape in ("name", "path"):
            return self.text.__eq__
        if self.shape == "suffix":
            return lambda subject: subject.endswith(self.text)
        if self.shape == "prefix":
            return lambda subject: subject.startswith(self.text)
        try:
            match = re.compile(self.regex).match
        except re.error:  # a range backwards (`[z-a]`): a class of nothing, so the line matches nothing
            return lambda subject: False
        return lambda subject: match(subject) is not None

    @classmethod
    def of(cls, line: str) -> "IgnorePattern | None":
        core = line.rstrip(" ")
        core = line if core.endswith("\\") else core  # an escaped trailing space is part of the name
        folders_only = core.endswith("/") and core.strip("!/") != ""
        core = core[:-1] if folders_only else core
        # pathspec matches a path or anything below it (`a/**` matches `a/`); the walk asks about each path
        # itself, so `a/**` is spelled as what it ignores, everything inside `a`
        core = core + "/*" if core.endswith("/**") else core
        regex, include = _translate(core)
        if regex is None or include is None:
            return None  # a blank line or a comment
        # Its group for "a folder above the path matched" (a `/` and what follows) never matches here.
        regex = re.sub(r"\(\?P<\w+>/\)", "(?!)", regex)
        regex = ".+" if regex == "." else regex  # `*` and `**`: every path
        on_name = "/" not in core
        shape = _shape(core if include else core[1:], on_name)
        return cls(f"(?:{regex})\\Z", include, folders_only, on_name, *shape)


# An ignore line -> pathspec's (regex, include) for it.  Kept between runs beside the user's key (see
# `discover`): importing pathspec is a good part of a warm run, and the lines of a tree seldom change.
_TRANSLATED: dict[str, tuple[str | None, bool | None]] = {}
_STORED: set[str] = set()    # the lines the file kept between runs holds
MAX_REMEMBERED = 20_000      # more lines than that: only those of the last run are kept


def _translate(line: str) -> tuple[str | None, bool | None]:
    found = _TRANSLATED.get(line)
    if found is None:
        found = _TRANSLATED[line] = _pathspec_translate(line)
    return found


def _pathspec_translate(line: str) -> tuple[str | None, bool | None]:
    """The regex (not compiled) and include flag that `pathspec`'s gitignore rules give a line."""
    try:
        from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern as Pattern
    except ImportError:  # pathspec before 1.0
        from pathspec.patterns.gitwildmatch import GitWildMatchPattern as Pattern
    try:
        return Pattern.pattern_to_regex(line)
    except ValueError:  # a line git cannot read either (`!` alone): it ignores nothing
        return None, None


def _shape(body: str, on_name: bool) -> tuple[str, str]:
    """How a pattern's text (its `!` taken off) can be matched without a regex: ("", "") when it cannot."""
    if _PLAIN.fullmatch(body):
        return ("name", body) if on_name else ("path", body[1:] if body.startswith("/") else body)
    if on_name and body.count("*") == 1 and _PLAIN.fullmatch(body.strip("*")):
        if body.startswith("*"):
            return "suffix", body[1:]
        if body.endswith("*"):
            return "prefix", body[:-1]
    return "", ""


@dataclass(frozen=True)
class GitIgnore:
    """The patterns of one ignore file, on paths relative to the folder `base` they apply to.  Each path is
    matched itself, as git does: a folder the patterns ignore is never entered, so what is inside it stays
    ignored whatever a later `!` says."""

    base: str
    patterns: tuple[IgnorePattern, ...]

    def __post_init__(self) -> None:
        # Most entries match none of the patterns: plain ones are looked up, the others share one regex on
        # the name and one on the path (compiled when first needed).
        object.__setattr__(self, "_names", frozenset(self._texts("name")))
        object.__setattr__(self, "_paths", frozenset(self._texts("path")))
        object.__setattr__(self, "_suffixes", tuple(self._texts("suffix")))
        object.__setattr__(self, "_prefixes", tuple(self._texts("prefix")))
        object.__setattr__(self, "_inside", self.base + os.sep)

    def _texts(self, shape: str) -> list[str]:
        return [p.text for p in self.patterns if p.shape == shape]

    @functools.cached_property
    def _regexes(self) -> tuple[Callable[[str], object], Callable[[str], object]]:
        return (_any_regex([p.regex for p in self.patterns if p.on_name and not p.shape]),
                _any_regex([p.regex for p in self.patterns if not p.on_name and not p.shape]))

    def _any(self, name: str, rel: str) -> bool:
        if (name in self._names or rel in self._paths or name.endswith(self._suffixes)
                or name.startswith(self._prefixes)):
            return True
        on_names, on_paths = self._regexes
        return on_names(name) is not None or on_paths(rel) is not None

    def verdict(self, path: str, name: str, is_dir: bool, ignored: bool) -> bool:
        """`ignored` as these patterns leave it (the last pattern that matches decides)."""
        if not path.startswith(self._inside):
            return ignored
        rel = path[len(self._inside):]
        rel = rel if os.sep == "/" else rel.replace(os.sep, "/")
        if not self._any(name, rel):
            return ignored
        for pattern in reversed(self.patterns):
            if (is_dir or not pattern.folders_only) and pattern.matches(name if pattern.on_name else rel):
                return pattern.ignores
        return ignored


def _any_regex(regexes: list[str]) -> Callable[[str], object]:
    """A match on any of `regexes` (a group name may not appear twice in one regex)."""
    if not regexes:
        return lambda _: None
    try:
        return re.compile("|".join(re.sub(r"\(\?P<\w+>", "(?:", r) for r in regexes)).match
    except re.error:
        return str  # never None: every path goes to the patterns themselves


def _ignore_file(path: str, base: str) -> list[GitIgnore]:
    """The patterns of the ignore file at `path` (none when it cannot be read)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return []
    patterns = tuple(p for p in map(IgnorePattern.of, lines) if p is not None)
    return [GitIgnore(base, patterns)] if patterns else []


def _gitignore(folder: str) -> list[GitIgnore]:
    return _ignore_file(os.path.join(folder, ".gitignore"), folder)


def _repository_excludes(top: str) -> list[GitIgnore]:
    """`info/exclude` of the repository whose top folder is `top`: `.git` is a folder, or a file naming
    the git folder (a linked worktree or a submodule; a worktree shares its main repository's `info/`)."""
    git = os.path.join(top, ".git")
    if os.path.isfile(git):
        try:
            with open(git, encoding="utf-8", errors="replace") as handle:
                first = handle.readline().strip()
        except OSError:
            return []
        if not first.startswith("gitdir:"):
            return []
        git = os.path.join(top, first[len("gitdir:"):].strip())
        try:
            with open(os.path.join(git, "commondir"), encoding="utf-8", errors="replace") as handle:
                git = os.path.join(git, handle.read().strip())
        except OSError:
            pass  # not a linked worktree: its own folder holds info/
    return _ignore_file(os.path.join(git, "info", "exclude"), top)


def _rules_above(top: str) -> list[GitIgnore]:
    """The ignore patterns that apply inside `top` from outside it, weakest first: the repository's
    `info/exclude`, then the .gitignore of each folder from the repository's top down to `top`'s parent
    (outside a repository: of every folder above `top`).  `top`'s own are read by `walk`."""
    repository = repository_top(top)
    if repository == top:
        return []  # walk reads them on entering `top`
    rules = _repository_excludes(repository) if repository is not None else []
    for parent in reversed(Path(top).parents):
        if repository is None or parent == Path(repository) or Path(repository) in parent.parents:
            rules += _gitignore(str(parent))
    return rules


def _ignored(path: str, name: str, is_dir: bool, ignores: list[GitIgnore]) -> bool:
    ignored = False
    for ignore in ignores:  # weakest first: a deeper .gitignore has the last word
        ignored = ignore.verdict(path, name, is_dir, ignored)
    return ignored


@dataclass(frozen=True)
class Excludes:
    """Exclude patterns split once: plain names (a set lookup), globs on the name, globs on the path."""

    names: frozenset[str]
    name_globs: tuple[str, ...]   # globs without "/": matched on the name only
    path_globs: tuple[str, ...]   # globs with "/": matched on the path relative to the root
    root: str

    @classmethod
    def of(cls, patterns: list[str], root: Path) -> "Excludes":
        plain = {p for p in patterns if not any(c in p for c in "*?[/")}
        globs = [p for p in patterns if p not in plain]
        return cls(frozenset(plain), tuple(p for p in globs if "/" not in p), tuple(p for p in globs if "/" in p),
                   str(root))

    def __call__(self, path: str, name: str) -> bool:
        if name in self.names or (self.name_globs and _any_match(self.name_globs)(name)):
            return True
        if not self.path_globs:
            return False
        rel = path[len(self.root) + 1:] if path.startswith(self.root + os.sep) else path
        return _any_match(self.path_globs)(rel.replace(os.sep, "/")) is not None


@functools.lru_cache(maxsize=64)
def _any_match(globs: tuple[str, ...]):
    """One compiled regex for a tuple of globs (fnmatch semantics)."""
    return re.compile("|".join(fnmatch.translate(g) for g in globs)).match


@functools.lru_cache(maxsize=1)
def _ignore_lines_table() -> str | None:
    """The name the translations are kept under: pathspec's own code is part of it (another version of
    it translates afresh)."""
    from . import cache_io

    code = cache_io.package_digest("pathspec")
    return f"ignore-lines-1-{code}" if code is not None else None


def _read_remembered() -> None:
    from . import cache_io

    name = _ignore_lines_table()
    stored = cache_io.read_user_table(name) if name is not None else None
    if type(stored) is dict and all(type(line) is str and (found == (None, None) or type(found) is tuple
                                                           and tuple(map(type, found)) == (str, bool))
                                    for line, found in stored.items()):
        _STORED.update(stored)
        _TRANSLATED.update({line: found for line, found in stored.items() if line not in _TRANSLATED})


def _write_remembered(new: set[str]) -> None:
    from . import cache_io

    name = _ignore_lines_table()
    lines = set(_TRANSLATED) if len(_TRANSLATED) <= MAX_REMEMBERED else new
    if name is not None and cache_io.write_user_table(name, {line: _TRANSLATED[line] for line in lines}):
        _STORED.clear()
        _STORED.update(lines)


def discover(paths: list[Path], settings: Settings, remember: bool = False) -> Discovery:
    """Every file to check, each once, in a stable order.  Paths named explicitly are always checked
    (unless `force_exclude`).  `remember`: pathspec's translations of the ignore lines are read from and
    kept in the user's leaklint folder (signed, as the cache is)."""
    if remember and not _STORED:
        _read_remembered()
    found = _discover(paths, settings)
    if remember and not _STORED.issuperset(_TRANSLATED):
        _write_remembered(set(_TRANSLATED) - _STORED)
    return found


def _discover(paths: list[Path], settings: Settings) -> Discovery:
    out = Discovery()
    seen: set[str] = set()
    excluded = Excludes.of(settings.exclude + settings.extend_exclude, (settings.root or Path.cwd()).absolute())

    def add(file: Path, key: str) -> None:
        if key not in seen:
            seen.add(key)
            out.files.append(file)

    for given in paths:
        if not os.path.lexists(given):
            out.errors.append(f"{given}: no such file or directory")
            continue
        if given.is_file() or not given.is_dir():
            if not (settings.force_exclude and _force_excluded(given, excluded)):
                add(given, os.path.realpath(given))
            continue
        top = os.path.abspath(given)
        rules = _rules_above(top) if settings.respect_gitignore else []
        # Walk with the path as given (so output paths look like what the user typed); match on absolutes.
        walk(str(given), top, rules, excluded, settings.respect_gitignore, add, {os.path.realpath(given)})
    return out


def excluded_by(path: Path, settings: Settings) -> bool:
    """Whether `settings` exclude a file (itself or a folder above it, below the settings' root): a file
    found by walking a folder is checked against the configuration nearest to it too."""
    root = (settings.root or Path.cwd()).absolute()
    return _force_excluded(path, Excludes.of(settings.exclude + settings.extend_exclude, root))


def is_test_code(path: Path, settings: Settings) -> bool:
    """Whether `test-patterns` (and `extend-test-patterns`) match a file: its name or a folder it sits in,
    matched as `exclude` patterns are, below the configuration's folder (else the file's project root, else
    the current folder): a project that itself lives in a folder named `tests` is not all test code."""
    root = settings.root or project_root(path) or Path.cwd()
    patterns = tuple(settings.test_patterns + settings.extend_test_patterns)
    return _force_excluded(path, _test_patterns(patterns, root.absolute()))


@functools.lru_cache(maxsize=64)
def _test_patterns(patterns: tuple[str, ...], root: Path) -> Excludes:
    return Excludes.of(list(patterns), root)


def _force_excluded(path: Path, excluded: Excludes) -> bool:
    """An explicitly named file under an excluded folder, or excluded itself (`--force-exclude`)."""
    absolute = path.absolute()
    root = Path(excluded.root)
    return any(excluded(str(p), p.name) for p in [absolute, *absolute.parents] if root in p.parents)


def walk(folder: str, absolute: str, rules: list[GitIgnore], excluded: Excludes, gitignore: bool, add,
         visited: set[str]) -> None:
    """Depth-first, sorted by name.  `visited` holds the real paths of folders entered through links,
    so a symlink loop is entered once."""
    try:
        entries = sorted(os.scandir(folder), key=attrgetter("name"))
    except OSError:
        return
    if gitignore:
        names = {e.name for e in entries}
        if ".git" in names:  # a repository's top (a nested one is a project of its own): its rules alone
            rules = _repository_excludes(absolute)
        if ".gitignore" in names:  # not an open() per folder
            rules = rules + _gitignore(absolute)
    for entry in entries:
        name = entry.name
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if not is_dir and not name.endswith(SUFFIXES):
            continue
        full = absolute + os.sep + name
        if excluded(full, name) or (rules and _ignored(full, name, is_dir, rules)):
            continue
        if is_dir:
            if entry.is_symlink():
                real = os.path.realpath(entry.path)
                if real in visited:
                    continue
                visited.add(real)
            walk(entry.path, full, rules, excluded, gitignore, add, visited)
        else:
            add(Path(entry.path), full)
