"""--jobs: worker processes give exactly the findings of one process, and a worker that dies is
replaced with its file reported."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from leaklint import parallel, parallel_share
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


def test_what_goes_to_workers_holds_no_syntax_tree(corpus, always_share, monkeypatch):
    """The index goes to each worker before its first round, then the facts walked elsewhere before each
    round: what each process keeps of its own modules' syntax (the walk order's edges, say) must stay out
    of both, or each round pickles whole trees."""
    import pickle

    sent = []
    update = parallel.Worker._update
    monkeypatch.setattr(parallel.Worker, "_update", lambda self: sent.append(update(self)) or sent[-1])
    findings(corpus, 2)
    assert [kind for kind, _ in sent[:2]] == ["index", "facts"]  # the whole index once, then what changed
    assert not any(b"libcst" in pickle.dumps(data) for _, data in sent)


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

    def dying_parse(self, source, lite=False):
        if os.getpid() != main and source.display == victim:
            os._exit(70)
        return parse(self, source, lite)

    monkeypatch.setattr(Checker, "parse", dying_parse)
    shared, project = findings(corpus, 2)
    assert project.shares.workers == [] and project.shares.owner[victim] == 1
    died = [f for f in shared if f[0] == victim]
    assert [f[3] for f in died] == ["LL902"]
    assert "worker process analysing this file died (exit code 70)" in died[0][4]
    # Everything else is as one process finds it (the victim's own findings are lost with it).
    assert [f for f in shared if f[0] != victim] == [f for f in alone if f[0] != victim]


def test_a_worker_dying_in_a_later_round_is_replaced_with_the_whole_index(corpus, always_share, monkeypatch,
                                                                          tmp_path):
    """After its first round a worker gets only the facts walked elsewhere; its replacement has no index,
    so it must get the whole of it again, and the run ends as one process's would."""
    alone, _ = findings(corpus, 1)
    catch_up, main = parallel_share.Share.catch_up, os.getpid()
    died_once, kinds = tmp_path / "died", tmp_path / "updates"

    def dying_catch_up(self, update):
        with kinds.open("a") as out:
            out.write(update[0] + "\n")
        if os.getpid() != main and update[0] == "facts" and not died_once.exists():
            died_once.touch()
            os._exit(70)  # between files: none is to blame
        return catch_up(self, update)

    monkeypatch.setattr(parallel_share.Share, "catch_up", dying_catch_up)
    shared, project = findings(corpus, 2)
    assert died_once.exists() and project.shares.workers == []
    # the replacement was sent the whole index, and went on from there
    assert kinds.read_text().split()[:3] == ["index", "facts", "index"]
    assert shared == alone


def test_jobs_flag(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    assert run_cli("check", str(tmp_path), "--jobs", "2").returncode == 0
    bad = run_cli("check", str(tmp_path), "--jobs", "-3")
    assert bad.returncode == 2
    assert "invalid job count '-3'" in bad.stderr and "Traceback" not in bad.stderr


# -- the processes of a real run --------------------------------------------------------------

def _children(pid: int) -> list[int]:
    """Live processes whose parent is `pid` (read from /proc: no dependency for it)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            state, parent = _stat(int(entry))
            if parent == pid and state != "Z":
                found.append(int(entry))
    return found


def _stat(pid: int) -> tuple[str, int]:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return "gone", 0
    return fields[0], int(fields[1])


def _alive(pids: list[int]) -> list[int]:
    return [pid for pid in pids if _stat(pid)[0] not in ("gone", "Z")]


def _wait_for(predicate, seconds: float):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    return predicate()


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    """Enough text to parse for a real run to start its workers, and to still be running for seconds after
    they start."""
    root = tmp_path_factory.mktemp("big") / "synthetic"
    generate(root, modules=3000, share=1.0, seed=3)
    return root


def _interruptible() -> None:
    """SIGINT as a terminal's foreground job has it: a test run started in the background (`cmd &`, nohup)
    inherits it ignored, and Python then keeps ignoring it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def run_with_workers(big):
    """A real `--jobs 2` run, in its own session (as a terminal's foreground job), once it has workers."""
    started: list[subprocess.Popen] = []
    workers: list[int] = []

    def start() -> tuple[subprocess.Popen, list[int]]:
        proc = subprocess.Popen([sys.executable, "-m", "leaklint", "check", str(big), "--jobs", "2", "--no-cache",
                                 "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True, preexec_fn=_interruptible)
        started.append(proc)
        workers.extend(_wait_for(lambda: _children(proc.pid), 60))
        assert workers, "no worker started"
        return proc, workers

    yield start
    for pid in _alive(workers):  # only what this test started, whatever the outcome
        os.kill(pid, signal.SIGKILL)
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killing_the_main_process_ends_its_workers(run_with_workers):
    proc, workers = run_with_workers()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert _wait_for(lambda: not _alive(workers), 10), f"workers {_alive(workers)} outlived their parent"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_ctrl_c_exits_130_with_one_line_and_no_workers_left(run_with_workers):
    proc, workers = run_with_workers()
    os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: to the whole foreground group
    out, err = proc.communicate(timeout=30)
    assert (proc.returncode, err.splitlines(), out) == (130, ["leaklint: interrupted"], "")
    assert _wait_for(lambda: not _alive(workers), 10), f"workers {_alive(workers)} left running"
