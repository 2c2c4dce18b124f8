"""Python semantics the dataflow follows, by example: for each, a leak that is reported and a near miss
that stays quiet.  Bodies evaluated in place (lambdas, comprehensions, container literals), deferred calls
(task queues, threads, callbacks), parameters reaching a helper's return value, `getattr`, and clean
values only on evidence."""

from __future__ import annotations

from textwrap import dedent

import pytest
from conftest import check_files
from harness import assert_project_reports, assert_reports, carried, project_index

SEGMENT_EMAIL = ["LL001 email sent to Segment track in 'properties'"]
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


# -- deferred calls -------------------------------------------------------------------------------------
TASKS = """
    import mixpanel
    from celery import shared_task
    mp = mixpanel.Mixpanel("t")
    @shared_task
    def track_event(user_id, event, properties=None):
        mp.track(user_id, event, properties)
    """
VIA_TASK = "LL001 email sent to Mixpanel track via tasks.track_event(properties) in 'properties'"
DISPATCHES = [
    'track_event.delay(user.pk, "E", {PROPS})',
    'track_event.delay(user.pk, "E", properties={PROPS})',
    'track_event.apply_async(args=(user.pk, "E", {PROPS}), countdown=5)',
    'track_event.apply_async((user.pk, "E"), {"properties": {PROPS}})',
    'track_event.s(user.pk, "E", {PROPS})',
    'track_event.si(user.pk, "E", {PROPS})',
    'track_event.signature((user.pk, "E", {PROPS}))',
    'track_event.send(user.pk, "E", {PROPS})',
    'track_event.send_with_options(args=(user.pk, "E"), kwargs={"properties": {PROPS}}, delay=10)',
    'queue.enqueue(track_event, user.pk, "E", {PROPS}, job_timeout=3)',
    'queue.enqueue_call(track_event, args=(user.pk, "E", {PROPS}))',
    'threading.Thread(target=track_event, args=(user.pk, "E"), kwargs={"properties": {PROPS}}).start()',
    'threading.Timer(5, track_event, (user.pk, "E", {PROPS})).start()',
    'executor.submit(track_event, user.pk, "E", {PROPS})',
    'background_tasks.add_task(track_event, user.pk, "E", properties={PROPS})',
    'loop.run_in_executor(None, track_event, user.pk, "E", {PROPS})',
    'asyncio.to_thread(track_event, user.pk, "E", {PROPS})',
    'transaction.on_commit(partial(track_event, user.pk, "E", {PROPS}))',
    'asyncio.create_task(track_event(user.pk, "E", {PROPS}))',
]


def _dispatching(line: str) -> str:
    return dedent("""
        import asyncio, threading
        from functools import partial
        from django.db import transaction
        from app.tasks import track_event
        def view(user, executor, queue, background_tasks, loop):
            {line}
        """).replace("{line}", line)


@pytest.mark.parametrize("line", DISPATCHES)
def test_a_deferred_call_is_checked_like_a_direct_call(line):
    assert_project_reports({"app.tasks": TASKS, "app.views": _dispatching(line.replace("{PROPS}", '{"email": user.email}'))},
                           {"app.views": [VIA_TASK]})


@pytest.mark.parametrize("line", DISPATCHES)
def test_a_deferred_call_without_personal_data_is_quiet(line):
    assert_project_reports({"app.tasks": TASKS, "app.views": _dispatching(line.replace("{PROPS}", '{"plan": user.plan}'))},
                           {})


def test_a_dispatcher_given_no_sink_is_quiet():
    assert_reports("""
        def view(user, executor, queue):
            executor.submit(print, user.email)
            queue.enqueue(send_welcome_mail, user.email)
            worker.delay(user.email)
        """, [])


def test_a_function_dispatching_its_parameter_becomes_a_sink():
    assert_project_reports({"app.tasks": TASKS, "app.events": """
        from app.tasks import track_event
        def notify(user, props):
            track_event.apply_async(kwargs={"user_id": user.pk, "event": "E", "properties": props})
        """, "app.views": """
        from app.events import notify
        def view(user):
            notify(user, {"email": user.email})
            notify(user, {"plan": user.plan})
        """}, {"app.views": ["LL001 email sent to Mixpanel track via events.notify(props) -> "
                             "tasks.track_event(properties) in 'props'"]})


def test_a_deferred_finding_points_inside_the_dispatch(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "tasks.py").write_text(dedent(TASKS))
    (tmp_path / "views.py").write_text(dedent("""
        from tasks import track_event
        def view(user):
            track_event.apply_async(
                kwargs={
                    "user_id": user.pk,
                    "event": "E",
                    "properties": {"email": user.email},
                },
                countdown=5,
            )
        """).lstrip())
    [finding] = check_files(tmp_path, tmp_path / "views.py")
    assert finding.code == "LL001" and 3 <= finding.line <= 10, finding


# -- parameter provenance ----------------------------------------------------------------------------
HELPERS = """
    import copy
    def preprocess(props):
        return props
    def as_dict(props):
        return dict(props)
    def merged(props, extra=None):
        return {**props, "source": "web"}
    def copied(props):
        return copy.deepcopy(props)
    def shallow(props):
        return props.copy()
    def stamped(props):
        props.update(source="web")
        return props
    def defaulted(props):
        props.setdefault("source", "web")
        return props
    def ored(props, extra):
        return props | extra
    def ior(props, extra):
        out = {}
        out |= props
        return out
    def from_kwargs(**kwargs):
        return kwargs
    def summary(props):
        return {"n": len(props), "keys": sorted(props.keys())}
    class Payload:
        def __init__(self, props):
            self.props = props
    def wrapped(props):
        return Payload(props)
    def picked(options):
        return options.get("properties")
    """
PASSING = ["wrapped(props)", "picked({'properties': props})", "preprocess(props)", "as_dict(props)", "merged(props)", "copied(props)", "shallow(props)",
           "stamped(props)", "defaulted(props)", "ored({}, props)", "ior(props, {})", "from_kwargs(**props)"]


@pytest.mark.parametrize("helper", PASSING)
def test_a_helper_returning_its_parameter_keeps_the_callers_data(helper):
    assert_project_reports({"app.util": HELPERS, "app.telemetry": f"""
        import mixpanel
        from app.util import *
        mp = mixpanel.Mixpanel("t")
        def track(user_id, event, props):
            mp.track(user_id, event, {helper})
        """, "app.views": """
        from app.telemetry import track
        def view(user):
            track(user.pk, "E", {"email": user.email})
            track(user.pk, "E", {"plan": user.plan})
        """}, {"app.views": ["LL001 email sent to Mixpanel track via telemetry.track(props) in 'props'"]})


def test_a_helper_returning_none_of_its_parameters_ends_the_flow():
    assert_project_reports({"app.util": HELPERS, "app.telemetry": """
        import mixpanel
        from app.util import summary
        mp = mixpanel.Mixpanel("t")
        def track(user_id, event, props):
            mp.track(user_id, event, summary(props))
        """, "app.views": """
        from app.telemetry import track
        from app.util import summary, preprocess
        def view(user):
            track(user.pk, "E", {"email": user.email})
            mp.track(user.pk, "E", summary({"email": user.email}))
        """}, {})


def test_keywords_gathered_into_kwargs_are_keys_of_the_mapping_returned():
    assert_project_reports({"app.util": HELPERS, "app.views": """
        import analytics
        from app.util import from_kwargs
        def view(user, row):
            analytics.track(user.pk, "E", from_kwargs(email=row.contact))
            analytics.track(user.pk, "E", from_kwargs(plan=row.contact))
        """}, {"app.views": ["LL001 email sent to Segment track in 'properties'"]})


def test_args_and_kwargs_forwarded_to_a_sink_or_a_helper():
    assert_project_reports({"app.telemetry": """
        import mixpanel
        mp = mixpanel.Mixpanel("t")
        def send(*args, **kwargs):
            mp.track(*args, **kwargs)
        def send_event(event, properties=None):
            mp.track("1", event, properties)
        def forward(event, **kwargs):
            send_event(event, **kwargs)
        """, "app.views": """
        from app.telemetry import send, forward
        def view(user):
            send(user.pk, "E", properties={"email": user.email})
            forward("E", properties={"email": user.email})
            send(user.pk, "E", properties={"plan": user.plan})
            forward("E", properties={"plan": user.plan})
        """}, {"app.views": [
            "LL001 email sent to Mixpanel track via telemetry.send(args, **kwargs) in 'properties'",
            "LL001 email sent to Mixpanel track via telemetry.forward(**kwargs) -> telemetry.send_event(properties) "
            "in 'properties'"]})


def test_a_mapping_spread_into_an_sdk_call_binds_its_literal_keys():
    assert_reports("""
        import posthog
        def view(user):
            capture_kwargs = {"distinct_id": user.email, "event": "E"}
            posthog.capture(**capture_kwargs)
            quiet = {"distinct_id": str(user.pk), "event": "E", "properties": {"plan": user.plan}}
            posthog.capture(**quiet)
            posthog.capture(str(user.pk), "E", **{"properties": {"email": user.email}})
        """, ["LL010 email used as the user identifier of PostHog capture",
              "LL001 email sent to PostHog capture in 'properties'"])


# -- getattr ---------------------------------------------------------------------------------------------
def test_getattr_with_a_literal_name_reads_the_attribute():
    assert_reports("""
        import analytics
        def view(user, order):
            analytics.track(user.pk, "E", {"a": getattr(user, "email")})
            analytics.track(user.pk, "E", {"a": getattr(user, "email", None)})
            analytics.track(user.pk, "E", {"a": getattr(user, "plan", None), "b": getattr(order, "total")})
            analytics.track(user.pk, "E", {"a": getattr(user, field)})
        """, SEGMENT_EMAIL * 2)
    assert carried("getattr(user, 'email')")["pii"] == [("email", "user.email")]


def test_getattr_of_a_client_method_is_that_method():
    assert_reports("""
        import analytics
        def view(user):
            getattr(analytics, "track")(user.pk, "E", {"email": user.email})
            getattr(analytics, "flush")()
            getattr(analytics, "track")(user.pk, "E", {"plan": user.plan})
        """, SEGMENT_EMAIL)


def test_getattr_with_a_variable_name_on_a_client_with_few_sink_methods():
    telemetry = """
        import posthog
        class Client:
            def __init__(self):
                self.ph = posthog.Posthog("k")
            def capture(self, distinct_id, event, properties):
                self.ph.capture(distinct_id, event, properties)
        client = Client()
        def call(method, *args, **kwargs):
            return getattr(client, method)(*args, **kwargs)
        """
    assert_project_reports({"app.telemetry": telemetry, "app.views": """
        import analytics
        from app.telemetry import call
        def view(user, method):
            call("capture", user.pk, "E", {"email": user.email})
            call("capture", user.pk, "E", {"plan": user.plan})
            getattr(analytics, method)(user.pk, "E", {"email": user.email})  # an SDK's: any of its methods
        """}, {"app.views": ["LL001 email sent to PostHog capture via telemetry.call(args, **kwargs) -> "
                             "telemetry.Client.capture(properties) in 'args'",
                             "LL001 email sent to Segment (method named at run time) in 'args'"]})


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


def test_a_project_helper_reading_a_field_by_name():
    assert_project_reports({"app.util": """
        def get_user_field(user, field):
            return getattr(user, field, None)
        """, "app.views": """
        import analytics
        from app.util import get_user_field
        def view(user):
            analytics.track(user.pk, "E", {"contact": get_user_field(user, "email")})
            analytics.track(user.pk, "E", {"contact": get_user_field(user, "plan")})
        """}, {"app.views": SEGMENT_EMAIL})


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


def test_what_reaches_the_return_value_survives_the_cache():
    from leaklint import index_data

    index, _ = project_index({"app.util": HELPERS})
    again = index_data.from_data(index_data.to_data(index))
    assert again.functions["app.util.merged"].passes == ("props",)
    assert again.functions == index.functions
    assert again.passed("app.util.summary", [(None, "", "node")]) == []
    assert again.passed("app.elsewhere.f", [(None, "", "node")]) is None


# -- what a walked helper gives back (found in review) ------------------------------------------------
def test_a_generator_a_keyed_read_and_an_appended_list_give_back_what_they_were_given():
    assert_project_reports({"app.util": """
        def chunks(items, n):
            for i in range(0, len(items), n):
                yield items[i:i + n]
        def traits_of(payload):
            return payload["traits"]
        def collect(rows):
            out = []
            for row in rows:
                out.append(row)
            return out
        """, "app.views": """
        from mixpanel import Mixpanel
        from app.util import chunks, traits_of, collect
        mp = Mixpanel("t")
        def f(user, users):
            for chunk in chunks([{"email": u.email} for u in users], 10):
                mp.track("x", "e", {"batch": chunk})
            mp.track(user.pk, "e", traits_of({"traits": {"email": user.email}}))
            mp.track(user.pk, "e", {"rows": collect([user.email])})
            mp.track(user.pk, "e", traits_of({"traits": {"plan": user.plan}}))
        """}, {"app.views": ["LL001 email sent to Mixpanel track in 'properties'"] * 3})


def test_a_predicate_or_a_sender_given_a_person_and_a_key_is_not_a_read_of_that_field():
    assert_reports("""
        import analytics
        def f(user):
            analytics.track(user.pk, "s", {"channel_enabled": is_enabled(user, "email")})
            analytics.track(user.pk, "s", {"ok": has_permission(user, "email")})
            analytics.track(user.pk, "s", {"n": send_notification(user, "email", template="welcome")})
            analytics.track(user.pk, "s", {"to": get_user_field(user, "email")})
        """, SEGMENT_EMAIL)


def test_a_digest_is_an_email_digest_not_a_hash():
    assert_reports("""
        import analytics
        def f(user):
            analytics.track(user.pk, "digest_sent", {"r": digest_recipient(user.email)})
            analytics.track(user.pk, "x", {"r": hash_email(user.email)})
        """, SEGMENT_EMAIL)
