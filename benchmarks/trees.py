"""The trees benchmarked: applications from the package index (their wheels hold the sources) or from a
folder, copied under benchmarks/.work/trees/ so that a run may edit a file and keep a cache there without
touching the original."""

from __future__ import annotations

import collections
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT_MARKERS = ("pyproject.toml", ".git", "setup.py", "setup.cfg")  # what makes a folder leaklint's project root
# Left out of a copy: leaklint skips them anyway (default exclusions), and some are large.
COPY_IGNORE = shutil.ignore_patterns(".git", ".leaklint_cache", "__pycache__", "node_modules", ".venv", "venv",
                                     ".tox", ".nox")


@dataclass
class Tree:
    name: str
    root: Path                 # the project root: every command runs in it
    targets: list[str]         # the paths checked, relative to the root
    changed: str | None = None  # the file edited for "one changed file", relative to the root; None: pick one


def _mark_root(root: Path, name: str) -> None:
    """Make `root` a project root, so that leaklint does not take a folder above it for one."""
    if not any((root / marker).exists() for marker in ROOT_MARKERS):
        (root / "pyproject.toml").write_text(f'[project]\nname = "{name}"\nversion = "0"\n')


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def wheel_of(dist: str, download: Path) -> Path:
    """The wheel of `dist` in `download`, fetched from the package index the first time."""
    def found() -> list[Path]:
        return sorted((w for w in download.glob("*.whl") if _normalised(w.name.split("-")[0]) == _normalised(dist)),
                      key=lambda w: w.stat().st_mtime)

    if not found():
        download.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary", ":all:",
                               dist, "-d", str(download)], capture_output=True, text=True)
        if done.returncode != 0 or not found():
            lines = done.stderr.strip().splitlines()
            raise ValueError(f"cannot download a wheel of {dist}: {lines[-1] if lines else 'no wheel'}")
    return found()[-1]


def from_index(name: str, dist: str, work: Path) -> Tree:
    """An application's wheel unpacked as a project; the checked paths are its top-level packages."""
    wheel = wheel_of(dist, work / "download")
    root = work / "trees" / name
    shutil.rmtree(root, ignore_errors=True)
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(root)
    tops = sorted(entry.name for entry in root.iterdir()
                  if (entry.is_dir() and (entry / "__init__.py").exists()) or entry.suffix == ".py")
    if not tops:
        raise ValueError(f"{wheel.name} holds no Python package")
    _mark_root(root, name)
    return Tree(name, root, tops)


def from_folder(name: str, source: Path, work: Path) -> Tree:
    """A copy of a checkout (checked whole, as its project root) or of a package folder (one with
    `__init__.py`: copied into a project root of its own, so that its imports keep their package name)."""
    if not source.is_dir():
        raise ValueError(f"{source}: not a folder")
    root = work / "trees" / name
    shutil.rmtree(root, ignore_errors=True)
    package = (source / "__init__.py").exists()
    shutil.copytree(source, root / source.name if package else root, symlinks=True, ignore=COPY_IGNORE)
    _mark_root(root, name)
    return Tree(name, root, [source.name] if package else ["."])


def checked_files(tree: Tree) -> list[str]:
    """The files leaklint checks in `tree` (default settings: exclusions and .gitignore), relative to its root:
    the same set is given to the other tools."""
    from leaklint.config import Settings
    from leaklint.discover import discover

    found = discover([tree.root / target for target in tree.targets], Settings())
    if found.errors:
        raise ValueError(found.errors[0])
    return [os.path.relpath(path, tree.root) for path in found.files]


def most_reported(findings: list[dict], files: list[str]) -> str | None:
    """The checked file with the most findings (the first by name on a tie): a file that matters."""
    counts = collections.Counter(os.path.normpath(f["filename"]) for f in findings)
    known = set(files)
    ranked = sorted(((-n, path) for path, n in counts.items() if path in known))
    return ranked[0][1] if ranked else None


def largest(tree: Tree, files: list[str]) -> str:
    return max(files, key=lambda path: ((tree.root / path).stat().st_size, path))
