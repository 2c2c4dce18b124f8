"""Command line: `leaklint check [PATH ...]`, `leaklint rules`.  Exit 0 clean, 1 findings, 2 errors."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from .cli_args import build_parser, cpu_count
from .deep_stack import EXIT_ERROR, EXIT_INTERRUPTED, with_deep_stack

STDIN = Path("-")

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence

    from .api import Run
    from .config import Configs
    from .progress import Progress


def entry() -> None:
    """The `leaklint` command: `main`, then out at once.  A run ends holding millions of objects (syntax
    trees, the index) that the interpreter would otherwise collect and free one by one on the way out,
    for nothing: over half a second after a cold run's output.  Nothing is pending by then (the cache and
    any fixes are written, the workers stopped) but the output streams, flushed here.  The cyclic collector
    stays off (see `collector`): nothing outlives this process but the language server, which turns it on."""
    import gc
    import os

    from .dataclass_code import kept_code

    gc.disable()
    args = build_parser().parse_args()
    # (before the modules a command needs are imported: their classes' methods are compiled once per machine)
    with kept_code("leaklint", remember=not getattr(args, "no_cache", False)):
        code = main(args=args)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader gone away (`| head`), or a closed stream
            pass
    os._exit(code)


def main(argv: Sequence[str] | None = None, args: argparse.Namespace | None = None) -> int:
    args = args if args is not None else build_parser().parse_args(argv)
    code = with_deep_stack(lambda: run(args))
    if code == EXIT_INTERRUPTED:
        print("leaklint: interrupted", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    from .config import ConfigError

    try:
        if args.command == "rules":
            from .cli_report import show_rules

            return show_rules(args.code)
        if args.command == "clean":
            from .cli_report import clean_caches

            return clean_caches(args.paths or [Path(".")])
        if args.command == "inventory":
            from .inventory.command import main as inventory

            return inventory(args, args.jobs or cpu_count())
        if args.command == "server":
            from .server import main as serve

            return serve()
        check_combinations(args)
        if getattr(args, "show_files", False) or getattr(args, "show_settings", False):
            from .cli_show import show

            return show(args, *inputs(args))
        return check(args)
    except ConfigError as err:
        print(f"leaklint: error: {err}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as err:  # noqa: BLE001 - one line, never a traceback, for an unforeseen failure
        print(f"leaklint: internal error: {type(err).__name__}: {err} (please report this as a bug)", file=sys.stderr)
        return EXIT_ERROR


def check_combinations(args: argparse.Namespace) -> None:
    """Options that cannot go together: a one-line usage error before anything is read."""
    from .config import ConfigError

    if getattr(args, "add_noqa", False) and (args.fix or args.diff or args.stdin_filename or STDIN in (args.paths or ())):
        raise ConfigError("--add-noqa cannot be combined with --fix, --diff or stdin")


def configs_for(args: argparse.Namespace) -> Configs:
    """Each file's nearest configuration (or `--config`'s), with the command line's selections over it."""
    from .config import Configs, Overrides

    given = getattr(args, "per_file_ignores", None)
    return Configs(Overrides(args.config, args.select, tuple(args.extend_select), tuple(args.ignore),
                             getattr(args, "force_exclude", False), getattr(args, "include_tests", False),
                             per_file_ignores=tuple(given) if given is not None else None,
                             extend_per_file_ignores=tuple(getattr(args, "extend_per_file_ignores", ()))))


def inputs(args: argparse.Namespace):
    """The paths asked for, their configurations, the files found (and paths missing) and stdin's content."""
    from .api import discover_paths
    from .config import ConfigError
    from .discover import Discovery

    configs = configs_for(args)
    if args.paths and STDIN in args.paths:  # Ruff's `-`: the source comes from stdin
        if len(args.paths) > 1:
            raise ConfigError("'-' (read stdin) cannot be combined with other paths")
        args.stdin_filename = args.stdin_filename or STDIN
    if args.stdin_filename is not None:
        paths = [args.stdin_filename]
        configs.for_path(args.stdin_filename)  # a bad configuration is an error before stdin is read
        data = b"" if args.show_files or args.show_settings else sys.stdin.buffer.read()
        return paths, configs, Discovery(files=list(paths)), {args.stdin_filename.absolute(): data}
    paths = list(args.paths or configured_paths(configs))
    for path in paths:
        configs.for_path(path)
    return paths, configs, discover_paths(paths, configs, remember=not getattr(args, "no_cache", False)), {}


def configured_paths(configs: Configs) -> list[Path]:
    """What `leaklint check` without a PATH checks: the configuration's `paths` (relative to its folder),
    else the current folder."""
    settings = configs.for_path(Path("."))
    if not settings.paths:
        return [Path(".")]
    from .api import display_path

    root = settings.root or Path(".")
    return [Path(display_path((root / p).absolute())) for p in settings.paths]


def check(args: argparse.Namespace) -> int:
    from . import baseline
    from .cli_color import in_color
    from .cli_report import (EXIT_CLEAN, check_reports, crashed, exit_code, plural, print_summary, show_diff,
                             show_fixes, statistics, write_reports)
    from .output import formatter, shows_related

    progress = progress_for(args)  # from now: the run's first second shows nothing
    paths, configs, found, stdin = inputs(args)
    # Before the run: a bad baseline, a target that cannot be written or an incomplete run is a usage error.
    recorded = baseline.prepare(args.baseline, args.write_baseline, found.errors)
    reports = check_reports(args.reports)
    use_cache = not (args.no_cache or stdin or args.fix or args.diff or args.add_noqa)  # it keeps no fixes, nor text
    jobs = 1 if stdin else (args.jobs or cpu_count())
    # where wrappers are defined is looked up (parsing their modules) only for an output that shows it
    shown_formats = [name for name, _ in reports] + ([] if args.statistics else [args.output_format])
    related = any(map(shows_related, shown_formats))
    checked = check_with_progress(progress, found.files, configs, given=paths, data=stdin, jobs=jobs,
                                  cache=use_cache, related=related)
    findings = checked.findings
    if args.write_baseline is not None:
        baseline.write(args.write_baseline, findings)
        print(f"Wrote a baseline of {plural(len(findings), 'finding')} to {args.write_baseline}.", file=sys.stderr)
        return EXIT_CLEAN
    findings = baseline.new_only(findings, recorded)
    baselined = len(checked.findings) - len(findings)
    if args.add_noqa:
        from .cli_noqa import run_add_noqa

        return run_add_noqa(findings, checked.sources, found.errors)
    messages = [f"error: {e}" for e in found.errors]
    notes, in_tests = checked.notes, checked.in_tests
    fixed: list = []
    if stdin and args.fix:
        return fix_stdin(findings, checked, args)
    if args.fix or args.diff:
        from .fix import fix_findings

        done = fix_findings(findings, checked.sources, unsafe=args.unsafe_fixes, dry_run=args.diff)
        messages += [f"warning: {p}" for p in done.problems]   # the finding stays: exit 1, not 2
        if args.diff:
            return show_diff(done, messages, failed=bool(found.errors) or crashed(findings), exit_zero=args.exit_zero)
        fixed = done.fixed
        if args.show_fixes:
            show_fixes(fixed)
        if done.changed_files:  # report what is left where it now stands in the rewritten files
            again = check_with_progress(progress, found.files, configs, given=paths, jobs=jobs, related=related)
            findings, notes = baseline.new_only(again.findings, recorded), again.notes
            in_tests, baselined = again.in_tests, len(again.findings) - len(findings)
    remaining = [f for f in findings if not any(f is x for x in fixed)]
    hidden = sum(f.fixable == "unsafe" for f in remaining) if not args.unsafe_fixes else 0
    shown = [f if f.fixable != "unsafe" or args.unsafe_fixes else replace(f, fixable="") for f in remaining]
    write_reports(reports, shown)
    report = statistics(shown, args.output_format) if args.statistics else formatter(args.output_format)(shown)
    sys.stdout.write(in_color(report, shown, args))
    for line in [*messages, *notes]:
        print(f"leaklint: {line}", file=sys.stderr)
    if not args.quiet and not found.errors:  # a run that missed a named path does not sum up as if complete
        print_summary(shown, fixed, len(found.files), hidden, in_tests, baselined)
    return exit_code(failed=bool(found.errors) or crashed(shown), findings_left=bool(shown), exit_zero=args.exit_zero)


def progress_for(args: argparse.Namespace) -> Progress | None:
    from .progress import Progress, wanted

    return Progress(sys.stderr) if wanted(args.progress, args.quiet, sys.stderr) else None


def check_with_progress(progress: Progress | None, files: list[Path], configs: Configs, **options) -> Run:
    """api.check_files, its progress line cleared before anything else is printed, however it ends."""
    from . import api

    try:
        return api.check_files(files, configs, progress=progress, **options)
    finally:
        if progress is not None:
            progress.clear()


def fix_stdin(findings: list, checked: Run, args: argparse.Namespace) -> int:
    """Editors' `--fix --stdin-filename`: the fixed source goes to stdout, nothing is written."""
    from .api import display_path
    from .cli_report import crashed, exit_code, write_stdout
    from .fix import plan
    from .source import printable

    display = printable(display_path(args.stdin_filename))
    source = checked.sources[display]
    planned = plan(source, [f for f in findings if f.path == source.display], args.unsafe_fixes)
    write_stdout(planned.new_bytes() if planned.changed else planned.old_bytes())
    if planned.problem:
        print(f"leaklint: warning: {source.display}: {planned.problem}", file=sys.stderr)
    left = len(findings) - len(planned.fixed) if planned.changed else len(findings)
    return exit_code(failed=crashed(findings), findings_left=bool(left), exit_zero=args.exit_zero)
