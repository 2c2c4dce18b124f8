"""LL030 through the project's own wrapper of a host tracking call: `track_event(user_id, name, properties)`
calling the host's `segment.track` is checked at its callers, as a wrapper of an SDK is; ids alone stay
quiet, and the payload rules leave such calls to LL030 (switching it off silences them all)."""

from __future__ import annotations

from pathlib import Path

from harness import assert_project_reports

from leaklint.api import check_paths

UTILS = """
try:
    from common.djangoapps.track import segment
except ImportError:
    segment = None
def track_event(user_id, event_name, properties):
    if segment:
        segment.track(user_id, event_name, properties)
"""
NOT_HERE = "which is not in this repository: leaklint cannot see where it sends data"


def test_a_wrapper_of_a_host_tracking_call_is_checked_at_its_callers():
    caller = """
from plugin import utils
def emit(ec_user, course_id):
    utils.track_event(ec_user.user_id, "consent.absent", {"course_id": course_id, "user_email": ec_user.user_email})
def enrolled(user_id, course_id):
    utils.track_event(user_id, "enrolled", {"course_id": course_id, "pathway": "link"})
"""
    target = "common.djangoapps.track.segment.track via utils.track_event(user_id, event_name, properties)"
    assert_project_reports({"plugin.utils": UTILS, "plugin.commands": caller},
                           {"plugin.commands": [f"LL030 email sent to {target}, {NOT_HERE}"]})


def test_switching_ll030_off_silences_the_wrappers_callers_too(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[tool.leaklint]\nignore = [\"LL030\"]\n", encoding="utf-8")
    (tmp_path / "plugin").mkdir()
    (tmp_path / "plugin" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "plugin" / "utils.py").write_text(UTILS, encoding="utf-8")
    (tmp_path / "plugin" / "views.py").write_text(
        "from plugin.utils import track_event\n\n"
        "def enrolled(user):\n    track_event(user.id, 'enrolled', {'email': user.email})\n", encoding="utf-8")
    assert check_paths([tmp_path]).findings == []


def test_only_the_first_wrapper_of_a_host_tracking_call_pulls_its_importers_in():
    # A plugin imports its helpers' module nearly everywhere: each level followed would parse most of it.
    from harness import _CHECKER, project_index

    helpers = UTILS + """
def track_enrollment(user_id, course_id):
    track_event(user_id, "enrolled", {"course_id": course_id})
"""
    index, _ = project_index({"plugin.utils": helpers})
    assert index.functions["plugin.utils.track_enrollment"].sink is not None
    assert index.leads(_CHECKER.leads_to_sink) == {"plugin.utils": {"track_event"}}


def test_a_wrappers_host_category_survives_the_stored_index():
    # A warm run reads summaries from the cache: a wrapper of a host call must stay a host sink there, else
    # its callers move from LL030 to the payload rules and its importers become leads.
    from harness import project_index

    from leaklint import index_data
    from leaklint.rules.host_wrapper import HOST

    index, _ = project_index({"plugin.utils": UTILS})
    summary = index.functions["plugin.utils.track_event"]
    assert summary.sink.category == HOST
    again = index_data.from_data(index_data.to_data(index)).functions["plugin.utils.track_event"]
    assert again.sink.category == HOST and again == summary
