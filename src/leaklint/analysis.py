"""The heavy half of checking a file, imported only when a file passes the prefilter: parse with
libcst, walk with the rules, and turn reports into findings (positions computed only then)."""

from __future__ import annotations

import ast
import functools
import os
import sys
import threading
from dataclasses import replace

import libcst as cst

from . import suppress
from .findings import Finding, Related, fingerprint
from .flow import Evaluator, Evidence, Options, Value, code
from .fix_kinds import Planner
from .http_sinks import http_sink_use
from .positions import locate
from .resolve import Imports
from .rules import Report
from .rules.contract import judge
from .rules.unreadable import unreadable
from .rules.unused_suppression import UNUSED_SUPPRESSION, unused_suppression
from .sinks import sink_use
from .sinks_settings import setting_use
from .source import Source, Unreadable
from .walk import Walker
from .lite import build as build_lite

LITE = os.environ.get("LEAKLINT_LITE") != "0"   # "0": libcst for every module (the reference, to compare with)


TOO_DEEP = "cannot parse: nested too deeply to analyse safely"

# What libcst needs to parse a module, as measured (libcst 1.9): about 3 KB per syntax node, and per
# statement a part quadratic in its nesting, about 2.5 KB per bracket level squared (calls, displays,
# subscripts) and 200 bytes per expression level squared (chained conditionals, `not not ...`).  Real
# modules of half a megabyte come to 250 MB; a 40 KB chain of conditionals to gigabytes.
MEMORY_LIMIT = 768 * 1024 * 1024
_BRACKETS = (ast.Call, ast.Dict, ast.List, ast.Tuple, ast.Set, ast.Subscript, ast.ListComp, ast.SetComp,
             ast.DictComp, ast.GeneratorExp)
_BLOCKS = (ast.stmt, ast.excepthandler, ast.match_case)


# libcst validates each node as it is built (`CSTNode.__post_init__`), about a sixth of a parse.  A
# tree its own parser builds is valid by construction, so validation is skipped while leaklint parses,
# in that thread only: nodes built anywhere else (a fix, another tool in the same process) are checked.
_PARSING = threading.local()
_VALIDATE = cst.CSTNode.__post_init__


def _validate_unless_parsing(node: cst.CSTNode) -> None:
    if not getattr(_PARSING, "active", False):
        _VALIDATE(node)


cst.CSTNode.__post_init__ = _validate_unless_parsing


def _depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth


def parse_text(text: str, lite: bool = False) -> cst.Module:
    """Parse with libcst, after CPython's own parser has vetted the text: CPython refuses nesting that
    would overflow libcst's native parser (a crash, not an exception), and words errors better.
    `lite`: build the tree from CPython's instead where it can (`lite`: for modules only walked for the
    index, unless LEAKLINT_LITE=0)."""
    if "\x00" in text:
        raise Unreadable("cannot parse: source contains a null byte")
    python_error: SyntaxError | None = None
    limit = sys.getrecursionlimit()
    # CPython stops at its recursion limit: keep that near the default while vetting, so that what it
    # accepts is shallow enough for libcst (whose parser is slow or crashes on very deep expressions).
    sys.setrecursionlimit(_depth() + 1500)
    try:
        tree = compile(text, "<source>", "exec", flags=0x400, dont_inherit=True)  # 0x400: ast.PyCF_ONLY_AST
        need = parse_memory(tree)
        if need > MEMORY_LIMIT:
            raise Unreadable(f"not analysed: parsing it would take about {need / 1048576:,.0f} MB (it is too large "
                             f"or nested too deeply; the limit is {MEMORY_LIMIT // 1048576} MB)")
        if lite and LITE:
            try:
                return build_lite(tree, text)
            except Exception:  # noqa: BLE001 - syntax it leaves (Unsupported), too deep, or got wrong: libcst's
                pass
        del tree
    except SyntaxError as err:
        if "too many nested" in str(err.msg) or "too deeply nested" in str(err.msg):
            raise Unreadable(TOO_DEEP, err.lineno or 1, err.offset or 1) from None
        python_error = err  # libcst may still know newer syntax than this interpreter
    except (RecursionError, MemoryError):
        raise Unreadable(TOO_DEEP) from None
    except ValueError:
        pass
    finally:
        sys.setrecursionlimit(limit)
    try:
        return libcst_tree(text)
    except cst.ParserSyntaxError as err:
        if python_error is not None:
            raise Unreadable(f"syntax error: {python_error.msg}", python_error.lineno or 1,
                             python_error.offset or 1) from None
        raise Unreadable(f"syntax error: {str(err.message).splitlines()[0]}", err.raw_line, err.raw_column + 1) from None
    except RecursionError:
        raise Unreadable(TOO_DEEP) from None
    except Exception as err:  # noqa: BLE001 - the parser's own failures are reported, never raised
        raise Unreadable(f"cannot parse: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}") from None


def libcst_tree(text: str) -> cst.Module:
    """libcst's parse of `text`, which CPython has vetted (see `parse_text`)."""
    _PARSING.active = True
    try:
        return cst.parse_module(text)
    finally:
        _PARSING.active = False


def parse_memory(tree: ast.AST) -> int:
    """An estimate of the bytes libcst needs to parse the module `tree` is the syntax of."""
    nodes = quadratic = 0
    blocks = [tree]
    kinds = _KINDS
    while blocks:
        block = blocks.pop()
        deepest = brackets = 0
        stack = [(child, 1, 0) for child in ast.iter_child_nodes(block)]
        # `ast.iter_child_nodes`, inlined with what each node type is worked out once: this loop runs for
        # every syntax node of every file parsed
        while stack:
            node, depth, nested = stack.pop()
            nodes += 1
            kind = kinds.get(type(node)) or _kind(type(node))
            if kind[0]:  # a statement of a body: its nesting counts on its own
                blocks.append(node)
                continue
            nested += kind[1]
            if depth > deepest:
                deepest = depth
            if nested > brackets:
                brackets = nested
            depth += 1
            for name in kind[2]:
                value = getattr(node, name, None)
                if type(value) is list:
                    stack += [(item, depth, nested) for item in value if isinstance(item, ast.AST)]
                elif isinstance(value, ast.AST):
                    stack.append((value, depth, nested))
        quadratic += 2500 * brackets ** 2 + 200 * deepest ** 2
    return 3000 * nodes + quadratic


_KINDS: dict[type, tuple[bool, int, tuple[str, ...]]] = {}


def _kind(kind: type) -> tuple[bool, int, tuple[str, ...]]:
    """(a statement of a body, a bracket level, its fields) of a syntax node type."""
    found = _KINDS[kind] = (issubclass(kind, _BLOCKS), int(issubclass(kind, _BRACKETS)), kind._fields)
    return found


def parse(source: Source, lite: bool = False) -> None:
    """Parse a source in place; a failure becomes its LL900 finding.  `lite`: see `parse_text`."""
    if source.module is None and source.error is None:
        try:
            source.module = parse_text(source.text, lite)
        except Unreadable as err:
            source.error = unreadable(source.display, str(err), err.line, err.col)


def walk(checker, source: Source, options: Options, *, on_sink=None, on_return=None, on_done=None, around=None) \
        -> tuple[list[Report], Walker]:
    """Run the rules over one parsed module; `on_sink(use, scope)`, `on_return` and `on_done` feed the index;
    `around(reports, walker, job, walk)` is told of each function to walk (see `Walker.around`)."""
    reports: list[Report] = []
    walker: Walker

    def on_call(call: cst.Call, func: Value, args: list[Value], ev: Evaluator) -> None:
        for check in checker.call_checks:
            reports.extend(check(call, func, ev))
        use = (sink_use(call, func, args, ev) or http_sink_use(call, func, args, ev)
               or setting_use(call, func, args, ev, walker.current))
        if use is not None:
            chain = use.sink.chain
            for check in checker.sink_checks:
                reports.extend(replace(r, via=chain, sink=use.sink) for r in check(use))
            if on_sink is not None:
                for scope, seen in walker.recorded(use):
                    on_sink(seen, scope)

    walker = Walker(options, Imports(source.info), on_call, on_return)
    walker.on_done = on_done
    walker.around = functools.partial(around, reports) if around is not None else None
    walker.declarations = not source.text or "global" in source.text or "nonlocal" in source.text
    walker.run(source.module)
    # `on_call` holds the walker: without that cycle, the walk's values are freed as soon as the caller is
    # done with it, not at the collector's next full pass (see `collector`)
    walker.on_call = walker.on_return = walker.on_done = walker.around = None
    for check in checker.module_checks:
        reports.extend(check(source.module, source.text, options))
    return reports, walker


def report_nodes(reports: list[Report]) -> list[cst.CSTNode]:
    """The syntax nodes `reports` hold: those `on_other_tree` moves."""
    return [node for r in reports for node in (r.node, r.call, *(e.node for e in r.evidence),
                                               r.autofix.node if r.autofix is not None else None)
            if node is not None]


def on_other_tree(reports: list[Report], twin) -> list[Report]:
    """`reports` with each node they hold replaced by `twin(node)`: the same place in another tree."""
    def moved(evidence):
        return replace(evidence, node=twin(evidence.node)) if evidence.node is not None else evidence

    return [replace(r, node=twin(r.node), call=twin(r.call) if r.call is not None else None,
                    evidence=tuple(moved(e) for e in r.evidence),
                    autofix=replace(r.autofix, node=twin(r.autofix.node)) if r.autofix is not None else None)
            for r in reports]


def findings(settings, source: Source, reports: list[Report]) -> list[Finding]:
    """Reports to findings: positions (computed only now), suppressions and rule selection."""
    unused = UNUSED_SUPPRESSION
    check_unused = settings.enabled(unused.code, source.display, opt_in=not unused.default)
    module, text, display = source.module, source.text, source.display
    lines = suppress.source_lines(text)
    table = suppress.suppressed_codes(lines)
    used: set[tuple[int, str]] = set()
    out: dict[tuple, Finding] = {}
    judged = [(r.code, *judge(r, settings, display)) for r in reports]  # the vendors' data contracts
    reports = [r for _, r, _, _ in judged]
    wanted = [n for r in reports for n in (r.node, r.call, *(e.node for e in r.evidence))]
    fixes = [(r.autofix, r.evidence) for r in reports if r.autofix is not None and settings.enabled(r.code, display)]
    planner = Planner(module, fixes, settings) if fixes else None
    positions, spans, ancestors = locate(module, wanted, *((planner.nodes(), planner.traced()) if planner else ()))
    if planner:
        planner.finish(spans, ancestors)
    for rule, report, flow, allowed in judged:
        status = _status(settings, display, report, allowed, table, positions, used)
        if status is None:
            continue
        # Keyed by the argument: two arguments of one call (same position now) stay two findings; and by
        # the rule that found it: two kinds a contract does not allow stay two LL040 findings.
        arg = positions[report.node].start
        found = _finding(source, report, positions, planner, lines)
        out.setdefault((report.code, rule, arg.line, arg.column), replace(found, flow=flow, status=status))
    if check_unused:
        for line, col, what in suppress.unused(lines, used):
            out.setdefault((unused.code, line, col), unused_suppression(display, line, col, what, lines[line - 1]))
    return sorted(out.values())


def _status(settings, display: str, report: Report, allowed: bool, table, positions, used: set) -> str | None:
    """A finding's status: empty to report it; "allowed" (by its vendor's contract) or "suppressed" for one
    only the inventory keeps (`keep_suppressed`); None to drop it.  A suppression that applies is `used`."""
    if not settings.enabled(report.code, display):
        return None
    if allowed:
        return "allowed" if settings.keep_suppressed else None
    hit = suppress.suppressing(report.code, _comment_lines(report, positions), table)
    if hit is None:
        return ""
    used.add(hit)
    return "suppressed" if settings.keep_suppressed else None


def _finding(source: Source, report: Report, positions, planner, lines: list[str]) -> Finding:
    """One report as a finding: where it is, what it found, and its fix as plain data."""
    # The finding points at the call it is about (where editors and `noqa` look), not at the argument.
    # (an attribute assignment seen as a call, `scope.user = {...}`, has no call of its own in the module)
    span = positions.get(report.call) or positions[report.node]
    where = positions[report.node] if report.at_node else span
    details = [_describe(e, span, positions) for e in report.evidence]
    message = report.message + (": " + "; ".join(dict.fromkeys(details)) if details else "")
    line = where.start.line
    edit = planner.wrap(report.autofix, report.evidence) if report.autofix is not None else None
    fixable = ("safe" if edit.safe else "unsafe") if edit is not None else ""
    call = source.module.code_for_node(report.call if report.call is not None else report.node)
    return Finding(source.display, line, where.start.column + 1, report.code, message,
                   where.end.line, where.end.column + 1, report.fix,
                   lines[line - 1] if 0 < line <= len(lines) else "", fixable, edit,
                   fingerprint(report.code, source.display, call), _origins(source.display, report, positions),
                   report.via)


def _origins(display: str, report: Report, positions) -> tuple[Related, ...]:
    """Where the data was read (or the whole object serialised), once per place, in the order found."""
    out: dict[tuple[int, int], Related] = {}
    for evidence in report.evidence:
        pos = positions.get(evidence.node) if evidence.node is not None else None
        if pos is None:
            continue  # returned by a function of another module: its node is not kept
        # `what` names a helper's return too: "get_email() returns user.email"
        what = f"{evidence.kind.value} read here" if isinstance(evidence, Evidence) else "whole object sent"
        at = (pos.start.line, pos.start.column + 1)
        out.setdefault(at, Related(display, *at, f"{what}: {evidence.what}"))
    return tuple(out.values())


def _comment_lines(report: Report, positions) -> list[int]:
    """The lines a suppression comment may sit on: any line of the call, and the argument's own lines
    (where a finding pointed before it pointed at the call; they lie inside the call today, but a
    suppression written for that place must not depend on it)."""
    lines: dict[int, None] = {}
    for node in (report.call, report.node):
        span = positions.get(node) if node is not None else None
        if span is not None:
            lines.update(dict.fromkeys(range(span.start.line, span.end.line + 1)))
    return list(lines)


def _describe(evidence, span, positions) -> str:
    text = evidence.explain() if hasattr(evidence, "explain") else evidence.what
    pos = positions.get(evidence.node)
    if pos is not None and not (span.start.line <= pos.start.line <= span.end.line):
        return f"from line {pos.start.line}: {code(evidence.node)}" + (
            f" [{evidence.matched}]" if getattr(evidence, "matched", "") else "")
    return text
