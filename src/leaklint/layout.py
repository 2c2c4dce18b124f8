"""Where a file sits in its project: its dotted module name, and the project's own top-level modules.

Standard library only, so that deciding which files matter never imports the parser.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ModuleInfo:
    """Where a checked file sits: its dotted module name and the project's own top-level modules."""

    name: str = ""                          # e.g. "shop.views.orders" ("" when unknown)
    is_package: bool = False                # the file is an __init__.py
    local_roots: frozenset[str] = frozenset()  # top-level names that are the project's own code

    @property
    def package(self) -> str:
        return self.name if self.is_package else self.name.rpartition(".")[0]


def module_info(path: Path, project_root: Path | None) -> ModuleInfo:
    """Derive the module name by walking up through packages (`__init__.py`), and list local roots."""
    path = path.absolute()
    package, base = _package_of(str(path.parent))
    parts = [*package, path.stem] if path.stem != "__init__" else list(package)
    roots = set(_top_level_names(base))
    if project_root is not None:
        roots.update(_top_level_names(str(project_root)))
        roots.update(_top_level_names(os.path.join(project_root, "src")))
    return ModuleInfo(".".join(parts), path.stem == "__init__", frozenset(roots))


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


@functools.lru_cache(maxsize=1024)
def _top_level_names(folder: str) -> frozenset[str]:
    """Importable names in a folder: modules and packages."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return frozenset()
    names = set()
    for entry in entries:
        if entry.name.endswith((".py", ".pyi")):
            names.add(entry.name.rsplit(".", 1)[0])
        elif os.path.isfile(os.path.join(entry.path, "__init__.py")):
            names.add(entry.name)
    return frozenset(names)


