"""`check --add-noqa`: a `# noqa: LLxxx` on each line with a finding, as Ruff adds them.

The comment goes on the line the finding is reported on (the call's first line), or, when that line
cannot end in a comment (it continues a string or ends in a backslash), on the next line of the call
that can: any line of the call suppresses its findings.  A line with a `# noqa: ...` already has the
codes added to it.  Files are written as `--fix` writes them (atomically, encoding and line endings kept).
"""

from __future__ import annotations

import io
import re
import sys
import tokenize
from dataclasses import dataclass, field

from .suppress import LINE_BREAK, NOQA

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .engine import Source
    from .findings import Finding

NOT_SUPPRESSIBLE = ("LL900", "LL901", "LL902")  # unreadable files, unused suppressions, leaklint's own failures


@dataclass
class Line:
    """A physical line that may end in a comment: where its code ends, and its comment if it has one."""

    end: int                      # column after its last token (before any trailing blank)
    comment: tuple[int, str] | None = None


@dataclass
class Added:
    directives: int = 0
    problems: list[str] = field(default_factory=list)


def add_noqa(findings: list[Finding], sources: dict[str, Source]) -> Added:
    from .fix import FileFix, write

    out = Added()
    by_file: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.code not in NOT_SUPPRESSIBLE:
            by_file.setdefault(finding.path, []).append(finding)
    for display, items in sorted(by_file.items()):
        source = sources[display]
        new_text, added = with_noqa(source.text, items)
        problem = "" if added else "no line of the call can take a comment"
        if added:
            problem = write(FileFix(source, new_text, list(items)))
        if problem:
            out.problems.append(f"{display}: {problem}")
        else:
            out.directives += added
    return out


def with_noqa(text: str, findings: list[Finding]) -> tuple[str, int]:
    """`text` with the findings' codes in a noqa comment on a line of each call, and how many lines changed."""
    lines = comment_lines(text)
    wanted: dict[int, set[str]] = {}
    for f in findings:
        number = next((n for n in range(f.line, max(f.end_line, f.line) + 1) if n in lines), None)
        if number is not None:
            wanted.setdefault(number, set()).add(f.code)
    starts = [0] + [m.end() for m in LINE_BREAK.finditer(text)]
    edits = sorted((starts[n - 1] + start, starts[n - 1] + end, new)
                   for n, codes in wanted.items() for start, end, new in [_edit(lines[n], codes)] if new)
    out, at = [], 0
    for start, end, new in edits:
        out += [text[at:start], new]
        at = end
    return "".join(out) + text[at:], len(edits)


def _edit(line: Line, codes: set[str]) -> tuple[int, int, str]:
    """(from column, to column, new text) that puts `codes` in the line's noqa comment."""
    if line.comment is not None:
        col, comment = line.comment
        match = NOQA.search(comment)
        if match is None:  # another tool's comment: the directive follows it
            return col + len(comment), col + len(comment), f"  # noqa: {', '.join(sorted(codes))}"
        if match.group("codes") is None:  # a bare noqa suppresses everything already
            return col, col, ""
        have = [c.upper() for c in re.split(r"[,\s]+", match.group("codes")) if c]
        merged = ", ".join([*have, *sorted(codes - set(have))])
        return col + match.start(), col + match.end(), f"# noqa: {merged}"
    return line.end, line.end, f"  # noqa: {', '.join(sorted(codes))}"


def comment_lines(text: str) -> dict[int, Line]:
    """The lines a comment can end, by number: those the tokenizer ends with a NEWLINE or NL (not a line
    inside a string, not one continued by a backslash)."""
    out: dict[int, Line] = {}
    last_end: dict[int, int] = {}
    comments: dict[int, tuple[int, str]] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(text, newline="").readline):
            row = token.start[0]
            if token.type == tokenize.COMMENT:
                comments[row] = (token.start[1], token.string)
            elif token.type in (tokenize.NEWLINE, tokenize.NL):
                out[row] = Line(last_end.get(row, token.start[1]), comments.get(row))
            elif token.end[0] == row and token.type not in (tokenize.INDENT, tokenize.DEDENT):
                last_end[row] = token.end[1]
    except (tokenize.TokenError, SyntaxError):
        return {}
    return out


def run_add_noqa(findings: list[Finding], sources: dict[str, Source], errors: list[str]) -> int:
    """Add the directives, say how many, and exit as Ruff does: 0, or 2 when the run was incomplete."""
    from .cli_report import EXIT_CLEAN, EXIT_ERROR, crashed

    added = add_noqa(findings, sources)
    for line in [*(f"error: {e}" for e in errors), *(f"warning: {p}" for p in added.problems)]:
        print(f"leaklint: {line}", file=sys.stderr)
    n = added.directives
    print(f"Added {n} noqa directive{'s' if n != 1 else ''}.", file=sys.stderr)
    return EXIT_ERROR if errors or crashed(findings) else EXIT_CLEAN
