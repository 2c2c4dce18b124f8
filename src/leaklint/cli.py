"""Command line: `leaklint check [PATH ...]`, `leaklint rules`.  Exit 0 clean, 1 findings, 2 errors."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

from . import __version__
from .config import ConfigError, Settings, check_selectors, find_config, load

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # as a shell reports a process ended by Ctrl-C


def _codes(text: str) -> list[str]:
    return [c.strip().upper() for c in text.split(",") if c.strip()]


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
    from .output import MODULES

    parser = argparse.ArgumentParser(prog="leaklint", description="Find personal data sent to analytics SDKs.",
                                     formatter_class=HelpFormatter)
    parser.add_argument("--version", action="version", version=f"leaklint {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = sub.add_parser("check", help="check files and folders (default: the current folder)")
    check.add_argument("paths", nargs="*", type=Path, default=None, metavar="PATH")
    check.add_argument("--select", type=_codes, help="comma-separated rule codes or prefixes to enable (replaces config)")
    check.add_argument("--extend-select", type=_codes, default=[], help="rule codes or prefixes to enable as well")
    check.add_argument("--ignore", type=_codes, default=[], help="rule codes or prefixes to disable")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    check.add_argument("--config", type=Path, help="configuration file (pyproject.toml or leaklint.toml)")
    check.add_argument("--output-format", choices=sorted(MODULES), default="concise")
    check.add_argument("--quiet", "-q", action="store_true", help="no summary line on stderr")
    check.add_argument("--fix", action="store_true", help="apply safe fixes (wrap payloads in the scrubber)")
    check.add_argument("--unsafe-fixes", action="store_true", help="also apply unsafe fixes (pseudonymize user ids)")
    check.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; write nothing")
    check.add_argument("--show-fixes", action="store_true", help="list the fixes applied")
    check.add_argument("--no-cache", action="store_true", help="neither read nor write .leaklint_cache")
    check.add_argument("--jobs", "-j", type=_jobs, default=0, metavar="N",
                       help="processes to parse and analyse with (default: the number of CPUs; 1: no workers)")
    check.add_argument("--force-exclude", action="store_true",
                       help="apply exclusions to paths named on the command line too (for pre-commit)")
    check.add_argument("--statistics", action="store_true", help="count findings per rule instead of listing them")
    check.add_argument("--write-baseline", type=Path, metavar="FILE", help="record the current findings and exit 0")
    check.add_argument("--baseline", type=Path, metavar="FILE", help="report only findings not in this baseline")
    check.add_argument("--stdin-filename", type=Path, metavar="PATH",
                       help="read the source from stdin; PATH names it (for config, project and output)")

    rules = sub.add_parser("rules", help="list the rules, or explain one")
    rules.add_argument("code", nargs="?", help="a rule code, e.g. LL001")
    sub.add_parser("server", help="run the language server on stdio (needs leaklint[lsp])")
    clean = sub.add_parser("clean", help="remove .leaklint_cache below the current folder (or the given ones)")
    clean.add_argument("paths", nargs="*", type=Path, default=None, metavar="PATH")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    code = with_deep_stack(lambda: run(args))
    if code == EXIT_INTERRUPTED:
        print("leaklint: interrupted", file=sys.stderr)
    return code


def with_deep_stack(work):
    """Run `work` in a thread with a large stack and recursion limit: syntax trees of odd files are deep,
    and the parser and visitors recurse; a deep file must become a finding, never a crash."""
    import threading

    result: list[int] = [EXIT_ERROR]
    previous_stack = threading.stack_size(512 * 1024 * 1024)
    previous_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous_limit, 20_000))
    try:
        thread = threading.Thread(target=lambda: result.__setitem__(0, work()), name="leaklint")
        thread.start()
        try:
            thread.join()
        except KeyboardInterrupt:  # delivered to this thread, the main one
            interrupted()
    finally:
        threading.stack_size(previous_stack)
        sys.setrecursionlimit(previous_limit)
    return result[0]


def interrupted() -> None:
    """Ctrl-C: end the worker processes and leave at once.  The work cannot be unwound safely from
    here (it may be inside the native parser, which an exception or thread exit would abort); files
    are only ever replaced whole, so none is left half-written."""
    if "leaklint.parallel" in sys.modules:
        sys.modules["leaklint.parallel"].stop_all()
    print("leaklint: interrupted", file=sys.stderr)
    sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)


def run(args: argparse.Namespace) -> int:
    try:
        if args.command == "rules":
            return show_rules(args.code)
        if args.command == "clean":
            return clean_caches(args.paths or [Path(".")])
        if args.command == "server":
            from .server import main as serve

            return serve()
        return check(args)
    except ConfigError as err:
        print(f"leaklint: error: {err}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as err:  # noqa: BLE001 - one line, never a traceback, for an unforeseen failure
        print(f"leaklint: internal error: {type(err).__name__}: {err} (please report this as a bug)", file=sys.stderr)
        return EXIT_ERROR


def settings_for(args: argparse.Namespace, paths: list[Path]) -> Settings:
    if args.config is not None:
        if not args.config.is_file():
            raise ConfigError(f"{args.config}: config file not found")
        settings = load(args.config)
    else:
        settings = load(find_config(paths[0] if paths else Path.cwd()))
    if args.select is not None:
        settings.select = args.select
    settings.extend_select += args.extend_select
    settings.force_exclude = settings.force_exclude or getattr(args, "force_exclude", False)
    settings.ignore += args.ignore
    check_selectors(settings)
    return settings


def display_path(path: Path, cwd: str | None = None) -> str:
    """The path as given to the project: relative to the current folder when inside it, else as given
    (the project escapes odd characters for showing)."""
    text = str(path)
    if not os.path.isabs(text):
        return os.path.normpath(text)
    try:
        rel = os.path.relpath(text, cwd or os.getcwd())
    except ValueError:
        return text
    return text if rel.startswith("..") else rel


def group_by_project(files: list[Path]) -> dict[Path | None, list[Path]]:
    """Files by the project they belong to (nearest pyproject.toml / .git), in a stable order."""
    from .config import root_of

    roots: dict[str, Path | None] = {}
    groups: dict[Path | None, list[Path]] = {}
    for file in files:
        folder = os.path.dirname(os.path.abspath(file))
        if folder not in roots:
            root = root_of(folder)
            roots[folder] = Path(root) if root is not None else None
        groups.setdefault(roots[folder], []).append(file)
    return groups


def inputs(args: argparse.Namespace):
    """The paths asked for, their settings, the files found (and paths missing) and stdin's content."""
    from .discover import discover

    if args.stdin_filename is not None:
        paths = [args.stdin_filename]
        settings = settings_for(args, paths)
        found = discover([], settings)
        found.files.append(args.stdin_filename)
        return paths, settings, found, {args.stdin_filename.absolute(): sys.stdin.buffer.read()}
    paths = list(args.paths or [Path(".")])
    settings = settings_for(args, paths)
    return paths, settings, discover(paths, settings), {}


def check(args: argparse.Namespace) -> int:
    from . import baseline
    from .engine import Checker
    from .output import formatter

    paths, settings, found, stdin = inputs(args)
    # Before the run: a bad baseline, a target that cannot be written or an incomplete run is a usage error.
    recorded = baseline.prepare(args.baseline, args.write_baseline, found.errors)
    use_cache = not (args.no_cache or stdin or args.fix or args.diff)  # the cache keeps no fixes
    checker = Checker(settings, cache_dir=cache_folder(paths[0]) if use_cache else None)
    jobs = 1 if stdin else (args.jobs or cpu_count())
    findings, notes, sources = collect(checker, found.files, stdin, paths, use_cache, jobs)
    if args.write_baseline is not None:
        baseline.write(args.write_baseline, findings)
        print(f"Wrote a baseline of {len(findings)} findings to {args.write_baseline}.", file=sys.stderr)
        return EXIT_CLEAN
    findings = baseline.new_only(findings, recorded)
    messages = [f"error: {e}" for e in found.errors]
    fixed: list = []
    if stdin and args.fix:
        return fix_stdin(findings, sources, settings, args)
    if args.fix or args.diff:
        from .fix import fix_findings

        run = fix_findings(findings, sources, unsafe=args.unsafe_fixes, dry_run=args.diff)
        messages += [f"warning: {p}" for p in run.problems]   # the finding stays: exit 1, not 2
        if args.diff:
            return show_diff(run, messages, failed=bool(found.errors) or _crashed(findings), exit_zero=args.exit_zero)
        fixed = run.fixed
        if args.show_fixes:
            show_fixes(fixed)
        if run.changed_files:  # report what is left where it now stands in the rewritten files
            findings, notes, sources = collect(checker, found.files, None, paths, jobs=jobs)
            findings = baseline.new_only(findings, recorded)
    remaining = [f for f in findings if not any(f is x for x in fixed)]
    hidden = sum(f.fixable == "unsafe" for f in remaining) if not args.unsafe_fixes else 0
    shown = [f if f.fixable != "unsafe" or args.unsafe_fixes else replace(f, fixable="") for f in remaining]
    sys.stdout.write(statistics(shown) if args.statistics else formatter(args.output_format)(shown))
    for line in [*messages, *notes]:
        print(f"leaklint: {line}", file=sys.stderr)
    if not args.quiet and not found.errors:  # a run that missed a named path does not sum up as if complete
        print_summary(shown, fixed, len(found.files), hidden)
    return exit_code(failed=bool(found.errors) or _crashed(shown), findings_left=bool(shown), exit_zero=args.exit_zero)


def exit_code(*, failed: bool, findings_left: bool, exit_zero: bool) -> int:
    """Ruff's convention, for every mode: 2 when the run failed (a usage, configuration or internal error),
    else 1 when findings are left (for --diff: fixes to apply, or fixes that cannot be made), else 0;
    --exit-zero turns that 1 into 0, never a 2."""
    if failed:
        return EXIT_ERROR
    return EXIT_FINDINGS if findings_left and not exit_zero else EXIT_CLEAN


def _crashed(findings: list) -> bool:
    """leaklint's own failure on a file."""
    from .rules.unreadable import INTERNAL_ERROR

    return any(f.code == INTERNAL_ERROR.code for f in findings)


def show_diff(run, messages: list[str], *, failed: bool, exit_zero: bool) -> int:
    write_stdout(run.diff)
    for line in messages:
        print(f"leaklint: {line}", file=sys.stderr)
    n = len(run.fixed)
    print(f"Would fix {n} finding{'s' if n != 1 else ''} in {run.changed_files} files.", file=sys.stderr)
    return exit_code(failed=failed, findings_left=bool(run.diff or run.problems), exit_zero=exit_zero)


def fix_stdin(findings: list, sources: dict, settings, args: argparse.Namespace) -> int:
    """Editors' `--fix --stdin-filename`: the fixed source goes to stdout, nothing is written."""
    from .fix import plan

    from .engine import printable

    source = sources[printable(display_path(args.stdin_filename))]
    planned = plan(source, [f for f in findings if f.path == source.display], args.unsafe_fixes)
    write_stdout(planned.new_bytes() if planned.changed else planned.old_bytes())
    if planned.problem:
        print(f"leaklint: warning: {source.display}: {planned.problem}", file=sys.stderr)
    left = len(findings) - len(planned.fixed) if planned.changed else len(findings)
    return exit_code(failed=_crashed(findings), findings_left=bool(left), exit_zero=args.exit_zero)


def write_stdout(data: bytes) -> None:
    """Bytes as they are: a diff or a fixed file keeps its encoding and line endings."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def statistics(findings: list) -> str:
    from collections import Counter

    from .rules import all_rules

    names = {r.code: r.name for r in all_rules()}
    counts = Counter(f.code for f in findings)
    fixable = {f.code for f in findings if f.fixable}
    return "".join(f"{n:5}\t{code}\t{'[*] ' if code in fixable else '    '}{names.get(code, '')}\n"
                   for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def collect(checker, files: list[Path], data: dict | None = None, given: list[Path] = (),
            use_cache: bool = False, jobs: int = 1) -> tuple[list, list[str], dict]:
    """Findings for the files (each project indexed once), notes from the index, and the sources read.
    `data` gives the content of files that are not read from disk (stdin), by absolute path; when one of
    the `given` folders contains a project's root, its files are all here already."""
    from .project import Project

    folders = [os.path.abspath(g) for g in given if os.path.isdir(g)]
    cwd = os.getcwd()
    findings, notes, sources = [], [], {}
    for root, group in group_by_project(files).items():
        complete = root is not None and any(str(root) == f or str(root).startswith(f + os.sep) for f in folders)
        cache = None
        if use_cache:
            from .cache import Cache

            cache = Cache.for_run(cache_folder(root or Path.cwd()), checker.settings)
        project = Project.from_files(checker, root, [(f, display_path(f, cwd)) for f in group], data or {},
                                     discover_root=not complete, cache=cache, jobs=jobs)
        findings.extend(project.findings())
        notes.extend(project.notes)
        sources.update({s.display: s for s in project.sources})
    findings.sort(key=lambda f: (f.path, f.line, f.col, f.code))
    return findings, notes, sources


def cache_folder(path: Path) -> Path:
    """`.leaklint_cache` in the project root of `path` (or the current folder)."""
    from .config import project_root

    return (project_root(path) or Path.cwd()) / ".leaklint_cache"


def clean_caches(paths: list[Path]) -> int:
    from .cache import clean

    removed = 0
    for path in paths:
        for folder in [path, *path.rglob(".leaklint_cache")] if path.is_dir() else []:
            target = folder if folder.name == ".leaklint_cache" else folder / ".leaklint_cache"
            removed += clean(target)
    print(f"Removed {removed} cache folder{'s' if removed != 1 else ''}.", file=sys.stderr)
    return EXIT_CLEAN


def print_summary(findings: list, fixed: list, files: int, hidden: int) -> None:
    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'s' if n != 1 else ''}"

    if fixed:
        print(f"Found {plural(len(findings) + len(fixed), 'finding')} ({len(fixed)} fixed, {len(findings)} remaining).",
              file=sys.stderr)
    elif findings:
        print(f"Found {plural(len(findings), 'finding')} in {plural(files, 'file')}.", file=sys.stderr)
    else:
        print(f"All checks passed ({plural(files, 'file')}).", file=sys.stderr)
    fixable = sum(1 for f in findings if f.fixable)
    if fixable:
        print(f"[*] {fixable} fixable with the `--fix` option"
              + (" (add `--unsafe-fixes` for the unsafe ones)." if any(f.fixable == "unsafe" for f in findings) else "."),
              file=sys.stderr)
    if hidden:
        print(f"({plural(hidden, 'more fix')} available with `--unsafe-fixes`)", file=sys.stderr)


def show_fixes(fixed: list) -> None:
    from collections import Counter

    by_file: dict[str, Counter] = {}
    for f in fixed:
        by_file.setdefault(f.path, Counter())[f.code] += 1
    print(f"Fixed {len(fixed)} finding{'s' if len(fixed) != 1 else ''}:", file=sys.stderr)
    for path, counts in sorted(by_file.items()):
        print(f"- {path}:", file=sys.stderr)
        for code, n in sorted(counts.items()):
            print(f"    {n} x {code}", file=sys.stderr)


def show_rules(code: str | None) -> int:
    from .rules import all_rules

    rules = all_rules()
    if code is None:
        for rule in rules:
            print(f"{rule.code}  {rule.name:32} {rule.severity.value:7} {rule.summary}")
        return EXIT_CLEAN
    rule = next((r for r in rules if r.code == code.upper()), None)
    if rule is None:
        print(f"leaklint: error: unknown rule '{code}'", file=sys.stderr)
        return EXIT_ERROR
    fixed = f"Fixed:\n{rule.fixed}\n" if rule.fixed else ""
    print(f"{rule.code} {rule.name} ({rule.severity.value}): {rule.summary}\n\n{rule.why}\n\n"
          f"Message: {rule.message}\n\nBad:\n{rule.bad}\nGood:\n{rule.good}\n{fixed}Fix: {rule.fix}. {rule.fix_safety}")
    return EXIT_CLEAN
