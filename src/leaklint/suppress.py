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
    if not SKIP_FILE.search(text):
        return False
    lines = source_lines(text)
    return any(SKIP_FILE.match(comment) and not lines[number - 1][:col].strip()  # a comment on a line of its own
               for number, found in comments(lines).items() for col, comment in found)


def comments(lines: list[str]) -> dict[int, list[tuple[int, str]]]:
    """1-based line number -> (0-based column, text) of its comments, as the tokenizer finds them: a `#`
    inside a string is no comment.  Only lines holding a `#` are looked at, and a file is tokenized only
    when one of them reads like a suppression (most files' comments are not)."""
    candidates = {n: line for n, line in enumerate(lines, start=1) if _may_hold_directive(line)}
    if not candidates:
        return {}
    import io
    import tokenize

    out: dict[int, list[tuple[int, str]]] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO("\n".join(lines) + "\n").readline):
            if token.type == tokenize.COMMENT and token.start[0] in candidates:
                out.setdefault(token.start[0], []).append((token.start[1], token.string))
    except (tokenize.TokenError, SyntaxError):  # a file Python cannot tokenize: every `#` counts, as before
        return {n: [(line.index("#"), line[line.index("#"):])] for n, line in candidates.items()}
    return out


def _may_hold_directive(line: str) -> bool:
    return "#" in line and bool(NOQA.search(line) or IGNORE.search(line) or SKIP_FILE.search(line))


def _codes(match: re.Match) -> list[str]:
    raw = match.group("codes")
    return ["*"] if raw is None else [c.strip().upper() for c in re.split(r"[,\s]+", raw) if c.strip()]


def directives(lines: list[str]) -> list[tuple[int, int, re.Match]]:
    """Every suppression comment: (line, 0-based column of its comment, the match in the comment)."""
    return [(number, col, m) for number, found in comments(lines).items() for col, text in found
            for regex in (NOQA, IGNORE) for m in regex.finditer(text)]


class Table:
    """1-based line number -> codes suppressed there (`{"*"}` for all), worked out when first asked about
    a line that reads like a suppression: a file whose findings' lines have none is never tokenized (a
    module of 2,500 lines takes about 0.1 s)."""

    def __init__(self, lines: list[str]):
        self.lines, self.codes = lines, None

    def get(self, number: int) -> frozenset[str] | None:
        if self.codes is None:
            if not 0 < number <= len(self.lines) or not _may_hold_directive(self.lines[number - 1]):
                return None
            found: dict[int, set[str]] = {}
            for line, _, match in directives(self.lines):
                found.setdefault(line, set()).update(_codes(match))
            self.codes = {line: frozenset(codes) for line, codes in found.items()}
        return self.codes.get(number)


def suppressed_codes(lines: list[str]) -> Table:
    return Table(lines)


def suppressing(code: str, lines: Iterable[int], table: Table) -> tuple[int, str] | None:
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
    for number, col, match in directives(lines):
        codes = [] if match.re is NOQA and match.group("codes") is None else _codes(match)
        for code in codes:
            if (code == "*" or code.startswith("LL")) and (number, code) not in used:
                out.append((number, col + match.start() + 1, "all findings" if code == "*" else code))
    return out
