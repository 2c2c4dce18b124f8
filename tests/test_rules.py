"""Every rule's own examples: the bad one is reported with the rule's code, the good one is not, the fixed
one is what the fix gives; output formats take the rule's severity; a dropped rule module is live."""

from __future__ import annotations

import inspect
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace

import pytest

from leaklint._toml import tomllib
from leaklint.config import Settings, from_table
from leaklint.findings import Finding
from leaklint.output import formatter
from leaklint.rules import Severity, all_rules
from leaklint.rules._checks import CallCheck, ModuleCheck, SinkCheck
from leaklint.rules.docs import render

from conftest import ROOT, codes, lint, run_cli

RULES = all_rules()


def configured(rule) -> Settings:
    """The settings a rule's examples are checked under: its `config` (a vendor's contract), if any."""
    return from_table(tomllib.loads(rule.config)) if rule.config else Settings()


def only(rule) -> Settings:
    return replace(configured(rule), select=[rule.code])


EXAMPLED = [r for r in RULES if r.bad]  # LL902 (leaklint's own failure) has no example: tests/test_hostile.py


@pytest.mark.parametrize("rule", EXAMPLED, ids=[r.code for r in EXAMPLED])
def test_bad_example_is_reported(rule):
    assert rule.code in codes(rule.bad, only(rule))
    if rule.default:
        assert rule.code in codes(rule.bad, configured(rule))  # default rules need no selection
    else:
        assert rule.code not in codes(rule.bad, configured(rule))


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_good_example_is_quiet(rule):
    assert codes(rule.good, only(rule)) == []
    assert codes(rule.good, configured(rule)) == []


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_metadata_is_complete(rule):
    assert rule.code.startswith("LL") and rule.code[2:].isdigit()
    for field in ("name", "summary", "why", "message", "good", "fix") + (("bad",) if rule.code != "LL902" else ()):
        assert getattr(rule, field).strip(), f"{rule.code} lacks {field}"


@pytest.mark.parametrize("rule", EXAMPLED, ids=[r.code for r in EXAMPLED])
def test_findings_say_the_rules_message(rule):
    # the template's fields are filled in; the evidence may follow after a colon
    pattern = re.sub(r"\\\{\w+\\\}", ".+", re.escape(rule.message)) + "(: .+)?"
    messages = [f.message for f in lint(rule.bad, only(rule)) if f.code == rule.code]
    assert messages and all(re.fullmatch(pattern, m) for m in messages), (pattern, messages)


CHECKS = {"check_sink": SinkCheck, "check_call": CallCheck, "check_module": ModuleCheck}


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_checks_take_what_the_engine_passes(rule):
    for field, protocol in CHECKS.items():
        check = getattr(rule, field)
        if check is not None:
            wanted = list(inspect.signature(protocol.__call__).parameters)[1:]  # without self
            inspect.signature(check).bind(*wanted)  # raises TypeError when the arity differs


def test_codes_are_unique():
    assert len({r.code for r in RULES}) == len(RULES)


def test_rules_doc_is_current():
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert doc == render(), "docs/rules.md is stale: run `python -m leaklint.rules.docs > docs/rules.md`"


FIXABLE = [r for r in RULES if r.fixed]


@pytest.mark.parametrize("rule", FIXABLE, ids=[r.code for r in FIXABLE])
def test_fixed_example_is_what_the_fix_gives(rule):
    result = run_cli("check", "--fix", "--unsafe-fixes", "--no-cache", "-q", "--select", rule.code,
                     "--stdin-filename", "example.py", stdin=rule.bad)
    assert result.stdout == rule.fixed
    assert codes(rule.fixed, only(rule)) == []  # and the fixed code is clean


@pytest.mark.parametrize("rule", EXAMPLED, ids=[r.code for r in EXAMPLED])
def test_a_rule_whose_bad_example_is_fixable_shows_the_fix(rule):
    fixable = [f for f in lint(rule.bad, only(rule)) if f.fixable]
    assert bool(fixable) == bool(rule.fixed), f"{rule.code}: `fixed` should show the fix of its bad example"
    assert all((f.fixable == "safe") == rule.fix_safety.startswith("Safe fix") for f in fixable)


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_output_formats_take_severity_from_the_rule(rule):
    finding = Finding("app.py", 3, 5, rule.code, "something", 3, 9)
    high = rule.severity is not Severity.INFO
    assert formatter("github")([finding]).startswith("::error " if high else "::warning ")
    assert json.loads(formatter("gitlab")([finding]))[0]["severity"] == ("major" if high else "minor")
    run = json.loads(formatter("sarif")([finding]))["runs"][0]
    assert run["results"][0]["level"] == ("error" if high else "warning")
    table = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert table[rule.code]["defaultConfiguration"]["level"] == run["results"][0]["level"]
    score = table[rule.code]["properties"].get("security-severity")  # none for leaklint's own notes
    assert (score is None) == (rule.severity is Severity.INFO)


DROPPED = '''
"""LL777: every call to an analytics SDK, as a rule added by dropping this file into rules/."""

from . import Report, Rule, Severity


def check(use):
    yield Report(RULE.code, use.call, RULE.message_for(sink=use.label))


RULE = Rule(code="LL777", name="any-sdk-call", summary="Any call to an analytics SDK", severity=Severity.INFO,
            message="call to {sink}",
            why="To show that a dropped module is live.", fix="none", check_sink=check,
            bad="import mixpanel\\nmixpanel.Mixpanel('t').track('u', 'E')\\n", good="import mixpanel\\n")
RULES = [RULE]
'''


def test_a_rule_module_dropped_into_rules_is_listed_and_runs(tmp_path):
    # A copy of the package, so that the file is dropped into a real rules folder the discovery reads,
    # and nothing is left in (or raced over in) the source tree.
    shutil.copytree(ROOT / "src" / "leaklint", tmp_path / "lib" / "leaklint",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "lib" / "leaklint" / "rules" / "any_sdk_call.py").write_text(DROPPED, encoding="utf-8")
    (tmp_path / "app.py").write_text("import mixpanel\nmp = mixpanel.Mixpanel('t')\nmp.track('u1', 'Opened')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "lib")}

    def leaklint(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "leaklint", *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)

    listing = leaklint("rules")
    assert "LL777  any-sdk-call" in listing.stdout and "LL001" in listing.stdout
    assert "To show that a dropped module is live." in leaklint("rules", "LL777").stdout
    found = leaklint("check", "app.py", "--no-cache", "-q")
    assert found.stdout == "app.py:3:1: LL777 call to Mixpanel track\n", found.stderr
    selected = leaklint("check", "app.py", "--no-cache", "-q", "--select", "LL777", "--output-format", "github")
    assert selected.stdout.startswith("::warning file=app.py,line=3,")  # its own severity, not its code's prefix
    assert leaklint("check", "app.py", "--no-cache", "-q", "--ignore", "LL777").stdout == ""
    # the installed package (the source tree) knows nothing of it
    assert "LL777" not in run_cli("rules").stdout
