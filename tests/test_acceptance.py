"""The cases named in the core issue's acceptance, each on its own."""

from __future__ import annotations

from textwrap import dedent

import pytest

from conftest import codes, lint

REPORTED = {
    "mixpanel module alias": ("""
        import mixpanel as mxp
        mp = mxp.Mixpanel(t)
        def f(uid, acct):
            mp.people_set(uid, {"$email": acct.email})
        """, "LL001"),
    "posthog class alias, 6.x keyword API": ("""
        from posthog import Posthog as PH
        def f(key, member):
            PH(key).capture("x", distinct_id=member.username)
        """, "LL010"),
    "segment current package, aliased": ("""
        from segment import analytics as segment_analytics
        def f(u, co):
            segment_analytics.track(user_id=u.pk, event="e", properties={"company_name": co.name})
        """, "LL003"),
    "traits built by subscript assignment": ("""
        import analytics
        def f(u, profile):
            traits = {}
            traits["phone"] = profile.mobile
            analytics.identify(u.pk, traits)
        """, "LL004"),
    "sentry set_user": ("""
        import sentry_sdk
        def f(u):
            sentry_sdk.set_user({"username": u.username})
        """, "LL002"),
    "amplitude carrier object": ("""
        from amplitude import Amplitude, BaseEvent
        client = Amplitude("key")
        def f(u, org):
            evt = BaseEvent(event_type="x", user_id=str(u.id), user_properties={"org_name": org.title})
            client.track(evt)
        """, "LL003"),
}

QUIET = {
    "counts, formats and file names": """
        from mixpanel import Mixpanel
        mp = Mixpanel("t")
        def f(uid, n, fmt, export):
            mp.track(uid, "Exported", {"rows": n, "format": fmt, "file_name": export.name})
        """,
    "a verification flag": """
        import analytics
        def f(uid):
            analytics.track(uid, "Verified", {"email_verified": True})
        """,
    "a local class with .track()": """
        class Order:
            def track(self, value):
                return value
        def f(order):
            Order().track(order.email)
        """,
    "scrubbed payload": """
        from mixpanel import Mixpanel
        from leaklint.scrub import scrub
        mp = Mixpanel("t")
        def f(uid, u):
            mp.track(uid, "x", scrub({"email": u.email}))
        """,
}


@pytest.mark.parametrize("name", REPORTED)
def test_reported(name):
    source, code = REPORTED[name]
    assert codes(dedent(source)) == [code]


@pytest.mark.parametrize("name", QUIET)
def test_quiet(name):
    assert codes(dedent(QUIET[name])) == []


def test_finding_names_the_earlier_line():
    source = dedent(REPORTED["traits built by subscript assignment"][0])
    [finding] = lint(source)
    assert (finding.line, finding.col) == (6, 5)
    assert "from line 5:" in finding.message and "profile.mobile" in finding.message


def test_finding_points_at_the_call():
    [finding] = lint(dedent(REPORTED["mixpanel module alias"][0]))
    assert (finding.line, finding.col) == (5, 5)  # `mp.people_set(`, not the dict literal
    assert 'acct.email' in finding.message
