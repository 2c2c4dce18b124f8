"""Find the Python files to check: walk folders, skip excluded and git-ignored paths."""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path

from .config import Settings

SUFFIXES = (".py", ".pyi")


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)   # one line each: missing paths and the like


@dataclass(frozen=True)
class IgnoreRule:
    base: Path
    pattern: str
    negate: bool
    dir_only: bool
    anchored: bool

    def matches(self, path: Path, is_dir: bool) -> bool:
        if self.dir_only and not is_dir:
            return False
        try:
            rel = path.relative_to(self.base).as_posix()
        except ValueError:
            return False
        if self.anchored:
            return fnmatch.fnmatch(rel, self.pattern)
        return fnmatch.fnmatch(path.name, self.pattern) or fnmatch.fnmatch(rel, "*/" + self.pattern) \
            or fnmatch.fnmatch(rel, self.pattern)


def _gitignore(folder: Path) -> list[IgnoreRule]:
    try:
        text = (folder / ".gitignore").read_text(encoding="utf-8", errors="replace")
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
        anchored = "/" in line
        rules.append(IgnoreRule(folder, line.lstrip("/"), negate, dir_only, anchored))
    return rules


def _ignored(path: Path, is_dir: bool, rules: list[IgnoreRule]) -> bool:
    ignored = False
    for rule in rules:
        if rule.matches(path, is_dir):
            ignored = not rule.negate
    return ignored


@dataclass(frozen=True)
class Excludes:
    """Exclude patterns split once: plain names (a set lookup) and globs (matched on name and path)."""

    names: frozenset[str]
    globs: tuple[str, ...]
    root: Path

    @classmethod
    def of(cls, patterns: list[str], root: Path) -> "Excludes":
        plain = {p for p in patterns if not any(c in p for c in "*?[/")}
        return cls(frozenset(plain), tuple(p for p in patterns if p not in plain), root)

    def __call__(self, path: Path) -> bool:
        if path.name in self.names:
            return True
        if not self.globs:
            return False
        try:
            rel = path.absolute().relative_to(self.root).as_posix()
        except ValueError:
            rel = path.as_posix()
        return any(fnmatch.fnmatch(path.name, p) or fnmatch.fnmatch(rel, p) for p in self.globs)


def discover(paths: list[Path], settings: Settings) -> Discovery:
    """Every file to check, each once, in a stable order.  Paths named explicitly are always checked."""
    out = Discovery()
    seen: set[Path] = set()
    excluded = Excludes.of(settings.exclude + settings.extend_exclude, (settings.root or Path.cwd()).absolute())

    def add(file: Path) -> None:
        key = file.resolve()
        if key not in seen:
            seen.add(key)
            out.files.append(file)

    for given in paths:
        if not os.path.lexists(given):
            out.errors.append(f"{given}: no such file or directory")
            continue
        if given.is_file() or not given.is_dir():
            if not (settings.force_exclude and _force_excluded(given, excluded)):
                add(given)
            continue
        rules: list[IgnoreRule] = []
        if settings.respect_gitignore:
            for parent in reversed(given.resolve().parents):
                rules += _gitignore(parent)
        walk(given, rules, excluded, settings.respect_gitignore, add, set())
    return out


def _force_excluded(path: Path, excluded: "Excludes") -> bool:
    """An explicitly named file under an excluded folder, or excluded itself (`--force-exclude`)."""
    absolute = path.absolute()
    return any(excluded(p) for p in [absolute, *absolute.parents] if p != excluded.root and excluded.root in p.parents)


def walk(folder: Path, rules: list[IgnoreRule], excluded: Excludes, gitignore: bool, add, visited) -> None:
    try:
        real = folder.resolve()
        if real in visited:  # symlink loop
            return
        visited.add(real)
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    if gitignore:
        rules = rules + _gitignore(folder)
    for entry in entries:
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if excluded(path) or (rules and _ignored(path, is_dir, rules)):
            continue
        if is_dir:
            walk(path, rules, excluded, gitignore, add, visited)
        elif entry.name.endswith(SUFFIXES):
            add(path)
