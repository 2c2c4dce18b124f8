"""Fuzzing: the checker never fails on valid Python, and --fix output parses, is idempotent and changes
nothing outside the calls it fixes.  `pytest --hypothesis-profile=long tests/test_fuzz.py` runs 10,000
examples per property (see tests/conftest.py)."""

from __future__ import annotations

import hypothesmith
from hypothesis import given
from hypothesis import strategies as st

from leaklint.config import Settings
from leaklint.engine import Checker, Source
from leaklint.fix import plan
from leaklint.project import Project
from leaklint.suppress import source_lines

HEADER = ("import analytics\nimport mixpanel\nfrom posthog import Posthog\n"
          "mp = mixpanel.Mixpanel('t')\nph = Posthog('k')\n")


def analyse(text: str):
    checker = Checker(Settings())
    project = Project(checker, [Source("fuzz.py", text)])
    return project, project.findings()


@given(hypothesmith.from_grammar())
def test_checker_never_fails_on_valid_python(source):
    _, findings = analyse(source + "\n" + HEADER)
    assert not [f for f in findings if f.code == "LL902"], findings


KEYS = ["email", "$email", "name", "first_name", "company_name", "org_id", "phone", "ip", "plan", "rows", "is_active"]
VALUES = ["u.email", "u.name", "u.get_full_name()", "org.name", "n", "'x'", "order.total", "len(items)", "True"]
payloads = st.dictionaries(st.sampled_from(KEYS), st.sampled_from(VALUES), min_size=1, max_size=4).map(
    lambda d: "{" + ", ".join(f'"{k}": {v}' for k, v in d.items()) + "}")
CALLS = ["mp.track(u.pk, 'x', {p})", "mp.people_set(u.pk, {p})", "analytics.identify(u.pk, {p})",
         "ph.capture('x', distinct_id=u.pk, properties={p})", "mp.track(u.email, 'x', {p})",
         "mp.track(\n        u.pk,\n        'x',\n        {p},  # kept\n    )"]
calls = st.tuples(st.sampled_from(CALLS), payloads).map(lambda t: t[0].format(p=t[1]))
modules = st.tuples(hypothesmith.from_grammar(), st.lists(calls, min_size=1, max_size=4)).map(
    lambda t: t[0] + "\n" + HEADER + "\n\ndef handler(u, n, org, order, items):\n" + "".join(f"    {c}\n" for c in t[1]))


@given(modules, st.booleans())
def test_fix_parses_is_idempotent_and_touches_only_fixed_calls(source, unsafe):
    project, findings = analyse(source)
    planned = plan(project.sources[0], findings, project.checker.settings, unsafe=unsafe)
    assert not planned.problem, planned.problem
    if not planned.changed:
        return
    compile(planned.new_text, "fixed.py", "exec")
    # Nothing outside the fixed calls changes: without the one added import line, the texts line up and
    # differ only on the lines of the wrapped arguments.
    spans = {line for f in planned.fixed for line in range(f.line, (f.end_line or f.line) + 1)}
    old = source_lines(source)
    new = source_lines(planned.new_text)
    imports = [i for i, line in enumerate(new) if line.startswith("from leaklint_scrub import")
               and line not in old]
    assert len(imports) <= 1
    new = [line for i, line in enumerate(new) if i not in imports]
    assert len(new) == len(old)
    assert all(a == b or number in spans for number, (a, b) in enumerate(zip(old, new), start=1))
    # A second run has nothing left to fix.
    again, again_findings = analyse(planned.new_text)
    assert not plan(again.sources[0], again_findings, again.checker.settings, unsafe=unsafe).changed
