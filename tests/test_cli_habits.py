"""Ruff's command-line habits: show-files/show-settings, add-noqa, per-file ignores on the command line,
`-` for stdin, colour, target paths from the configuration, comment-only suppressions, auditable
baselines and accurate summaries."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from test_cli import LEAK, write

from leaklint import __version__


def test_per_file_ignores_on_the_command_line(tmp_path):
    write(tmp_path, "tests/test_a.py", LEAK)
    write(tmp_path, "app/a.py", LEAK)
    write(tmp_path, "legacy/old.py", LEAK)
    args = ["check", "--include-tests", "--per-file-ignores", "tests/*:LL001,LL002,legacy/*:LL001"]
    result = run_cli(*args, cwd=tmp_path)
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == [str(Path("app/a.py"))]
    repeated = run_cli("check", "--include-tests", "--per-file-ignores", "tests/*:LL001",
                       "--per-file-ignores", "legacy/*:LL001", cwd=tmp_path)
    assert repeated.stdout == result.stdout


def test_per_file_ignores_on_the_command_line_replace_or_extend_the_configuration(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.leaklint]\nper-file-ignores = { "legacy/*" = ["LL001"] }\n')
    write(tmp_path, "legacy/old.py", LEAK)
    write(tmp_path, "app/a.py", LEAK)
    shown = lambda *args: [line.split(":")[0] for line in run_cli("check", *args, cwd=tmp_path).stdout.splitlines()]
    assert shown() == [str(Path("app/a.py"))]
    assert shown("--per-file-ignores", "app/*:LL001") == [str(Path("legacy/old.py"))]
    assert shown("--extend-per-file-ignores", "app/*:LL001") == []


@pytest.mark.parametrize("value, message", [("LL001", "invalid per-file ignore 'LL001'"),
                                            ("a.py:XX9", "unknown rule selector 'XX9' in per-file-ignores")])
def test_bad_per_file_ignores_are_one_line_errors(tmp_path, value, message):
    write(tmp_path, "a.py", LEAK)
    result = run_cli("check", "a.py", "--per-file-ignores", value, cwd=tmp_path)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_dash_reads_stdin(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.leaklint]\nignore = ["LL010"]\n')
    result = run_cli("check", "-", cwd=tmp_path, stdin=LEAK)
    assert result.returncode == 1 and result.stdout.startswith("-:4:5: LL001")
    named = run_cli("check", "-", "--stdin-filename", "app/views.py", cwd=tmp_path, stdin=LEAK)
    assert named.stdout.startswith(f"{Path('app/views.py')}:4:5: LL001")
    clean = run_cli("check", "-", cwd=tmp_path, stdin="x = 1\n")
    assert (clean.returncode, clean.stdout) == (0, "")
    fixed = run_cli("check", "-", "--fix", cwd=tmp_path, stdin=LEAK)
    assert fixed.returncode == 0 and 'scrub({"$email": user.email})' in fixed.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["pyproject.toml"]  # nothing named `-` written


def test_dash_with_other_paths_is_an_error(tmp_path):
    write(tmp_path, "a.py", LEAK)
    result = run_cli("check", "-", "a.py", cwd=tmp_path, stdin=LEAK)
    assert result.returncode == 2 and result.stderr == "leaklint: error: '-' (read stdin) cannot be combined with other paths\n"


def test_configured_paths_are_what_check_without_a_path_checks(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.leaklint]\npaths = ["app", "lib/one.py"]\n')
    for name in ("app/a.py", "lib/one.py", "lib/two.py", "scripts/s.py"):
        write(tmp_path, name, LEAK)
    write(tmp_path, "app/sub/.keep", "")
    expected = [str(Path(p)) for p in ("app/a.py", "lib/one.py")]
    result = run_cli("check", cwd=tmp_path)
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == expected
    # from a folder below, the paths are still the configuration's folder's (shown whole: outside the folder)
    below = run_cli("check", cwd=tmp_path / "app/sub")
    assert [line.split(":")[0] for line in below.stdout.splitlines()] == [str(tmp_path / p) for p in expected]
    # a PATH given replaces them
    assert run_cli("check", "scripts", cwd=tmp_path).stdout.startswith(str(Path("scripts/s.py")))


def test_a_configured_path_that_does_not_exist_is_an_error(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.leaklint]\npaths = ["nope"]\n')
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr == "leaklint: error: nope: no such file or directory\n"


@pytest.mark.parametrize("key", ["include", "src"])
def test_ruffs_include_and_src_point_at_paths(tmp_path, key):
    write(tmp_path, "pyproject.toml", f'[tool.leaklint]\n{key} = ["app"]\n')
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2 and f"unknown key '{key}'" in result.stderr and "'paths'" in result.stderr


TRACK = 'import mixpanel\nmp = mixpanel.Mixpanel("t")\ndef f(user):\n    {line}\n'
CALL = 'mp.track(user.pk, "Seen", {"email": user.email})'


@pytest.mark.parametrize("line", [
    f'x = "see # noqa docs"; {CALL}',
    f'x = "# leaklint: ignore[LL001]"; {CALL}',
    f"x = '''# noqa: LL001'''; {CALL}",
    f'x = f"# noqa {{user}}"; {CALL}',
])
def test_a_noqa_inside_a_string_does_not_suppress(tmp_path, line):
    write(tmp_path, "a.py", TRACK.format(line=line))
    result = run_cli("check", "a.py", cwd=tmp_path)
    assert "LL001" in result.stdout, result.stderr


@pytest.mark.parametrize("comment", ["# noqa", "# noqa:LL001", "# noqa: LL002, LL001", "# leaklint: ignore[LL001]",
                                     "# leaklint: ignore", "# see docs  # noqa: LL001"])
def test_a_real_comment_after_a_string_with_a_hash_still_suppresses(tmp_path, comment):
    write(tmp_path, "a.py", TRACK.format(line=f'x = "a # b"; {CALL}  {comment}'))
    assert run_cli("check", "a.py", cwd=tmp_path).returncode == 0


def test_skip_file_inside_a_string_or_after_code_does_not_skip(tmp_path):
    write(tmp_path, "a.py", 'DOC = """\n# leaklint: skip-file\n"""\nx = 1  # leaklint: skip-file\n'
          + TRACK.format(line=CALL))
    assert "LL001" in run_cli("check", "a.py", cwd=tmp_path).stdout
    write(tmp_path, "b.py", "# leaklint: skip-file\n" + TRACK.format(line=CALL))
    assert run_cli("check", "b.py", cwd=tmp_path).returncode == 0


def test_unused_suppression_is_not_reported_for_a_string(tmp_path):
    write(tmp_path, "a.py", 'x = "# noqa: LL003"\ny = 1  # noqa: LL003\n')
    result = run_cli("check", "a.py", "--extend-select", "LL901", cwd=tmp_path)
    assert [line.split(": LL901")[0] for line in result.stdout.splitlines()] == ["a.py:2:8"]


def test_show_files_lists_what_would_be_checked_sorted(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.leaklint]\nextend-exclude = ["generated"]\n')
    for name in ("b.py", "a/z.py", "a/b.pyi", "generated/g.py", "notes.txt", ".venv/v.py"):
        write(tmp_path, name, LEAK)
    result = run_cli("check", "--show-files", cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.splitlines() == sorted(str(Path(p)) for p in ("a/b.pyi", "a/z.py", "b.py"))


def test_show_files_with_a_missing_path_is_an_error(tmp_path):
    write(tmp_path, "a.py", LEAK)
    result = run_cli("check", "--show-files", "a.py", "nope", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "a.py\n")
    assert result.stderr == "leaklint: error: nope: no such file or directory\n"


def test_show_settings_names_the_configuration_and_the_resolved_settings(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.leaklint]\nignore = ["LL012"]\nper-file-ignores = { "legacy/*" = ["LL001"] }\n'
                                      'scrubber = "myapp.privacy:clean"\n')
    write(tmp_path, "legacy/old.py", LEAK)
    result = run_cli("check", "--show-settings", "legacy/old.py", "--extend-select", "LL901", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"Settings for: {Path('legacy/old.py')}"
    assert lines[1] == f"Configuration file: {tmp_path / 'pyproject.toml'}"
    enabled = lines[2].removeprefix("Rules enabled: ").split(", ")
    assert "LL901" in enabled and "LL002" in enabled and "LL001" not in enabled and "LL012" not in enabled
    assert 'ignore = ["LL012"]' in lines and 'extend-select = ["LL901"]' in lines
    assert 'per-file-ignores = { "legacy/*" = ["LL001"] }' in lines
    assert 'scrubber = "myapp.privacy:clean"' in lines and "include-tests = false" in lines


def test_show_settings_without_a_configuration(tmp_path):
    result = run_cli("check", "--show-settings", cwd=tmp_path)
    assert result.returncode == 0
    assert "Configuration file: none (the defaults)" in result.stdout and 'select = ["LL"]' in result.stdout


NOQA_BEFORE = '''import mixpanel
mp = mixpanel.Mixpanel("t")
def f(user):
    mp.track(user.email, "S", {"email": user.email})  # type: ignore
    mp.track(user.pk, """a # noqa
  b""", {"email": user.email})
    mp.track(user.pk, "x", {"email": user.email})  # noqa: LL003
    mp.track(user.pk, \\
      "x # not a comment", {"email": user.email})
'''
NOQA_AFTER = '''import mixpanel
mp = mixpanel.Mixpanel("t")
def f(user):
    mp.track(user.email, "S", {"email": user.email})  # type: ignore  # noqa: LL001, LL010
    mp.track(user.pk, """a # noqa
  b""", {"email": user.email})  # noqa: LL001
    mp.track(user.pk, "x", {"email": user.email})  # noqa: LL003, LL001
    mp.track(user.pk, \\
      "x # not a comment", {"email": user.email})  # noqa: LL001
'''


def test_add_noqa_adds_merges_and_never_writes_inside_a_string(tmp_path):
    path = write(tmp_path, "a.py", NOQA_BEFORE)
    write(tmp_path, "b.py", LEAK)
    result = run_cli("check", "--add-noqa", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "Added 5 noqa directives.\n")
    assert path.read_text(encoding="utf-8") == NOQA_AFTER
    assert (tmp_path / "b.py").read_text(encoding="utf-8") == LEAK.replace("user.email})", "user.email})  # noqa: LL001")
    after = run_cli("check", "--extend-select", "LL901", cwd=tmp_path)
    assert (after.returncode, after.stdout) == (1, "a.py:7:52: LL901 unused suppression of LL003: nothing is reported here\n")
    again = run_cli("check", "--add-noqa", cwd=tmp_path)
    assert again.stderr == "Added 0 noqa directives.\n" and path.read_text(encoding="utf-8") == NOQA_AFTER


def test_add_noqa_keeps_encoding_line_endings_and_mode(tmp_path):
    source = ("# -*- coding: latin-1 -*-\n# caf\xe9\n" + LEAK).replace("\n", "\r\n").encode("latin-1")
    path = write(tmp_path, "a.py", source)
    path.chmod(0o750)
    assert run_cli("check", "a.py", "--add-noqa", cwd=tmp_path).returncode == 0
    assert path.read_bytes() == source.replace(b"user.email})\r\n", b"user.email})  # noqa: LL001\r\n")
    assert path.stat().st_mode & 0o777 == 0o750
    assert [p.name for p in tmp_path.iterdir()] == ["a.py"]


@pytest.mark.parametrize("flags", [["--fix"], ["--diff"], ["--stdin-filename", "a.py"]])
def test_add_noqa_with_fix_diff_or_stdin_is_a_usage_error(tmp_path, flags):
    path = write(tmp_path, "a.py", LEAK)
    result = run_cli("check", "a.py", "--add-noqa", *flags, cwd=tmp_path, stdin=LEAK)
    assert result.returncode == 2 and result.stderr == "leaklint: error: --add-noqa cannot be combined with --fix, --diff or stdin\n"
    assert path.read_text(encoding="utf-8") == LEAK


COLORED = "\x1b[1ma.py\x1b[0m:4:5: \x1b[1;31mLL001\x1b[0m \x1b[36m[*]\x1b[0m email sent"


@pytest.mark.parametrize("env, flags, colour", [
    ({}, [], False), ({"FORCE_COLOR": "1"}, [], True), ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, [], False),
    ({}, ["--color", "always"], True), ({"FORCE_COLOR": "1"}, ["--color", "never"], False),
    ({"FORCE_COLOR": "1"}, ["--output-format", "json"], False), ({"FORCE_COLOR": "1"}, ["--statistics"], False),
])
def test_colour_through_a_pipe_follows_the_environment_and_the_flag(tmp_path, env, flags, colour):
    write(tmp_path, "a.py", LEAK)
    out = run_cli("check", "a.py", *flags, cwd=tmp_path, env=env).stdout
    assert out.startswith(COLORED) is colour and ("\x1b[" in out) is colour


def test_full_format_colours_the_heading_line_only(tmp_path):
    write(tmp_path, "a.py", LEAK)
    out = run_cli("check", "a.py", "--output-format", "full", "--color", "always", cwd=tmp_path).stdout.splitlines()
    assert out[0].startswith("\x1b[1ma.py\x1b[0m:4:5: \x1b[1;31mLL001\x1b[0m email sent")
    assert not any("\x1b[" in line for line in out[1:])


def on_a_terminal(tmp_path: Path, env: dict[str, str]) -> bytes:
    """stdout of `leaklint check a.py` when it is a pseudo-terminal."""
    main, side = os.openpty()
    environ = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR", "CI")}
    try:
        subprocess.run([sys.executable, "-m", "leaklint", "check", "a.py", "-q"], cwd=tmp_path, stdout=side,
                       stderr=subprocess.DEVNULL, env=environ | {"TERM": "xterm"} | env, timeout=120)
        os.close(side)
        out = b""
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # Linux: the other end is closed
                break
            if not chunk:
                break
            out += chunk
        return out
    finally:
        os.close(main)


def test_colour_on_a_terminal_unless_no_color(tmp_path):
    write(tmp_path, "a.py", LEAK)
    assert on_a_terminal(tmp_path, {}).startswith(COLORED.encode())
    assert on_a_terminal(tmp_path, {"NO_COLOR": "1"}).startswith(b"a.py:4:5: LL001 [*] email sent")
    assert b"\x1b[" not in on_a_terminal(tmp_path, {"TERM": "dumb"})


def test_the_baseline_is_auditable_sorted_and_holds_no_code(tmp_path):
    write(tmp_path, "b.py", LEAK)
    write(tmp_path, "app/a.py", LEAK + "    mp.track(user.email, 'Seen')\n")
    result = run_cli("check", "--write-baseline", "base.json", cwd=tmp_path)
    assert result.stderr == "Wrote a baseline of 3 findings to base.json.\n"
    text = (tmp_path / "base.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert (data["tool"], data["version"]) == ("leaklint", 3)
    assert [(e["path"], e["code"], e["count"]) for e in data["findings"]] == [
        ("app/a.py", "LL001", 1), ("app/a.py", "LL010", 1), ("b.py", "LL001", 1)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", e["hash"]) and set(e) == {"path", "code", "hash", "count"}
               for e in data["findings"])
    assert "email" not in text and "mp." not in text and "user" not in text
    # line-independent: lines inserted above every finding leave them all hidden
    for name in ("b.py", "app/a.py"):
        path = tmp_path / name
        path.write_text("# a comment\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    write(tmp_path, "c.py", LEAK)
    again = run_cli("check", "--baseline", "base.json", cwd=tmp_path)
    assert again.stdout.startswith("c.py:4:5: LL001") and len(again.stdout.splitlines()) == 1
    assert again.stderr.splitlines()[0] == "Found 1 finding in 1 of 3 files; 3 findings hidden by baseline."


def test_a_clean_run_under_a_baseline_says_how_many_it_hid(tmp_path):
    write(tmp_path, "a.py", LEAK)
    run_cli("check", "--write-baseline", "base.json", cwd=tmp_path)
    result = run_cli("check", "--baseline", "base.json", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "All checks passed (1 file); 1 finding hidden by baseline.\n")


def test_a_version_1_baseline_still_loads(tmp_path):
    write(tmp_path, "a.py", LEAK)
    write(tmp_path, "b.py", LEAK)
    run_cli("check", "--write-baseline", "base.json", cwd=tmp_path)
    entries = json.loads((tmp_path / "base.json").read_text(encoding="utf-8"))["findings"]
    old = {"tool": "leaklint", "version": 1, "findings": {entries[0]["hash"]: 1}}
    write(tmp_path, "old.json", json.dumps(old))
    result = run_cli("check", "--baseline", "old.json", cwd=tmp_path)
    assert result.returncode == 1 and result.stdout.startswith("b.py:4:5: LL001")
    assert "1 finding hidden by baseline" in result.stderr


@pytest.mark.parametrize("content", [
    '{"tool": "leaklint", "version": 4, "findings": []}',
    '{"tool": "leaklint", "version": 2, "findings": [{"path": "a.py", "code": "LL001", "count": 1}]}',
    '{"tool": "leaklint", "version": 2, "findings": {"abc": 1}}',
])
def test_an_unreadable_baseline_says_how_to_regenerate_it(tmp_path, content):
    write(tmp_path, "a.py", LEAK)
    write(tmp_path, "base.json", content)
    result = run_cli("check", "--baseline", "base.json", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "base.json: not a leaklint baseline" in result.stderr
    assert result.stderr.rstrip().endswith("write a new one with --write-baseline base.json")


def test_the_summary_counts_the_files_with_findings(tmp_path):
    write(tmp_path, "a.py", LEAK)
    write(tmp_path, "b.py", LEAK + "    mp.track(user.email, 'Seen')\n")
    write(tmp_path, "c.py", "x = 1\n")
    assert run_cli("check", cwd=tmp_path).stderr.splitlines()[0] == "Found 3 findings in 2 of 3 files."
    assert run_cli("check", "a.py", "b.py", cwd=tmp_path).stderr.splitlines()[0] == "Found 3 findings in 2 files."
    diff = run_cli("check", "--diff", cwd=tmp_path)
    assert diff.stderr.splitlines()[-1] == "Would fix 2 findings in 2 files."
    one = run_cli("check", "a.py", "--diff", cwd=tmp_path)
    assert one.stderr.splitlines()[-1] == "Would fix 1 finding in 1 file."


def test_a_missing_path_alone_is_one_error_and_no_summary(tmp_path):
    result = run_cli("check", "missing.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "leaklint: error: missing.py: no such file or directory\n"


def test_the_documented_pre_commit_rev_is_this_version():
    from leaklint.rules.docs import REPOSITORY

    text = (ROOT / "docs" / "integrations.md").read_text(encoding="utf-8")
    revs = re.findall(r"^\s*rev:\s*(\S+)", text, re.MULTILINE)
    assert revs == [f"v{__version__}"]
    assert re.findall(r"^\s*- repo:\s*(\S+)", text, re.MULTILINE) == [REPOSITORY]  # the project's own address
    assert run_cli("--version").stdout.strip() == f"leaklint {__version__}"


def test_the_command_leaves_at_once_with_all_its_output(tmp_path):
    """The command exits without tearing the run down (`cli.entry`): what it printed must all be there
    when its output is a pipe (block-buffered), and its exit code kept."""
    for i in range(300):
        write(tmp_path, f"app/m{i}.py", LEAK)
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    result = subprocess.run([sys.executable, "-m", "leaklint", "check", ".", "--output-format", "json"],
                            cwd=tmp_path, capture_output=True, text=True, env=buffered, timeout=120)
    assert result.returncode == 1
    found = json.loads(result.stdout)
    assert len({f["filename"] for f in found}) == 300
    assert run_cli("check", ".", "--exit-zero", "-q", cwd=tmp_path).returncode == 0
    # printed, not written: left in the buffer unless flushed on the way out
    listed = subprocess.run([sys.executable, "-m", "leaklint", "check", "--show-files", "."], cwd=tmp_path,
                            capture_output=True, text=True, env=buffered, timeout=120)
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 300
    rules = subprocess.run([sys.executable, "-m", "leaklint", "rules"], capture_output=True, text=True,
                           env=buffered, timeout=120)
    assert rules.stdout == run_cli("rules").stdout and "LL001" in rules.stdout


def test_a_reader_that_goes_away_gets_no_traceback():
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    process = subprocess.Popen([sys.executable, "-m", "leaklint", "rules"], env=buffered,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # gone before anything is written, like `| head -0`
    stderr = process.stderr.read().decode()
    process.wait(timeout=120)
    assert "Traceback" not in stderr and "Exception ignored" not in stderr


def test_the_file_is_tokenized_only_for_a_line_that_reads_like_a_suppression(monkeypatch):
    import tokenize

    from leaklint import suppress

    calls = []
    real = tokenize.generate_tokens
    monkeypatch.setattr(tokenize, "generate_tokens", lambda readline: calls.append(1) or real(readline))
    table = suppress.suppressed_codes(suppress.source_lines('x = "a # b"\ny = 1  # noqa: LL003\nz = 2\n'))
    assert table.get(1) is None and table.get(3) is None and table.get(9) is None and not calls
    assert table.get(2) == {"LL003"} and calls == [1]
    assert table.get(1) is None and calls == [1]   # worked out once
