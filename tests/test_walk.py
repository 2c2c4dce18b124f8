"""The statement walker (`walk.Walker`) by example: one module, analysed on its own, and the reports the
rules make over it.  Cases a module cannot settle alone (helpers, wrappers) are in tests/test_index.py."""

from __future__ import annotations

from textwrap import dedent

import pytest

from harness import assert_reports


def mp(body: str) -> str:
    """A module with a Mixpanel client `mp`, then `body`."""
    return 'import mixpanel\nmp = mixpanel.Mixpanel("t")\n' + dedent(body)


EMAIL_TO_TRACK = ["LL001 email sent to Mixpanel track in 'properties'"]

LEAKS = {
    "payload dict": (mp("""
        def f(user):
            mp.track(user.pk, "Signed up", {"email": user.email, "plan": user.plan})
        """), EMAIL_TO_TRACK),
    "client bound on one branch": ("""
        import mixpanel
        mp = None
        if TOKEN:
            mp = mixpanel.Mixpanel(TOKEN)
        def f(user):
            mp.track(user.pk, "E", {"email": user.email})
        """, EMAIL_TO_TRACK),
    "client kept on self": ("""
        import mixpanel
        class Tracker:
            def __init__(self):
                self.mp = mixpanel.Mixpanel("t")
            def signup(self, user):
                self.mp.track(user.pk, "E", {"email": user.email})
        """, EMAIL_TO_TRACK),
    "functools.partial": (mp("""
        import functools
        def f(user):
            send = functools.partial(mp.track, user.pk)
            send("E", {"email": user.email})
        """), EMAIL_TO_TRACK),
    "dict built, then updated": ("""
        import analytics
        def f(user):
            props = dict(plan=user.plan)
            props.update(email=user.email)
            analytics.track(user.pk, "E", props)
        """, ["LL001 email sent to Segment track in 'properties'"]),
    "in a loop": ("""
        import analytics
        def f(users):
            for user in users:
                analytics.identify(user.pk, {"name": user.full_name})
        """, ["LL002 person name sent to Segment identify in 'traits'"]),
    "a parameter named for what it holds": (mp("""
        def task(email):
            mp.track("u", "E", {"email": email})
        """), EMAIL_TO_TRACK),
    "user id": ("""
        import posthog
        def f(user):
            posthog.capture(distinct_id=user.email, event="E")
        """, ["LL010 email used as the user identifier of PostHog capture"]),
    "event name": ("""
        import analytics
        def f(user):
            analytics.track(user.pk, f"Signed up {user.email}")
        """, ["LL012 email in the event name of Segment track"]),
    "SDK object built, then sent": ("""
        from amplitude import Amplitude, BaseEvent
        client = Amplitude("k")
        def f(user):
            event = BaseEvent(event_type="E", user_id=user.pk, event_properties={"email": user.email})
            client.track(event)
        """, ["LL001 email sent to Amplitude track in 'event_properties'"]),
    "SDK setting": ("""
        import sentry_sdk
        sentry_sdk.init(dsn="x", send_default_pii=True)
        """, ["LL020 send_default_pii=True: Sentry attaches request IPs, cookies, headers and the logged-in "
              "user's id, email and username to every event"]),
    "setting's literal": ("""
        MIDDLEWARE = ["posthog.integrations.django.PosthogContextMiddleware"]
        """, ["LL020 posthog.integrations.django.PosthogContextMiddleware: the middleware tags every event in a "
              "request with request.user.email and the client IP ($ip)"]),
    # Reports are made before suppressions, which are applied when they become findings.
    "suppressed later": (mp("""
        def f(user):
            mp.track(user.pk, "E", {"email": user.email})  # noqa: LL001
        """), EMAIL_TO_TRACK),
}


@pytest.mark.parametrize("source, expected", LEAKS.values(), ids=LEAKS.keys())
def test_leaks_are_reported(source, expected):
    assert_reports(source, expected)


QUIET = {
    "scrubbed": mp("""
        from leaklint.scrub import scrub
        def f(user):
            mp.track(user.pk, "Signed up", scrub({"email": user.email}))
        """),
    "a parameter shadows the client": mp("""
        def f(user, mp):
            mp.track(user.pk, "E", {"email": user.email})
        """),
    "the project's own module called analytics": """
        from myapp import analytics
        def f(user):
            analytics.track(user.pk, "E", {"email": user.email})
        """,
    "nothing personal": mp("""
        def f(user):
            mp.track(user.pk, "Signed up", {"plan": user.plan, "email_verified": True, "n": len(user.email)})
        """),
    "a client rebound to something else": mp("""
        mp = make_other()
        def f(user):
            mp.track(user.pk, "E", {"email": user.email})
        """),
    "the setting switched off": """
        import sentry_sdk
        sentry_sdk.init(dsn="x", send_default_pii=False)
        """,
    # A helper's return value needs the project index: see tests/test_index.py.
    "helper, module alone": mp("""
        def contact(user):
            return user.email
        def f(user):
            mp.track(user.pk, "E", {"who": contact(user)})
        """),
}


@pytest.mark.parametrize("source", QUIET.values(), ids=QUIET.keys())
def test_near_misses_are_quiet(source):
    assert_reports(source, [])


def test_reports_come_in_walk_order_functions_after_their_module():
    assert_reports(mp("""
        def f(user):
            mp.track(user.pk, "E", {"phone": user.phone})
        mp.track("u", "E", {"email": EMAIL})
        """), EMAIL_TO_TRACK + ["LL004 phone number sent to Mixpanel track in 'properties'"])
