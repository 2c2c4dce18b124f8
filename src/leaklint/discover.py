"""Find the Python files to check: walk folders, skip excluded and git-ignored paths.

The walk works on strings from `os.scandir` (no `Path` per entry): on a large tree it is a good part of
a run that parses almost nothing.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .config import Settings, project_root

SUFFIXES = (".py", ".pyi")


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)   # one line each: missing paths and the like


@dataclass(frozen=True)
class IgnoreRule:
    """One line of a .gitignore, relative to the folder (`base`) holding it."""

    base: str
    pattern: str
    negate: bool
    dir_only: bool
    anchored: bool

    def __post_init__(self) -> None:
        # Compiled once: a large tree asks every rule about every entry.
        glob = fnmatch.translate(self.pattern)
        rel = glob if self.anchored else f"{glob}|{fnmatch.translate('*/' + self.pattern)}"
        object.__setattr__(self, "_rel", re.compile(rel).match)
        object.__setattr__(self, "_name", None if self.anchored else re.compile(glob).match)

    def matches(self, path: str, name: str, is_dir: bool) -> bool:
        if self.dir_only and not is_dir:
            return False
        if not path.startswith(self.base + os.sep):
            return False
        if self._name is not None and self._name(name):
            return True
        return self._rel(path[len(self.base) + 1:].replace(os.sep, "/")) is not None


@dataclass(frozen=True)
class GitIgnore:
    """The rules of one .gitignore, and one regex on the name and one on the path that say quickly
    when none of them can match (most entries of a tree match nothing)."""

    base: str
    rules: tuple[IgnoreRule, ...]

    def __post_init__(self) -> None:
        names = [fnmatch.translate(r.pattern) for r in self.rules if not r.anchored]
        paths = [fnmatch.translate(r.pattern if r.anchored else "*/" + r.pattern) for r in self.rules]
        object.__setattr__(self, "_name", re.compile("|".join(names)).match if names else lambda _: None)
        object.__setattr__(self, "_path", re.compile("|".join(paths + names)).match)

    def verdict(self, path: str, name: str, is_dir: bool, ignored: bool) -> bool:
        """`ignored` as these rules leave it (the last rule that matches decides)."""
        if not path.startswith(self.base + os.sep):
            return ignored
        if self._name(name) is None and self._path(path[len(self.base) + 1:].replace(os.sep, "/")) is None:
            return ignored
        for rule in self.rules:
            if rule.matches(path, name, is_dir):
                ignored = not rule.negate
        return ignored


def _gitignore(folder: str) -> list[GitIgnore]:
    try:
        with open(os.path.join(folder, ".gitignore"), encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return []
    rules = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        line = line.lstrip("!")
        dir_only = line.endswith("/")
        line = line.rstrip("/")
        rules.append(IgnoreRule(folder, line.lstrip("/"), negate, dir_only, anchored="/" in line))
    return [GitIgnore(folder, tuple(rules))] if rules else []


def _ignored(path: str, name: str, is_dir: bool, ignores: list[GitIgnore]) -> bool:
    ignored = False
    for ignore in ignores:  # outer folders first: a deeper .gitignore has the last word
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


def discover(paths: list[Path], settings: Settings) -> Discovery:
    """Every file to check, each once, in a stable order.  Paths named explicitly are always checked
    (unless `force_exclude`)."""
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
        rules: list[GitIgnore] = []
        if settings.respect_gitignore:
            for parent in reversed(Path(top).parents):
                rules += _gitignore(str(parent))
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
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    if gitignore and any(e.name == ".gitignore" for e in entries):  # not an open() per folder
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
