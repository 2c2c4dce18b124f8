"""The command line's arguments: `leaklint check|inventory|rules|server|clean`, parsed without importing more than
argparse needs."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__


def _codes(text: str) -> list[str]:
    return [c.strip().upper() for c in text.split(",") if c.strip()]


def _per_file_ignores(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """`tests/*:LL001,LL002,legacy/*:LL010`: a `pattern:code` item starts a pattern, a bare code adds to it."""
    pairs: list[tuple[str, list[str]]] = []
    for item in (i.strip() for i in text.split(",")):
        pattern, colon, code = item.rpartition(":")
        if colon and pattern and code.strip():
            pairs.append((pattern, [code.strip().upper()]))
        elif item and not colon and pairs:
            pairs[-1][1].append(item.upper())
        elif item:
            raise argparse.ArgumentTypeError(f"invalid per-file ignore '{item}': give PATTERN:CODE[,CODE...]")
    return [(pattern, tuple(codes)) for pattern, codes in pairs]


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"invalid job count '{text}': give a number, 0 for one per CPU")
    return value


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (containers, taskset)
    except AttributeError:
        return os.cpu_count() or 1


class HelpFormatter(argparse.HelpFormatter):
    """argparse's, told the terminal width itself: argparse would import shutil for it on every run."""

    def __init__(self, prog: str):
        try:
            width = int(os.environ.get("COLUMNS", "")) or os.get_terminal_size(sys.stdout.fileno()).columns
        except (ValueError, OSError):
            width = 80
        super().__init__(prog, width=max(width, 40) - 2)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="leaklint", description="Find personal data sent to analytics SDKs.",
                                     formatter_class=HelpFormatter)
    parser.add_argument("--version", action="version", version=f"leaklint {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    add_check(sub)

    inventory = sub.add_parser("inventory", help="which personal data goes to which vendor, from where")
    inventory.add_argument("paths", nargs="*", type=Path, default=None, metavar="PATH")
    inventory.add_argument("--format", choices=INVENTORY_FORMATS, default=None, help="default: table")
    inventory.add_argument("--output-file", "--output", "-o", dest="output", metavar="[FORMAT:]FILE",
                           help="write to FILE instead of stdout; `-o html:inventory.html` as `check -o` takes it")
    inventory.add_argument("--config", type=Path, help="configuration file (pyproject.toml or leaklint.toml)")
    inventory.add_argument("--baseline", type=Path, metavar="FILE", help="mark the findings it records as baselined")
    inventory.add_argument("--include-tests", action="store_true", help="list flows in test code too")
    inventory.add_argument("--jobs", "-j", type=_jobs, default=0, metavar="N", help="processes (default: one per CPU)")
    inventory.add_argument("--no-cache", action="store_true", help="neither read nor write .leaklint_cache")
    inventory.add_argument("--write-contracts", action="store_true",
                           help="print [tool.leaklint.vendors.*] contracts allowing today's flows, to review")
    inventory.add_argument("--diff", metavar="GIT_REF", help="the flows that appear or disappear since GIT_REF")

    rules = sub.add_parser("rules", help="list the rules, or explain one")
    rules.add_argument("code", nargs="?", help="a rule code, e.g. LL001")
    sub.add_parser("server", help="run the language server on stdio (needs leaklint[lsp])")
    clean = sub.add_parser("clean", help="remove .leaklint_cache below the current folder (or the given ones)")
    clean.add_argument("paths", nargs="*", type=Path, default=None, metavar="PATH")
    return parser


INVENTORY_FORMATS = ("table", "json", "markdown", "html")


def inventory_target(args) -> None:
    """`-o FORMAT:FILE` as `check -o` takes it, or `-o FILE` with `--format`: `args.output` becomes the path
    and `args.format` the format (a FORMAT: prefix and a different --format is a usage error)."""
    written = args.output
    if written is not None:
        kind, colon, rest = written.partition(":")
        if colon and kind in INVENTORY_FORMATS and rest:
            if args.format not in (None, kind):
                raise ValueError(f"-o {written}: the format {kind} differs from --format {args.format}")
            args.format, written = kind, rest
    args.output = Path(written) if written is not None else None
    args.format = args.format or "table"


def add_check(sub) -> None:
    """`leaklint check`'s arguments."""
    from .output import MODULES

    check = sub.add_parser("check", help="check files and folders (default: the current folder)")
    check.add_argument("paths", nargs="*", type=Path, default=None, metavar="PATH",
                       help="files and folders to check, '-' for stdin (default: the configuration's `paths`, else .)")
    check.add_argument("--select", type=_codes, help="comma-separated rule codes or prefixes to enable (replaces config)")
    check.add_argument("--extend-select", type=_codes, default=[], help="rule codes or prefixes to enable as well")
    check.add_argument("--ignore", type=_codes, default=[], help="rule codes or prefixes to disable")
    check.add_argument("--per-file-ignores", type=_per_file_ignores, action="extend", metavar="PATTERN:CODES",
                       help="e.g. 'tests/*:LL001,LL002' (repeatable); replaces the configuration's per-file-ignores")
    check.add_argument("--extend-per-file-ignores", type=_per_file_ignores, action="extend", default=[],
                       metavar="PATTERN:CODES", help="like --per-file-ignores, added to the configuration's")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    check.add_argument("--config", type=Path, help="configuration file (pyproject.toml or leaklint.toml)")
    check.add_argument("--output-format", choices=sorted(MODULES), default="concise")
    check.add_argument("--output-file", "-o", dest="reports", action="append", default=[],
                       metavar="FORMAT:PATH", help="also write the findings in FORMAT to PATH (repeatable), "
                                                   "e.g. -o sarif:leaklint.sarif -o gitlab:gl-code-quality.json")
    check.add_argument("--quiet", "-q", action="store_true", help="no summary line on stderr")
    check.add_argument("--progress", action="store_true", default=None,
                       help="show what a run taking over a second is doing on stderr (default: on a terminal, "
                            "outside CI, without --quiet)")
    check.add_argument("--no-progress", dest="progress", action="store_false", help="never show it")
    check.add_argument("--fix", action="store_true", help="apply safe fixes (wrap payloads in the scrubber)")
    check.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes (pseudonymize user ids)")
    check.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; write nothing")
    check.add_argument("--show-fixes", action="store_true", help="list the fixes applied")
    check.add_argument("--no-cache", action="store_true", help="neither read nor write .leaklint_cache")
    check.add_argument("--jobs", "-j", type=_jobs, default=0, metavar="N",
                       help="processes to parse and analyse with (default: the number of CPUs; 1: no workers)")
    check.add_argument("--force-exclude", action="store_true",
                       help="apply exclusions to paths named on the command line too (for pre-commit)")
    check.add_argument("--include-tests", action="store_true",
                       help="report findings in test code too (tests/ folders, test_*.py, conftest.py, ...)")
    check.add_argument("--statistics", action="store_true", help="count findings per rule instead of listing them")
    check.add_argument("--write-baseline", type=Path, metavar="FILE", help="record the current findings and exit 0")
    check.add_argument("--baseline", type=Path, metavar="FILE", help="report only findings not in this baseline")
    check.add_argument("--stdin-filename", type=Path, metavar="PATH",
                       help="read the source from stdin; PATH names it (for config, project and output)")
    check.add_argument("--show-files", action="store_true", help="list the files that would be checked, and exit")
    check.add_argument("--show-settings", action="store_true",
                       help="show the settings the first PATH is checked under, and exit")
    check.add_argument("--add-noqa", action="store_true", help="add `# noqa: LLxxx` to every line with a finding")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour the findings (default: on a terminal; NO_COLOR and FORCE_COLOR are honoured)")
