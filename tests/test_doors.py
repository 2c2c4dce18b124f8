"""The three doors (command line, flake8, language server) check a file alike: with the configuration
nearest to it and the index of its project."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, run_cli

BIN = Path(sys.executable).parent
LEAK = "import mixpanel\nmp = mixpanel.Mixpanel('t')\n\n\ndef signup(user):\n    mp.track(user.pk, 'x', {'email': user.email})\n"
EMIT = "import requests\n\n\ndef emit(user_id, name, **fields):\n    requests.post('https://collector.invalid', json=fields)\n"
SENDS = "from pkg.events import emit\n\n\ndef signup(user):\n    emit(user.pk, 'signup', email=user.email)\n"


def cli_findings(*args: str, cwd: Path) -> list[dict]:
    result = run_cli("check", *args, "--output-format", "json", "--no-cache", cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def test_a_folder_of_projects_checks_each_under_its_own_configuration():
    """fixtures/demo_shop names its own sink in its pyproject.toml: checked from the folder above, its files
    are reported exactly as when it is checked on its own."""
    alone = cli_findings("fixtures/demo_shop", cwd=ROOT)
    within = [f for f in cli_findings("fixtures", cwd=ROOT) if f["filename"].startswith("fixtures/demo_shop/")]
    assert alone and within == alone
    assert any("shop.events.emit" in f["message"] for f in within)


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def tree(tmp_path: Path) -> Path:
    """A project whose tests are exempt from LL001, holding a project of its own that names its own sink."""
    write(tmp_path, {
        "pyproject.toml": '[tool.leaklint]\nper-file-ignores = { "tests/*" = ["LL001"] }\n',
        "app/views.py": LEAK,
        "tests/test_views.py": LEAK,
        "nested/pyproject.toml": '[tool.leaklint]\nsinks."pkg.events.emit" = '
                                 '{ signature = "(user_id: user_id, name: event, **fields: pii_kwargs)" }\n',
        "nested/pkg/__init__.py": "",
        "nested/pkg/events.py": EMIT,
        "nested/pkg/views.py": SENDS,
    })
    return tmp_path


def as_rows(findings) -> set[tuple[str, int, int, str]]:
    return {(os.path.normpath(path), line, col, code) for path, line, col, code in findings}


def test_flake8_the_language_server_and_the_command_line_agree(tmp_path):
    root = tree(tmp_path)
    cli = as_rows((f["filename"], f["location"]["row"], f["location"]["column"], f["code"])
                  for f in cli_findings(".", cwd=root))
    # What each setting decides is in the expected set: the exempt test file is absent, the nested sink found.
    assert cli == {("app/views.py", 6, 5, "LL001"), ("nested/pkg/views.py", 5, 5, "LL001")}

    flake8 = subprocess.run([str(BIN / "flake8"), "--select", "LL", "."], cwd=root, capture_output=True, text=True,
                            timeout=120)
    assert "Traceback" not in flake8.stderr, flake8.stderr
    rows = [re.match(r"(.+?):(\d+):(\d+): (LL\d+) ", line) for line in flake8.stdout.splitlines()]
    assert as_rows((m[1], int(m[2]), int(m[3]), m[4]) for m in rows if m) == cli

    server = subprocess.run([sys.executable, "-c", (
        "import sys\nfrom pathlib import Path\nfrom leaklint.server import analyse\n"
        "for name in sys.argv[1:]:\n"
        "    path = Path(name).absolute()\n"
        "    for f in analyse(path, path.read_text())[0]:\n"
        "        print(name, f.line, f.col, f.code)\n"),
        "app/views.py", "tests/test_views.py", "nested/pkg/events.py", "nested/pkg/views.py"],
        cwd=root, capture_output=True, text=True, timeout=120)
    assert server.returncode == 0, server.stderr
    lines = [line.split() for line in server.stdout.splitlines()]
    assert as_rows((n, int(line), int(col), code) for n, line, col, code in lines) == cli


def test_per_file_ignores_match_alike_from_any_folder(tmp_path):
    """A pattern is relative to its configuration's folder, whatever folder the run starts in."""
    root = tree(tmp_path)
    from_above = cli_findings(str(root / "tests"), "--include-tests", cwd=root.parent)
    from_inside = cli_findings(".", "--include-tests", cwd=root / "tests")
    assert cli_findings(".", "--include-tests", "--config", str(root / "nested" / "pyproject.toml"),
                        cwd=root / "tests")  # reported without the ignores
    assert from_above == from_inside == []


def test_the_command_line_config_overrides_every_nearest_one(tmp_path):
    root = tree(tmp_path)
    write(root, {"other.toml": "ignore = []\ninclude-tests = true\n"})
    found = cli_findings(".", "--config", "other.toml", cwd=root)
    names = {f["filename"] for f in found}
    # No per-file-ignores and no nested sink: the test file is reported, the nested helper's caller is not.
    assert names == {"app/views.py", "tests/test_views.py"}
