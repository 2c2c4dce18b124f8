"""Autofix: wrap leaking arguments in the scrubber (or pseudonymizer), add its import, write atomically.

The analysis works out each fix as data (`findings.Wrap`: offsets in the text, the function and its
import); here they become insertions into the file's text, wherever the file was analysed.

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

from .engine import Source
from .findings import Finding, Import, ImportBlock, Wrap, Wrapper
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


def applicable(finding: Finding, unsafe: bool) -> bool:
    return finding.edit is not None and (finding.edit.safe or unsafe)


def plan(source: Source, findings: list[Finding], unsafe: bool) -> FileFix:
    """Apply every applicable fix of one file to its text in one pass; the text is not written here.
    The fixes are insertions at offsets the analysis worked out, so nothing else can change."""
    result = FileFix(source)
    chosen = [f for f in findings if applicable(f, unsafe)]
    if not chosen or source.error is not None:
        return result
    wraps: dict[tuple[int, int], Wrap] = {}
    data: dict[tuple[int, int], list] = {}
    for finding in chosen:
        span = (finding.edit.start, finding.edit.end)
        wraps.setdefault(span, finding.edit)
        data.setdefault(span, []).extend(finding.edit.data)
    # Overlapping fixes: wrap the outermost expression only, once (it carries the inner findings' data too).
    for span in list(wraps):
        outer = next((o for o in wraps if o != span and o[0] <= span[0] and span[1] <= o[1]), None)
        if outer is not None:
            del wraps[span]
            data[outer].extend(data.pop(span))
    scrubbed = {span for span, wrap in wraps.items() if wrap.wrapper is Wrapper.SCRUBBER}
    needs = {wrap.wrapper.value: wrap.function for wrap in wraps.values()}
    edits = import_edits(chosen[0].edit.imports, [needs[role] for role in sorted(needs)])  # first at one offset
    for span, wrap in wraps.items():
        arguments = scrub_arguments(data[span], scrubbed) if span in scrubbed else ()
        tail = "".join(f", {keyword}={_literal_code(value)}" for keyword, value in arguments)
        edits += [(span[0], span[0], wrap.function.name + "("), (span[1], span[1], tail + ")")]
    new_text = _edited(source.text, edits)
    try:
        compile(new_text, str(source.path or source.display), "exec", flags=0x400, dont_inherit=True)
        cst.parse_module(new_text)
    except Exception as err:  # noqa: BLE001 - a fix that cannot be made is reported, never written
        result.problem = f"fix dropped, the result would not parse: {type(err).__name__}: {err}".splitlines()[0]
        return result
    result.new_text = new_text
    result.fixed = chosen
    return result


def _edited(text: str, edits: list[tuple[int, int, str]]) -> str:
    """`text` with each (start, end, new) edit made; edits at one offset keep their order."""
    out, at = [], 0
    for start, end, new in sorted(edits, key=lambda edit: edit[0]):
        out += [text[at:start], new]
        at = max(at, end)
    return "".join(out) + text[at:]


def _literal_code(value: str | tuple[str, ...]) -> str:
    """`"name"` or `("who", "handle")`, with double quotes."""
    if isinstance(value, str):
        return json.dumps(value)
    return "(" + ", ".join(json.dumps(v) for v in value) + ("," if len(value) == 1 else "") + ")"


def import_edits(block: ImportBlock, needs: list[Import]) -> list[tuple[int, int, str]]:
    """`from module import name` for each need, in order, once: added to the first existing `from module
    import ...` of the leading import block if there is one, else on a new line after the block.  No
    other line moves or changes (libcst's AddImportsVisitor also re-spaces the import block, which a
    fix must not do)."""
    added: dict[int, list[str]] = {}      # index of an existing line -> names added to it
    new_lines: dict[str, list[str]] = {}  # module -> names, for lines added after the block
    for need in needs:
        index = next((i for i, line in enumerate(block.lines) if line.module == need.module), None)
        if index is not None:
            line = block.lines[index]
            if not (line.star or need.name in line.names or need.name in added.get(index, ())):
                added.setdefault(index, []).append(need.name)
        elif need.name not in new_lines.setdefault(need.module, []):
            new_lines[need.module].append(need.name)
    edits = [(block.lines[i].end[0], block.lines[i].end[1], "".join(f", {name}" for name in names))
             for i, names in added.items()]
    text = "".join(f"from {module} import {', '.join(names)}{block.newline}" for module, names in new_lines.items())
    return edits + ([(block.insert_at, block.insert_at, text)] if text else [])


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


def fix_findings(findings: list[Finding], sources: dict[str, Source], *, unsafe: bool, dry_run: bool) -> FixRun:
    """Fix every file that has applicable fixes; with `dry_run`, build the unified diff instead."""
    run = FixRun()
    by_file: dict[str, list[Finding]] = {}
    for finding in findings:
        if applicable(finding, unsafe):
            by_file.setdefault(finding.path, []).append(finding)
    for display, items in sorted(by_file.items()):
        planned = plan(sources[display], items, unsafe)
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
