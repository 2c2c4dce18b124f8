"""What the command line prints: the summary, statistics, fixes applied, diffs, rules; and its exit codes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .deep_stack import EXIT_ERROR

EXIT_CLEAN, EXIT_FINDINGS = 0, 1


def crashed(findings: list) -> bool:
    """leaklint's own failure on a file."""
    from .rules.unreadable import INTERNAL_ERROR

    return any(f.code == INTERNAL_ERROR.code for f in findings)


def exit_code(*, failed: bool, findings_left: bool, exit_zero: bool) -> int:
    """Ruff's convention, for every mode: 2 when the run failed (a usage, configuration or internal error),
    else 1 when findings are left (for --diff: fixes to apply, or fixes that cannot be made), else 0;
    --exit-zero turns that 1 into 0, never a 2."""
    if failed:
        return EXIT_ERROR
    return EXIT_FINDINGS if findings_left and not exit_zero else EXIT_CLEAN


def show_diff(run, messages: list[str], *, failed: bool, exit_zero: bool) -> int:
    write_stdout(run.diff)
    for line in messages:
        print(f"leaklint: {line}", file=sys.stderr)
    n = len(run.fixed)
    print(f"Would fix {plural(n, 'finding')} in {plural(run.changed_files, 'file')}.", file=sys.stderr)
    return exit_code(failed=failed, findings_left=bool(run.diff or run.problems), exit_zero=exit_zero)


def write_stdout(data: bytes) -> None:
    """Bytes as they are: a diff or a fixed file keeps its encoding and line endings."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def statistics(findings: list, output_format: str = "concise") -> str:
    """A count per rule, most found first: JSON for the JSON formats (Ruff's `{code, name, count, fixable}`
    objects), else a tab-separated table."""
    import json
    from collections import Counter

    from .rules import all_rules

    names = {r.code: r.name for r in all_rules()}
    counts = Counter(f.code for f in findings)
    fixable = {f.code for f in findings if f.fixable}
    rows = [{"code": code, "name": names.get(code, ""), "count": n, "fixable": code in fixable}
            for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    if output_format == "json":
        return json.dumps(rows, indent=2) + "\n"
    if output_format == "json-lines":
        return "".join(json.dumps(row) + "\n" for row in rows)
    return "".join(f"{r['count']:5}\t{r['code']}\t{'[*] ' if r['fixable'] else '    '}{r['name']}\n" for r in rows)


def check_reports(given: list[str]) -> list[tuple[str, Path]]:
    """Before a run: each `-o FORMAT:PATH` as (format, path), checked to be writable, so that a long run
    does not end in an error."""
    from .config import ConfigError
    from .output import MODULES

    reports: list[tuple[str, Path]] = []
    for text in given:
        name, colon, where = text.partition(":")
        if not colon or not where:
            raise ConfigError(f"-o {text}: not FORMAT:PATH (e.g. sarif:leaklint.sarif)")
        if name not in MODULES:
            raise ConfigError(f"-o {text}: unknown format '{name}' (choose from {', '.join(sorted(MODULES))})")
        path = Path(where)
        problem = _unwritable(path.absolute(), {p.absolute() for _, p in reports})
        if problem:
            raise ConfigError(f"{path}: cannot write the {name} report: {problem}")
        reports.append((name, path))
    return reports


def _unwritable(path: Path, taken: set[Path]) -> str:
    if path in taken:
        return "another report goes there"
    if path.is_dir():
        return "it is a folder"
    if not path.parent.is_dir():
        return f"no folder {path.parent}"
    if not os.access(path.parent, os.W_OK):
        return f"folder {path.parent} is not writable"
    return ""


def write_reports(reports: list[tuple[str, Path]], findings: list) -> None:
    """Each `-o` report, through a temporary file and a rename: a reader never sees half a report."""
    from .config import ConfigError
    from .output import formatter

    for name, path in reports:
        temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            temp.write_bytes(formatter(name)(findings).encode("utf-8", "backslashreplace"))
            os.replace(temp, path)
        except OSError as err:
            temp.unlink(missing_ok=True)
            raise ConfigError(f"{path}: cannot write the {name} report: {err.strerror or err}") from None


def clean_caches(paths: list[Path]) -> int:
    from .cache import clean

    removed = 0
    for path in paths:
        for folder in [path, *path.rglob(".leaklint_cache")] if path.is_dir() else []:
            target = folder if folder.name == ".leaklint_cache" else folder / ".leaklint_cache"
            removed += clean(target)
    print(f"Removed {removed} cache folder{'s' if removed != 1 else ''}.", file=sys.stderr)
    return EXIT_CLEAN


def plural(n: int, word: str) -> str:
    return f"{n} {word}{('es' if word.endswith(('x', 's')) else 's') if n != 1 else ''}"


def print_summary(findings: list, fixed: list, files: int, hidden: int, in_tests: int = 0, baselined: int = 0) -> None:
    with_findings = len({f.path for f in findings})
    where = plural(files, "file") if with_findings == files else f"{with_findings} of {plural(files, 'file')}"
    if fixed:
        line = f"Found {plural(len(findings) + len(fixed), 'finding')} ({len(fixed)} fixed, {len(findings)} remaining)"
    elif findings:
        line = f"Found {plural(len(findings), 'finding')} in {where}"
    else:
        line = f"All checks passed ({plural(files, 'file')})"
    print(line + (f"; {plural(baselined, 'finding')} hidden by baseline." if baselined else "."), file=sys.stderr)
    fixable = sum(1 for f in findings if f.fixable)
    if fixable:
        print(f"[*] {fixable} fixable with the `--fix` option"
              + (" (add `--unsafe-fixes` for the unsafe ones)." if any(f.fixable == "unsafe" for f in findings) else "."),
              file=sys.stderr)
    if hidden:
        print(f"({plural(hidden, 'more fix')} available with `--unsafe-fixes`)", file=sys.stderr)
    if in_tests:
        print(f"{plural(in_tests, 'finding')} in test code not shown (--include-tests).", file=sys.stderr)


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
    from .rules.docs import rule_url

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
          f"Message: {rule.message}\n\nBad:\n{rule.bad}\nGood:\n{rule.good}\n{fixed}Fix: {rule.fix}. {rule.fix_safety}\n\n"
          f"Docs: {rule_url(rule.code)}")
    return EXIT_CLEAN
