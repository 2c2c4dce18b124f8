"""Every rule's own examples: the bad one is reported with the rule's code, the good one is not."""

from __future__ import annotations

import pytest

from leaklint.config import Settings
from leaklint.rules import all_rules
from leaklint.rules.docs import render

from conftest import ROOT, codes

RULES = all_rules()


def only(rule) -> Settings:
    return Settings(select=[rule.code])


EXAMPLED = [r for r in RULES if r.bad]  # LL902 (leaklint's own failure) has no example: tests/test_hostile.py


@pytest.mark.parametrize("rule", EXAMPLED, ids=[r.code for r in EXAMPLED])
def test_bad_example_is_reported(rule):
    assert rule.code in codes(rule.bad, only(rule))
    if rule.default:
        assert rule.code in codes(rule.bad)  # default rules need no selection
    else:
        assert rule.code not in codes(rule.bad)


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_good_example_is_quiet(rule):
    assert codes(rule.good, only(rule)) == []
    assert codes(rule.good) == []


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_metadata_is_complete(rule):
    assert rule.code.startswith("LL") and rule.code[2:].isdigit()
    for field in ("name", "summary", "why", "good", "fix") + (("bad",) if rule.code != "LL902" else ()):
        assert getattr(rule, field).strip(), f"{rule.code} lacks {field}"


def test_codes_are_unique():
    assert len({r.code for r in RULES}) == len(RULES)


def test_rules_doc_is_current():
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert doc == render(), "docs/rules.md is stale: run `python -m leaklint.rules.docs > docs/rules.md`"
