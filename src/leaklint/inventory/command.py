"""`leaklint inventory [PATH ...]`: print the inventory, draft contracts from it, or compare it with a git
revision's.  Exit 0, or 2 for a usage or configuration error (the inventory is a report, not a gate:
`leaklint check` is the gate)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..config import ConfigError, Overrides

EXIT_CLEAN = 0


def main(args: argparse.Namespace, jobs: int) -> int:
    from ..cli_args import inventory_target

    try:
        inventory_target(args)
    except ValueError as err:
        raise ConfigError(str(err)) from None
    overrides = Overrides(args.config, include_tests=args.include_tests)
    paths = list(args.paths or [Path(".")])
    if args.diff is not None:
        return _diff(paths, args, overrides, jobs)
    from . import collect

    inv = collect(paths, overrides, baseline=args.baseline, jobs=jobs, cache=not args.no_cache)
    if args.write_contracts:
        from .contracts import draft

        text = draft(inv.flows)
    elif args.format == "html":
        from .html import as_html

        text = as_html(inv)
    else:
        from . import formats

        text = {"table": formats.as_table, "json": formats.as_json, "markdown": formats.as_markdown}[args.format](inv)
    _write(text, args.output)
    return EXIT_CLEAN


def _diff(paths: list[Path], args: argparse.Namespace, overrides: Overrides, jobs: int) -> int:
    from .diff import as_lines, as_markdown, diff

    if args.format in ("json", "html") or args.write_contracts:
        raise ConfigError("--diff prints lines (--format table) or Markdown (--format markdown)")
    change = diff(paths, args.diff, overrides, jobs=jobs)
    markdown = as_markdown(change)
    _write(markdown if args.format == "markdown" else as_lines(change), args.output)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        try:
            with open(summary, "a", encoding="utf-8") as handle:
                handle.write(markdown + "\n")
        except OSError as err:
            raise ConfigError(f"{summary}: cannot write the GitHub step summary: {err.strerror or err}") from None
    return EXIT_CLEAN


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"{output}: cannot write: {err.strerror or err}") from None
    print(f"Wrote {output}.", file=sys.stderr)
