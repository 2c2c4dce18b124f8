"""Suppression comments: `# noqa`, `# noqa: LL001`, `# leaklint: ignore[LL001,LL003]`, `# leaklint: skip-file`."""

from __future__ import annotations

import re

NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
IGNORE = re.compile(r"#\s*leaklint:\s*ignore(?:\[(?P<codes>[^\]]*)\])?")
SKIP_FILE = re.compile(r"^\s*#\s*leaklint:\s*skip-file\b", re.MULTILINE)

ALL = frozenset({"*"})


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


def is_suppressed(code: str, lines: range, table: dict[int, frozenset[str]]) -> bool:
    for number in lines:
        codes = table.get(number)
        if codes and ("*" in codes or code in codes):
            return True
    return False
