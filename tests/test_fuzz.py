"""Fuzzing: the checker never fails on valid Python, and --fix output parses, is idempotent and changes
nothing outside the calls it fixes.  `pytest --hypothesis-profile=long tests/test_fuzz.py` runs 10,000
examples per property (see tests/conftest.py)."""

from __future__ import annotations

import os

import hypothesmith
from hypothesis import given, settings
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
    planned = plan(project.sources[0], findings, unsafe=unsafe)
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
    assert not plan(again.sources[0], again_findings, unsafe=unsafe).changed


# -- random file trees: names in any bytes, links, modules that cannot be parsed ------------------

LEAKING = ("import mixpanel\n{imports}mp = mixpanel.Mixpanel('t')\n\n"
           "def f(u):\n    mp.track(u.pk, 'x', {{'email': u.email}})\n")
UNPARSABLE = [b"import mixpanel\n{imports}print 'python 2'\n", b"import mixpanel\n{imports}\x00\n",
              b"import mixpanel\n{imports}x = '\xff'\n", b"import mixpanel\n{imports}x = " + b"(" * 300 + b")" * 300,
              b"import mixpanel\n{imports}x = " + b"-" * 3000 + b"1\n", b"{imports}def broken(:\n"]
# Any byte but the separator and NUL; no backslash, which the \xff escapes of undecodable bytes use.
names = st.binary(min_size=1, max_size=6).filter(lambda b: not set(b) & set(b"/\\\0") and b not in (b".", b".."))
files = st.lists(st.tuples(names, st.one_of(st.just(None), st.sampled_from(UNPARSABLE)),
                           st.lists(st.integers(0, 5), max_size=3)), min_size=1, max_size=6,
                 unique_by=lambda f: f[0])
links = st.lists(st.sampled_from([(b"loop", b"."), (b"loop.py", b"."), (b"dangling.py", b"missing.py"),
                                  (b"self.py", b"self.py"), (b"alias.py", 0)]), max_size=3, unique=True)


def _tree(root: bytes, spec: list, chosen_links: list) -> list[bytes]:
    """Write the files; the paths of the parsable leaking ones."""
    stems = [name for name, _, _ in spec]
    leaking = []
    for name, broken, imported in spec:
        imports = "".join(f"import {os.fsdecode(stems[i])}\n" for i in imported
                          if i < len(stems) and os.fsdecode(stems[i]).isidentifier())
        path = os.path.join(root, name + b".py")
        with open(path, "wb") as handle:
            handle.write(broken.replace(b"{imports}", imports.encode()) if broken else
                         LEAKING.format(imports=imports).encode())
        if broken is None:
            leaking.append(path)
    for link, target in chosen_links:
        os.symlink(stems[0] + b".py" if target == 0 else target, os.path.join(root, link))
    return leaking


@settings(max_examples=max(1, settings.default.max_examples // 2))  # each example is a whole run
@given(files, links)
def test_a_run_over_any_tree_reports_every_parsable_leak(spec, chosen_links):
    import contextlib
    import io
    import tempfile

    from leaklint.cli import main
    from leaklint.engine import printable

    sdk_roots = Checker(Settings()).sdk_roots
    spec = [s for s in spec if os.fsdecode(s[0]) not in sdk_roots and s[0] + b".py" not in dict(chosen_links)]
    with tempfile.TemporaryDirectory() as folder:
        root = os.fsencode(folder)
        with open(os.path.join(root, b"pyproject.toml"), "wb"):
            pass
        leaking = _tree(root, spec, chosen_links) if spec else []
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["check", folder, "--no-cache", "-q", "--jobs", "1"])
    lines = out.getvalue().splitlines()
    assert "Traceback" not in err.getvalue() and "internal error" not in err.getvalue(), err.getvalue()
    assert not [line for line in lines if " LL902 " in line], lines
    assert code == (1 if lines else 0), (code, lines, err.getvalue())
    for path in leaking:
        shown = printable(os.fsdecode(path))
        assert any(line.startswith(shown + ":") and " LL001 " in line for line in lines), (shown, lines)
