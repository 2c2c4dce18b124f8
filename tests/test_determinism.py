"""Cold, warm, one job and two jobs give the same findings, explanations included, whatever the order
of the files; and a run where nothing changed is a cache hit (nothing parsed)."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from synthetic import generate  # noqa: E402

RUN = ("import sys\nfrom leaklint.cli import main\nrc = main(sys.argv[1:])\n"
       "print('parser imported' if 'libcst' in sys.modules else 'nothing parsed', file=sys.stderr)\nsys.exit(rc)")

TELEMETRY = '''from mixpanel import Mixpanel

mp = Mixpanel("token")


def send(user, event, **props):
    mp.track(str(user.pk), event, props)
'''


def shared_methods(root: Path) -> None:
    """Methods of one name in modules big enough to be shared out between processes: what a call on an
    unknown object returns merges them, in an order that must not depend on which process walked which."""
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "telemetry.py").write_text(TELEMETRY)
    padding = "# " + "x" * 70 + "\n"
    for i, attr in enumerate(["username", "email", "first_name", "phone"]):
        (root / "app" / f"m{i}.py").write_text(
            f"from app.telemetry import send\n\n\nclass Holder{i}:\n    def profile(self, user):\n"
            f"        return user.{attr}\n\n\ndef use{i}(user):\n    send(user, 'e{i}', n=1)\n" + padding * 600 * (4 - i))
    (root / "app" / "views.py").write_text(
        "from app.telemetry import send\n\n\ndef view(obj, user):\n    send(user, 'viewed', info=obj.profile(user))\n")


def late_interest(root: Path) -> None:
    """`a` is parsed only as a helper of `d`, and found to lead to a sink in the last rounds, through
    `app.b` reached as an attribute of its package; `c` imports `a` and is not parsed."""
    (root / "app").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "tele.py": TELEMETRY,
        "a.py": "import app\n\n\ndef outer(user, **props):\n    app.b.inner(user, **props)\n",
        "b.py": "from app.tele import send\n\n\ndef inner(user, **props):\n    send(user, 'inner', **props)\n",
        "c.py": "from app.a import outer\n\n\ndef view(user):\n    outer(user, email=user.email)\n",
        "d.py": 'from mixpanel import Mixpanel\n\nfrom app.a import outer\n\nclient = Mixpanel("token")\n',
    }
    for name, text in files.items():
        (root / "app" / name).write_text(text)


def make(tree: str, root: Path) -> Path:
    if tree in ("demo_shop", "wrapped_app"):
        shutil.copytree(ROOT / "fixtures" / tree, root)
    elif tree == "synthetic":
        generate(root, modules=300, share=0.3, seed=3)
    else:
        {"shared_methods": shared_methods, "late_interest": late_interest}[tree](root)
    if not (root / "pyproject.toml").exists():
        (root / "pyproject.toml").write_text('[project]\nname = "app"\n')
    return root


def run(root: Path, *args: str, seed: int) -> tuple[int, str, str]:
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    done = subprocess.run([sys.executable, "-c", RUN, "check", ".", "--output-format", "full", "-q", *args],
                          cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in done.stderr
    return done.returncode, done.stdout, done.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("tree", ["demo_shop", "wrapped_app", "synthetic", "shared_methods", "late_interest"])
def test_cold_warm_and_jobs_agree(tree, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    root = make(tree, tmp_path / tree)
    cold = run(root, "--no-cache", "--jobs", "1", seed=1)
    assert cold[1]  # (late_interest: the leak in `c`, reached once the parsed files grow until nothing new matters)
    assert cold[:2] == run(root, "--no-cache", "--jobs", "2", seed=2)[:2]
    assert cold[:2] == run(root, "--jobs", "2", seed=3)[:2]  # stores the cache
    warm = run(root, "--jobs", "1", seed=4)
    assert warm == (*cold[:2], "nothing parsed")  # nothing changed: a plain hit
    assert run(root, "--jobs", "2", seed=5) == warm


@pytest.mark.parametrize("tree", ["synthetic", "shared_methods"])
def test_the_order_of_the_files_does_not_matter(tree, tmp_path):
    from leaklint.config import Settings
    from leaklint.discover import discover
    from leaklint.engine import Checker
    from leaklint.project import Project

    root = make(tree, tmp_path / tree)
    files = discover([root], Settings()).files
    results = set()
    for seed, jobs in [(1, 1), (2, 2), (3, 1), (4, 2)]:
        shuffled = list(files)
        random.Random(seed).shuffle(shuffled)
        project = Project.from_files(Checker(Settings()), root, [(f, str(f.relative_to(root))) for f in shuffled],
                                     discover_root=False, jobs=jobs)
        results.add(tuple(sorted((f.path, f.line, f.col, f.code, f.message, f.source_line) for f in project.findings())))
    assert len(results) == 1 and next(iter(results))
