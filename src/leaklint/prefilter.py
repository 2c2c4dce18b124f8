"""Decide from a file's text, before parsing, whether it can matter.

A file can only leak through an SDK (or a project module leading to one) that it imports, so the
names that matter are looked for inside its import statements; a few literals (a middleware path in
settings) are looked for anywhere.  Import statements are found with plain string searches.
"""

from __future__ import annotations

import functools
import re
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Iterable, Iterator

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
            words.update(_imported_entries(statement))
            at = find("import", end)
        else:
            at = find("import", at + 6)
    return words


ROOT_PREFIX = "^"
# Also among the words, one entry per name imported: "=module:name" for `from module import name` (the module
# as written, relative dots included), "=module:" for `import module`.  They tell which names of a project
# module another imports, so that importing a module for its models does not count as importing its sink.
IMPORT_PREFIX = "="
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


_FROM = re.compile(r"from\s+(\.*[\w.]*)\s+import\s+(.*)", re.S)


def _imported_entries(statement: str) -> set[str]:
    """`from a.b import c as d, e` -> {"=a.b:c", "=a.b:e"}; `import a.b as c, d` -> {"=a.b:", "=d:"}."""
    entries = set()
    for part in _SPLIT.split(statement):
        part = part.strip()
        found = _FROM.match(part)
        if found:
            names = found.group(2).replace("(", " ").replace(")", " ").replace("\\", " ")
            for item in names.split(","):
                name = item.split()[0] if item.split() else ""
                if name == "*" or name.isidentifier():
                    entries.add(f"{IMPORT_PREFIX}{found.group(1)}:{name}")
        elif part.startswith("import "):
            for item in part[7:].split(","):
                match = _DOTTED.match(item)
                if match:
                    entries.add(f"{IMPORT_PREFIX}{match.group(1)}:")
    return entries


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

    def imports_module(self, words: frozenset[str] | set[str], own: str, is_package: bool = False,
                       mentions: "Callable[[str], bool] | None" = None) -> bool:
        """Whether import statements with these `words`, in the module named `own`, can import one of the
        project modules: its last part is named, and so is its package's (`from app.core import utils`,
        `from ..core.utils import x`) unless the importer sits in that package (`from . import utils`).
        Matching the last part alone made every file importing some `utils` or `models` look relevant."""
        for package, last in self.modules:
            if last in words and (not package or package.rpartition(".")[2] in words
                                  or own == package or own.startswith(package + ".")):
                return True
        return False

    def with_leads(self, leads: "dict[str, set[str]]",
                   imported_from: "Callable[[], frozenset[tuple[str, str]]]" = frozenset) -> "LeadPrefilter":
        """This prefilter, also matching files importing one of the names `leads` gives per project module
        (or the module itself, or one holding it); `imported_from()`: the (module, name) pairs the project's
        files import, which tell the modules re-exporting what they import (asked only when needed)."""
        return LeadPrefilter(leads, self.imported, self.anywhere, imported_from)

    def plus(self, modules: Iterable[str]) -> "Prefilter":
        """This prefilter, also matching files that import any of the project `modules`."""
        return Prefilter(self.imported, self.anywhere, modules=self.module_names | frozenset(modules))


class LeadPrefilter(Prefilter):
    """Matches a file whose imports bring in a lead of a project module: `from app.tel import track` where
    `track` leads to a sink, `from app import tel`, `import app.tel`; not `from app.tel import Event` when
    only `track` does.  Relative imports are resolved against the importing module's package.
    A lead given with a member (`Component.do_update`: a class one of whose methods is a wrapper) is brought
    in only by a file whose text `mentions` the member: a module importing `Component` for its queries cannot
    reach the method without naming it, and a model class is imported nearly everywhere.  A module that
    passes the class on (a package's `__init__.py`, or one another file imports it from) is matched too:
    the index must see the re-export for the files naming the member through it."""

    def __init__(self, leads: "dict[str, set[str]]", imported: Iterable[str] = (), anywhere: Iterable[str] = (),
                 imported_from: "Callable[[], frozenset[tuple[str, str]]]" = frozenset):
        super().__init__(imported, anywhere, modules=leads)
        self.leads = leads
        self.imported_from = imported_from
        self.holding = {m.rsplit(".", i)[0] for m in leads for i in range(1, m.count(".") + 1)}  # packages above
        self.plain: dict[str, set[str]] = {}                    # module -> names that lead by themselves
        self.members: dict[str, dict[str, set[str]]] = {}       # module -> name -> members that lead
        for module, names in leads.items():
            for name in names:
                first, _, member = name.partition(".")
                if member:
                    self.members.setdefault(module, {}).setdefault(first, set()).add(member)
                else:
                    self.plain.setdefault(module, set()).add(name)

    def imports_module(self, words, own: str, is_package: bool = False,
                       mentions: "Callable[[str], bool] | None" = None) -> bool:
        if mentions is None or is_package:
            mentions = _always
        else:
            mentions = functools.partial(self._named_or_passed_on, mentions, words, own)
        for written, name in _entries(words) if isinstance(words, frozenset) else import_entries(words):
            if self._brings_lead(absolute_module(written, own, is_package), name, mentions):
                return True
            if not (is_package or written.startswith(".")) and self._brings_sibling_lead(written, name, own, mentions):
                return True
        return False

    def _named_or_passed_on(self, mentions: "Callable[[str], bool]", words, own: str, member: str) -> bool:
        """The file names `member`, or another file imports from it a name it imports (a re-export)."""
        if mentions(member):
            return True
        imported_from = self.imported_from()
        return any((own, word) in imported_from for word in words)

    def _brings_sibling_lead(self, written: str, name: str, own: str, mentions: "Callable[[str], bool]") -> bool:
        """A bare import in a folder without `__init__.py` may name a module beside the importer
        (`ModuleInfo.siblings`).  Whether the folder is a package is not known from the importer's name:
        a file matched here in one is parsed, and its imports resolved as Python would, for nothing."""
        package = own.rpartition(".")[0]
        return bool(package) and self._brings_lead(f"{package}.{written}", name, mentions)

    def _brings_lead(self, module: str, name: str, mentions: "Callable[[str], bool]") -> bool:
        if not name:  # `import a.b.c`: reaches what a, a.b and a.b.c hold
            return bool(owner(module, self.leads)) or module in self.holding
        if name in self.plain.get(module, ()):
            return True
        members = self.members.get(module, {})
        if name in members:
            return any(mentions(member) for member in members[name])
        if name == "*":
            return bool(self.plain.get(module)) or any(mentions(m) for ms in members.values() for m in ms)
        target = f"{module}.{name}" if module else name
        if target in self.leads:   # `from app import tel`: then `tel.track`, `tel.Tracker`
            return any(mentions(lead.partition(".")[0]) for lead in self.leads[target])
        return target in self.holding


def owner(ref: str, names) -> str:
    """The one of `names` that `ref` is or is inside (`a.b.c` is inside `a.b` and `a`: the longest is
    given), else ""."""
    while ref and ref not in names:
        ref = ref.rpartition(".")[0]
    return ref


def _always(word: str) -> bool:
    return True


def import_entries(words: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(module as written, name) per `=module:name` entry among a file's `words`; the name is "" for
    `import module`."""
    for word in words:
        if word.startswith(IMPORT_PREFIX):
            written, _, name = word[1:].partition(":")
            yield written, name


@functools.lru_cache(maxsize=8192)
def _entries(words: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """`import_entries`, kept per file's words: a file is asked again each time the project's leads grow."""
    return tuple(import_entries(words))


def imported_names(words: Iterable[str], own: str, is_package: bool,
                   bare: Callable[[str], str] | None = None) -> Iterator[tuple[str, str]]:
    """(module, name) per `=module:name` entry among a file's `words`, relative dots resolved against the
    module `own`, and a module named bare through `bare` when given (`ModuleInfo.absolute`)."""
    for written, name in import_entries(words):
        if bare is not None and not written.startswith("."):
            yield bare(written), name
        else:
            yield absolute_module(written, own, is_package), name


def absolute_module(written: str, own: str, is_package: bool) -> str:
    """The module a `from` statement names, relative dots resolved against the importing module `own`."""
    level = len(written) - len(written.lstrip("."))
    if not level:
        return written
    package = own if is_package else own.rpartition(".")[0]
    for _ in range(level - 1):
        package = package.rpartition(".")[0]
    rest = written[level:]
    return f"{package}.{rest}" if package and rest else package or rest
