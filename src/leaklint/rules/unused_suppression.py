"""LL901: a leaklint suppression comment that suppresses nothing (opt-in: select LL901 by name)."""

from __future__ import annotations

from . import Rule

RULES = [Rule(
    code="LL901", name="unused-suppression", summary="Suppression comment that suppresses nothing",
    why="A `# noqa: LL001` or `# leaklint: ignore[...]` left behind after the code changed hides the next "
        "real leak on that line. Opt-in: enable it with `--extend-select LL901`.",
    bad="import mixpanel\n\nmp = mixpanel.Mixpanel('t')\nmp.track('u1', 'Opened')  # noqa: LL001\n",
    good="import mixpanel\n\nmp = mixpanel.Mixpanel('t')\nmp.track('u1', 'Opened')\n",
    fix="remove the comment", default=False,
)]
