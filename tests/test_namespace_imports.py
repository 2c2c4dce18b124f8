"""A script importing a module beside it by its bare name (`from tracking import send` in scripts/run.py,
scripts/ holding no `__init__.py`): Python runs it with its own folder first on sys.path, so the name is
that sibling, named `scripts.tracking` by its path.  A package's module gets no such reading (Python 3 has
no implicit relative imports), and a real top-level module of the project keeps its meaning."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli
from leaklint.layout import module_info
from leaklint.prefilter import Prefilter, import_words

WRAPPER = """\
import mixpanel


def send(distinct_id, email):
    mixpanel.Mixpanel("token").track(distinct_id, "e", {"email": email})
"""

CALLER = """\
from tracking import send


def main(user):
    send(user.id, user.email)
"""

LEAK_IN_CALLER = "scripts/run.py:5:5: LL001"
WRAPPER_FINDING = "scripts/tracking.py:5:5: LL001"


def make(root: Path, files: dict[str, str]) -> Path:
    (root / "pyproject.toml").write_text("")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def scripts(root: Path, **extra: str) -> Path:
    return make(root, {"scripts/tracking.py": WRAPPER, "scripts/run.py": CALLER, **extra})


def check(root: Path, *args: str) -> str:
    done = run_cli("check", *args, cwd=root)
    assert done.returncode in (0, 1), done.stderr
    return done.stdout


@pytest.mark.parametrize("caller", [
    CALLER,
    CALLER.replace("from tracking import send", "import tracking").replace("send(user", "tracking.send(user"),
    CALLER.replace("from tracking import send", "import tracking as t").replace("send(user", "t.send(user"),
])
def test_a_script_calling_a_sibling_wrapper_by_its_bare_name_leaks(tmp_path, caller):
    out = check(scripts(tmp_path, **{"scripts/run.py": caller}), ".", "--no-cache")
    assert LEAK_IN_CALLER in out and WRAPPER_FINDING in out


@pytest.mark.parametrize("package", [True, False])
def test_a_folder_inside_the_scripts_folder_is_imported_by_its_bare_name(tmp_path, package):
    # a package there is named from the folder above it (`lib.tracking`), a folder without `__init__.py`
    # from its path (`scripts.lib.tracking`): either way the bare `lib.tracking` is it
    caller = CALLER.replace("from tracking", "from lib.tracking")
    make(tmp_path, {"scripts/lib/tracking.py": WRAPPER, "scripts/run.py": caller,
                    **({"scripts/lib/__init__.py": ""} if package else {})})
    assert LEAK_IN_CALLER in check(tmp_path, ".", "--no-cache")


def test_in_a_package_a_bare_name_is_no_sibling(tmp_path):
    out = check(scripts(tmp_path, **{"scripts/__init__.py": ""}), ".", "--no-cache")
    assert WRAPPER_FINDING in out and "scripts/run.py" not in out


def test_a_top_level_module_of_the_project_keeps_its_meaning(tmp_path):
    out = check(scripts(tmp_path, **{"tracking.py": "def send(distinct_id, email):\n    pass\n"}), ".", "--no-cache")
    assert WRAPPER_FINDING in out and "scripts/run.py" not in out


def test_the_script_checked_alone_reaches_its_sibling(tmp_path):
    scripts(tmp_path)
    assert check(tmp_path, "scripts/run.py", "--no-cache").startswith(LEAK_IN_CALLER)
    assert check(tmp_path, "scripts/run.py", "--no-cache").count("LL001") == 1


def test_a_warm_cache_finds_the_same(tmp_path):
    scripts(tmp_path)
    cold = check(tmp_path, ".")
    assert LEAK_IN_CALLER in cold
    assert check(tmp_path, ".") == cold
    assert check(tmp_path, "scripts/run.py").startswith(LEAK_IN_CALLER)


@pytest.mark.parametrize("becomes_package", [True, False])
def test_a_warm_cache_sees_the_folder_become_or_stop_being_a_package(tmp_path, becomes_package):
    scripts(tmp_path, **({} if becomes_package else {"scripts/__init__.py": ""}))
    assert (LEAK_IN_CALLER in check(tmp_path, ".")) is becomes_package
    init = tmp_path / "scripts" / "__init__.py"
    init.write_text("") if becomes_package else init.unlink()
    assert (LEAK_IN_CALLER in check(tmp_path, ".")) is not becomes_package


def test_siblings_are_the_names_beside_a_module_outside_any_package(tmp_path):
    scripts(tmp_path, **{"scripts/lib/__init__.py": "", "scripts/sub/m.py": "", "tracking_top.py": "",
                         "scripts/tracking_top.py": ""})
    info = module_info(tmp_path / "scripts/run.py", tmp_path)
    # not lib (a package is named `lib` already), nor tracking_top (the project's own top-level module)
    assert info.siblings == {"tracking", "run", "sub"}
    assert [info.absolute(n) for n in ("tracking", "sub.m", "lib.x", "tracking_top", "mixpanel")] == \
        ["scripts.tracking", "scripts.sub.m", "lib.x", "tracking_top", "mixpanel"]


def test_a_package_module_and_a_top_level_module_have_no_siblings(tmp_path):
    scripts(tmp_path, **{"pkg/__init__.py": "", "pkg/run.py": "", "top.py": ""})
    assert module_info(tmp_path / "pkg/run.py", tmp_path).siblings == frozenset()
    assert module_info(tmp_path / "top.py", tmp_path).siblings == frozenset()


def test_the_lead_prefilter_reads_a_bare_import_as_a_sibling_too():
    leads = Prefilter(()).with_leads({"scripts.tracking": {"send"}})
    words = import_words("from tracking import send\n")
    assert leads.imports_module(words, "scripts.run")
    assert not leads.imports_module(words, "other.run")
    assert not leads.imports_module(words, "scripts", is_package=True)   # an __init__.py: a package
    assert not leads.imports_module(import_words("from .tracking import send\n"), "elsewhere.run")


def test_only_folders_and_links_to_folders_are_top_level_packages(tmp_path):
    """A plain file, even one named like a package, is never looked into; a link to a package is one."""
    scripts(tmp_path, **{"pkg/__init__.py": "", "ns/mod.py": "", "empty/notes.txt": "", "README": "",
                         "tracking_top.py": ""})
    (tmp_path / "linked").symlink_to(tmp_path / "pkg", target_is_directory=True)
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    roots = module_info(tmp_path / "tracking_top.py", tmp_path).local_roots
    assert {"pkg", "ns", "linked", "tracking_top", "scripts"} <= roots
    assert not {"empty", "README", "dangling"} & roots


def test_a_name_that_is_both_a_module_and_a_package_is_no_sibling(tmp_path):
    scripts(tmp_path, **{"scripts/both.py": "", "scripts/both/__init__.py": "", "scripts/plain/m.py": "",
                         "scripts/odd-name/__init__.py": ""})
    assert module_info(tmp_path / "scripts/run.py", tmp_path).siblings == {"tracking", "run", "plain"}
