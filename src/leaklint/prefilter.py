"""Decide from a file's text, before parsing, whether it can matter.

A file can only leak through an SDK (or a project module leading to one) that it imports, so the
names that matter are looked for inside its import statements; a few literals (a middleware path in
settings) are looked for anywhere.  Import statements are found with plain string searches.
"""

from __future__ import annotations

import re
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterable

WORD = re.compile(r"\w+")


def import_words(text: str) -> set[str]:
    """The words of a module's import statements (`import a.b as c`, `from .x import (y, z)`), found with
    plain string searches: much faster than a regex over the whole text.  The top-level packages of
    absolute imports are also returned, marked with a leading "^" (`^mixpanel`), since an SDK can only be
    imported absolutely (`from .segment import Segment` is the project's own module)."""
    words: set[str] = set()
    find = text.find
    at = find("import")
    while at != -1:
        start = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1  # "\r" alone ends a line too
        head = text[start:at].lstrip(" \t")
        # `import x` or `from x import ...` at a line start, or after `try:` / `;` on the same line
        if head == "" or head.startswith("from ") or head.rstrip().endswith((":", ";")):
            end = find("\n", at)
            end = len(text) if end == -1 else end
            if "(" in text[at:end] and ")" not in text[at:end]:
                close = find(")", at)
                end = len(text) if close == -1 else close
            statement = text[start:end].lstrip(" \t")
            words.update(WORD.findall(statement))
            words.update(ROOT_PREFIX + root for root in _absolute_roots(statement))
            at = find("import", end)
        else:
            at = find("import", at + 6)
    return words


ROOT_PREFIX = "^"
_SPLIT = re.compile(r"[;:]")


_DOTTED = re.compile(r"\s*\(?\s*([\w.]+)")


def _absolute_roots(statement: str) -> set[str]:
    """Top-level packages named by absolute imports in one statement (`import a.b, c as d` -> a, c)."""
    roots = set()
    for part in _SPLIT.split(statement):
        part = part.strip()
        if part.startswith("from "):
            match = _DOTTED.match(part, 5)
            if match and not match.group(1).startswith("."):
                roots.add(match.group(1).split(".", 1)[0])
        elif part.startswith("import "):
            for item in part[7:].split(","):
                match = _DOTTED.match(item)
                if match:
                    roots.add(match.group(1).split(".", 1)[0])
    return roots


class Prefilter:
    """`roots`: top-level packages that matter when imported absolutely (the SDKs, kept in `imported` as
    "^root"); `imported`: words
    that matter anywhere in an import statement (project modules, configured sinks); `anywhere`:
    literals that matter anywhere in the text."""

    def __init__(self, imported: Iterable[str], anywhere: Iterable[str] = (), roots: Iterable[str] = (),
                 modules: Iterable[str] = ()):
        self.imported = frozenset(imported) | frozenset(ROOT_PREFIX + r for r in roots)
        self.anywhere = tuple(anywhere)
        self.module_names = frozenset(modules)  # project modules (dotted) ...
        self.modules = tuple(sorted({m.rpartition(".")[::2] for m in self.module_names}))  # ... as (package, last)

    def imports_module(self, words: frozenset[str] | set[str], own: str) -> bool:
        """Whether import statements with these `words`, in the module named `own`, can import one of the
        project modules: its last part is named, and so is its package's (`from app.core import utils`,
        `from ..core.utils import x`) unless the importer sits in that package (`from . import utils`).
        Matching the last part alone made every file importing some `utils` or `models` look relevant."""
        for package, last in self.modules:
            if last in words and (not package or package.rpartition(".")[2] in words
                                  or own == package or own.startswith(package + ".")):
                return True
        return False

    def with_imports(self, modules: Iterable[str]) -> "Prefilter":
        """A prefilter for files importing any of the project `modules` (and nothing else)."""
        return Prefilter((), modules=modules)

    def plus(self, modules: Iterable[str]) -> "Prefilter":
        """This prefilter, also matching files that import any of the project `modules`."""
        return Prefilter(self.imported, self.anywhere, modules=self.module_names | frozenset(modules))
