"""A project function forwarding its parameters to the host application's tracking call (outside the
repository) is a sink of that call: its callers passing personal data are reported (LL030), once."""

from __future__ import annotations

from harness import assert_project_reports

UTILS = """
    try:
        from common.djangoapps.track import segment
    except ImportError:
        segment = None
    def track_event(user_id, event_name, properties):
        if segment:
            segment.track(user_id, event_name, properties)
    """
VIA = ("sent to common.djangoapps.track.segment.track via utils.track_event(user_id, event_name, properties), "
       "which is not in this repository: leaklint cannot see where it sends data")


def test_a_caller_of_a_project_wrapper_around_the_hosts_tracker_is_reported():
    assert_project_reports({"app.utils": UTILS, "app.commands": """
        from app import utils
        def emit_event(ec_user, course_id):
            utils.track_event(ec_user.user_id, "consent.absent", {
                "course_id": course_id, "username": ec_user.username, "user_email": ec_user.user_email})
        """}, {"app.commands": [f"LL030 person name {VIA}"]})


def test_ids_through_the_wrapper_stay_quiet_and_a_direct_host_call_is_reported_once():
    assert_project_reports({"app.utils": UTILS, "app.enrollment": """
        from app import utils
        from common.djangoapps.track import segment
        def enrolled(user, course_run_id):
            utils.track_event(user.id, "enrollment", {"pathway": "course", "course_run_id": course_run_id})
            segment.track(user.id, "enrollment", {"email": user.email})
        """}, {"app.enrollment": ["LL030 email sent to common.djangoapps.track.segment.track, which is not in "
                                  "this repository: leaklint cannot see where it sends data"]})
