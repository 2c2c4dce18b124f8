"""Colour for the text formats on a terminal: each finding's path in bold, its code in red, `[*]` in cyan.

`--color always|never` decides; otherwise `NO_COLOR` (https://no-color.org) turns it off, `FORCE_COLOR`
turns it on even through a pipe, and else it is on when stdout is a terminal that is not "dumb".
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Sequence, TextIO

    from .findings import Finding

TEXT_FORMATS = ("concise", "full")
BOLD, RED, CYAN, RESET = "\x1b[1m", "\x1b[1;31m", "\x1b[36m", "\x1b[0m"


def in_color(report: str, findings: Sequence[Finding], args: argparse.Namespace) -> str:
    """The report as printed to stdout: coloured when it is a text format (not statistics) and colour is wanted."""
    if args.statistics or args.output_format not in TEXT_FORMATS:  # `-o` reports never come here
        return report
    return colored(report, findings) if wanted(args.color, sys.stdout) else report


def wanted(choice: str, stream: TextIO) -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def colored(text: str, findings: Sequence[Finding]) -> str:
    """`text` as a text format rendered `findings` (in order), each finding's first line coloured."""
    lines = text.split("\n")
    at = 0
    for finding in findings:
        head = f"{finding.path}:{finding.line}:{finding.col}: {finding.code}"
        while at < len(lines) and not lines[at].startswith(head):
            at += 1
        if at == len(lines):
            break
        rest = lines[at][len(head):]
        if rest.startswith(" [*]"):
            rest = f" {CYAN}[*]{RESET}{rest[4:]}"
        lines[at] = f"{BOLD}{finding.path}{RESET}:{finding.line}:{finding.col}: {RED}{finding.code}{RESET}{rest}"
        at += 1
    return "\n".join(lines)
