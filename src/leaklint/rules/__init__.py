"""Rules: each carries its code, name, message, rationale, a bad and a good example, and its fix.

The docs (`docs/rules.md`) and the rule tests are generated from this metadata, so a rule's
examples are both its documentation and its test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

TYPE_CHECKING = False  # rule metadata is read at start-up: the parser is imported only to analyse
if TYPE_CHECKING:
    import libcst as cst

    from ..flow import Evidence, Whole


@dataclass(frozen=True)
class Report:
    """A rule's verdict on one node, before positions and suppressions are worked out."""

    code: str
    node: cst.CSTNode              # where the finding points
    message: str
    evidence: tuple[Evidence | Whole, ...] = ()
    call: cst.CSTNode | None = None  # the sink call, whose lines a suppression comment may sit on
    fix: str = ""                    # the suggestion shown with the finding
    fix_node: cst.BaseExpression | None = None  # an automatic fix wraps this expression ...
    fix_wrap: str = ""                          # ... in "scrubber" or "pseudonymizer"
    fix_safe: bool = True                       # False: applied only with --unsafe-fixes


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    summary: str
    why: str
    bad: str
    good: str
    fix: str
    check_sink: Callable | None = None    # (SinkUse) -> Iterable[Report]
    check_call: Callable | None = None    # (call, callee Value, Evaluator) -> Iterable[Report]
    fix_safety: str = "No automatic fix."
    default: bool = True                  # False: runs only when selected by its code
    tags: tuple[str, ...] = field(default_factory=tuple)


def all_rules() -> list[Rule]:
    from . import event_name, identifier, payload, sdk_settings, unreadable, unused_suppression, whole_object

    rules: list[Rule] = []
    for module in (payload, identifier, whole_object, event_name, sdk_settings, unreadable, unused_suppression):
        rules.extend(module.RULES)
    return sorted(rules, key=lambda r: r.code)


def kinds_text(evidence: Iterable[Evidence]) -> str:
    return ", ".join(dict.fromkeys(e.kind.value for e in evidence))
