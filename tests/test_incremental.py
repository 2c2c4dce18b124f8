"""Rounds walk again only the modules whose questions to the index got new answers (`reads`): the
findings are exactly those of walking every module in every round (`LEAKLINT_EXHAUSTIVE=1`), for less."""

from __future__ import annotations


import pytest

from conftest import ROOT
from leaklint import parallel, reads
from leaklint.config import Settings, find_config, load
from leaklint.discover import discover
from leaklint.engine import Checker
from leaklint.project import Project
from test_determinism import make
from test_project import write_tree

TREES = ["demo_shop", "wrapped_app", "synthetic", "shared_methods", "late_interest"]


def run(root, jobs: int, monkeypatch, exhaustive: bool) -> tuple[list[tuple], Project]:
    monkeypatch.setenv("LEAKLINT_EXHAUSTIVE", "1" if exhaustive else "0")
    settings = load(find_config(root)) if find_config(root) else Settings()
    files = discover([root], settings).files
    project = Project.from_files(Checker(settings), root, [(f, str(f.relative_to(root))) for f in files],
                                 discover_root=False, jobs=jobs)
    found = sorted((f.path, f.line, f.col, f.code, f.message, f.related, f.via) for f in project.findings())
    return found, project


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("tree", TREES)
def test_skipping_modules_finds_what_walking_all_finds(tree, jobs, tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)  # small trees: start workers anyway
    root = make(tree, tmp_path / tree)
    slow, slow_project = run(root, jobs, monkeypatch, exhaustive=True)
    fast, fast_project = run(root, jobs, monkeypatch, exhaustive=False)
    assert fast == slow and slow
    assert fast_project.index.rounds == slow_project.index.rounds or fast_project.index.walks < slow_project.index.walks


def test_modules_are_walked_again_only_when_an_answer_changed(tmp_path, monkeypatch):
    """Modules calling the SDK directly ask the index nothing that changes: each is walked once (walking
    every module in every round takes two rounds at least)."""
    write_tree(tmp_path, {"pyproject.toml": "", **{
        f"m{i}.py": f"from mixpanel import Mixpanel\nmp = Mixpanel('t')\n\ndef f{i}(user):\n"
                    f"    mp.track(user.pk, 'e', {{'email': user.email}})\n" for i in range(5)}})
    found, fast = run(tmp_path, 1, monkeypatch, exhaustive=False)
    _, slow = run(tmp_path, 1, monkeypatch, exhaustive=True)
    assert len(found) == 5
    assert fast.index.walks == 5 and slow.index.walks >= 10


def test_fewer_walks_on_the_generated_project(tmp_path, monkeypatch):
    root = make("synthetic", tmp_path / "synthetic")
    _, slow = run(root, 1, monkeypatch, exhaustive=True)
    _, fast = run(root, 1, monkeypatch, exhaustive=False)
    assert fast.index.walks < 0.95 * slow.index.walks


def test_a_module_using_a_wrapper_defined_later_in_its_import_order_is_walked_again(tmp_path, monkeypatch):
    """`views` is walked before `tele` becomes a sink's home (an import cycle puts it first): its call
    to `send` got no sink the first time, and a new answer later."""
    write_tree(tmp_path, {
        "pyproject.toml": "", "app/__init__.py": "",
        "app/tele.py": "from mixpanel import Mixpanel\nimport app.views\nmp = Mixpanel('t')\n\n"
                       "def send(user, **props):\n    mp.track(user.pk, 'e', props)\n",
        "app/views.py": "import app.tele\n\ndef view(user):\n    app.tele.send(user, email=user.email)\n"})
    found, _ = run(tmp_path, 1, monkeypatch, exhaustive=False)
    assert [(f[0], f[3]) for f in found] == [("app/views.py", "LL001")]


def test_an_answer_that_changes_during_a_walk_never_holds():
    with reads.recording() as noted:
        reads.note(("lookup", "app.f"), None)
        reads.note(("lookup", "app.f"), None)
        reads.note(("returns", "app.g"), 1)
        reads.note(("returns", "app.g"), 2)
    assert noted[("lookup", "app.f")] is None
    assert noted[("returns", "app.g")] is reads.VARIED
    reads.note(("lookup", "app.h"), 3)  # not recording: nothing kept
    assert ("lookup", "app.h") not in noted


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_host_wrapper_report_made_before_the_project_had_a_sink_is_not_kept(tmp_path, monkeypatch, jobs):
    """`aaa` is walked before `shop.tele.send` becomes a derived sink.  Until then `shop` is no root the
    catalogue knows, so `shop.hosttrack.segment.track` (not in the repository) looks like a host's tracking
    call; afterwards it is known as part of a project with sinks.  Which one it is was read from the
    catalogue: noted as a question, so that `aaa` is walked again as walking every module would."""
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    write_tree(tmp_path, {
        "pyproject.toml": "", "backend/shop/__init__.py": "",
        "backend/shop/tele.py": "import mixpanel\n\nmp = mixpanel.Mixpanel('token')\n\n\n"
                                "def send(user_id, props):\n    mp.track(user_id, 'event', props)\n",
        "aaa.py": "from shop.hosttrack import segment\n\n\ndef report(user):\n    segment.track(user.email)\n"})
    slow, _ = run(tmp_path, jobs, monkeypatch, exhaustive=True)
    fast, _ = run(tmp_path, jobs, monkeypatch, exhaustive=False)
    assert fast == slow
