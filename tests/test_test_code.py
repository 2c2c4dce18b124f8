"""Test code is checked but not reported by default: `include-tests`, `--include-tests`, `test-patterns`."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli

from leaklint.api import check_paths, check_source
from leaklint.config import ConfigError, Settings, from_table
from leaklint.discover import is_test_code

LEAK = "import mixpanel\nmp = mixpanel.Mixpanel('t')\ndef signup(user):\n    mp.track(user.pk, 'x', {'email': user.email})\n"
TEST_FILES = ["tests/test_signup.py", "app/conftest.py", "app/tests.py", "test/helpers.py"]


def project(tmp_path: Path, config: str = "", files=("app/views.py", *TEST_FILES)) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "pyproject.toml").write_text(config)
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(LEAK)
    return tmp_path


def shown(result) -> list[str]:
    return sorted(line.split(":")[0].replace("\\", "/") for line in result.stdout.splitlines())


def test_findings_in_test_code_are_counted_not_shown(tmp_path):
    result = run_cli("check", ".", "--no-cache", cwd=project(tmp_path))
    assert result.returncode == 1
    assert shown(result) == ["app/views.py"]
    assert "4 findings in test code not shown (--include-tests)." in result.stderr


def test_include_tests_on_the_command_line_or_in_the_configuration(tmp_path):
    every = sorted(["app/views.py", *TEST_FILES])
    assert shown(run_cli("check", ".", "--include-tests", cwd=project(tmp_path))) == every
    (tmp_path / "pyproject.toml").write_text("[tool.leaklint]\ninclude-tests = true\n")
    result = run_cli("check", ".", cwd=tmp_path)
    assert shown(result) == every and "test code" not in result.stderr


def test_a_run_with_leaks_in_test_code_only_passes(tmp_path):
    result = run_cli("check", ".", cwd=project(tmp_path, files=TEST_FILES))
    assert (result.returncode, result.stdout) == (0, "")
    assert "All checks passed" in result.stderr and "4 findings in test code not shown" in result.stderr


def test_test_patterns_replace_and_extend_test_patterns_add(tmp_path):
    files = ("app/views.py", "tests/test_signup.py", "spec/signup.py", "app/checks.py")
    project(tmp_path, '[tool.leaklint]\ntest-patterns = ["spec"]\n', files)
    assert shown(run_cli("check", ".", cwd=tmp_path)) == ["app/checks.py", "app/views.py", "tests/test_signup.py"]
    (tmp_path / "pyproject.toml").write_text('[tool.leaklint]\nextend-test-patterns = ["spec", "app/checks.py"]\n')
    assert shown(run_cli("check", ".", cwd=tmp_path)) == ["app/views.py"]


def test_folders_above_the_project_do_not_make_it_test_code(tmp_path):
    root = tmp_path / "tests" / "shop"
    project(root, files=("app/views.py", "tests/test_signup.py"))
    assert is_test_code(root / "tests" / "test_signup.py", Settings())
    assert not is_test_code(root / "app" / "views.py", Settings())
    run = check_paths([root])
    assert [Path(f.path).name for f in run.findings] == ["views.py"] and run.in_tests == 1


def test_names_that_only_look_like_tests_are_not_test_code(tmp_path):
    for name in ("app/testing.py", "app/contest.py", "app/latest/views.py", "attest/views.py", "app/test_data.json"):
        assert not is_test_code(tmp_path / name, Settings(path=tmp_path / "pyproject.toml")), name


def test_a_helper_in_a_test_module_still_reaches_its_callers(tmp_path):
    project(tmp_path, files=())
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "__init__.py").write_text("")
    (tmp_path / "tests" / "helpers.py").write_text(
        "import mixpanel\nmp = mixpanel.Mixpanel('t')\ndef send(props):\n    mp.track('u', 'x', props)\n")
    (tmp_path / "tests" / "test_a.py").write_text("from tests.helpers import send\ndef test(u):\n    send({'email': u.email})\n")
    run = check_paths([tmp_path], Settings(include_tests=True, path=tmp_path / "pyproject.toml"))
    assert sorted((Path(f.path).name, f.line) for f in run.findings) == [("test_a.py", 3)]
    assert check_paths([tmp_path]).in_tests == 1


def test_editors_and_flake8_agree_with_the_command_line(tmp_path):
    project(tmp_path, files=())
    assert check_source(LEAK, tmp_path / "tests" / "test_signup.py").findings == []
    assert [f.code for f in check_source(LEAK, tmp_path / "app" / "views.py").findings] == ["LL001"]


@pytest.mark.parametrize("table, message", [
    ({"include-tests": "yes"}, "'include-tests' must be true or false"),
    ({"test-patterns": "tests"}, "'test-patterns' must be a list of strings, not a string"),
    ({"extend-test-patterns": [1]}, "'extend-test-patterns' must be a list of strings"),
    ({"include-test": True}, "did you mean 'include-tests'?"),
])
def test_bad_test_settings_are_one_line_errors(table, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")):
        from_table(table)


def test_a_bad_test_setting_on_the_command_line_exits_2_without_a_traceback(tmp_path):
    project(tmp_path, "[tool.leaklint]\ninclude-tests = 1\n", files=("app/views.py",))
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and "'include-tests' must be true or false" in result.stderr


def test_an_experiment_module_named_like_a_go_test_is_reported_unless_the_suffix_is_added(tmp_path):
    # pytest collects `*_test.py`, but `ab_test.py` is where an A/B experiment sends its analytics.
    root = project(tmp_path, files=("app/experiments/ab_test.py",))
    assert shown(run_cli("check", ".", "--no-cache", cwd=root)) == ["app/experiments/ab_test.py"]
    (root / "pyproject.toml").write_text('[tool.leaklint]\nextend-test-patterns = ["*_test.py"]\n')
    assert shown(run_cli("check", ".", "--no-cache", cwd=root)) == []
