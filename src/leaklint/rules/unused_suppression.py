"""LL901: a leaklint suppression comment that suppresses nothing (opt-in: select LL901 by name)."""

from __future__ import annotations

from . import Rule, Severity

UNUSED_SUPPRESSION = Rule(
    code="LL901", name="unused-suppression", summary="Suppression comment that suppresses nothing",
    severity=Severity.INFO, message="unused suppression of {what}: nothing is reported here",
    why="A `# noqa: LL001` or `# leaklint: ignore[...]` left behind after the code changed hides the next "
        "real leak on that line. Opt-in: enable it with `--extend-select LL901`.",
    bad="import mixpanel\n\nmp = mixpanel.Mixpanel('t')\nmp.track('u1', 'Opened')  # noqa: LL001\n",
    good="import mixpanel\n\nmp = mixpanel.Mixpanel('t')\nmp.track('u1', 'Opened')\n",
    fix="remove the comment", default=False,
)
RULES = [UNUSED_SUPPRESSION]


def unused_suppression(display: str, line: int, col: int, what: str, source_line: str):
    """LL901 for the comment at `line`:`col` suppressing `what` (found after the file's other findings)."""
    return UNUSED_SUPPRESSION.finding(display, line, col, what=what, source_line=source_line,
                                      identity=f"{what} {source_line.strip()}")
