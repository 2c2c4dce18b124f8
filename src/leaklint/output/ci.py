"""What the CI reports (SARIF, GitLab Code Quality, GitHub workflow commands) share: where a file is in
its repository, fingerprints that do not move when lines are added above a finding, and columns counted
in UTF-16 code units, as SARIF counts them."""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections import Counter
from dataclasses import dataclass

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence

    from ..findings import Finding


@dataclass(frozen=True)
class Place:
    """A file as a CI service names it: the repository's top folder (absolute) and the path inside it."""

    root: str
    path: str   # with forward slashes


def place(path: str) -> Place:
    """`path` (as findings show it: relative to the current folder, or absolute) in its repository."""
    return _place(os.path.abspath(path))


@functools.lru_cache(maxsize=4096)
def _place(absolute: str) -> Place:
    from ..layout import repository_root

    root = repository_root(os.path.dirname(absolute))
    return Place(root, os.path.relpath(absolute, root).replace(os.sep, "/"))


_LINE_NUMBER = re.compile(r"\bline \d+")


def fingerprints(findings: Sequence[Finding]) -> list[tuple[str, int]]:
    """Per finding: a hash of what it is about (its repository path, rule, the normalised text of the
    line its call starts on and its message, line numbers left out) and which occurrence of that hash
    it is in the file, so two identical calls stay two. Lines added above a finding change neither."""
    seen: Counter[str] = Counter()
    out = []
    for f in findings:
        message = _LINE_NUMBER.sub("line", f.message)  # "from line 14: org.name" moves with the code
        key = "\0".join((place(f.path).path, f.code, " ".join(f.source_line.split()), message))
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        seen[digest] += 1
        out.append((digest, seen[digest]))
    return out


def fingerprint(digest: str, occurrence: int) -> str:
    """One string for a finding (GitLab's `fingerprint`, SARIF's `leaklint/v1`)."""
    return hashlib.sha256(f"{digest}:{occurrence}".encode()).hexdigest()


class Columns:
    """leaklint counts columns in code points; SARIF (by default) and GitHub in UTF-16 code units. They
    differ after a character outside the Basic Multilingual Plane (an emoji), so the line is needed:
    given, or read from the file once (when it cannot be read, the column is left as it is)."""

    def __init__(self) -> None:
        self._files: dict[str, list[str]] = {}

    def utf16(self, path: str, line: int, col: int, text: str | None = None) -> int:
        if text is None:
            text = self._line(path, line)
        before = text[:col - 1]
        if before.isascii():
            return col
        return len(before.encode("utf-16-le", "surrogatepass")) // 2 + col - len(before)

    def _line(self, path: str, line: int) -> str:
        if path not in self._files:
            self._files[path] = _read_lines(path)
        lines = self._files[path]
        return lines[line - 1] if 0 < line <= len(lines) else ""


def _read_lines(path: str) -> list[str]:
    from ..source import Unreadable, decode
    from ..suppress import source_lines

    try:
        with open(path, "rb") as file:
            return source_lines(decode(file.read())[0])
    except (OSError, Unreadable):
        return []
