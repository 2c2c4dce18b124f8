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

    def old_bytes(self) -> bytes:
        return self.source.text.encode(self.source.encoding)

    def new_bytes(self) -> bytes:
        return self.new_text.encode(self.source.encoding)


def _tail_lost_by_libcst(source: Source) -> str:
    """libcst's code for a module drops the file's last character when it is a lone "\\r" (a CR-only
    file, or a stray CR at the end); a fix must give it back."""
    if source.text.endswith("\r") and source.module is not None and source.module.code == source.text[:-1]:
        return "\r"
    return ""


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
        new_text = module.code + _tail_lost_by_libcst(source)
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
    diff: bytes = b""    # what `--diff` prints, in the files' own encodings
    problems: list[str] = field(default_factory=list)   # one line each, "path: reason"
    changed_files: int = 0


def fix_findings(findings: list[Finding], sources: dict[str, Source], settings: Settings, *,
                 unsafe: bool, dry_run: bool) -> FixRun:
    """Fix every file that has applicable fixes; with `dry_run`, build the unified diff instead."""
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
            run.diff += unified_diff(planned.old_bytes(), planned.new_bytes(), sources[display].name or display)
    return run


def unified_diff(old: bytes, new: bytes, display: str) -> bytes:
    """A unified diff of one file that `patch -p1` and `git apply` take as it is: made of the file's own
    bytes, lines split at b"\\n" only as those tools split them (so "\\r\\n" and "\\r" stay inside
    lines), and a last line without a newline marked as such."""
    import difflib

    name = os.fsencode(display.replace(os.sep, "/"))
    out = []
    for line in difflib.diff_bytes(difflib.unified_diff, _lines(old), _lines(new),
                                   _header_name(b"a/" + name), _header_name(b"b/" + name)):
        out.append(line if line.endswith(b"\n") else line + b"\n\\ No newline at end of file\n")
    return b"".join(out)


def _lines(data: bytes) -> list[bytes]:
    lines = data.split(b"\n")
    return [line + b"\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


_ESCAPES = {ord('"'): b'\\"', ord("\\"): b"\\\\", ord("\t"): b"\\t", ord("\n"): b"\\n", ord("\r"): b"\\r"}


def _header_name(path: bytes) -> bytes:
    """A file name as git writes it in `---`/`+++` lines, which GNU patch reads too: C-quoted when it
    holds a control character, a quote or a backslash; followed by a tab when it holds a space (else
    patch stops reading the name at the space)."""
    if any(_control(byte) or byte in _ESCAPES for byte in path):
        return b'"' + b"".join(_ESCAPES.get(byte) or (b"\\%03o" % byte if _control(byte) else bytes([byte]))
                               for byte in path) + b'"'
    return path + b"\t" if b" " in path else path


def _control(byte: int) -> bool:
    return byte < 0x20 or byte == 0x7F
