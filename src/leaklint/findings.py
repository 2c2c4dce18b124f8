"""What leaklint reports: one `Finding` per problem, with a 1-based position, and the automatic fix
it offers as plain data (character offsets into the file's text), which crosses processes as it is."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import Enum

from .layout import repository_path


class Wrapper(Enum):
    """What a fix wraps an expression in; the value names the setting that says which function."""

    SCRUBBER = "scrubber"            # removes the personal data (safe)
    PSEUDONYMIZER = "pseudonymizer"  # replaces an identifier by a keyed pseudonym (unsafe)


@dataclass(frozen=True)
class Import:
    """`from module import name`: what a wrap's function needs."""

    module: str
    name: str


@dataclass(frozen=True)
class FromLine:
    """A top-level `from module import a, b` line of the file's leading import block."""

    module: str
    names: frozenset[str]    # imported under their own name
    star: bool
    end: tuple[int, int]     # the last name's trailing comma (empty when it has none): where a name is added


@dataclass(frozen=True)
class ImportBlock:
    """Where a file's imports are, for adding one: its `from` lines, the offset after the block (or
    after the docstring, or at the top) and the file's line break."""

    lines: tuple[FromLine, ...]
    insert_at: int
    newline: str


@dataclass(frozen=True)
class Around:
    """A place enclosing a piece of personal data, innermost first: a literal key it puts the data
    under, and/or the extent of an expression a fix may wrap (a wrapped one hides the keys outside it);
    `gate`: the `dict(...)` call whose keyword is the key, which hides the key when wrapped."""

    key: str | None = None
    span: tuple[int, int] | None = None
    gate: tuple[int, int] | None = None


@dataclass(frozen=True)
class Datum:
    """One piece of personal data a wrap carries: the `kind=` its value gets when no key names it, and
    the places around it."""

    kind: str
    around: tuple[Around, ...] = ()


@dataclass(frozen=True)
class Wrap:
    """An automatic fix: put `text[start:end]` (character offsets) inside a call to `function`."""

    start: int
    end: int
    wrapper: Wrapper
    function: Import
    safe: bool = True        # False: applied only with --unsafe-fixes
    data: tuple[Datum, ...] = ()
    imports: ImportBlock | None = None


@dataclass(frozen=True)
class Related:
    """A place that explains a finding: where the data was read, a project function the call goes through."""

    path: str
    line: int            # 1-based
    col: int             # 1-based
    message: str

    def as_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "column": self.col, "message": self.message}


@dataclass(frozen=True)
class Flow:
    """The personal data a finding sends to a vendor of the catalogue (for the inventory and contracts)."""

    vendor: str
    category: str
    kinds: tuple[str, ...]   # `PiiKind` values; "whole object" for an object serialised whole


@dataclass(frozen=True, order=True)
class Finding:
    path: str            # as shown to the user (relative to the current directory when possible)
    line: int            # 1-based
    col: int             # 1-based
    code: str
    message: str
    end_line: int = 0
    end_col: int = 0
    fix: str = ""        # the suggestion shown with the finding
    source_line: str = ""
    fixable: str = ""    # "safe" or "unsafe" when an automatic fix exists
    edit: Wrap | None = field(default=None, compare=False, repr=False)  # the automatic fix, if any
    fingerprint: str = field(default="", compare=False)  # stable across line moves and folders, for baselines
    related: tuple[Related, ...] = field(default=(), compare=False)
    via: tuple[str, ...] = field(default=(), compare=False)  # the project functions the call goes through
    flow: Flow | None = field(default=None, compare=False)
    status: str = field(default="", compare=False)  # "suppressed" or "allowed" (kept only for the inventory)

    def as_dict(self) -> dict:
        return {
            "code": self.code, "message": self.message, "filename": self.path,
            "location": {"row": self.line, "column": self.col},
            "end_location": {"row": self.end_line or self.line, "column": self.end_col or self.col},
            "fix_suggestion": self.fix or None,
            "related": [r.as_dict() for r in self.related],
        }


def fingerprint(code: str, path: str, call: str) -> str:
    """Identifies a finding across edits that move it: the rule, the file and the call's normalised source.
    The file by its path in its repository, so that a baseline matches from any folder and in any checkout
    (leaklint 0.2 hashed the path as shown, relative to the current folder: the same from the top).
    A hash, so a baseline stores no code and no data."""
    normalised = " ".join(call.split())
    key = f"{code}\0{repository_path(path)}\0{normalised}"
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
