"""Where a finding points: the call it is about (and which comment lines suppress it), and the related
locations it carries (where the data was read, the project functions a call goes through)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from textwrap import dedent

import pytest

from conftest import lint

from leaklint.api import check_source
from leaklint.output import MODULES

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


# -- related locations ---------------------------------------------------------------------------
EVENTS = dedent("""
    import mixpanel
    mp = mixpanel.Mixpanel("t")


    def emit(uid, props):
        mp.track(uid, "x", props)


    class Tracker:
        def send(self, uid, props):
            emit(uid, props)
""").lstrip()
VIEWS = dedent("""
    from shop.events import Tracker


    def signup(user):
        email = user.email
        Tracker().send(
            user.pk,
            {"email": email},
        )
""").lstrip()


def shop(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "events.py").write_text(EVENTS)
    (tmp_path / "shop" / "views.py").write_text(VIEWS)
    return tmp_path


def rows(finding) -> list[tuple]:
    return [(Path(r.path).as_posix(), r.line, r.col, r.message) for r in finding.related]


def test_the_origin_of_the_data_is_a_related_location():
    [finding] = lint(MULTI_LINE.replace("{\"$email\": user.email}", "{\"$email\": address}").replace(
        "def signup(user):\n", "def signup(user):\n    address = user.email\n"))
    assert (finding.line, rows(finding)) == (5, [("example.py", 4, 15, "email read here: user.email")])


def test_each_piece_of_data_and_a_whole_object_are_related_locations():
    source = dedent("""
        import mixpanel
        mp = mixpanel.Mixpanel("t")
        def f(user):
            mp.track(user.pk, "x", {"name": user.full_name, "who": vars(user)})
    """).lstrip()
    found = {f.code: rows(f) for f in lint(source)}
    assert found["LL002"] == [("example.py", 4, 37, "person name read here: user.full_name")]
    assert found["LL011"] == [("example.py", 4, 60, "whole object sent: vars(user)")]


def test_a_call_without_personal_data_of_its_own_has_no_related_location():
    [finding] = lint('import sentry_sdk\nsentry_sdk.init(dsn="x", send_default_pii=True)\n')
    assert finding.related == ()


def test_the_wrapper_chain_is_located_in_the_module_defining_it(tmp_path):
    from leaklint.api import check_paths

    [finding] = check_paths([shop(tmp_path)]).findings
    assert (Path(finding.path).name, finding.line, finding.col) == ("views.py", 6, 5)
    assert finding.via == ("shop.events.Tracker.send", "shop.events.emit")
    assert [(Path(p).name, line, col, message) for p, line, col, message in rows(finding)] == [
        ("views.py", 5, 13, "email read here: user.email"),
        ("events.py", 10, 5, "through shop.events.Tracker.send"),
        ("events.py", 5, 1, "through shop.events.emit"),
    ]


def test_related_locations_survive_the_cache_and_worker_processes(tmp_path):
    from leaklint.api import check_paths

    root = shop(tmp_path)
    fresh = check_paths([root]).findings
    assert check_paths([root], cache=True).findings[0].related == fresh[0].related  # stored
    assert check_paths([root], cache=True).findings[0].related == fresh[0].related  # read back
    assert check_paths([root], jobs=2).findings[0].related == fresh[0].related


def test_definitions_are_found_by_their_dotted_name_inside_the_module():
    from leaklint.wrappers import definitions

    text = "import x\nif x:\n    def f():\n        def inner(): pass\nclass C:\n    async def m(self): pass\n"
    assert definitions(text) == {"f": (3, 5), "f.inner": (4, 9), "C": (5, 1), "C.m": (6, 5)}
    assert definitions("def (:\n") == {}


def test_related_locations_in_the_output_formats(tmp_path):
    import json

    from conftest import run_cli

    root = shop(tmp_path)
    full = run_cli("check", ".", "--output-format", "full", cwd=root).stdout
    assert f"  related: {Path('shop/events.py')}:5:1: through shop.events.emit\n" in full
    [item] = json.loads(run_cli("check", ".", "--output-format", "json", cwd=root).stdout)
    assert item["related"][0] == {"path": str(Path("shop/views.py")), "line": 5, "column": 13,
                                  "message": "email read here: user.email"}
    sarif = json.loads(run_cli("check", ".", "--output-format", "sarif", cwd=root).stdout)
    [result] = sarif["runs"][0]["results"]
    assert [(r["id"], r["message"]["text"], r["physicalLocation"]["region"]) for r in result["relatedLocations"]] == [
        (1, "email read here: user.email", {"startLine": 5, "startColumn": 13}),
        (2, "through shop.events.Tracker.send", {"startLine": 10, "startColumn": 5}),
        (3, "through shop.events.emit", {"startLine": 5, "startColumn": 1}),
    ]
    [issue] = json.loads(run_cli("check", ".", "--output-format", "gitlab", cwd=root).stdout)
    assert issue["other_locations"][2] == {"path": "shop/events.py", "lines": {"begin": 5, "end": 5}}



@pytest.mark.parametrize("name", sorted(MODULES))
def test_a_format_declares_whether_it_shows_related_locations(name):
    """A run looks the wrappers' definitions up only for a format that shows them: each format's flag must
    say whether a related location changes what it prints."""
    from leaklint.findings import Finding, Related
    from leaklint.output import formatter, shows_related

    plain = Finding("app.py", 3, 5, "LL001", "email sent to Mixpanel", source_line="mp.track(email)")
    related = replace(plain, related=(Related("events.py", 7, 1, "through shop.events.emit"),))
    render = formatter(name)
    assert (render([related]) != render([plain])) == shows_related(name)


def test_the_definitions_are_not_looked_up_for_an_output_without_related_locations(tmp_path, monkeypatch):
    from leaklint import wrappers
    from leaklint.api import check_files, discover_paths
    from leaklint.config import Configs

    root, configs = shop(tmp_path), Configs()
    files = discover_paths([root], configs).files
    [finding] = check_files(files, configs, given=[root]).findings
    assert "through shop.events.emit" in [r.message for r in finding.related]
    monkeypatch.setattr(wrappers, "definitions", lambda text: pytest.fail("parsed for related locations"))
    [bare] = check_files(files, configs, given=[root], related=False).findings
    assert [r.message for r in bare.related] == ["email read here: user.email"]
    assert (bare.line, bare.col, bare.code, bare.message) == (finding.line, finding.col, finding.code, finding.message)


def test_a_report_file_that_shows_related_locations_gets_them_under_a_concise_output(tmp_path):
    import json

    from conftest import run_cli

    root = shop(tmp_path)
    result = run_cli("check", ".", "-o", "json:report.json", "--statistics", cwd=root)
    assert "LL001" in result.stdout
    [item] = json.loads((root / "report.json").read_text())
    assert "through shop.events.emit" in [r["message"] for r in item["related"]]

def test_ci_fingerprints_do_not_move_with_the_line(tmp_path):
    import json

    from conftest import run_cli

    root = shop(tmp_path)

    def prints() -> tuple:
        gitlab = json.loads(run_cli("check", ".", "--output-format", "gitlab", cwd=root).stdout)
        sarif = json.loads(run_cli("check", ".", "--output-format", "sarif", cwd=root).stdout)
        return gitlab[0]["fingerprint"], sarif["runs"][0]["results"][0]["partialFingerprints"]["leaklint/v1"]

    before = prints()
    (root / "shop" / "views.py").write_text("# moved\n# down\n" + VIEWS)
    assert prints() == before


def test_the_language_server_gives_related_information(tmp_path):
    from leaklint.findings import Related
    from leaklint.server import related_information

    root = shop(tmp_path)
    uri = (root / "shop" / "views.py").as_uri()
    views = VIEWS.splitlines()
    here = related_information(Related("views.py", 5, 13, "email read here: user.email"), uri, "views.py", views)
    assert (here.location.uri, here.location.range.start.line, here.location.range.start.character) == (uri, 4, 12)
    there = related_information(Related(str(root / "shop" / "events.py"), 5, 1, "through shop.events.emit"),
                                uri, "views.py", views)
    assert there.location.uri == (root / "shop" / "events.py").as_uri() and there.message == "through shop.events.emit"


def test_data_a_helper_of_another_module_returns_is_located_at_the_helpers_call(tmp_path):
    from leaklint.api import check_paths

    shop(tmp_path)
    (tmp_path / "shop" / "people.py").write_text("def contact(user):\n    return user.email\n")
    (tmp_path / "shop" / "views.py").write_text(
        "import mixpanel\nfrom shop.people import contact\nmp = mixpanel.Mixpanel('t')\n\n"
        "def signup(user):\n    mp.track(user.pk, 'x', {'to': contact(user)})\n")
    [finding] = [f for f in check_paths([tmp_path]).findings if f.path.endswith("views.py")]
    assert [(Path(path).name, *rest) for path, *rest in rows(finding)] == [
        ("views.py", 6, 35, "email read here: contact() returns user.email")]
