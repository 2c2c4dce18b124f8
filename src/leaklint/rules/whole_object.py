"""LL011: a whole person or organisation object serialised into a payload."""

from __future__ import annotations

from textwrap import dedent

from . import Report, Rule
from .host_wrapper import HOST
from .payload import PAYLOAD_ROLES, scrub_fix

FIX = "send the few fields the analysis needs, by name, instead of the whole object"


def check(use):
    if use.sink.category == HOST:  # LL030's
        return
    for arg in use.args:
        if arg.role in PAYLOAD_ROLES and arg.value.wholes:
            whole = arg.value.wholes[0]
            message = RULE.message_for(what=whole.what, sink=use.label, param=arg.param)
            yield Report(RULE.code, arg.node, message, arg.value.wholes, use.call, FIX, autofix=scrub_fix(arg))


RULE = Rule(
    code="LL011", name="whole-object-to-analytics", summary="A whole object serialised into analytics properties",
    message="whole object {what} sent to {sink} in '{param}'",
    why="vars(user), user.to_dict() or a serializer's .data send every field the model has today and every "
        "field added to it later: email, name, address, hashed password.",
    bad=dedent("""
        import mixpanel
        mp = mixpanel.Mixpanel("token")
        def updated(user):
            mp.track(user.pk, "Profile Updated", vars(user))
    """).strip() + "\n",
    good=dedent("""
        import mixpanel
        mp = mixpanel.Mixpanel("token")
        def updated(user):
            mp.track(user.pk, "Profile Updated", {"fields_changed": 3})
    """).strip() + "\n",
    fixed=dedent("""
        import mixpanel
        from leaklint_scrub import scrub
        mp = mixpanel.Mixpanel("token")
        def updated(user):
            mp.track(user.pk, "Profile Updated", scrub(vars(user)))
    """).strip() + "\n",
    fix=FIX, check_sink=check,
    fix_safety="Safe fix (`--fix`): the payload is wrapped in the configured scrubber, which removes the "
               "personal fields; sending named fields instead remains the better change.",
)
RULES = [RULE]
