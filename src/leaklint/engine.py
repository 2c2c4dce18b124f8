"""One file through the pipeline: read -> prefilter -> parse -> walk -> rules -> findings."""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from . import suppress
from .catalogue import builtin, with_project_sinks
from .config import Settings, project_root
from .findings import Finding
from .flow import Evaluator, Options, Value, Walker, code
from .resolve import Imports, ModuleInfo, module_info
from .rules import Report, all_rules
from .sinks import sink_use


class Unreadable(Exception):
    """The file cannot be decoded or parsed; the message is the one-line reason."""

    def __init__(self, reason: str, line: int = 1, col: int = 1):
        super().__init__(reason)
        self.line, self.col = line, col


def decode(data: bytes) -> str:
    """Source bytes to text, honouring a BOM and an encoding cookie (PEP 263)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding)
    except (SyntaxError, LookupError) as err:
        raise Unreadable(f"cannot decode: {err}") from None
    except UnicodeDecodeError as err:
        raise Unreadable(f"cannot decode as {err.encoding}: invalid byte at offset {err.start}") from None


def parse(text: str) -> cst.Module:
    if "\x00" in text:
        raise Unreadable("cannot parse: source contains a null byte")
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as err:
        line, col, reason = err.raw_line, err.raw_column + 1, str(err.message).splitlines()[0]
        try:  # Python's own parser words syntax errors better and places them exactly
            compile(text, "<source>", "exec", flags=0x400, dont_inherit=True)  # 0x400: ast.PyCF_ONLY_AST
        except SyntaxError as py_err:
            line, col, reason = py_err.lineno or line, py_err.offset or col, py_err.msg
        except (ValueError, RecursionError, MemoryError):
            pass
        raise Unreadable(f"syntax error: {reason}", line, col) from None
    except RecursionError:
        raise Unreadable("cannot parse: expression nested too deeply") from None
    except Exception as err:  # noqa: BLE001 - the parser's own failures are reported, never raised
        raise Unreadable(f"cannot parse: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}") from None


@dataclass
class Checker:
    """Checks files with one configuration; reusable across files (and processes)."""

    settings: Settings

    def __post_init__(self) -> None:
        s = self.settings
        self.options = Options(
            catalogue=with_project_sinks(builtin(), s.sinks),
            scrubbers=frozenset(s.scrubbers),
            extra_words=s.pii_names,
            never=s.never_pii,
        )
        rules = all_rules()
        self.sink_checks = [r.check_sink for r in rules if r.check_sink]
        self.call_checks = [r.check_call for r in rules if r.check_call]
        cat = self.options.catalogue
        self.needles = tuple(sorted(cat.roots | {name.rsplit(".", 1)[-1] for name in s.sinks}
                                    | {st.literal for st in cat.settings if st.literal}))
        self._roots: dict[Path, Path | None] = {}

    def relevant(self, text: str) -> bool:
        """Prefilter: a file that names no SDK module, configured sink or risky setting cannot leak."""
        return any(n in text for n in self.needles)

    def check_path(self, path: Path, display: str, data: bytes | None = None) -> list[Finding]:
        try:
            if data is None:
                data = path.read_bytes()
        except IsADirectoryError:
            return [self._unreadable(display, "is a directory")]
        except OSError as err:
            return [self._unreadable(display, f"cannot read: {err.strerror or err}")]
        try:
            text = decode(data)
        except Unreadable as err:
            return [self._unreadable(display, str(err))]
        if suppress.skip_file(text) or not self.relevant(text):
            return []
        folder = path.resolve().parent
        if folder not in self._roots:
            self._roots[folder] = project_root(folder)
        return self.check_text(text, display, module_info(path, self._roots[folder]))

    def check_text(self, text: str, display: str, info: ModuleInfo | None = None) -> list[Finding]:
        try:
            module = parse(text)
        except Unreadable as err:
            return [self._unreadable(display, str(err), err.line, err.col)]
        reports: list[Report] = []

        def on_call(call: cst.Call, func: Value, args: list[Value], ev: Evaluator) -> None:
            for check in self.call_checks:
                reports.extend(check(call, func, ev))
            use = sink_use(call, func, args, ev)
            if use is not None:
                for check in self.sink_checks:
                    reports.extend(check(use))

        Walker(self.options, Imports(info or ModuleInfo()), on_call).run(module)
        reports.extend(self._literal_settings(module, text))
        if not reports:
            return []
        return self._findings(module, text, display, reports)

    def _literal_settings(self, module: cst.Module, text: str) -> list[Report]:
        wanted = {s.literal: s for s in self.options.catalogue.settings if s.literal and s.literal in text}
        if not wanted:
            return []
        out = []
        for node in _strings(module):
            setting = wanted.get(node.evaluated_value) if isinstance(node.evaluated_value, str) else None
            if setting:
                out.append(Report("LL020", node, f"{setting.literal}: {setting.effect}",
                                  (), node, setting.fix))
        return out

    def _findings(self, module: cst.Module, text: str, display: str, reports: list[Report]) -> list[Finding]:
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        lines = text.splitlines()
        table = suppress.suppressed_codes(lines)
        out: dict[tuple, Finding] = {}
        for report in reports:
            if not self.settings.enabled(report.code, display):
                continue
            where = positions[report.node]
            span = positions[report.call] if report.call is not None else where
            if suppress.is_suppressed(report.code, range(span.start.line, span.end.line + 1), table):
                continue
            details = [self._describe(e, span, positions) for e in report.evidence]
            message = report.message + (": " + "; ".join(dict.fromkeys(details)) if details else "")
            line = where.start.line
            finding = Finding(display, line, where.start.column + 1, report.code, message,
                              where.end.line, where.end.column + 1, report.fix,
                              lines[line - 1] if 0 < line <= len(lines) else "")
            out.setdefault((report.code, line, finding.col), finding)
        return sorted(out.values())

    @staticmethod
    def _describe(evidence, span, positions) -> str:
        text = evidence.explain() if hasattr(evidence, "explain") else evidence.what
        pos = positions.get(evidence.node)
        if pos is not None and not (span.start.line <= pos.start.line <= span.end.line):
            return f"from line {pos.start.line}: {code(evidence.node)}" + (
                f" [{evidence.matched}]" if getattr(evidence, "matched", "") else "")
        return text

    @staticmethod
    def _unreadable(display: str, reason: str, line: int = 1, col: int = 1) -> Finding:
        return Finding(display, line, col, "LL900", reason, fix="fix the file or exclude it")


def _strings(module: cst.Module):
    class Collect(cst.CSTVisitor):
        def __init__(self) -> None:
            self.found: list[cst.SimpleString] = []

        def visit_SimpleString(self, node: cst.SimpleString) -> None:
            self.found.append(node)

    collector = Collect()
    module.visit(collector)
    return collector.found
