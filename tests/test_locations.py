"""Where a finding points: the call it is about (and which comment lines suppress it), and the related
locations it carries (where the data was read, the project functions a call goes through)."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from conftest import lint

from leaklint.api import check_source

MULTI_LINE = dedent("""
    import mixpanel
    mp = mixpanel.Mixpanel("token")
    def signup(user):
        mp.people_set(
            user.id,
            {"$email": user.email},
        )
""").lstrip()


def test_a_multi_line_call_is_reported_at_its_first_line():
    [finding] = lint(MULTI_LINE)
    assert (finding.code, finding.line, finding.col) == ("LL001", 4, 5)  # `mp.people_set(`
    assert (finding.end_line, finding.end_col) == (7, 6)                 # just after its `)`
    assert finding.source_line == "    mp.people_set("


def test_the_column_is_the_start_of_the_call_expression():
    source = "import mixpanel\nmp = mixpanel.Mixpanel('t')\ndef f(e, on):\n    on and mp.track('u', 'e', {'email': e.email})\n"
    [finding] = lint(source)
    assert (finding.line, finding.col) == (4, 12)


def test_a_noqa_on_the_calls_first_line_or_on_the_arguments_line_suppresses():
    on_call = MULTI_LINE.replace("mp.people_set(", "mp.people_set(  # noqa: LL001")
    on_argument = MULTI_LINE.replace("user.email},", "user.email},  # noqa: LL001")
    on_close = MULTI_LINE.replace("    )\n", "    )  # noqa: LL001\n")
    assert lint(on_call) == lint(on_argument) == lint(on_close) == []


def test_a_noqa_outside_the_call_and_for_another_code_does_not_suppress():
    above = MULTI_LINE.replace("def signup(user):", "def signup(user):  # noqa: LL001")
    other = MULTI_LINE.replace("user.email},", "user.email},  # noqa: LL002")
    assert [f.code for f in lint(above)] == [f.code for f in lint(other)] == ["LL001"]


def test_two_arguments_of_one_call_stay_two_findings():
    source = dedent("""
        from posthog import Posthog
        ph = Posthog("key")
        def view(u):
            ph.capture("Viewed", distinct_id="anon",
                       properties={"email": u.email}, groups={"company": u.email})
    """).lstrip()
    found = lint(source)
    assert [(f.code, f.line, f.col) for f in found if f.code == "LL001"] == [("LL001", 4, 5), ("LL001", 4, 5)]
    assert len({f.message for f in found if f.code == "LL001"}) == 2


def test_a_setting_points_at_its_keyword():
    [finding] = lint('import sentry_sdk\nsentry_sdk.init(\n    dsn="x",\n    send_default_pii=True,\n)\n')
    assert (finding.code, finding.line, finding.col) == ("LL020", 4, 5)


def test_the_fingerprint_does_not_depend_on_the_line():
    [before] = lint(MULTI_LINE)
    [after] = lint(MULTI_LINE.replace("def signup", "\n\n# moved down\ndef signup"))
    assert after.line == before.line + 3 and after.fingerprint == before.fingerprint


def test_the_fix_of_a_multi_line_call_still_wraps_the_argument(tmp_path):
    from leaklint.fix import plan

    run = check_source(MULTI_LINE, tmp_path / "a.py")
    [finding] = run.findings
    planned = plan(run.sources[finding.path], run.findings, False)
    assert 'scrub({"$email": user.email}),' in planned.new_text
    assert "    mp.people_set(\n" in planned.new_text


def test_the_flake8_plugin_reports_the_calls_line(tmp_path):
    from leaklint.flake8_plugin import Plugin

    path = tmp_path / "views.py"
    path.write_text(MULTI_LINE)
    [(line, col, message, _)] = Plugin(None, str(path), MULTI_LINE.splitlines(True)).run()
    assert (line, col) == (4, 4) and message.startswith("LL001 ")


def test_lines_keep_their_meaning_in_a_file_with_windows_line_endings(tmp_path):
    run = check_source(MULTI_LINE.replace("\n", "\r\n"), Path(tmp_path / "a.py"))
    assert [(f.line, f.col) for f in run.findings] == [(4, 5)]
