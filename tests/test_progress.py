"""The progress line of a long run: on a terminal's stderr only (outside CI, without --quiet), nothing in the
first second, rewritten in place and cleared before the summary; stdout is never touched."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import threading

import pytest

from conftest import run_cli
from leaklint import progress
from leaklint.parallel import MIN_BYTES

LEAK = 'import mixpanel\nmp = mixpanel.Mixpanel("t")\n\n\ndef track_{n}(user):\n    mp.track(user.id, "signup", {{"email": user.email}})\n'

PAD = "\n\ndef pad():\n    pass\n"

# The command line with the line shown from the start and on every change: a small project then shows it too.
AT_ONCE = ("import sys\nfrom leaklint import progress\nprogress.DELAY = progress.INTERVAL = 0\n"
           "from leaklint.cli import main\nsys.exit(main(sys.argv[1:]))\n")


def project(folder, files: int = 6, padding: int = 0):
    (folder / ".git").mkdir()
    for n in range(files):
        (folder / f"m{n}.py").write_text(LEAK.format(n=n) + PAD * padding)
    return folder


def on_terminal(*args: str, cwd, env: dict | None = None, stderr_tty: bool = True):
    """Run the command line (shown at once) with stderr on a pseudo-terminal and stdout piped: the exit code,
    stdout and what reached the terminal."""
    environment = {k: v for k, v in os.environ.items() if k != "CI"} | (env or {})
    command = [sys.executable, "-c", AT_ONCE, *args]
    if not stderr_tty:
        done = subprocess.run(command, cwd=cwd, env=environment, capture_output=True, timeout=120)
        return done.returncode, done.stdout.decode(), done.stderr.decode()   # bytes: each "\r" as it came
    master, slave = os.openpty()
    process = subprocess.Popen(command, cwd=cwd, env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=slave)
    os.close(slave)
    received: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every process holding the terminal has closed it
                return
            if not data:
                return
            received.append(data)

    reader = threading.Thread(target=drain)
    reader.start()
    out, _ = process.communicate(timeout=120)
    reader.join(timeout=30)
    os.close(master)
    return process.returncode, out.decode(), b"".join(received).decode()


def screen(text: str) -> list[str]:
    """The lines a terminal ends up showing: a carriage return goes back to the line's start and what follows
    overwrites it."""
    lines: list[str] = []
    line: list[str] = []
    column = 0
    for char in text:
        if char == "\r":
            column = 0
        elif char == "\n":
            lines.append("".join(line).rstrip())
            line, column = [], 0
        else:
            line[column:column + 1] = [char]
            column += 1
    return lines + ["".join(line).rstrip()]


def counts(text: str, phase: str) -> list[int]:
    """The files done, in the order shown, of each redraw of `phase`."""
    return [int(n) for n in re.findall(rf"leaklint: {phase}: (\d+)/\d+ files", text)]


def test_a_terminal_sees_each_phase_with_counts_and_then_only_the_summary(tmp_path):
    project(tmp_path, files=6)
    code, out, terminal = on_terminal("check", ".", "--no-cache", "-j1", cwd=tmp_path)
    assert code == 1
    assert "leaklint: reading" in terminal and "leaklint: reporting" in terminal
    assert counts(terminal, "parsing") == [0, 1, 2, 3, 4, 5]   # each file, before it is parsed: 6 to parse
    assert "leaklint: parsing: 0/6 files" in terminal
    assert counts(terminal, "analysing round 1") == [0, 1, 2, 3, 4, 5]
    assert "leaklint: analysing round 2: " in terminal   # the rounds until the index is stable
    # The line is blanked before the summary is written over it: nothing of it is left to see.
    assert screen(terminal) == ["Found 6 findings in 6 files.", "[*] 6 fixable with the `--fix` option.", ""]
    assert out == run_cli("check", ".", "--no-cache", "-j1", cwd=tmp_path).stdout


def test_stdout_formats_are_untouched(tmp_path):
    project(tmp_path, files=3)
    code, out, terminal = on_terminal("check", ".", "--no-cache", "--output-format", "json", cwd=tmp_path)
    assert code == 1 and "leaklint: parsing" in terminal
    assert [f["filename"] for f in json.loads(out)] == ["m0.py", "m1.py", "m2.py"]
    assert out == run_cli("check", ".", "--no-cache", "--output-format", "json", cwd=tmp_path).stdout


def test_fix_shows_progress_for_both_runs_and_clears_it_before_the_list_of_fixes(tmp_path):
    project(tmp_path, files=2)
    code, _, terminal = on_terminal("check", ".", "--fix", "--show-fixes", cwd=tmp_path)
    assert code == 0
    assert terminal.count("leaklint: reading") == 2   # the check, then the check of the fixed files
    shown = screen(terminal)
    assert shown[:3] == ["Fixed 2 findings:", "- m0.py:", "    1 x LL001"]
    assert not [line for line in shown if "leaklint:" in line]


@pytest.mark.parametrize(("env", "options", "shown"), [
    ({}, [], True),
    ({"CI": "true"}, [], False),             # GitHub Actions, GitLab CI
    ({"CI": "true"}, ["--progress"], True),
    ({"CI": "false"}, [], True),
    ({}, ["--quiet"], False),
    ({}, ["--quiet", "--progress"], True),
    ({}, ["--no-progress"], False),
    ({}, ["--no-progress", "--progress"], True),   # the last one given decides
])
def test_on_a_terminal_ci_quiet_and_the_flags_decide(tmp_path, env, options, shown):
    project(tmp_path, files=2)
    code, out, terminal = on_terminal("check", ".", "--no-cache", *options, cwd=tmp_path, env=env)
    assert code == 1 and out.count("LL001") == 2
    assert ("leaklint: parsing" in terminal) is shown
    assert ("\r" in terminal.replace("\r\n", "\n")) is shown


def test_piped_stderr_gets_no_progress_unless_asked(tmp_path):
    project(tmp_path, files=2)
    _, _, stderr = on_terminal("check", ".", "--no-cache", cwd=tmp_path, stderr_tty=False)
    assert stderr == "Found 2 findings in 2 files.\n[*] 2 fixable with the `--fix` option.\n"
    _, _, stderr = on_terminal("check", ".", "--no-cache", "--progress", cwd=tmp_path, stderr_tty=False)
    assert "\rleaklint: parsing: 0/2 files" in stderr
    assert screen(stderr) == ["Found 2 findings in 2 files.", "[*] 2 fixable with the `--fix` option.", ""]


def test_with_jobs_the_count_moves_with_this_process_share(tmp_path):
    """Eight files of the same size, two processes: this one parses four of them, each counting for two."""
    project(tmp_path, files=8, padding=MIN_BYTES // 8 // len(PAD) + 10)   # enough text to start workers
    code, out, terminal = on_terminal("check", ".", "--no-cache", "-j2", cwd=tmp_path)
    assert code == 1
    assert counts(terminal, "parsing") == [0, 2, 4, 6]
    assert screen(terminal)[0] == "Found 8 findings in 8 files."
    assert [line.split(":")[0] for line in out.splitlines()] == [f"m{n}.py" for n in range(8)]


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_nothing_in_the_first_second_then_at_most_ten_redraws_a_second():
    clock, stream = Clock(), io.StringIO()
    line = progress.Progress(stream, clock)
    for n in range(10):   # a run done within its first second shows nothing
        clock.now += 0.09
        line.set("parsing", n, 40)
    assert stream.getvalue() == ""
    clock.now += 0.2
    line.set("parsing", 10, 40)
    assert stream.getvalue() == "\rleaklint: parsing: 10/40 files"
    clock.now += 0.05
    line.set("parsing", 11, 40)   # too soon after the last redraw
    clock.now += 0.06
    line.set("analysing round 1", 0, 40)
    assert stream.getvalue().split("\r")[1:] == ["leaklint: parsing: 10/40 files", "leaklint: analysing round 1: 0/40 files"]
    clock.now += 1
    line.set("reporting")   # a shorter line blanks the rest of the longer one
    assert stream.getvalue().split("\r")[-1] == "leaklint: reporting".ljust(len("leaklint: analysing round 1: 0/40 files"))
    line.clear()
    assert stream.getvalue().endswith("\r" + " " * len("leaklint: analysing round 1: 0/40 files") + "\r")


def test_ctrl_c_clears_the_line_and_the_echoed_keys():
    clock, stream = Clock(), io.StringIO()
    line = progress.Progress(stream, clock)
    clock.now += 2
    line.set("parsing", 3, 9)
    progress.clear_shown()
    assert stream.getvalue() == "\rleaklint: parsing: 3/9 files\r" + " " * (len("leaklint: parsing: 3/9 files") + 2) + "\r"
    progress.clear_shown()   # once only
    line.clear()
    assert stream.getvalue().count("\r") == 3


def test_a_line_fits_the_terminal():
    clock, stream = Clock(), io.StringIO()
    line = progress.Progress(stream, clock)
    line.width = 25
    clock.now += 2
    line.set("analysing round 12", 1000, 2000)
    assert stream.getvalue() == "\rleaklint: analysing round"
