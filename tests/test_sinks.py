"""Binding calls to catalogue sinks (`sinks.sink_use`) by example: which sink a call is, and what each
argument carries in which role."""

from __future__ import annotations

from harness import sink_calls


def test_positional_and_keyword_arguments_bind_to_the_same_roles():
    assert sink_calls("""
        import analytics
        analytics.track("u1", "E", {"a": 1})
        analytics.track(user_id="u1", event="E", properties={"email": e})
        """) == [
        ("Segment track", [("user_id", "user_id", []), ("event", "event", []), ("properties", "properties", [])]),
        ("Segment track", [("user_id", "user_id", []), ("event", "event", []), ("properties", "properties", ["email"])]),
    ]


def test_a_client_method_binds_with_the_sdk_names_of_its_parameters():
    assert sink_calls("""
        from posthog import Posthog
        ph = Posthog("k")
        ph.capture("E", distinct_id="anon", properties={"$ip": ip})
        """) == [("PostHog capture", [("event", "event", []), ("user_id", "distinct_id", []),
                                      ("properties", "properties", ["IP address"])])]


def test_a_key_value_setter_classifies_the_value_by_its_key():
    assert sink_calls("""
        import sentry_sdk
        sentry_sdk.set_tag("email", x)
        sentry_sdk.set_tag("plan", "pro")
        """) == [("Sentry set_tag (error tracking)", [("traits", "value", ["email"])]), ("Sentry set_tag (error tracking)", [("traits", "value", [])])]


def test_methods_the_catalogue_does_not_know_are_not_sinks():
    assert [label for label, _ in sink_calls("""
        import mixpanel
        mp = mixpanel.Mixpanel("t")
        mp.people_set("u", props)
        mp.unknown_method("u", {"email": e})
        """)] == ["Mixpanel people_set"]


def test_an_sdk_object_built_earlier_is_bound_through_its_fields():
    assert sink_calls("""
        from amplitude import Amplitude, BaseEvent
        client = Amplitude("k")
        ev = BaseEvent(event_type="E", user_id="u", event_properties={"email": e})
        client.track(ev)
        """) == [("Amplitude track", [("event", "event_type", []), ("user_id", "user_id", []),
                                      ("properties", "event_properties", ["email"])])]


def test_no_import_no_sink():
    assert sink_calls("""
        from myapp import analytics
        analytics.track("u1", "E", {"email": e})
        mixpanel.Mixpanel("t").track("u", "E", {"email": e})
        """) == []
