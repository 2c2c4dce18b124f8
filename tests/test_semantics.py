"""Python semantics the dataflow follows, by example: for each, a leak that is reported and a near miss
that stays quiet.  Bodies evaluated in place (lambdas, comprehensions, container literals), deferred calls
(task queues, threads, callbacks), parameters reaching a helper's return value, `getattr`, and clean
values only on evidence."""

from __future__ import annotations

from harness import assert_project_reports, assert_reports, carried

SEGMENT_EMAIL = ["LL001 email sent to Segment track in 'properties'"]
TELEMETRY = """
    import mixpanel
    mp = mixpanel.Mixpanel("t")
    def track(user_id, event, properties):
        mp.track(user_id, event, properties)
    """
VIA_TRACK = "LL001 email sent to Mixpanel track via telemetry.track(properties) in 'properties'"


# -- bodies evaluated in place -----------------------------------------------------------------------
def test_a_lambda_body_is_evaluated_where_it_is_written():
    assert_reports("""
        import analytics
        from django.db import transaction
        def f(user):
            transaction.on_commit(lambda: analytics.track(user.pk, "E", {"email": user.email}))
            transaction.on_commit(lambda: analytics.track(user.pk, "E", {"plan": user.plan}))
        """, SEGMENT_EMAIL)


def test_a_lambda_parameter_shadows_the_enclosing_name():
    # `user` inside the lambda is its own parameter, not the enclosing email.
    assert_reports("""
        import analytics
        def f(user, email):
            rows = sorted(rows, key=lambda email: analytics.track(email.pk, "E", {"n": email.rank}))
        """, [])


def test_values_inside_list_tuple_and_set_literals_are_kept():
    assert_reports("""
        import analytics
        def f(user, e):
            analytics.track(user.pk, "E", {"emails": [user.email]})
            analytics.track(user.pk, "E", {"to": ({"email": e},)})
            analytics.track(user.pk, "E", {"tags": {user.plan, "x"}, "ids": [user.pk]})
        """, SEGMENT_EMAIL * 2)


def test_comprehensions_keep_what_they_iterate():
    assert_reports("""
        import analytics
        def f(user, emails, plans):
            analytics.track(user.pk, "E", {"to": [{"email": e} for e in emails]})
            analytics.track(user.pk, "E", {"to": list(addr.lower() for addr in emails)})
            analytics.track(user.pk, "E", {"plans": [p.title for p in plans if p.active]})
        """, SEGMENT_EMAIL * 2)


def test_a_comprehension_over_a_parameter_keeps_its_provenance():
    telemetry = """
        import mixpanel
        mp = mixpanel.Mixpanel("t")
        def track(user_id, event, properties):
            mp.track(user_id, event, {k: v for k, v in properties.items() if v is not None})
        def count(user_id, event, properties):
            mp.track(user_id, event, {"n": len([k for k in properties])})
        """
    assert_project_reports({"app.telemetry": telemetry, "app.views": """
        from app.telemetry import track, count
        def view(user):
            track(user.pk, "E", {"email": user.email})
            track(user.pk, "E", {"plan": user.plan})
            count(user.pk, "E", {"email": user.email})
        """}, {"app.views": [VIA_TRACK]})


def test_a_comprehension_variable_does_not_leak_out():
    assert carried("[x for email in rows]")["pii"] == []
    assert carried("email", "rows = [1 for email in users]")["pii"] == [("email", "email")]


# -- clean only on evidence ----------------------------------------------------------------------------
def test_a_helper_summary_is_consulted_before_its_harmless_sounding_name():
    assert_project_reports({"app.labels": """
        def get_event_label(user):
            return f"{user.username} joined"
        def get_plan_label(user):
            return f"{user.plan} plan"
        class Describer:
            def get_event_label(self, user):
                return f"{user.username} joined"
        """, "app.views": """
        import analytics
        from app.labels import get_event_label, get_plan_label
        def view(user, describer):
            analytics.track(user.pk, "E", {"label": get_event_label(user)})
            analytics.track(user.pk, "E", {"label": describer.get_event_label(user)})
            analytics.track(user.pk, "E", {"label": get_plan_label(user)})
        """}, {"app.views": ["LL002 person name sent to Segment track in 'properties'"] * 2})


def test_a_person_and_a_literal_key_read_that_field():
    assert_reports("""
        import analytics
        from app.util import get_user_field
        def view(user):
            analytics.track(user.pk, "E", {"contact": get_user_field(user, "email")})
            analytics.track(user.pk, "E", {"contact": get_user_field(user, "plan")})
            analytics.track(user.pk, "E", {"contact": get_user_field(order, "email")})
        """, SEGMENT_EMAIL)


def test_a_pii_key_wins_over_a_harmless_sounding_callee():
    assert_reports("""
        import analytics, hashlib
        def view(user, row):
            analytics.track(user.pk, "E", {"email": format_field(row)})
            analytics.track(user.pk, "E", {"email": hashlib.sha256(row.encode()).hexdigest()})
            analytics.track(user.pk, "E", {"email": hash_email(row), "email_count": len(row)})
        """, ["LL001 email sent to Segment track in 'properties'"])


def test_hashing_is_evidence_of_a_clean_value():
    assert carried("hashlib.sha256(user.email.encode()).hexdigest()", "import hashlib")["clean"]
    assert carried("hmac.new(key, user.email.encode(), 'sha256').hexdigest()", "import hmac")["clean"]
    assert carried("list(user.email for _ in range(2))")["pii"] == [("email", "user.email")]
