"""One file through the pipeline: read -> prefilter -> parse -> walk -> rules -> findings."""

from __future__ import annotations

import hashlib
import io
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from . import suppress
from .catalogue import builtin, with_project_sinks
from .config import Settings
from .findings import Finding
from .flow import Evaluator, Options, Value, code
from .walk import Walker
from .resolve import Imports, ModuleInfo
from .rules import Report, all_rules
from .sinks import sink_use


def needle_pattern(words) -> re.Pattern:
    """One regex finding any of `words` as a whole word (longest first, so none shadows another)."""
    ordered = sorted(words, key=lambda w: (-len(w), w))
    return re.compile(r"\b(?:" + "|".join(map(re.escape, ordered)) + r")\b") if ordered else re.compile(r"(?!)")


def fingerprint(code: str, path: str, call: str) -> str:
    """Identifies a finding across edits that move it: the rule, the file and the call's normalised source.
    A hash, so a baseline stores no code and no data."""
    normalised = " ".join(call.split())
    return hashlib.sha256(f"{code}\0{Path(path).as_posix()}\0{normalised}".encode()).hexdigest()[:32]


class Unreadable(Exception):
    """The file cannot be decoded or parsed; the message is the one-line reason."""

    def __init__(self, reason: str, line: int = 1, col: int = 1):
        super().__init__(reason)
        self.line, self.col = line, col


def decode(data: bytes) -> tuple[str, str]:
    """Source bytes to (text, encoding), honouring a BOM ("utf-8-sig") and an encoding cookie (PEP 263)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding), encoding
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
class Source:
    """One file on its way through the pipeline."""

    display: str
    text: str = ""
    info: ModuleInfo = field(default_factory=ModuleInfo)
    module: cst.Module | None = None
    error: Finding | None = None      # LL900: could not be read, decoded or parsed
    path: Path | None = None
    encoding: str = "utf-8"           # to write a fixed file back as it was ("utf-8-sig" keeps a BOM)
    digest: str = ""                  # of the bytes read, to notice a file changed before a fix is written


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
        # Every SDK reference starts with an import naming the SDK's top-level module, and the settings'
        # literals start with one too; configured sinks are matched by their function name.
        self.needles = frozenset(cat.roots | {name.rsplit(".", 1)[-1] for name in s.sinks})
        self.needle_re = needle_pattern(self.needles)

    def relevant(self, text: str, pattern: re.Pattern | None = None) -> bool:
        """Prefilter: a file that names no SDK module, configured sink, risky setting or project module
        known to lead to one, cannot leak."""
        return (pattern or self.needle_re).search(text) is not None and not suppress.skip_file(text)

    # -- reading ---------------------------------------------------------------------------
    def read(self, path: Path, display: str, info: ModuleInfo, data: bytes | None = None) -> Source:
        source = Source(display, info=info, path=path)
        try:
            if data is None:
                data = path.read_bytes()
            source.digest = hashlib.sha256(data).hexdigest()
            source.text, source.encoding = decode(data)
        except IsADirectoryError:
            source.error = self._unreadable(display, "is a directory")
        except OSError as err:
            source.error = self._unreadable(display, f"cannot read: {err.strerror or err}")
        except Unreadable as err:
            source.error = self._unreadable(display, str(err))
        return source

    def parse(self, source: Source) -> None:
        if source.module is None and source.error is None:
            try:
                source.module = parse(source.text)
            except Unreadable as err:
                source.error = self._unreadable(source.display, str(err), err.line, err.col)

    # -- checking --------------------------------------------------------------------------
    def check_text(self, text: str, display: str, info: ModuleInfo | None = None) -> list[Finding]:
        """Findings for one module given as text (tests, stdin), analysed on its own."""
        from .project import Project

        project = Project(self, [Source(display, text, info or ModuleInfo())])
        return project.findings()

    def walk(self, source: Source, options: Options, *, on_sink=None, on_return=None) -> tuple[list[Report], Walker]:
        """Run the rules over one parsed module; `on_sink(use, scope)` and `on_return` feed the index."""
        reports: list[Report] = []
        walker: Walker

        def on_call(call: cst.Call, func: Value, args: list[Value], ev: Evaluator) -> None:
            for check in self.call_checks:
                reports.extend(check(call, func, ev))
            use = sink_use(call, func, args, ev)
            if use is not None:
                for check in self.sink_checks:
                    reports.extend(check(use))
                if on_sink is not None and walker.current is not None:
                    on_sink(use, walker.current)

        walker = Walker(options, Imports(source.info), on_call, on_return)
        walker.run(source.module)
        reports.extend(self._literal_settings(source.module, source.text))
        return reports, walker

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

    def findings(self, source: Source, reports: list[Report]) -> list[Finding]:
        """Reports to findings: positions (computed only now), suppressions and rule selection."""
        if source.error is not None:
            return [source.error] if self.settings.enabled("LL900", source.display) else []
        check_unused = self.settings.enabled("LL901", source.display, opt_in=True)
        if not reports and not (check_unused and suppress.mentions_leaklint(source.text)):
            return []
        module, text, display = source.module, source.text, source.display
        lines = text.splitlines()
        table = suppress.suppressed_codes(lines)
        used: set[tuple[int, str]] = set()
        out: dict[tuple, Finding] = {}
        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider) if reports else {}
        for report in reports:
            if not self.settings.enabled(report.code, display):
                continue
            where = positions[report.node]
            span = positions[report.call] if report.call is not None else where
            hit = suppress.suppressing(report.code, range(span.start.line, span.end.line + 1), table)
            if hit is not None:
                used.add(hit)
                continue
            details = [self._describe(e, span, positions) for e in report.evidence]
            message = report.message + (": " + "; ".join(dict.fromkeys(details)) if details else "")
            line = where.start.line
            fixable = ("safe" if report.fix_safe else "unsafe") if report.fix_node is not None else ""
            call = module.code_for_node(report.call if report.call is not None else report.node)
            finding = Finding(display, line, where.start.column + 1, report.code, message,
                              where.end.line, where.end.column + 1, report.fix,
                              lines[line - 1] if 0 < line <= len(lines) else "", fixable, report,
                              fingerprint(report.code, display, call))
            out.setdefault((report.code, line, finding.col), finding)
        if check_unused:
            for line, col, what in suppress.unused(lines, used):
                out.setdefault(("LL901", line, col), Finding(
                    display, line, col, "LL901", f"unused suppression of {what}: nothing is reported here",
                    fix="remove the comment", source_line=lines[line - 1],
                    fingerprint=fingerprint("LL901", display, f"{what} {lines[line - 1].strip()}")))
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
        return Finding(display, line, col, "LL900", reason, fix="fix the file or exclude it",
                       fingerprint=fingerprint("LL900", display, reason))


def _strings(module: cst.Module):
    class Collect(cst.CSTVisitor):
        def __init__(self) -> None:
            self.found: list[cst.SimpleString] = []

        def visit_SimpleString(self, node: cst.SimpleString) -> None:
            self.found.append(node)

    collector = Collect()
    module.visit(collector)
    return collector.found
