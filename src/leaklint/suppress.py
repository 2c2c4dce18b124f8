"""Suppression comments: `# noqa`, `# noqa: LL001`, `# leaklint: ignore[LL001,LL003]`, `# leaklint: skip-file`."""

from __future__ import annotations

import re
from typing import Iterable

NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
IGNORE = re.compile(r"#\s*leaklint:\s*ignore(?:\[(?P<codes>[^\]]*)\])?")
SKIP_FILE = re.compile(r"^\s*#\s*leaklint:\s*skip-file\b", re.MULTILINE)

ALL = frozenset({"*"})


LINE_BREAK = re.compile(r"\r\n|\r|\n")


def source_lines(text: str) -> list[str]:
    """Lines as Python numbers them: only \\n, \\r\\n and \\r end a line (str.splitlines also splits on
    form feeds and other characters that may sit inside a line of code or a comment)."""
    lines = LINE_BREAK.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def skip_file(text: str) -> bool:
    return bool(SKIP_FILE.search(text))


def suppressed_codes(lines: list[str]) -> dict[int, frozenset[str]]:
    """1-based line number -> codes suppressed there (`{"*"}` for all)."""
    out: dict[int, frozenset[str]] = {}
    for number, line in enumerate(lines, start=1):
        if "#" not in line:
            continue
        codes: set[str] = set()
        for regex in (NOQA, IGNORE):
            for m in regex.finditer(line):
                raw = m.group("codes")
                if raw is None:
                    codes.add("*")
                else:
                    codes.update(c.strip().upper() for c in re.split(r"[,\s]+", raw) if c.strip())
        if codes:
            out[number] = frozenset(codes)
    return out


def suppressing(code: str, lines: Iterable[int], table: dict[int, frozenset[str]]) -> tuple[int, str] | None:
    """The (line, code) of the comment that suppresses `code` on any of `lines`, if one does."""
    for number in lines:
        codes = table.get(number)
        if codes and code in codes:
            return number, code
        if codes and "*" in codes:
            return number, "*"
    return None


def mentions_leaklint(text: str) -> bool:
    return "leaklint:" in text or "noqa: LL" in text or "noqa:LL" in text


def unused(lines: list[str], used: set[tuple[int, str]]) -> list[tuple[int, int, str]]:
    """leaklint's own suppressions that suppressed nothing: (line, column, code).  A bare `# noqa` is
    not counted: it may be there for another tool."""
    out = []
    for number, line in enumerate(lines, start=1):
        if "#" not in line:
            continue
        for regex in (NOQA, IGNORE):
            for m in regex.finditer(line):
                raw = m.group("codes")
                if raw is None:
                    codes = ["*"] if regex is IGNORE else []
                else:
                    codes = [c.strip().upper() for c in re.split(r"[,\s]+", raw) if c.strip()]
                for code in codes:
                    if (code == "*" or code.startswith("LL")) and (number, code) not in used:
                        out.append((number, m.start() + 1, "all findings" if code == "*" else code))
    return out
