"""LL030: personal data passed to a tracking call of the host application, a module outside the
repository whose path says analytics; quiet on the project's own modules, catalogued SDKs, ids,
logging and modules whose names say nothing of tracking."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import assert_project_reports, project_index

from leaklint.api import check_paths

HEADER = """\
from common.djangoapps.track import segment
from eventtracking import tracker
from host.progress import progress
import logging
import mixpanel
logger = logging.getLogger(__name__)
mp = mixpanel.Mixpanel("token")
def enrolled(user, course_id, client):
"""
NOT_HERE = "which is not in this repository: leaklint cannot see where it sends data"


def _ll030(body: str) -> list[str]:
    _, found = project_index({"plugin.views": HEADER + f"    {body}\n"})
    return [r for r in found["plugin.views"] if r.startswith("LL030")]


@pytest.mark.parametrize("body, expected", [
    ('segment.track(user.id, "enrolled", {"email": user.email, "course": course_id})',
     f"email sent to common.djangoapps.track.segment.track, {NOT_HERE}"),
    ("segment.identify(user.id, email=user.email)", f"email sent to common.djangoapps.track.segment.identify, {NOT_HERE}"),
    ('tracker.emit("enrolled", {"username": user.username})', f"person name sent to eventtracking.tracker.emit, {NOT_HERE}"),
    ('tracker.get_tracker().emit("enrolled", {"name": user.get_full_name()})',
     f"person name sent to eventtracking.tracker.get_tracker().emit, {NOT_HERE}"),
    ('tracker.emit("enrolled", vars(user))', f"whole object vars(user) sent to eventtracking.tracker.emit, {NOT_HERE}"),
    ('segment.track(user.username, "enrolled")', f"person name sent to common.djangoapps.track.segment.track, {NOT_HERE}"),
])
def test_personal_data_to_a_host_tracking_module_is_reported(body, expected):
    assert _ll030(body) == [f"LL030 {expected}"]


@pytest.mark.parametrize("body", [
    'segment.track(user.id, "enrolled", {"course": course_id, "count": len(user.email)})',  # ids and counts
    'logger.info("enrolled %s", user.email)',                                             # logging
    "progress.track(user.email)",                                         # a module whose path says nothing of tracking
    'client.track("enrolled", email=user.email)',                         # an object of unknown class
    'mp.track(user.pk, "enrolled", {"email": user.email})',               # a catalogued SDK: its own rules
    'segment.flush(user.email)',                                          # not a tracking method
])
def test_ids_logging_unrelated_modules_unknown_objects_and_catalogued_sdks_are_not_ll030(body):
    assert _ll030(body) == []


def test_a_module_analysed_without_its_project_cannot_tell_the_host_from_its_own_package():
    from harness import reports

    assert reports(HEADER + '    segment.track(user.id, "enrolled", {"email": user.email})\n') == []


def test_the_projects_own_tracking_module_is_followed_not_guessed():
    helper = "def track(user_id, event, properties=None):\n    return (user_id, event)\n"
    caller = ("from app.analytics import segment\n"
              "def enrolled(user):\n    segment.track(user.id, 'enrolled', {'email': user.email})\n")
    assert_project_reports({"app.analytics.segment": helper, "app.views": caller}, {})


def test_a_file_importing_only_the_host_module_is_analysed(tmp_path: Path):
    (tmp_path / "plugin.py").write_text(
        "from common.djangoapps.track import segment\n\n"
        "def enrolled(user):\n    segment.track(user.id, 'enrolled', {'email': user.email})\n", encoding="utf-8")
    (tmp_path / "quiet.py").write_text(
        "from host.progress import progress\n\n"
        "def enrolled(user):\n    progress.track(user.email)\n", encoding="utf-8")
    found = check_paths([tmp_path]).findings
    assert [(Path(f.path).name, f.line, f.code) for f in found] == [("plugin.py", 4, "LL030")]


def test_the_rule_can_be_switched_off(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[tool.leaklint]\nignore = [\"LL030\"]\n", encoding="utf-8")
    (tmp_path / "plugin.py").write_text(
        "from common.djangoapps.track import segment\n"
        "def enrolled(user):\n    segment.track(user.id, 'enrolled', {'email': user.email})\n", encoding="utf-8")
    assert check_paths([tmp_path]).findings == []


@pytest.mark.parametrize("text, matters", [
    ("from common.djangoapps.track import segment\n", True),
    ("from eventtracking import tracker\n", True),
    ("from .segment import Segment\n", False),            # relative: the project's own module
    ("import os\nfrom .analytics import send\n", False),  # the standard library is no host application
    ("from app.analytics import send\n", False),          # the project's own package
    ("from host.progress import progress\n", False),      # nothing says analytics
])
def test_the_prefilter_lets_files_importing_a_host_tracking_module_through(text, matters):
    from harness import relevant

    assert relevant(text, module="app.views", project_modules=("app.models",)) is matters
