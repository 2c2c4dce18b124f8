"""The modules a few files can reach through their imports, for a run asked about only those files.

Checking one file (pre-commit, an editor) needs the project only for what that file's calls lead to: the
modules it imports, the modules those import, and so on.  Found from the import statements' text
(`prefilter.import_words`), without parsing.  A package's `__init__` reached for one name it re-exports
(`from app import Agent`) leads on only to where that name comes from, not to everything it imports.
What the rest of the project holds can still matter through the lookups made by name (a method of that
name on an object of unknown class), which such a run does without: a whole-tree run, or a warm cache,
sees them.
"""

from __future__ import annotations

from .prefilter import imported_names
from .source import Source

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable


def reachable(start: list[Source], sources: list[Source], facts: Callable[[Source], None]) -> list[Source]:
    """`start` and every source its imports reach, directly or through others (project modules only).
    `facts(source)` is called on each source before its imports are read (a file not read yet is read)."""
    by_name = {s.info.name: s for s in sources if s.info.name}
    whole: set[str] = set()          # modules all of whose imports are followed
    named: set[tuple[str, str]] = set()  # (package, name): followed for that name only
    todo: list[tuple[str, str]] = [(s.info.name, "") for s in start if s.info.name]
    shown = {s.display for s in start}
    while todo:
        module, name = todo.pop()
        if module in whole or (module, name) in named:
            continue  # (all of a module's imports followed covers any one name of it)
        source = by_name[module]
        facts(source)
        entries = imports_of(source, by_name)
        if name and source.info.is_package:  # a re-export, or defined in the __init__ itself
            bringing = [(m, n) for m, n, as_ in entries if as_ == name]
            if bringing:
                named.add((module, name))
                todo.extend(bringing)
                continue
        whole.add(module)
        todo.extend((m, n) for m, n, _ in entries)
        # `import app` and then `app.b.f()`: any module under a package imported bare may be reached
        todo.extend((inner, "") for m, _, as_ in entries if not as_ and by_name[m].info.is_package
                    for inner in _under(m, by_name))
    shown |= {by_name[m].display for m in whole} | {by_name[m].display for m, _ in named}
    return [s for s in sources if s.display in shown]


def _under(package: str, modules: dict) -> list[str]:
    return [m for m in modules if m.startswith(package + ".")]


def imports_of(source: Source, modules: dict) -> list[tuple[str, str, str]]:
    """Per name a source imports from the project: (module, name in it or "", name as imported).
    `from a.b import c` is (a.b.c, "", c) when a.b.c is a module, else (a.b, c, c); `import a.b` is
    (a.b, "", "")."""
    out = []
    info = source.info
    for module, name in imported_names(source.words or (), info.name, info.is_package, info.absolute):
        if name and f"{module}.{name}" in modules:
            out.append((f"{module}.{name}", "", name))
        elif module in modules:
            out.append((module, "" if name == "*" else name, name))
    return out
