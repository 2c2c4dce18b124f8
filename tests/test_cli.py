"""The command line as users and CI meet it: formats, exit codes, config, suppression, bad input."""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

import pytest

from conftest import ROOT, run_cli

LEAK = dedent("""
    import mixpanel
    mp = mixpanel.Mixpanel("t")
    def signup(user):
        mp.people_set(user.pk, {"$email": user.email})
""").lstrip()


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_demo_project_output_matches_expected():
    demo = ROOT / "fixtures" / "demo_shop"
    result = run_cli("check", ".", "-q", cwd=demo)
    assert result.returncode == 1, result.stderr
    assert result.stdout == (ROOT / "fixtures" / "demo_shop.expected").read_text(encoding="utf-8")


def test_concise_is_flake8_format_relative_to_cwd(tmp_path):
    write(tmp_path, "app/views.py", LEAK)
    result = run_cli("check", "app", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith(f"app{__import__('os').sep}views.py:4:5: LL001 [*] email sent to Mixpanel people_set")
    assert "Found 1 finding" in result.stderr


def test_clean_tree_exits_zero(tmp_path):
    write(tmp_path, "ok.py", "import mixpanel\nmp = mixpanel.Mixpanel('t')\nmp.track('u1', 'Opened')\n")
    result = run_cli("check", ".", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")
    assert "All checks passed" in result.stderr


def test_exit_zero(tmp_path):
    write(tmp_path, "a.py", LEAK)
    assert run_cli("check", ".", "--exit-zero", cwd=tmp_path).returncode == 0


def test_full_format_shows_source_caret_and_fix(tmp_path):
    write(tmp_path, "a.py", LEAK)
    out = run_cli("check", "a.py", "--output-format", "full", cwd=tmp_path).stdout.splitlines()
    assert out[1] == '4 |     mp.people_set(user.pk, {"$email": user.email})'
    assert out[2].index("^") == len("4 | ") + 4  # under the call
    assert out[3] == "  related: a.py:4:39: email read here: user.email"
    assert out[4].startswith("  help: ")


def test_json_format_is_documented_shape(tmp_path):
    write(tmp_path, "a.py", LEAK)
    data = json.loads(run_cli("check", "a.py", "--output-format", "json", cwd=tmp_path).stdout)
    assert data == [{
        "code": "LL001", "message": data[0]["message"], "filename": "a.py",
        "location": {"row": 4, "column": 5}, "end_location": {"row": 4, "column": 51},
        "fix_suggestion": data[0]["fix_suggestion"],
        "related": [{"path": "a.py", "line": 4, "column": 39, "message": "email read here: user.email"}],
    }]
    assert data[0]["fix_suggestion"]


def test_select_ignore_extend_select(tmp_path):
    write(tmp_path, "a.py", LEAK)
    assert run_cli("check", "a.py", "--ignore", "LL001", cwd=tmp_path).returncode == 0
    assert run_cli("check", "a.py", "--select", "LL002", cwd=tmp_path).returncode == 0
    assert run_cli("check", "a.py", "--select", "LL002", "--extend-select", "LL00", cwd=tmp_path).returncode == 1
    bad = run_cli("check", "a.py", "--select", "XX1", cwd=tmp_path)
    assert bad.returncode == 2 and "unknown rule selector 'XX1'" in bad.stderr


@pytest.mark.parametrize("comment", ["# noqa", "# noqa: LL001", "# leaklint: ignore[LL001,LL003]", "# NOQA:LL001"])
def test_suppression_on_the_line(tmp_path, comment):
    write(tmp_path, "a.py", LEAK.replace("user.email})", f"user.email}})  {comment}"))
    assert run_cli("check", "a.py", cwd=tmp_path).returncode == 0


def test_suppression_for_another_code_does_not_hide(tmp_path):
    write(tmp_path, "a.py", LEAK.replace("user.email})", "user.email})  # noqa: LL002"))
    assert run_cli("check", "a.py", cwd=tmp_path).returncode == 1


def test_suppression_on_any_line_of_a_multiline_call(tmp_path):
    source = LEAK.replace('mp.people_set(user.pk, {"$email": user.email})',
                          'mp.people_set(  # leaklint: ignore[LL001]\n        user.pk,\n        {"$email": user.email},\n    )')
    write(tmp_path, "a.py", source)
    assert run_cli("check", "a.py", cwd=tmp_path).returncode == 0


def test_skip_file(tmp_path):
    write(tmp_path, "a.py", "# leaklint: skip-file\n" + LEAK)
    assert run_cli("check", "a.py", cwd=tmp_path).returncode == 0


def test_config_in_pyproject_and_per_file_ignores(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.leaklint]\nper-file-ignores = { "legacy/*" = ["LL001"] }\n')
    write(tmp_path, "legacy/old.py", LEAK)
    write(tmp_path, "new.py", LEAK)
    result = run_cli("check", ".", cwd=tmp_path)
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["new.py"]


def test_config_extra_pii_names_and_never_pii(tmp_path):
    source = LEAK.replace('{"$email": user.email}', '{"contact_handle": user.handle, "email_domain": x}')
    write(tmp_path, "a.py", source)
    assert run_cli("check", "a.py", cwd=tmp_path).returncode == 0
    write(tmp_path, "leaklint.toml", 'pii-names = { email = ["contact_handle"] }\n')
    assert "LL001" in run_cli("check", "a.py", cwd=tmp_path).stdout
    write(tmp_path, "leaklint.toml", 'pii-names = { email = ["contact_handle"] }\nnever-pii = ["contact_handle"]\n')
    assert run_cli("check", "a.py", cwd=tmp_path).returncode == 0


def test_config_declared_sink(tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.leaklint.sinks."myapp.telemetry.send_event"]\n'
                                      'signature = "(user_id: user_id, event: event, **props: pii_kwargs)"\n')
    write(tmp_path, "myapp/__init__.py", "")
    write(tmp_path, "myapp/telemetry.py", "def send_event(user_id, event, **props):\n    pass\n")
    write(tmp_path, "myapp/views.py", "from .telemetry import send_event\n\n"
                                      "def view(user):\n    send_event(user.pk, 'Viewed', email=user.email, rows=3)\n")
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.stdout.strip().endswith("LL001 email sent to myapp.telemetry.send_event in 'email': user.email")


@pytest.mark.parametrize("config, key", [
    ('[tool.leaklint]\nselectt = ["LL"]\n', "selectt"),
    ('[tool.leaklint]\nselect = "LL001"\n', "select"),
    ('[tool.leaklint]\npii-names = { emial = ["x"] }\n', "pii-names.emial"),
    ('[tool.leaklint.sinks."a.b"]\nsignature = "(x: nonsense)"\n', "a.b"),
    ('[tool.leaklint\n', "invalid TOML"),
])
def test_bad_config_is_one_line_and_exit_2(tmp_path, config, key):
    write(tmp_path, "pyproject.toml", config)
    write(tmp_path, "a.py", LEAK)
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert key in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_unreadable_files_are_reported_and_others_checked(tmp_path):
    write(tmp_path, "broken.py", "import mixpanel\ndef f(:\n")
    write(tmp_path, "latin.py", b"import mixpanel\nname = '\xe9\xff'\n")
    write(tmp_path, "nul.py", b"import mixpanel\x00\n")
    write(tmp_path, "good.py", LEAK)
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = sorted(result.stdout.splitlines())
    assert lines[0].startswith("broken.py:2:7: LL900 syntax error")
    assert lines[1].startswith("good.py:4:5: LL001")
    assert lines[2] == "latin.py:1:1: LL900 cannot decode as utf-8: invalid byte at offset 24"
    assert lines[3] == "nul.py:1:1: LL900 cannot parse: source contains a null byte"


def test_encoding_cookie_is_honoured(tmp_path):
    source = "# -*- coding: latin-1 -*-\n" + LEAK.replace("Mixpanel(\"t\")", "Mixpanel('caf\xe9')")
    write(tmp_path, "a.py", source.encode("latin-1"))
    assert "a.py:5:5: LL001" in run_cli("check", "a.py", cwd=tmp_path).stdout


def test_missing_path_is_an_error_but_others_are_checked(tmp_path):
    write(tmp_path, "a.py", LEAK)
    result = run_cli("check", "a.py", "nope.py", cwd=tmp_path)
    assert result.returncode == 2
    assert "LL001" in result.stdout
    assert "leaklint: error: nope.py: no such file or directory" in result.stderr


def test_default_excludes_and_gitignore(tmp_path):
    for folder in (".venv/lib", "node_modules/x", "build", "generated"):
        write(tmp_path, f"{folder}/leak.py", LEAK)
    write(tmp_path, ".gitignore", "generated/\n")
    write(tmp_path, "src/leak.pyi", LEAK)
    result = run_cli("check", ".", cwd=tmp_path)
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == [str(Path("src/leak.pyi"))]


def test_rules_command_lists_and_explains():
    listing = run_cli("rules").stdout
    assert "LL001" in listing and "LL900" in listing
    explained = run_cli("rules", "LL010")
    assert explained.returncode == 0 and "distinct_id=member.username" in explained.stdout


# One exit-code convention for every mode (Ruff's): 2 a failed run, else 1 findings left, else 0.
USER_ID_LEAK = LEAK + "    mp.track(user.email, 'Seen')\n"    # LL010: no safe fix
CASES = {
    "clean": ("", "import mixpanel\nmp = mixpanel.Mixpanel('t')\nmp.track('u1', 'Opened')\n"),
    "fixable": ("", LEAK),
    "unfixable": ("", USER_ID_LEAK.replace('{"$email": user.email}', '{"plan": "pro"}')),
    "fix cannot be made": ('[tool.leaklint]\nscrubber = "somewhere:lambda"\n', LEAK),  # `lambda(...)` is no Python
    "bad config": ("[tool]\nleaklint = 5\n", LEAK),
}


@pytest.mark.parametrize("case, flags, code", [
    ("clean", [], 0), ("fixable", [], 1), ("fixable", ["--exit-zero"], 0), ("bad config", [], 2),
    ("bad config", ["--exit-zero"], 2),
    ("clean", ["--fix"], 0), ("fixable", ["--fix"], 0), ("unfixable", ["--fix"], 1),
    ("unfixable", ["--fix", "--exit-zero"], 0), ("fix cannot be made", ["--fix"], 1), ("bad config", ["--fix"], 2),
    ("clean", ["--diff"], 0), ("fixable", ["--diff"], 1), ("fixable", ["--diff", "--exit-zero"], 0),
    ("unfixable", ["--diff"], 0), ("fix cannot be made", ["--diff"], 1), ("bad config", ["--diff"], 2),
    ("fixable", ["--fix", "--stdin-filename", "a.py"], 0), ("unfixable", ["--fix", "--stdin-filename", "a.py"], 1),
])
def test_exit_codes_are_one_convention_across_modes(tmp_path, case, flags, code):
    config, source = CASES[case]
    write(tmp_path, "pyproject.toml", config)
    write(tmp_path, "a.py", source)
    result = run_cli("check", *([] if "--stdin-filename" in flags else ["a.py"]), *flags, cwd=tmp_path,
                     stdin=source if "--stdin-filename" in flags else None)
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    if case == "fix cannot be made":
        assert "leaklint: warning: a.py: fix dropped, the result would not parse" in result.stderr


@pytest.mark.parametrize("files, args, message", [
    ({"pyproject.toml": "[tool]\nleaklint = 5\n"}, [], "'tool.leaklint' must be a table ([tool.leaklint]), not an integer"),
    ({"pyproject.toml": 'tool = "leaklint"\n'}, [], "'tool' must be a table, not a string"),
    ({"pyproject.toml": "[tool.leaklint]\nselect = 'LL001'\n"}, [], "'select' must be a list of strings, not a string"),
    ({"pyproject.toml": "[tool.leaklint]\nignore = ['LL001', 2]\n"}, [], "not an array holding an integer"),
    ({"pyproject.toml": "[tool.leaklint]\nselct = ['LL001']\n"}, [], "unknown key 'selct' in [tool.leaklint] (did you mean 'select'?)"),
    ({"pyproject.toml": "[tool.leaklint]\nper-file-ignores = { 'a.py' = 'LL001' }\n"}, [], "'per-file-ignores.a.py' must be a list"),
    ({"pyproject.toml": "[tool.leaklint]\nper-file-ignores = ['a.py']\n"}, [], "'per-file-ignores' must be a table"),
    ({"pyproject.toml": "[tool.leaklint]\npii-names = { email = 'x' }\n"}, [], "'pii-names.email' must be a list"),
    ({"pyproject.toml": "[tool.leaklint]\nsinks = ['a.b']\n"}, [], "'sinks' must be a table"),
    ({"pyproject.toml": "[tool.leaklint.sinks.'a.b']\nsignature = '(x: user_id)'\nsdk = 5\n"}, [], "'sdk' must be a string"),
    ({"pyproject.toml": "[tool.leaklint]\nmax-file-size-kb = '1 MB'\n"}, [], "'max-file-size-kb' must be a positive"),
    ({"pyproject.toml": "[tool.leaklint]\nrespect-gitignore = 'yes'\n"}, [], "'respect-gitignore' must be true or false"),
    ({"pyproject.toml": b"[tool.leaklint]\nselect = ['LL\xff']\n"}, [], "cannot read: 'utf-8' codec can't decode"),
    ({"leaklint.toml": "select = 5\n"}, [], "'select' must be a list of strings, not an integer"),
    ({}, ["--config", "nope.toml"], "nope.toml: config file not found"),
    ({}, ["--baseline", "nope.json"], "nope.json: cannot read the baseline: No such file or directory"),
    ({"b.json": "{"}, ["--baseline", "b.json"], "b.json: the baseline is not valid JSON"),
    ({"b.json": '{"tool": "leaklint", "version": 1, "findings": {"x": "many"}}'}, ["--baseline", "b.json"],
     "b.json: not a leaklint baseline (version 1)"),
    ({"b.json": "[]"}, ["--baseline", "b.json"], "b.json: not a leaklint baseline"),
    ({}, ["--write-baseline", "missing/dir/b.json"], "missing/dir/b.json: cannot write the baseline: no folder"),
    ({"folder/x": ""}, ["--write-baseline", "folder"], "folder: cannot write the baseline: it is a folder"),
    ({}, ["nope.py"], "nope.py: no such file or directory"),
    ({}, ["--write-baseline", "b.json", "nope.py"], "nope.py: no such file or directory; no baseline written"),
])
def test_bad_config_baseline_or_path_is_one_line_and_exit_2(tmp_path, files, args, message):
    for name, content in files.items():
        write(tmp_path, name, content)
    write(tmp_path, "a.py", LEAK)
    paths = [] if any(a.endswith(".py") for a in args) else ["a.py"]
    result = run_cli("check", *paths, *args, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("leaklint: error: ") and result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr
    assert not (tmp_path / "b.json").exists() or "b.json" in files  # nothing written by a failed run


def test_a_missing_path_does_not_end_in_a_summary_and_others_are_still_reported(tmp_path):
    write(tmp_path, "a.py", LEAK)
    result = run_cli("check", "a.py", "nope.py", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout.startswith("a.py:4:5: LL001")
    assert result.stderr == "leaklint: error: nope.py: no such file or directory\n"


def test_write_baseline_is_atomic_and_read_back(tmp_path):
    write(tmp_path, "a.py", LEAK)
    result = run_cli("check", "a.py", "--write-baseline", "b.json", cwd=tmp_path)
    assert result.returncode == 0 and [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    assert json.loads((tmp_path / "b.json").read_text())["findings"]
    assert run_cli("check", "a.py", "--baseline", "b.json", cwd=tmp_path).returncode == 0
