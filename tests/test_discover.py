"""Which files a run checks and which project they belong to: git's ignore rules exactly, project roots only
from real markers, module names in namespace packages, and a cache for a tree without any marker."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import run_cli
from leaklint.config import Settings
from leaklint.discover import discover

GIT = shutil.which("git")

ROOT_IGNORE = "\n".join([
    "# a comment, and a blank line next",
    "",
    "/docs/*.py",            # one level only: docs/sub/deep.py stays
    "a/**/b.py",             # zero or more folders: a/b.py too
    r"\#hash.py",            # an escaped '#' is a name, not a comment
    r"\!bang.py",            # an escaped '!' is a name, not a negation
    "tmp_[0-9].py",          # a character class
    "stubs/*.py[ix]",
    "build/",                # folders only
    "out",
    "**/gen/*.py",
    "spaced.py   ",          # trailing spaces are dropped
    "scratch/*",
    "!scratch/keep.py",      # re-included: its folder itself is not ignored
    "!scratch/kept/",        # a folder taken back: what is inside is not matched by `scratch/*`
    "vendor/",
    "!vendor/keep.py",       # stays ignored: git never looks inside an ignored folder
    "data/**",
    "!data/kept.py",
    "*_pb2.py",
    "!keep_pb2.py",
    "lib/**/",
    "**/cache/",
    "deep/**/z.py",
    "!deep/q/z.py",
]) + "\n"

SUB_IGNORE = "local.py\n/anchored.py\n!/shown_pb2.py\n"

FILES = [
    "normal.py", "docs/x.py", "docs/sub/deep.py", "a/b.py", "a/x/y/b.py", "a/c.py", "#hash.py", "hash.py",
    "!bang.py", "bang.py", "tmp_1.py", "tmp_a.py", "stubs/a.pyi", "stubs/a.py", "build/x.py", "pkg/build.py",
    "out/x.py", "pkg/out.py", "gen/g.py", "x/gen/g.py", "x/gen/sub/g.py", "spaced.py", "scratch/a.py",
    "scratch/keep.py", "scratch/kept/a.py", "vendor/a.py", "vendor/keep.py", "data/a.py", "data/kept.py",
    "data/sub/kept.py",
    "foo_pb2.py", "keep_pb2.py", "anchored.py", "sub/local.py", "sub/deeper/local.py", "sub/anchored.py",
    "sub/deeper/anchored.py", "sub/shown_pb2.py", "sub/other_pb2.py", "private.py", "sub/private.py",
    "lib/x.py", "lib/sub/y.py", "pkg/cache/c.py", "cache.py", "deep/z.py", "deep/q/z.py", "deep/r/s/z.py",
]


def _git(cwd: Path, *args: str) -> str:
    # No user or system configuration: a global excludes file must not change what git answers.
    env = {**os.environ, "HOME": str(cwd), "XDG_CONFIG_HOME": str(cwd), "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(GIT is None, reason="needs the git command")
def test_the_files_found_are_exactly_those_git_does_not_ignore(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", ".")
    for name in FILES:
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text("x = 1\n")
    (repo / ".gitignore").write_text(ROOT_IGNORE)
    (repo / "sub" / ".gitignore").write_text(SUB_IGNORE)
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "exclude").write_text("private.py\n")

    listed = _git(repo, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    kept_by_git = {name for name in listed if name.endswith((".py", ".pyi"))}
    found = discover([repo], Settings(exclude=[".git"])).files
    assert {p.relative_to(repo).as_posix() for p in found} == kept_by_git
    # the cases the tree is built for, so that the comparison cannot pass by both sides being empty
    assert {"docs/sub/deep.py", "scratch/keep.py", "scratch/kept/a.py", "data/kept.py", "keep_pb2.py",
            "sub/shown_pb2.py", "sub/deeper/anchored.py"} <= kept_by_git
    assert not {"a/b.py", "#hash.py", "!bang.py", "vendor/keep.py", "private.py", "spaced.py"} & kept_by_git


@pytest.mark.skipif(GIT is None, reason="needs the git command")
def test_a_folder_walked_below_the_repository_top_gets_the_rules_above_it(tmp_path):
    _git(tmp_path, "init", "-q", ".")
    (tmp_path / ".gitignore").write_text("/app/gen/\n*_pb2.py\n")
    (tmp_path / ".git" / "info" / "exclude").write_text("mine.py\n")
    for name in ("app/views.py", "app/gen/g.py", "app/x_pb2.py", "app/mine.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x = 1\n")
    found = discover([tmp_path / "app"], Settings())
    assert [p.name for p in found.files] == ["views.py"]


def test_gitignore_outside_a_repository_still_applies(tmp_path):
    (tmp_path / ".gitignore").write_text("/docs/*.py\n")
    for name in ("docs/x.py", "docs/sub/deep.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x = 1\n")
    found = discover([tmp_path], Settings())
    assert [p.relative_to(tmp_path).as_posix() for p in found.files] == ["docs/sub/deep.py"]


def test_respect_gitignore_off_finds_every_file(tmp_path):
    (tmp_path / ".gitignore").write_text("*.py\n")
    (tmp_path / "a.py").write_text("x = 1\n")
    assert [p.name for p in discover([tmp_path], Settings(respect_gitignore=False)).files] == ["a.py"]
    assert discover([tmp_path], Settings()).files == []


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


CLIENT = 'from mixpanel import Mixpanel\nmp = Mixpanel("t")\n'
PROFILE = 'from app.track import mp\n\ndef seen(user):\n    mp.track(user.email, "x")\n'


def _reported(root: Path, *args: str) -> list[str]:
    """`path:line CODE` of each finding `leaklint check` prints, run in `root`."""
    result = run_cli("check", *args, "--output-format", "concise", cwd=root)
    assert result.returncode in (0, 1), result.stderr
    found = [line.split(":") for line in result.stdout.splitlines() if ": LL" in line]
    return [f"{path}:{line} {rest.split()[0]}" for path, line, _, rest, *_ in found]


# Mixpanel's client known through the import: the user identifier is an email.  (When the import is not
# understood, the call is LL030, data sent to code leaklint cannot see.)
LEAK_IN_PROFILE = "profile.py:4 LL010"


def test_a_module_called_setup_py_inside_a_package_does_not_split_the_project(tmp_path):
    _write(tmp_path, {
        "pyproject.toml": "",
        "app/__init__.py": "", "app/track.py": CLIENT,
        "app/handlers/__init__.py": "",
        "app/handlers/setup.py": "from flask import Blueprint\nviews = Blueprint('setup', __name__)\n",
        "app/handlers/profile.py": PROFILE,
    })
    assert _reported(tmp_path, ".") == [str(Path("app/handlers/")) + os.sep + LEAK_IN_PROFILE]


@pytest.mark.parametrize("files, is_root", [
    ({"setup.py": "from setuptools import setup\nsetup()\n"}, True),
    ({"setup.cfg": "[metadata]\nname = x\n"}, True),
    ({"pyproject.toml": ""}, True),
    ({".git/HEAD": ""}, True),
    ({"setup.py": "def setup(app):\n    pass\n"}, False),       # builds nothing: a module like any other
    ({"__init__.py": "", "setup.py": "import setuptools\n"}, False),  # inside a package
])
def test_project_roots_come_from_real_markers(tmp_path, files, is_root):
    from leaklint.layout import project_root

    work = tmp_path / "work"
    _write(work, {**files, "pkg/mod.py": ""})
    assert (project_root(work / "pkg" / "mod.py") == work.resolve()) == is_root


@pytest.mark.parametrize("layout", ["", "src/"])
def test_modules_in_folders_without_init_py_know_each_other(tmp_path, layout):
    _write(tmp_path, {"pyproject.toml": "", f"{layout}app/track.py": CLIENT, f"{layout}app/profile.py": PROFILE})
    assert _reported(tmp_path, ".") == [str(Path(f"{layout}app")) + os.sep + LEAK_IN_PROFILE]


def test_a_package_below_a_plain_folder_keeps_its_name(tmp_path):
    # A Django project kept in backend/ runs from there: its imports say `shop.track`, not `backend.shop.track`.
    _write(tmp_path, {
        "pyproject.toml": "", "backend/manage.py": "",
        "backend/shop/__init__.py": "", "backend/shop/track.py": CLIENT,
        "backend/shop/views.py": PROFILE.replace("app.track", "shop.track"),
    })
    assert _reported(tmp_path, ".") == [str(Path("backend/shop/views.py")) + ":4 LL010"]


def test_a_tree_without_any_project_marker_is_one_project_with_a_cache(tmp_path):
    import subprocess
    import sys

    _write(tmp_path, {"app/track.py": CLIENT, "app/profile.py": PROFILE})
    assert _reported(tmp_path, ".") == [str(Path("app")) + os.sep + LEAK_IN_PROFILE]
    assert list((tmp_path / ".leaklint_cache").rglob("*")), "the first run keeps a cache"
    # The second run takes the project's findings from the cache: it does not even import the parser.
    code = ("import sys\nfrom leaklint.cli import main\nrc = main(['check', '.', '-q', '--exit-zero'])\n"
            "print('parsed' if 'libcst' in sys.modules else 'cached', file=sys.stderr)")
    warm = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert warm.stderr.strip() == "cached"
    assert "profile.py:4:5: LL010" in warm.stdout


@pytest.mark.skipif(GIT is None, reason="needs the git command")
def test_a_linked_worktree_reads_its_repositorys_info_exclude_and_a_nested_repository_its_own_rules(tmp_path):
    main, linked = tmp_path / "main", tmp_path / "linked"
    main.mkdir()
    _git(main, "init", "-q", ".")
    _write(main, {".gitignore": "*_gen.py\n", "a.py": "x = 1\n", "vendored/.git/HEAD": "",
                  "vendored/lib_gen.py": "x = 1\n"})
    _git(main, "add", "a.py", ".gitignore")
    _git(main, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "start")
    (main / ".git" / "info" / "exclude").write_text("mine.py\n")
    _git(main, "worktree", "add", "-q", str(linked))
    _write(linked, {"mine.py": "x = 1\n", "b_gen.py": "x = 1\n", "b.py": "x = 1\n"})
    assert sorted(p.name for p in discover([linked], Settings()).files) == ["a.py", "b.py"]
    # the outer repository's .gitignore stops where another repository starts, as git's does
    assert [p.name for p in discover([main / "vendored"], Settings()).files] == ["lib_gen.py"]
    assert sorted(p.name for p in discover([main], Settings()).files) == ["a.py", "lib_gen.py"]


REMEMBERING = '''
import sys
from pathlib import Path
from leaklint.config import Settings
from leaklint.discover import discover
found = discover([Path(".")], Settings(), remember=True)
print(" ".join(sorted(p.as_posix() for p in found.files)), "pathspec" in sys.modules)
'''


def remembering_run(tree: Path, user_cache: Path) -> tuple[str, bool]:
    """The files a new process finds in `tree`, and whether it imported pathspec to read the ignore lines."""
    import sys

    result = subprocess.run([sys.executable, "-c", REMEMBERING], cwd=tree, capture_output=True, text=True,
                            env={**os.environ, "XDG_CACHE_HOME": str(user_cache)}, check=True)
    files, imported = result.stdout.split()[:-1], result.stdout.split()[-1]
    return " ".join(files), imported == "True"


@pytest.fixture
def ignoring_tree(tmp_path) -> Path:
    tree = tmp_path / "tree"
    for name in ("app.py", "gen_1.py", "tools/x.py", "made/y.py"):
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text("")
    (tree / ".gitignore").write_text("gen_[0-9].py\nmade/\n")
    return tree


def test_ignore_lines_translated_once_are_not_translated_again(ignoring_tree, tmp_path):
    first = remembering_run(ignoring_tree, tmp_path / "user")
    assert first == ("app.py tools/x.py", True)
    assert remembering_run(ignoring_tree, tmp_path / "user") == ("app.py tools/x.py", False)  # pathspec not imported
    (ignoring_tree / ".gitignore").write_text("gen_[0-9].py\ntools/\n")  # a new line is translated, and kept
    assert remembering_run(ignoring_tree, tmp_path / "user") == ("app.py made/y.py", True)
    assert remembering_run(ignoring_tree, tmp_path / "user") == ("app.py made/y.py", False)


def test_remembered_translations_not_signed_by_the_user_or_of_the_wrong_shape_are_ignored(ignoring_tree, tmp_path):
    from leaklint import cache_io

    remembering_run(ignoring_tree, tmp_path / "user")
    [table] = (tmp_path / "user" / "leaklint" / "tables").glob("ignore-lines-*")
    key = (tmp_path / "user" / "leaklint" / "key").read_bytes()
    everything = {"gen_[0-9].py": (".*", True), "made/": (".*", True)}  # a forgery hiding every file
    for data, signer in ((everything, b"0" * 64), ({"gen_[0-9].py": (".*", 1)}, key), ([1], key)):
        cache_io.write(table.parent, table.name, data, signer)
        assert remembering_run(ignoring_tree, tmp_path / "user") == ("app.py tools/x.py", True)


def test_no_cache_keeps_no_translations(ignoring_tree, tmp_path):
    run_cli("check", ".", "--no-cache", cwd=ignoring_tree, env={"XDG_CACHE_HOME": str(tmp_path / "user")})
    assert not (tmp_path / "user" / "leaklint" / "tables").exists()
    run_cli("check", ".", cwd=ignoring_tree, env={"XDG_CACHE_HOME": str(tmp_path / "user")})
    assert list((tmp_path / "user" / "leaklint" / "tables").glob("ignore-lines-*"))
