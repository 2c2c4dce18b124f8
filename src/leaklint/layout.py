"""Where a file sits: its project's root, its dotted module name, and the project's own top-level modules.

Standard library only, so that deciding which files matter never imports the parser.
"""

from __future__ import annotations

import functools
import keyword
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ModuleInfo:
    """Where a checked file sits: its dotted module name and the project's own top-level modules."""

    name: str = ""                          # e.g. "shop.views.orders" ("" when unknown)
    is_package: bool = False                # the file is an __init__.py
    local_roots: frozenset[str] = frozenset()  # top-level names that are the project's own code
    siblings: frozenset[str] = frozenset()     # names a bare import may mean in the module's own folder
                                               # (outside any package: see `_folder_info`)

    @property
    def package(self) -> str:
        return self.name if self.is_package else self.name.rpartition(".")[0]

    def absolute(self, written: str) -> str:
        """The module an absolute import names (`tracking` -> `scripts.tracking` for a sibling, see
        `siblings`)."""
        return f"{self.package}.{written}" if written.split(".", 1)[0] in self.siblings else written


def module_info(path: Path | str, project_root: Path | None) -> ModuleInfo:
    """Derive the module name by walking up through packages (`__init__.py`), or for a module in a folder
    without one, from its path below the project's source root (namespace packages); list local roots."""
    return module_info_at(os.path.abspath(path), project_root)


def module_info_at(absolute: str, project_root: Path | None) -> ModuleInfo:
    """module_info() for a path already absolute and normal (`os.path.abspath`'s)."""
    folder, name = os.path.split(absolute)
    stem = name.rsplit(".", 1)[0]
    package, roots, siblings = _folder_info(folder, str(project_root) if project_root is not None else None)
    parts = [*package, stem] if stem != "__init__" else list(package)
    return ModuleInfo(".".join(parts), stem == "__init__", roots, siblings)


@functools.lru_cache(maxsize=4096)
def _folder_info(folder: str, project_root: str | None) -> tuple[tuple[str, ...], frozenset[str], frozenset[str]]:
    """The package of the modules in a folder, the names that are the project's own code there, and the
    names its modules may import bare from the folder itself (`ModuleInfo.siblings`)."""
    package, base = _package_of(folder)
    roots = set(_top_level_names(base))
    siblings: frozenset[str] = frozenset()
    if project_root is not None:
        top = _top_level_names(project_root) | _top_level_names(os.path.join(project_root, "src"))
        roots.update(top)
        if not package:
            package = _namespace_of(folder, _source_root(folder, project_root))
            if package:
                # Python runs a script with its own folder first on sys.path, so `from tracking import send`
                # in scripts/run.py is scripts/tracking.py.  Only in a folder that is no package (Python 3
                # has no implicit relative imports), and never for a real top-level module of the project.
                roots.add(package[0])
                siblings = _unpackaged_names(folder) - top
    return package, frozenset(roots), siblings


def _source_root(folder: str, project_root: str) -> str:
    """The folder the project's imports start from: `src/` for a file in a src layout, else the root."""
    src = os.path.join(project_root, "src")
    inside = folder == src or folder.startswith(src + os.sep)
    return src if inside and not os.path.isfile(os.path.join(src, "__init__.py")) else project_root


def _namespace_of(folder: str, source_root: str) -> tuple[str, ...]:
    """The namespace package of a folder without `__init__.py`: its path below the source root (`app/`
    holding `track.py` makes `app.track`), when every folder on the way is a valid name.

    A package (with `__init__.py`) keeps the name it has from the folder above its top package, as
    before: a Django project kept in `backend/` imports `shop.models`, not `backend.shop.models`."""
    if not folder.startswith(source_root + os.sep):
        return ()
    parts = tuple(folder[len(source_root) + 1:].split(os.sep))
    return parts if all(p.isidentifier() and not keyword.iskeyword(p) for p in parts) else ()


@functools.lru_cache(maxsize=4096)
def _package_of(folder: str) -> tuple[tuple[str, ...], str]:
    """The package path of a folder (its names up through `__init__.py` files) and the folder above it."""
    if not os.path.isfile(os.path.join(folder, "__init__.py")):
        return (), folder
    parent, name = os.path.split(folder)
    if parent == folder:
        return (), folder
    above, base = _package_of(parent)
    return (*above, name), base


def _top_level_names(folder: str) -> frozenset[str]:
    """Importable names in a folder: modules, packages, and namespace packages (a folder without
    `__init__.py` holding modules)."""
    return _top_level(folder)[0]


@functools.lru_cache(maxsize=1024)
def _top_level(folder: str) -> tuple[frozenset[str], frozenset[str]]:
    """`_top_level_names`, and which of them are packages (a folder with `__init__.py`)."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return frozenset(), frozenset()
    names, packages = set(), set()
    for entry in entries:
        if entry.name.endswith((".py", ".pyi")):
            names.add(entry.name.rsplit(".", 1)[0])
        elif _is_folder(entry):
            if os.path.isfile(os.path.join(entry.path, "__init__.py")):
                packages.add(entry.name)
            if entry.name in packages or (entry.name.isidentifier() and _holds_modules(entry.path)):
                names.add(entry.name)
    return frozenset(names), frozenset(packages)


def _is_folder(entry: os.DirEntry) -> bool:
    """Only a folder (or a link to one) can hold `__init__.py` or modules: other entries need no look."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _unpackaged_names(folder: str) -> frozenset[str]:
    """The names in a folder whose modules are named from their path (`_namespace_of`): modules and
    folders without `__init__.py`.  A package keeps its own name (`lib.tracking` for scripts/lib/)."""
    names, packages = _top_level(folder)
    return names - packages


def _holds_modules(folder: str) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(e.name.endswith((".py", ".pyi")) for e in entries)
    except OSError:
        return False


# -- project roots -------------------------------------------------------------------------------
def project_root(start: Path) -> Path | None:
    """The nearest project root (see `is_root`) from `start` upwards (symbolic links resolved)."""
    folder = os.path.realpath(start)
    if not os.path.isdir(folder):
        folder = os.path.dirname(folder)
    root = root_of(folder)
    return Path(root) if root is not None else None


@functools.lru_cache(maxsize=4096)
def root_of(folder: str) -> str | None:
    """project_root() for an absolute folder, as given (symbolic links not resolved)."""
    # Memoised per folder: grouping thousands of files by project asks about the same parents again and again.
    if is_root(folder):
        return folder
    parent = os.path.dirname(folder)
    return None if parent == folder else root_of(parent)


@functools.lru_cache(maxsize=4096)
def repository_top(folder: str) -> str | None:
    """The top folder of the git working tree holding the absolute `folder`: the nearest with `.git` (a
    folder; a file in a worktree or a submodule), found without running git."""
    if os.path.lexists(os.path.join(folder, ".git")):
        return folder
    parent = os.path.dirname(folder)
    return None if parent == folder else repository_top(parent)


def repository_path(path: str) -> str:
    """`path` (absolute, or relative to the current folder) as its repository names it, the same from any
    folder and any checkout: relative to the top of its git working tree, else to its project root, else
    to the current folder; with forward slashes."""
    return _repository_path(os.path.abspath(path))


def repository_root(folder: str) -> str:
    """The folder `repository_path` names the files of the absolute `folder` from."""
    return repository_top(folder) or root_of(folder) or os.getcwd()


@functools.lru_cache(maxsize=4096)
def _repository_path(absolute: str) -> str:
    top = repository_root(os.path.dirname(absolute))
    try:
        return os.path.relpath(absolute, top).replace(os.sep, "/")
    except ValueError:  # on another drive than the current folder
        return absolute.replace(os.sep, "/")


def loose_root(files: list[str], cwd: str) -> str | None:
    """A root for files outside any project (no marker above them), so that they still have module names and
    a cache: the current folder when they are all in it (where `python -m` would import them from), else
    the deepest folder holding them all."""
    folders = [os.path.dirname(os.path.abspath(f)) for f in files]
    if all(f == cwd or f.startswith(cwd + os.sep) for f in folders):
        return cwd
    try:
        return os.path.commonpath(folders)
    except ValueError:  # on different drives
        return None


def is_root(folder: str) -> bool:
    """A folder with `pyproject.toml` or `.git`, or a packaging script's folder: `setup.cfg`, or a `setup.py`
    that imports setuptools or distutils, in a folder that is not itself a package (no `__init__.py`).  Any
    module may be called `setup.py` (a view, a fixture); one that is part of a package or builds nothing
    must not cut the project in two."""
    if os.path.exists(os.path.join(folder, "pyproject.toml")) or os.path.lexists(os.path.join(folder, ".git")):
        return True
    if os.path.isfile(os.path.join(folder, "__init__.py")):
        return False
    return os.path.isfile(os.path.join(folder, "setup.cfg")) or _builds_a_package(os.path.join(folder, "setup.py"))


def _builds_a_package(setup_py: str) -> bool:
    try:
        with open(setup_py, "rb") as handle:
            text = handle.read(1 << 20)
    except OSError:
        return False
    return b"setuptools" in text or b"distutils" in text
