"""Autofix: wrap leaking arguments in the scrubber (or pseudonymizer), add its import, write atomically.

A fix never loses a byte: the file keeps its encoding, BOM, line endings and mode; the new text must
parse before it is written; the file is written through a temporary file and a rename; and a file
that changed since it was read is left alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from .config import Settings
from .engine import Source
from .findings import Finding
from .fix_kinds import scrub_arguments
from .suppress import source_lines_keepends


@dataclass
class FileFix:
    """The outcome of fixing one file."""

    source: Source
    new_text: str = ""
    fixed: list[Finding] = field(default_factory=list)
    problem: str = ""      # why nothing was written, when something went wrong

    @property
    def changed(self) -> bool:
        return bool(self.fixed) and not self.problem and self.new_text != self.source.text

    def new_bytes(self) -> bytes:
        return self.new_text.encode(self.source.encoding)


def applicable(finding: Finding, unsafe: bool) -> bool:
    return finding.fixable == "safe" or (unsafe and finding.fixable == "unsafe")


def plan(source: Source, findings: list[Finding], settings: Settings, unsafe: bool) -> FileFix:
    """Apply every applicable fix of one file in one pass; the text is not written here."""
    result = FileFix(source)
    chosen = [f for f in findings if applicable(f, unsafe) and f.report is not None]
    if not chosen or source.module is None:
        return result
    targets = {"scrubber": _target(settings.scrubber), "pseudonymizer": _target(settings.pseudonymizer)}
    edits: dict[int, str] = {}
    evidence: dict[int, list] = {}
    spans: list[tuple[tuple[int, int], tuple[int, int], int]] = []
    for finding in chosen:
        node = finding.report.fix_node
        if id(node) not in edits:
            edits[id(node)] = finding.report.fix_wrap
            spans.append(((finding.line, finding.col), (finding.end_line, finding.end_col), id(node)))
        evidence.setdefault(id(node), []).extend(finding.report.evidence)
    # Overlapping fixes: wrap the outermost expression only, once (it carries the inner findings' data too).
    for start, end, key in spans:
        outer = next((o_key for o_start, o_end, o_key in spans if o_key != key and o_start <= start
                      and end <= o_end and (o_start, o_end) != (start, end)), None)
        if outer is not None:
            edits.pop(key, None)
            evidence[outer].extend(evidence.pop(key, ()))
    used = {edits[k] for k in edits}
    names = {role: targets[role][1] for role in used}
    scrubbed = {k: items for k, items in evidence.items() if edits.get(k) == "scrubber"}
    try:
        arguments = scrub_arguments(source.module, scrubbed)
        module = source.module.visit(_Wrap(edits, names, arguments))
        for role in sorted(used):
            module = add_import(module, *targets[role])
        new_text = module.code
        compile(new_text, str(source.path or source.display), "exec", flags=0x400, dont_inherit=True)
        cst.parse_module(new_text)
    except Exception as err:  # noqa: BLE001 - a fix that cannot be made is reported, never written
        result.problem = f"fix dropped, the result would not parse: {type(err).__name__}: {err}".splitlines()[0]
        return result
    result.new_text = new_text
    result.fixed = chosen
    return result


def _target(spec: str) -> tuple[str, str]:
    module, _, name = spec.partition(":")
    return module, name


class _Wrap(cst.CSTTransformer):
    """Wraps the expressions named by identity in a call: `expr` -> `scrub(expr)`, with the keyword
    arguments planned for it: `scrub(expr, kind="name")`."""

    def __init__(self, edits: dict[int, str], names: dict[str, str], arguments: dict[int, tuple]):
        super().__init__()
        self.edits, self.names, self.arguments = edits, names, arguments

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):
        role = self.edits.get(id(original_node))
        if role is None or not isinstance(updated_node, cst.BaseExpression):
            return updated_node
        args = [cst.Arg(value=updated_node)]
        for keyword, value in self.arguments.get(id(original_node), ()):
            args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            args.append(cst.Arg(value=cst.parse_expression(_literal_code(value)), keyword=cst.Name(keyword),
                                equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                                      whitespace_after=cst.SimpleWhitespace(""))))
        return cst.Call(func=cst.Name(self.names[role]), args=args)


def _literal_code(value: str | tuple[str, ...]) -> str:
    """`"name"` or `("who", "handle")`, with double quotes."""
    if isinstance(value, str):
        return json.dumps(value)
    return "(" + ", ".join(json.dumps(v) for v in value) + ("," if len(value) == 1 else "") + ")"


def add_import(module: cst.Module, module_name: str, name: str) -> cst.Module:
    """`from module_name import name`, once: added to an existing `from module_name import ...` if there
    is one, else on its own line after the top-level imports.  No other line moves or changes (libcst's
    AddImportsVisitor also re-spaces the import block, which a fix must not do)."""
    body = list(module.body)
    last_import = -1
    for index, stmt in enumerate(body):
        if not isinstance(stmt, cst.SimpleStatementLine):
            if last_import >= 0 or not _is_docstring(stmt):
                break
            continue
        small = stmt.body[0] if len(stmt.body) == 1 else None
        if isinstance(small, cst.ImportFrom) and not small.relative and _dotted(small.module) == module_name:
            if isinstance(small.names, cst.ImportStar) or any(
                    _dotted(alias.name) == name and alias.asname is None for alias in small.names):
                return module
            names = [*small.names[:-1], small.names[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                     cst.ImportAlias(cst.Name(name))]
            body[index] = stmt.with_changes(body=[small.with_changes(names=names)])
            return module.with_changes(body=body)
        if isinstance(small, (cst.Import, cst.ImportFrom)):
            last_import = index
        elif not _is_docstring(stmt):
            break
    line = cst.parse_statement(f"from {module_name} import {name}{module.default_newline}",
                               config=module.config_for_parsing)
    body.insert(last_import + 1, line)
    return module.with_changes(body=body)


def _is_docstring(stmt: cst.CSTNode) -> bool:
    return (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr)
            and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString)))


def _dotted(node) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def write(fix: FileFix) -> str:
    """Write a planned fix atomically; returns a one-line problem, or "" when written."""
    path = fix.source.path
    if path is None or not fix.changed:
        return fix.problem
    try:
        current = path.read_bytes()
    except OSError as err:
        return f"cannot re-read before fixing: {err.strerror or err}"
    if hashlib.sha256(current).hexdigest() != fix.source.digest:
        return "changed since it was read; fix skipped"
    try:
        mode = os.stat(path).st_mode
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".leaklint", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(fix.new_bytes())
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, mode & 0o7777)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError as err:
        return f"cannot write the fix: {err.strerror or err}"
    return ""


@dataclass
class FixRun:
    """What `--fix` / `--diff` did over a whole run."""

    fixed: list[Finding] = field(default_factory=list)
    diff: str = ""
    problems: list[str] = field(default_factory=list)   # one line each, "path: reason"
    changed_files: int = 0


def fix_findings(findings: list[Finding], sources: dict[str, Source], settings: Settings, *,
                 unsafe: bool, dry_run: bool) -> FixRun:
    """Fix every file that has applicable fixes; with `dry_run`, build the unified diff instead."""
    import difflib

    run = FixRun()
    by_file: dict[str, list[Finding]] = {}
    for finding in findings:
        if applicable(finding, unsafe):
            by_file.setdefault(finding.path, []).append(finding)
    for display, items in sorted(by_file.items()):
        planned = plan(sources[display], items, settings, unsafe)
        problem = planned.problem or ("" if dry_run else write(planned))
        if problem:
            run.problems.append(f"{display}: {problem}")
            continue
        if not planned.changed:
            continue
        run.changed_files += 1
        run.fixed.extend(planned.fixed)
        if dry_run:
            run.diff += "".join(difflib.unified_diff(
                source_lines_keepends(planned.source.text), source_lines_keepends(planned.new_text),
                fromfile=f"a/{display}", tofile=f"b/{display}"))
    return run
