"""--fix / --diff / --unsafe-fixes: what is rewritten, and that nothing else about a file changes."""

from __future__ import annotations

import difflib
import os
import py_compile
import shutil
import stat

import pytest
from conftest import ROOT, run_cli

LEAK = (
    "import mixpanel\n"
    "\n"
    "mp = mixpanel.Mixpanel('t')  # keep this comment\n"
    "\n"
    "\n"
    "def signup(user):\n"
    "    mp.track(user.pk, 'Signed Up', {'email': user.email,   'plan': 'pro'})\n"
    "    mp.track(user.email, 'Seen')\n"
)
FIXED = (
    "import mixpanel\n"
    "from leaklint_scrub import scrub\n"
    "\n"
    "mp = mixpanel.Mixpanel('t')  # keep this comment\n"
    "\n"
    "\n"
    "def signup(user):\n"
    "    mp.track(user.pk, 'Signed Up', scrub({'email': user.email,   'plan': 'pro'}))\n"
    "    mp.track(user.email, 'Seen')\n"
)


def test_fix_wraps_payload_adds_import_and_keeps_everything_else(tmp_path):
    (tmp_path / "a.py").write_text(LEAK)
    result = run_cli("check", "a.py", "--fix", cwd=tmp_path)
    assert (tmp_path / "a.py").read_text() == FIXED
    assert result.returncode == 1  # the user-id finding has no safe fix
    assert result.stdout.startswith("a.py:9:5: LL010 email used as the user identifier")
    assert "(1 fixed, 1 remaining)" in result.stderr


def test_concise_output_marks_fixable_findings(tmp_path):
    (tmp_path / "a.py").write_text(LEAK)
    out = run_cli("check", "a.py", cwd=tmp_path)
    assert "a.py:7:5: LL001 [*] email sent" in out.stdout
    assert "a.py:8:5: LL010 email used" in out.stdout and "[*] 1 fixable with the `--fix` option." in out.stderr
    assert "1 more fix available with `--unsafe-fixes`" in out.stderr
    unsafe = run_cli("check", "a.py", "--unsafe-fixes", cwd=tmp_path)
    assert "a.py:8:5: LL010 [*] email used" in unsafe.stdout


def test_unsafe_fixes_pseudonymize_the_user_id(tmp_path):
    (tmp_path / "a.py").write_text(LEAK)
    assert run_cli("check", "a.py", "--fix", "--unsafe-fixes", cwd=tmp_path).returncode == 0
    text = (tmp_path / "a.py").read_text()
    assert "from leaklint_scrub import pseudonymize, scrub\n" in text
    assert "    mp.track(pseudonymize(user.email), 'Seen')\n" in text


def test_fix_is_idempotent_and_diff_matches(tmp_path):
    (tmp_path / "a.py").write_text(LEAK)
    diff = run_cli("check", "a.py", "--diff", cwd=tmp_path)
    assert diff.returncode == 1 and (tmp_path / "a.py").read_text() == LEAK  # --diff writes nothing
    expected = "".join(difflib.unified_diff(LEAK.splitlines(True), FIXED.splitlines(True), "a/a.py", "b/a.py"))
    assert diff.stdout == expected
    run_cli("check", "a.py", "--fix", cwd=tmp_path)
    again = run_cli("check", "a.py", "--diff", cwd=tmp_path)
    assert again.returncode == 0 and again.stdout == ""


def test_bom_crlf_latin1_and_mode_are_kept(tmp_path):
    crlf = tmp_path / "crlf.py"
    crlf.write_bytes(b"\xef\xbb\xbf" + LEAK.replace("\n", "\r\n").encode())
    latin = tmp_path / "latin.py"
    latin.write_bytes(("# -*- coding: latin-1 -*-\n" + LEAK.replace("'pro'", "'caf\xe9'")).encode("latin-1"))
    os.chmod(crlf, 0o751)
    run_cli("check", ".", "--fix", cwd=tmp_path)
    data = crlf.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") == FIXED.count("\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert data[3:].decode() == FIXED.replace("\n", "\r\n")
    assert stat.S_IMODE(os.stat(crlf).st_mode) == 0o751
    text = latin.read_bytes().decode("latin-1")
    assert "scrub({'email': user.email,   'plan': 'caf\xe9'})" in text
    assert not list(tmp_path.glob(".*.leaklint"))  # no temporary files left behind


def test_a_fix_whose_result_would_not_parse_is_dropped(tmp_path):
    from leaklint.config import Settings
    from leaklint.engine import Checker
    from leaklint.fix import fix_findings
    from leaklint.project import Project

    path = tmp_path / "a.py"
    path.write_text(LEAK)
    settings = Settings(scrubber="somewhere:lambda")  # `lambda({...})` is not Python
    project = Project.from_files(Checker(settings), tmp_path, [(path, "a.py")])
    findings = project.findings()
    run = fix_findings(findings, {s.display: s for s in project.sources}, unsafe=False, dry_run=False)
    assert run.fixed == [] and run.problems[0].startswith("a.py: fix dropped, the result would not parse")
    assert path.read_text() == LEAK


def test_a_file_changed_after_analysis_is_not_overwritten(tmp_path):
    from leaklint.config import Settings
    from leaklint.engine import Checker
    from leaklint.fix import plan, write
    from leaklint.project import Project

    path = tmp_path / "a.py"
    path.write_text(LEAK)
    checker = Checker(Settings())
    project = Project.from_files(checker, tmp_path, [(path, "a.py")])
    findings = project.findings()
    planned = plan(project.sources[0], findings, unsafe=False)
    path.write_text(LEAK + "# edited meanwhile\n")
    assert write(planned) == "changed since it was read; fix skipped"
    assert path.read_text().endswith("# edited meanwhile\n")


def test_demo_project_fix_leaves_only_findings_without_safe_fix(tmp_path):
    demo = tmp_path / "demo"
    shutil.copytree(ROOT / "fixtures" / "demo_shop", demo)
    pristine = {p: p.read_bytes() for p in demo.rglob("*.py")}
    diff = run_cli("check", ".", "--diff", cwd=demo).stdout
    result = run_cli("check", ".", "--fix", cwd=demo)
    remaining = result.stdout.splitlines()
    assert remaining and all("[*]" not in line for line in remaining)
    for path in demo.rglob("*.py"):
        py_compile.compile(str(path), doraise=True)
    # --diff showed exactly what --fix wrote.
    written = "".join(
        "".join(difflib.unified_diff(pristine[p].decode().splitlines(True), p.read_text().splitlines(True),
                                     f"a/{p.relative_to(demo)}", f"b/{p.relative_to(demo)}"))
        for p in sorted(pristine, key=lambda p: str(p.relative_to(demo))) if pristine[p] != p.read_bytes())
    assert diff == written and diff
    # A second run changes nothing.
    after = {p: p.read_bytes() for p in demo.rglob("*.py")}
    run_cli("check", ".", "--fix", cwd=demo)
    assert {p: p.read_bytes() for p in demo.rglob("*.py")} == after


# -- each kind of fix, end to end: lint, fix, re-lint, then run the fixed call with real values --------

APP_HEADER = """\
import analytics
import mixpanel
import sentry_sdk
from amplitude import Identify
from posthog import Posthog

mp = mixpanel.Mixpanel("token")
ph = Posthog("key")


def send(user, co, request, account):
"""
# name: (the body of send(), what the fix must write, the rule it fixes)
FIX_KINDS = {
    "email in a dict": ('mp.track(user.pk, "E", {"email": user.email, "plan": "pro"})',
                        'scrub({"email": user.email, "plan": "pro"})', "LL001"),
    "name under a key the scrubber cannot read": ('mp.track(user.pk, "N", {"who": user.full_name, "plan": "pro"})',
                                                  'scrub({"who": user.full_name, "plan": "pro"}, keys=("who",))', "LL002"),
    "name as a single value": ('Identify().set("name", user.full_name)', 'scrub(user.full_name, kind="name")', "LL002"),
    "username through a variable": ('props = {"handle": user.username}\n    mp.track(user.pk, "U", props)',
                                    'scrub(props, keys=("handle",))', "LL002"),
    "username as a single value": ('Identify().set("login", user.username)', 'scrub(user.username, kind="username")',
                                   "LL002"),
    "organisation as a single value": ('Identify().set("company", co.name)', 'scrub(co.name, kind="org")', "LL003"),
    "phone added to a dict": ('traits = {}\n    traits["phone"] = user.phone\n    analytics.identify(user.pk, traits)',
                              "analytics.identify(user.pk, scrub(traits))", "LL004"),
    "address under a key the scrubber cannot read": ('analytics.identify(user.pk, {"where": user.address})',
                                                     'keys=("where",)', "LL004"),
    "IP address": ('ph.capture("V", distinct_id="anon", properties={"$ip": request.META["REMOTE_ADDR"]})',
                   'properties=scrub({"$ip": request.META["REMOTE_ADDR"]})', "LL005"),
    "credential": ('sentry_sdk.set_context("integration", {"api_key": account.api_key})',
                   'scrub({"api_key": account.api_key})', "LL006"),
    "whole object": ('mp.track(user.pk, "W", vars(user))', "scrub(vars(user))", "LL011"),
    "user id (unsafe fix)": ('mp.track(user.email, "Seen")', "pseudonymize(user.email)", "LL010"),
}
SECRETS = ("jane@example.com", "Jane Doe", "jdoe", "Acme Ltd", "7946 0958", "1 Main Street", "203.0.113.7",
           "sk-live-123")


def _fix_in_process(tmp_path, text, settings):
    from leaklint.engine import Checker
    from leaklint.fix import fix_findings
    from leaklint.project import Project

    path = tmp_path / "app.py"
    path.write_text(text)
    project = Project.from_files(Checker(settings), tmp_path, [(path, "app.py")])
    findings = project.findings()
    run = fix_findings(findings, {s.display: s for s in project.sources}, unsafe=True, dry_run=False)
    assert not run.problems, run.problems
    return findings, path.read_text()


def _run_send(text, monkeypatch) -> str:
    """Executes a module's send() with real values against stand-in SDKs; returns what they were given."""
    import sys
    import types

    sent: list = []

    class Recorder:
        def __init__(self, *args, **kwargs):
            pass

        def __getattr__(self, name):
            return lambda *args, **kwargs: sent.append((name, args, kwargs))

    for name in ("mixpanel", "analytics", "sentry_sdk", "amplitude", "posthog"):
        module = types.ModuleType(name)
        module.__getattr__ = lambda attr, name=name: Recorder if attr[0].isupper() else getattr(Recorder(), attr)
        monkeypatch.setitem(sys.modules, name, module)
    namespace: dict = {}
    exec(compile(text, "app.py", "exec"), namespace)
    user = types.SimpleNamespace(pk=7, email="jane@example.com", full_name="Jane Doe", username="jdoe",
                                 phone="+44 20 7946 0958", address="1 Main Street")
    namespace["send"](user, types.SimpleNamespace(name="Acme Ltd"),
                      types.SimpleNamespace(META={"REMOTE_ADDR": "203.0.113.7"}),
                      types.SimpleNamespace(api_key="sk-live-123"))
    assert sent
    return repr(sent)


@pytest.mark.parametrize("case", sorted(FIX_KINDS))
@pytest.mark.parametrize("pseudonym_key", ["k1", None])
def test_each_fix_removes_what_its_finding_names(tmp_path, monkeypatch, case, pseudonym_key):
    from conftest import lint
    from leaklint.config import Settings

    body, written, code = FIX_KINDS[case]
    text = APP_HEADER + "    " + body + "\n"
    if pseudonym_key:
        monkeypatch.setenv("LEAKLINT_PSEUDONYM_KEY", pseudonym_key)
    else:
        monkeypatch.delenv("LEAKLINT_PSEUDONYM_KEY", raising=False)
    assert any(secret in _run_send(text, monkeypatch) for secret in SECRETS)  # the unfixed call leaks
    findings, fixed = _fix_in_process(tmp_path, text, Settings())
    assert code in {f.code for f in findings}
    assert written in fixed
    assert [f for f in lint(fixed) if f.code == code] == []  # the next run has nothing left to say
    sent = _run_send(fixed, monkeypatch)
    assert not [secret for secret in SECRETS if secret in sent], sent


def test_a_project_pii_word_is_passed_to_the_scrubber(tmp_path, monkeypatch):
    from conftest import lint
    from leaklint.config import from_table

    settings = from_table({"pii-names": {"person_name": ["alias"]}})
    text = APP_HEADER + '    mp.track(user.pk, "A", {"alias": request.alias, "plan": "pro"})\n'
    _, fixed = _fix_in_process(tmp_path, text, settings)
    assert 'scrub({"alias": request.alias, "plan": "pro"}, keys=("alias",))' in fixed
    assert lint(fixed, settings) == []
    from leaklint_scrub import MARKER, scrub

    assert scrub({"alias": "Jane", "plan": "pro"}, keys=("alias",)) == {"alias": MARKER, "plan": "pro"}


def test_the_configured_scrubber_is_imported_and_called_with_the_kind(tmp_path):
    from conftest import lint
    from leaklint.config import from_table

    settings = from_table({"scrubber": "myapp.privacy:clean", "pseudonymizer": "myapp.privacy:opaque"})
    text = APP_HEADER + '    Identify().set("name", user.full_name)\n    mp.track(user.email, "Seen")\n'
    _, fixed = _fix_in_process(tmp_path, text, settings)
    assert "from myapp.privacy import opaque, clean\n" in fixed and "leaklint" not in fixed
    assert 'Identify().set("name", clean(user.full_name, kind="name"))' in fixed
    assert 'mp.track(opaque(user.email), "Seen")' in fixed
    assert lint(fixed, settings) == []


# -- fixes as data: worked out where the file was parsed, applied wherever the findings end up ----------

def test_a_finding_carries_its_fix_as_plain_data_and_no_syntax_tree(tmp_path):
    import pickle

    from leaklint.findings import Import, Wrapper
    from conftest import lint

    findings = {f.code: f for f in lint(LEAK)}
    wrap = findings["LL001"].edit
    assert LEAK[wrap.start:wrap.end] == "{'email': user.email,   'plan': 'pro'}"
    assert (wrap.wrapper, wrap.function, wrap.safe) == (Wrapper.SCRUBBER, Import("leaklint_scrub", "scrub"), True)
    pseudonym = findings["LL010"].edit
    assert LEAK[pseudonym.start:pseudonym.end] == "user.email" and not pseudonym.safe
    data = pickle.dumps(list(findings.values()))
    assert b"libcst" not in data  # nothing of the syntax tree travels with a finding
    assert [f.edit for f in pickle.loads(data)] == [f.edit for f in findings.values()]


def _generated(root, modules: int = 400):
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synthetic import generate

    generate(root, modules=modules, share=1.0, seed=3)
    return root


def test_diff_and_fix_with_workers_are_what_one_process_gives(tmp_path):
    from leaklint.config import Settings
    from leaklint.discover import discover
    from leaklint.engine import Checker
    from leaklint.project import Project

    tree = _generated(tmp_path / "tree")
    # The project is large enough for `--jobs 2` to start a worker, which then finds some of the fixes.
    files = discover([tree], Settings()).files
    project = Project.from_files(Checker(Settings()), tree, [(f, str(f.relative_to(tree))) for f in files],
                                 discover_root=False, jobs=2)
    fixable = [f for f in project.findings() if f.edit is not None]
    assert {project.shares.owner[f.path] for f in fixable} == {0, 1}
    outputs = {}
    for jobs in ("1", "2"):
        copy = tmp_path / f"jobs{jobs}"
        shutil.copytree(tree, copy)
        diff = run_cli("check", ".", "--diff", "--jobs", jobs, cwd=copy)
        fix = run_cli("check", ".", "--fix", "--unsafe-fixes", "--show-fixes", "--jobs", jobs, cwd=copy)
        files = {str(p.relative_to(copy)): p.read_bytes() for p in sorted(copy.rglob("*.py"))}
        outputs[jobs] = (diff.returncode, diff.stdout, diff.stderr, fix.returncode, fix.stdout, fix.stderr, files)
    assert outputs["2"] == outputs["1"]
    assert "Would fix" in outputs["1"][2] and outputs["1"][1].count("+++ b/") > 50


@pytest.mark.parametrize("head, imports", [
    ("import analytics\nfrom leaklint_scrub import pseudonymize\n", "from leaklint_scrub import pseudonymize, scrub\n"),
    ("from leaklint_scrub import scrub as s\nimport analytics\n", "from leaklint_scrub import scrub as s, pseudonymize, scrub\n"),
    ("from leaklint_scrub import *\nimport analytics\n", "from leaklint_scrub import *\n"),
    ('"""Doc."""\n\n# why\nimport analytics\n', "import analytics\nfrom leaklint_scrub import pseudonymize, scrub\n"),
])
def test_the_import_joins_the_files_own_import_lines(tmp_path, head, imports):
    (tmp_path / "a.py").write_text(head + "def g(u):\n    analytics.identify(u.email, {'name': u.full_name})\n")
    run_cli("check", "a.py", "--fix", "--unsafe-fixes", cwd=tmp_path)
    text = (tmp_path / "a.py").read_text()
    assert imports in text and text.count("import") == head.count("import") + ("leaklint_scrub" not in head)
    assert text.endswith("analytics.identify(pseudonymize(u.email), scrub({'name': u.full_name}))\n")
