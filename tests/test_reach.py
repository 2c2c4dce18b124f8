"""A run asked about a few files analyses only what their imports reach, and finds in them what a run
over the whole tree finds there."""

from __future__ import annotations

from pathlib import Path

import pytest

from leaklint.config import Settings, find_config, load
from leaklint.discover import discover
from leaklint.engine import Checker
from leaklint.project import Project
from leaklint.reach import reachable
from test_determinism import make
from test_project import write_tree


def project(root: Path, asked: list[Path] | None = None) -> Project:
    settings = load(find_config(root)) if find_config(root) else Settings()
    named = asked if asked is not None else discover([root], settings).files
    # the other files of the project are found as a run on the named ones finds them
    return Project.from_files(Checker(settings), root, [(f, str(f.relative_to(root))) for f in named])


def shown(findings, path: str) -> list[tuple]:
    return sorted((f.line, f.col, f.code, f.message, f.related, f.via) for f in findings if f.path == path)


@pytest.mark.parametrize("tree", ["demo_shop", "wrapped_app", "synthetic", "late_interest"])
def test_one_file_alone_finds_what_the_whole_tree_finds_there(tree, tmp_path):
    root = make(tree, tmp_path / tree)
    whole = project(root).findings()
    reported = sorted({f.path for f in whole})[:6]
    assert reported
    for path in reported:
        alone = project(root, [root / path])
        assert shown(alone.findings(), path) == shown(whole, path), path
        assert len(alone.pool) <= len(alone.sources)


def test_only_what_the_imports_reach_is_analysed(tmp_path):
    root = make("synthetic", tmp_path / "synthetic")
    view = next(p for p in sorted((root / "synth" / "mods").glob("m*.py")))
    alone = project(root, [view])
    alone.findings()
    names = {s.info.name for s in alone.pool}
    assert "synth.telemetry" in names and len(alone.shares.parsed) < 0.2 * len(alone.sources)


def test_a_package_reached_for_one_name_leads_only_to_where_it_comes_from(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": "",
        "app/__init__.py": "from .tele import send\nfrom .heavy import Big\n",
        "app/tele.py": "from mixpanel import Mixpanel\nmp = Mixpanel('t')\n"
                       "def send(user, **props):\n    mp.track(user.pk, 'e', props)\n",
        "app/heavy.py": "import app.other\nclass Big: pass\n",
        "app/other.py": "X = 1\n",
        "views.py": "from app import send\ndef v(user):\n    send(user, email=user.email)\n"})
    alone = project(tmp_path, [tmp_path / "views.py"])
    assert [f.code for f in alone.findings()] == ["LL001"]
    assert sorted(s.info.name for s in alone.pool) == ["app", "app.tele", "views"]
    assert sorted(s.info.name for s in reachable([s for s in alone.sources if s.info.name == "app.heavy"],
                                                 alone.sources, alone.checker.facts)) == ["app.heavy", "app.other"]


def test_a_run_about_one_file_with_nothing_cached_reads_only_what_it_reaches(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": "",
        "app/__init__.py": "from .tele import send\n",
        "app/tele.py": "from mixpanel import Mixpanel\nmp = Mixpanel('t')\n"
                       "def send(user, **props):\n    mp.track(user.pk, 'e', props)\n",
        "views.py": "from app import send\ndef v(user):\n    send(user, email=user.email)\n",
        "admin.py": "from app import send\ndef a(user):\n    send(user, name=user.name)\n"})
    (tmp_path / "broken.py").write_bytes(b"\xff\xfe not text \x81")   # unreadable, and not reached
    alone = project(tmp_path, [tmp_path / "views.py"])
    found = alone.findings()
    assert [f.code for f in found] == ["LL001"]
    assert sorted(s.info.name for s in alone.sources if s.loaded) == ["app", "app.tele", "views"]
    whole = project(tmp_path)
    assert shown(found, "views.py") == shown(whole.findings(), "views.py")
    assert not whole.deferred and all(s.loaded for s in whole.sources)


def test_the_index_of_part_of_a_project_is_not_cached(tmp_path, monkeypatch):
    from conftest import run_cli

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    root = make("demo_shop", tmp_path / "demo_shop")
    one = run_cli("check", "shop/views/orders.py", cwd=root)
    whole = run_cli("check", ".", cwd=root)   # a cold run: the partial index was not taken for the whole
    assert whole.stdout.count("\n") > one.stdout.count("\n") > 0
    assert run_cli("check", ".", "--no-cache", cwd=root).stdout == whole.stdout


def test_a_run_asked_about_most_of_a_project_indexes_all_of_it_and_is_warm_next_time(tmp_path, monkeypatch):
    """`leaklint check src/` where `src` holds most of the project: the index of a part is never stored
    (it would pass for the whole), so such a run indexes the whole project, and the next one is a hit."""
    from leaklint import api, project as project_module

    root = make("synthetic", tmp_path / "synthetic")
    (root / "tools").mkdir()
    (root / "tools" / "report.py").write_text("import sys\n\nprint(sys.argv)\n")   # no import of synth
    (root / "manage.py").write_text("import os\n")
    folder = root / "synth"
    every = discover([root], Settings()).files
    inside = [p for p in every if folder in p.parents]
    assert len(every) > len(inside) and 2 * len(inside) >= len(every)
    used: list[tuple[str, int, int]] = []
    findings = project_module.Project.findings

    def noted(self):
        try:
            return findings(self)
        finally:
            used.append((self.cache_use, len(self.pool), len(self.sources)))

    monkeypatch.setattr(project_module.Project, "findings", noted)
    monkeypatch.chdir(root)
    first = api.check_paths([Path("synth")], cache=True).findings
    second = api.check_paths([Path("synth")], cache=True).findings
    assert [u[0] for u in used] == ["miss", "hit"]
    assert used[0][1] == used[0][2]   # the whole project was the pool
    assert [(f.path, f.line, f.code) for f in second] == [(f.path, f.line, f.code) for f in first]
    assert first
    whole = {(f.path, f.line, f.code) for f in api.check_paths([Path(".")], cache=False).findings}
    assert {(f.path, f.line, f.code) for f in first} <= whole
