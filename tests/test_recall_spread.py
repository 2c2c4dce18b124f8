"""A keyword mapping built in steps (`kwargs = {...}; kwargs["flags"] = flags`) and spread into a call:
its keys stay known, so each binds the parameter it names."""

from __future__ import annotations

from harness import assert_reports


def test_a_key_added_to_a_spread_mapping_keeps_its_other_keys_bound():
    assert_reports("""
        import posthog
        def capture(event, user_email=None, flags=None):
            capture_kwargs = {"distinct_id": user_email, "properties": {"os": "linux"}}
            if flags is not None:
                capture_kwargs["flags"] = flags
            posthog.capture(event, **capture_kwargs)
        """, ["LL010 email used as the user identifier of PostHog capture"])


def test_a_key_added_to_a_spread_mapping_is_checked_as_that_keyword():
    assert_reports("""
        import posthog
        def capture(user):
            capture_kwargs = {"distinct_id": str(user.pk)}
            capture_kwargs["properties"] = {"email": user.email}
            posthog.capture("E", **capture_kwargs)
            quiet = {"distinct_id": str(user.pk)}
            quiet["properties"] = {"plan": user.plan}
            posthog.capture("E", **quiet)
        """, ["LL001 email sent to PostHog capture in 'properties'"])
