"""--fix / --diff / --unsafe-fixes: what is rewritten, and that nothing else about a file changes."""

from __future__ import annotations

import difflib
import os
import py_compile
import shutil
import stat

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
    assert result.stdout.startswith("a.py:9:14: LL010 email used as the user identifier")
    assert "(1 fixed, 1 remaining)" in result.stderr


def test_concise_output_marks_fixable_findings(tmp_path):
    (tmp_path / "a.py").write_text(LEAK)
    out = run_cli("check", "a.py", cwd=tmp_path)
    assert "a.py:7:36: LL001 [*] email sent" in out.stdout
    assert "a.py:8:14: LL010 email used" in out.stdout and "[*] 1 fixable with the `--fix` option." in out.stderr
    assert "1 more fix available with `--unsafe-fixes`" in out.stderr
    unsafe = run_cli("check", "a.py", "--unsafe-fixes", cwd=tmp_path)
    assert "a.py:8:14: LL010 [*] email used" in unsafe.stdout


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
    run = fix_findings(findings, {s.display: s for s in project.sources}, settings, unsafe=False, dry_run=False)
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
    planned = plan(project.sources[0], findings, checker.settings, unsafe=False)
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
