"""Decide from a file's text, before parsing, whether it can matter.

A file can only leak through an SDK (or a project module leading to one) that it imports, so the
names that matter are looked for inside its import statements; a few literals (a middleware path in
settings) are looked for anywhere.  Import statements are found with plain string searches.
"""

from __future__ import annotations

import re
from typing import Iterable

WORD = re.compile(r"\w+")


def import_words(text: str) -> set[str]:
    """The words of a module's import statements (`import a.b as c`, `from .x import (y, z)`), found with
    plain string searches: much faster than a regex over the whole text."""
    words: set[str] = set()
    find = text.find
    at = find("import")
    while at != -1:
        start = text.rfind("\n", 0, at) + 1
        head = text[start:at].lstrip(" \t")
        # `import x` or `from x import ...` at a line start, or after `try:` / `;` on the same line
        if head == "" or head.startswith("from ") or head.rstrip().endswith((":", ";")):
            end = find("\n", at)
            end = len(text) if end == -1 else end
            if "(" in text[at:end] and ")" not in text[at:end]:
                close = find(")", at)
                end = len(text) if close == -1 else close
            words.update(WORD.findall(text, start, end))
            at = find("import", end)
        else:
            at = find("import", at + 6)
    return words


class Prefilter:
    def __init__(self, imported: Iterable[str], anywhere: Iterable[str] = ()):
        self.imported = frozenset(imported)
        self.anywhere = tuple(anywhere)

    def matches(self, text: str) -> bool:
        if any(literal in text for literal in self.anywhere):
            return True
        return not self.imported.isdisjoint(import_words(text))

    def with_imports(self, names: Iterable[str]) -> "Prefilter":
        """A prefilter for files importing any of `names` (and nothing else)."""
        return Prefilter(names)
