"""--diff is a unified diff that `git apply` and `patch -p1` accept for every line-ending, final-newline,
BOM and encoding shape, and applying it gives exactly the bytes `--fix` writes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from conftest import run_cli
from leaklint.config import Settings
from leaklint.engine import Checker
from leaklint.fix import fix_findings
from leaklint.project import Project

PATCH = shutil.which("patch")  # GNU patch where installed; `git apply` (stricter, no fuzz) always
LEAK = ["import mixpanel", "mp = mixpanel.Mixpanel('t')", "def signup(user):",
        "    mp.people_set(user.pk, {'$email': user.email})"]
IMPORT = "from leaklint_scrub import scrub"


def run_bytes(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The CLI with stdout as bytes: text mode would translate the line endings being tested."""
    return subprocess.run([sys.executable, "-m", "leaklint", *args], cwd=cwd, capture_output=True, timeout=120)


def join(lines: list[str], endings: list[str]) -> str:
    return "".join(line + end for line, end in zip(lines, endings))


def expected_fix(text: str) -> str:
    """What the fix of the generated files must be: each payload wrapped, the import added after
    `import mixpanel` with the file's first line break (libcst's default newline), nothing else."""
    newline = re.search(r"\r\n|\r|\n", text).group()
    head, sep, rest = text.partition("import mixpanel")
    end = re.match(r"\r\n|\r|\n", rest).group()
    rest = rest[len(end):].replace("{'$email':", "scrub({'$email':").replace("user.email})", "user.email}))")
    return head + sep + end + IMPORT + newline + rest


def apply(diff: bytes, originals: dict[str, bytes], tool: list[str]) -> dict[str, bytes]:
    """The files after applying `diff` with `tool` in a fresh folder holding `originals`."""
    with tempfile.TemporaryDirectory() as folder:
        for name, data in originals.items():
            (Path(folder) / name).parent.mkdir(parents=True, exist_ok=True)
            (Path(folder) / name).write_bytes(data)
        # Outside any repository, `git apply` patches the folder it runs in, as `patch` does.
        env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(Path(folder).parent)}
        done = subprocess.run(tool, cwd=folder, input=diff, capture_output=True, timeout=60, env=env)
        assert done.returncode == 0, (tool, done.stdout, done.stderr, diff)
        return {name: (Path(folder) / name).read_bytes() for name in originals}


def appliers() -> list[list[str]]:
    tools = [["git", "apply", "--whitespace=nowarn", "-p1", "-"]]
    if PATCH:
        tools.append([PATCH, "-p1", "--quiet", "--batch", "--no-backup-if-mismatch"])
    return tools


def fix_in_process(originals: dict[str, bytes], dry_run: bool) -> tuple[bytes, dict[str, bytes]]:
    """`--diff` (dry_run) or `--fix` as the CLI runs them, on a fresh copy of the files."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, data in originals.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(data)
        settings = Settings()
        project = Project.from_files(Checker(settings), root, [(root / name, name) for name in sorted(originals)])
        run = fix_findings(project.findings(), {s.display: s for s in project.sources}, unsafe=False,
                           dry_run=dry_run)
        assert not run.problems, run.problems
        return run.diff, {name: (root / name).read_bytes() for name in originals}


# Names a diff header must quote or end with a tab.
NAMES = ["a.py", "pkg/b.py", "c d.py", 'q"uote.py', "back\\slash.py", "tab\tname.py", "caf\xe9.py"]
ENDINGS = st.sampled_from(["\n", "\r\n", "\r"])
BODY = st.sampled_from([
    "    mp.people_set(user.pk, {'$email': user.email})",
    "    mp.people_set(user.pk, {'$email':{e}        user.email})",  # a payload over two lines
    "    x = 1", "    # caf\xe9", "    mp.track('u1', 'Opened')",
])


@st.composite
def leaky_files(draw) -> tuple[str, bytes, str]:
    """(name, bytes, expected fixed bytes): a module with fixable leaks and random line endings, final
    newline or not, a BOM, an encoding cookie."""
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]))
    head = LEAK[:3] if encoding != "latin-1" else ["# -*- coding: latin-1 -*-", *LEAK[:3]]
    body = [LEAK[3], *draw(st.lists(BODY, max_size=6))]
    body = [line.replace("{e}", draw(ENDINGS)) for line in draw(st.permutations(body))]
    lines = head + body
    endings = [draw(ENDINGS) for _ in lines[:-1]] + [draw(st.sampled_from(["", "\n", "\r\n", "\r"]))]
    text = join(lines, endings)
    name = draw(st.sampled_from(NAMES))
    return name, text.encode(encoding), expected_fix(text).encode(encoding)


@given(st.lists(leaky_files(), min_size=1, max_size=3, unique_by=lambda f: f[0]))
def test_applying_the_diff_gives_exactly_what_fix_writes(files):
    originals = {name: data for name, data, _ in files}
    expected = {name: fixed for name, _, fixed in files}
    diff, untouched = fix_in_process(originals, dry_run=True)
    assert untouched == originals  # --diff writes nothing
    _, written = fix_in_process(originals, dry_run=False)
    assert written == expected
    for tool in appliers():
        assert apply(diff, originals, tool) == written


def test_a_file_without_final_newline_is_marked_and_the_next_header_starts_a_line(tmp_path):
    (tmp_path / "a.py").write_text("\n".join(LEAK))
    (tmp_path / "b.py").write_text("\n".join(LEAK) + "\n")
    result = run_bytes("check", ".", "--diff", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.count(b"\\ No newline at end of file\n") == 2  # the old and the new last line of a.py
    assert b"\n--- a/b.py\n+++ b/b.py\n" in result.stdout
    originals = {"a.py": (tmp_path / "a.py").read_bytes(), "b.py": (tmp_path / "b.py").read_bytes()}
    for tool in appliers():
        patched = apply(result.stdout, originals, tool)
        assert patched["a.py"] == ("\n".join(LEAK[:1] + [IMPORT] + LEAK[1:])).replace(
            "{'$email': user.email}", "scrub({'$email': user.email})").encode()
        assert patched["b.py"] == patched["a.py"] + b"\n"


def test_a_cr_only_file_keeps_its_last_cr(tmp_path):
    for name, tail in (("one.py", "\r"), ("two.py", "\r\r")):
        (tmp_path / name).write_bytes(("\r".join(LEAK) + tail).encode())
    original = {p.name: p.read_bytes() for p in tmp_path.glob("*.py")}
    diff = run_bytes("check", ".", "--diff", cwd=tmp_path).stdout
    assert run_bytes("check", ".", "--fix", cwd=tmp_path).returncode == 0
    for name, tail in (("one.py", "\r"), ("two.py", "\r\r")):
        fixed = (tmp_path / name).read_bytes()
        assert fixed == expected_fix("\r".join(LEAK) + tail).encode() and fixed.endswith(tail.encode())
        assert fixed.count(b"\r") == original[name].count(b"\r") + 1  # the import's line break, no other change
    for tool in appliers():
        assert apply(diff, original, tool) == {p.name: p.read_bytes() for p in tmp_path.glob("*.py")}


def test_the_diff_of_a_latin1_file_is_in_its_own_bytes(tmp_path):
    text = "# -*- coding: latin-1 -*-\n" + "\n".join(LEAK).replace("'t'", "'caf\xe9'") + "\n"
    (tmp_path / "a.py").write_bytes(text.encode("latin-1"))
    diff = run_bytes("check", "a.py", "--diff", cwd=tmp_path).stdout
    assert b" mp = mixpanel.Mixpanel('caf\xe9')\n" in diff
    for tool in appliers():
        assert apply(diff, {"a.py": text.encode("latin-1")}, tool) == {"a.py": expected_fix(text).encode("latin-1")}


def test_an_ordinary_diff_is_what_difflib_prints(tmp_path):
    # The ordinary case stays what difflib prints, so existing tooling reading the diff sees no change.
    (tmp_path / "a.py").write_text("\n".join(LEAK) + "\n")
    diff = run_cli("check", "a.py", "--diff", cwd=tmp_path).stdout
    assert diff.startswith("--- a/a.py\n+++ b/a.py\n@@ -1,4 +1,5 @@\n import mixpanel\n+" + IMPORT + "\n")
    assert "No newline" not in diff


def test_a_lone_cr_before_the_import_hides_nothing(tmp_path):
    (tmp_path / "a.py").write_bytes(("# a comment\r" + "\n".join(LEAK) + "\n").encode())
    result = run_cli("check", "a.py", "--no-cache", cwd=tmp_path)
    assert result.returncode == 1 and "a.py:5:5: LL001" in result.stdout


def test_a_name_with_spaces_quotes_or_control_characters_is_a_header_both_tools_read(tmp_path):
    names = ["c d.py", 'q"uote.py', "tab\tname.py"]
    for name in names:
        (tmp_path / name).write_text("\n".join(LEAK) + "\n")
    diff = run_bytes("check", ".", "--diff", cwd=tmp_path).stdout
    assert b"--- a/c d.py\t\n" in diff and b'--- "a/q\\"uote.py"\n' in diff and b'+++ "b/tab\\tname.py"\n' in diff
    fixed = (tmp_path / names[0]).read_bytes().replace(b"{'$", b"scrub({'$").replace(b"email})", b"email}))")
    fixed = fixed.replace(b"import mixpanel\n", b"import mixpanel\n" + IMPORT.encode() + b"\n")
    originals = {name: (tmp_path / name).read_bytes() for name in names}
    for tool in appliers():
        assert apply(diff, originals, tool) == dict.fromkeys(names, fixed)


def test_a_cookie_is_honoured_with_a_single_line_break_in_the_file(tmp_path):
    (tmp_path / "a.py").write_bytes(b"# -*- coding: latin-1 -*-\n" + "\r".join(LEAK).replace("'t'", "'caf\xe9'").encode("latin-1"))
    result = run_cli("check", "a.py", "--no-cache", cwd=tmp_path)
    assert result.returncode == 1 and "a.py:5:5: LL001" in result.stdout
