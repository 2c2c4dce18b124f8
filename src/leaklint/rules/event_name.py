"""LL012: personal data interpolated into an event name."""

from __future__ import annotations

from textwrap import dedent

from ..catalogue import Role
from . import Report, Rule

FIX = "use a fixed event name and move the detail into a scrubbed property"


def check(use):
    for arg in use.args:
        if arg.role is Role.EVENT and arg.value.pii:
            found = arg.value.pii
            yield Report(RULE.code, arg.node, RULE.message_for(kind=found[0].kind.value, sink=use.label),
                         found, use.call, FIX)


RULE = Rule(
    code="LL012", name="pii-in-event-name", summary="Personal data interpolated into an event name",
    message="{kind} in the event name of {sink}",
    why="Event names are indexed, listed in dashboards and shared with every destination; they are never "
        "scrubbed as properties can be, and every distinct name becomes a new event type.",
    bad=dedent("""
        from mixpanel import Mixpanel
        mp = Mixpanel("token")
        def exported(user):
            mp.track(user.pk, f"Export by {user.email}")
    """).strip() + "\n",
    good=dedent("""
        from mixpanel import Mixpanel
        mp = Mixpanel("token")
        def exported(user):
            mp.track(user.pk, "Export")
    """).strip() + "\n",
    fix=FIX, check_sink=check,
)
RULES = [RULE]
