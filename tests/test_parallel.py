"""--jobs: worker processes give exactly the findings of one process, and a worker that dies is
replaced with its file reported."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from leaklint import parallel
from leaklint.config import Settings, find_config, load
from leaklint.discover import discover
from leaklint.engine import Checker
from leaklint.project import Project

sys.path.insert(0, str(ROOT / "benchmarks"))
from synthetic import generate  # noqa: E402


def findings(root: Path, jobs: int) -> tuple[list[tuple], Project]:
    settings = load(find_config(root)) if find_config(root) else Settings()
    files = discover([root], settings).files
    project = Project.from_files(Checker(settings), root, [(f, str(f.relative_to(root))) for f in files],
                                 discover_root=False, jobs=jobs)
    found = sorted((f.path, f.line, f.col, f.code, f.message) for f in project.findings())
    return found, project


@pytest.fixture
def always_share(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)  # the fixtures are small: start workers anyway


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus") / "synthetic"
    generate(root, modules=300, share=0.3, seed=5)
    return root


@pytest.mark.parametrize("jobs", [2, 3])
def test_workers_find_exactly_what_one_process_finds(corpus, jobs, always_share):
    alone, _ = findings(corpus, 1)
    shared, project = findings(corpus, jobs)
    assert len({share for share in project.shares.owner.values()}) == jobs  # every share got files
    assert shared == alone
    assert len(alone) > 20


@pytest.mark.parametrize("tree", ["demo_shop", "wrapped_app"])
def test_workers_on_the_fixtures(tree, always_share):
    assert findings(ROOT / "fixtures" / tree, 2)[0] == findings(ROOT / "fixtures" / tree, 1)[0]


def test_spawned_workers_too(corpus, always_share, monkeypatch):
    """Where fork is not used (macOS, Windows) workers start from nothing and get the checker pickled."""
    monkeypatch.setattr(parallel, "start_method", lambda: "spawn")
    assert findings(corpus, 2)[0] == findings(corpus, 1)[0]


def test_small_projects_stay_in_one_process(corpus):
    _, project = findings(ROOT / "fixtures" / "demo_shop", 2)
    assert set(project.shares.owner.values()) == {0}


def test_a_dying_worker_is_replaced_and_its_file_reported(corpus, always_share, monkeypatch):
    """A real death: the worker process exits hard while parsing one file (as a native crash would)."""
    parse, main = Checker.parse, os.getpid()
    alone, _ = findings(corpus, 1)
    _, before = findings(corpus, 2)
    # A file of the worker's share that has findings (the assignment is deterministic).
    victim = next(f[0] for f in alone if before.shares.owner.get(f[0]) == 1)

    def dying_parse(self, source):
        if os.getpid() != main and source.display == victim:
            os._exit(70)
        return parse(self, source)

    monkeypatch.setattr(Checker, "parse", dying_parse)
    shared, project = findings(corpus, 2)
    assert project.shares.workers == [] and project.shares.owner[victim] == 1
    died = [f for f in shared if f[0] == victim]
    assert [f[3] for f in died] == ["LL902"]
    assert "worker process analysing this file died (exit code 70)" in died[0][4]
    # Everything else is as one process finds it (the victim's own findings are lost with it).
    assert [f for f in shared if f[0] != victim] == [f for f in alone if f[0] != victim]


def test_jobs_flag(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    assert run_cli("check", str(tmp_path), "--jobs", "2").returncode == 0
    bad = run_cli("check", str(tmp_path), "--jobs", "-3")
    assert bad.returncode == 2
    assert "invalid job count '-3'" in bad.stderr and "Traceback" not in bad.stderr
