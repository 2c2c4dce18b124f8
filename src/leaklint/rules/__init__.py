"""Rules: each carries its code, name, severity, message, rationale, examples (the bad one fixed, when
leaklint can fix it) and its check.

Every module of this package that defines `RULES` is a rule module: dropping a file here makes its
rules live (in `leaklint rules`, the checks, the docs, SARIF's rule table) with nothing else touched.
The docs (`docs/rules.md`) and the rule tests are generated from this metadata, so a rule's examples
are both its documentation and its test.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from enum import Enum

TYPE_CHECKING = False  # rule metadata is read at start-up: the parser (and typing) only to analyse
if TYPE_CHECKING:
    import libcst as cst

    from ..catalogue import Sink
    from ..findings import Finding, Wrapper
    from ..flow import Evidence, Whole
    from ._checks import CallCheck, ModuleCheck, SinkCheck


class Severity(Enum):
    """How much a finding matters; each output format spells it its own way."""

    HIGH = "high"        # personal data sent to a third party by the code itself
    MEDIUM = "medium"    # an SDK set up to collect personal data by itself
    INFO = "info"        # about leaklint's view of the code (a file it cannot read, a stale comment)


@dataclass(frozen=True)
class Report:
    """A rule's verdict on one node, before positions and suppressions are worked out."""

    code: str
    node: cst.CSTNode              # what is sent (the argument), or the whole finding when there is no call
    message: str
    evidence: tuple[Evidence | Whole, ...] = ()
    call: cst.CSTNode | None = None  # the sink call: where the finding points, where a suppression may sit
    fix: str = ""                    # the suggestion shown with the finding
    autofix: Wrapping | None = None  # the automatic fix, if there is one
    at_node: bool = False            # point at `node`, not the call (a setting's keyword is the problem)
    via: tuple[str, ...] = ()        # the project functions the call goes through (qualified names)
    sink: Sink | None = None         # the sink reached, for a sink check's report (its vendor)


@dataclass(frozen=True)
class Wrapping:
    """A rule's automatic fix: wrap `node` in the scrubber or the pseudonymizer (the analysis turns it
    into a `findings.Wrap`, offsets in the text, once positions are known)."""

    node: cst.BaseExpression
    wrapper: Wrapper
    safe: bool = True                # False: applied only with --unsafe-fixes


@dataclass(frozen=True)
class Rule:
    """One rule, whole: what the docs, `leaklint rules`, the outputs and the tests read, and its checks
    (typed in `_checks`: `SinkCheck`, `CallCheck`, `ModuleCheck`)."""

    code: str
    name: str
    summary: str
    why: str
    message: str                           # each finding's message, a template its check fills in
    bad: str                               # reported ...
    good: str                              # ... not reported
    fix: str                               # the suggestion shown with each finding
    fixed: str = ""                        # the bad example after `--fix` (`--unsafe-fixes` for unsafe fixes)
    severity: Severity = Severity.HIGH
    check_sink: SinkCheck | None = None
    check_call: CallCheck | None = None
    check_module: ModuleCheck | None = None
    fix_safety: str = "No automatic fix."
    default: bool = True                   # False: runs only when selected by its code
    config: str = ""                       # the `[tool.leaklint]` TOML its examples are checked under

    def message_for(self, **fields: object) -> str:
        return self.message.format(**fields)

    def finding(self, display: str, line: int = 1, col: int = 1, *, identity: str = "", source_line: str = "",
                **fields: object) -> Finding:
        """A finding of this rule about a file as a whole (or a place found without the syntax tree);
        `identity` is what keeps it the same finding across edits (default: its message)."""
        from ..findings import Finding, fingerprint

        message = self.message_for(**fields)
        return Finding(display, line, col, self.code, message, fix=self.fix, source_line=source_line,
                       fingerprint=fingerprint(self.code, display, identity or message))


@functools.lru_cache(maxsize=None)
def _discover(paths: tuple[str, ...]) -> tuple[Rule, ...]:
    import importlib
    import pkgutil

    rules: dict[str, Rule] = {}
    defined_in: dict[str, str] = {}
    for info in pkgutil.iter_modules(list(paths)):
        if info.name.startswith("_") or info.name == "docs":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for rule in getattr(module, "RULES", ()):
            if rule.code in rules:
                raise ImportError(f"rule code {rule.code} is defined twice: in {defined_in[rule.code]} "
                                  f"and {module.__name__}")
            rules[rule.code], defined_in[rule.code] = rule, module.__name__
    return tuple(sorted(rules.values(), key=lambda r: r.code))


def all_rules() -> list[Rule]:
    """Every rule of every module in this package (its folders, `__path__`), by code."""
    return list(_discover(tuple(__path__)))


def by_code() -> dict[str, Rule]:
    return _by_code(tuple(__path__))


@functools.lru_cache(maxsize=None)
def _by_code(paths: tuple[str, ...]) -> dict[str, Rule]:
    return {rule.code: rule for rule in _discover(paths)}


def severity(code: str) -> Severity:
    """A finding's severity, from its rule (HIGH for a code no rule knows, e.g. from an old baseline)."""
    rule = by_code().get(code)
    return rule.severity if rule is not None else Severity.HIGH
