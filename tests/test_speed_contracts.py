"""The contracts behind the speed: the prefilter is exact, the cache gives the same answers, and a run
over files that cannot matter never imports the parser.  (Timings live in benchmarks/, not here.)"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

sys.path.insert(0, str(ROOT / "benchmarks"))
from synthetic import generate  # noqa: E402


def project_findings(root: Path, use_prefilter: bool) -> list[tuple]:
    from leaklint.config import Settings, find_config, load
    from leaklint.discover import discover
    from leaklint.engine import Checker
    from leaklint.project import Project

    settings = load(find_config(root)) if find_config(root) else Settings()
    checker = Checker(settings, use_prefilter=use_prefilter)
    files = discover([root], settings).files
    project = Project.from_files(checker, root, [(f, str(f.relative_to(root))) for f in files], discover_root=False)
    return sorted((f.path, f.line, f.col, f.code, f.message) for f in project.findings())


@pytest.mark.parametrize("tree", ["demo_shop", "wrapped_app", "synthetic"])
def test_prefilter_is_exact(tree, tmp_path):
    if tree == "synthetic":
        root = tmp_path / "synthetic"
        generate(root, modules=300, share=0.2, seed=11)
    else:
        root = ROOT / "fixtures" / tree
    with_prefilter = project_findings(root, True)
    assert with_prefilter == project_findings(root, False)
    assert with_prefilter  # the trees do leak, so equality is not vacuous


@pytest.fixture
def synthetic(tmp_path) -> Path:
    root = tmp_path / "synthetic"
    generate(root, modules=200, share=0.3, seed=5)
    return root


def test_cache_gives_the_same_answers_and_is_tagged(synthetic):
    cold = run_cli("check", ".", "--no-cache", cwd=synthetic).stdout
    assert not (synthetic / ".leaklint_cache").exists()  # --no-cache writes nothing
    first = run_cli("check", ".", cwd=synthetic).stdout
    second = run_cli("check", ".", cwd=synthetic).stdout
    assert cold == first == second and cold
    cache = synthetic / ".leaklint_cache"
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert (cache / ".gitignore").read_text() == "*\n"


def test_one_changed_file_as_pre_commit_checks_it(synthetic):
    run_cli("check", ".", cwd=synthetic)
    user = next(p for p in sorted((synthetic / "synth" / "mods").glob("*.py")) if "wrap" in p.read_text())
    rel = str(user.relative_to(synthetic))
    user.write_text(user.read_text() + "\n\ndef added(user):\n    send(user, 'Added', email=user.email)\n")
    changed = run_cli("check", rel, cwd=synthetic).stdout
    fresh = run_cli("check", rel, "--no-cache", cwd=synthetic).stdout
    assert changed == fresh and "email sent to Mixpanel track via telemetry.send(**props)" in changed
    # What others see of the file moved (a new function), so the partial run analysed what the file's
    # imports reach, and did not store that part of the project as the whole: the next whole run
    # gives a fresh run's answers.
    assert run_cli("check", ".", cwd=synthetic).stdout == run_cli("check", ".", "--no-cache", cwd=synthetic).stdout
    # A change others cannot see (a comment): the partial run uses the cached index and stores its
    # result, and the next run over the whole project is a plain cache hit (the parser not even imported).
    user.write_text(user.read_text() + "# reviewed\n")
    assert run_cli("check", rel, cwd=synthetic).stdout == run_cli("check", rel, "--no-cache", cwd=synthetic).stdout
    code = ("import sys\nfrom leaklint.cli import main\nrc = main(['check', '.', '-q', '--exit-zero'])\n"
            "print(rc, 'libcst' in sys.modules, file=sys.stderr)")
    warm = subprocess.run([sys.executable, "-c", code], cwd=synthetic, capture_output=True, text=True)
    assert warm.stderr.strip() == "0 False"
    assert warm.stdout == run_cli("check", ".", "--no-cache", cwd=synthetic).stdout


def test_a_changed_helper_rebuilds_what_depends_on_it(synthetic):
    run_cli("check", ".", cwd=synthetic)
    telemetry = synthetic / "synth" / "telemetry.py"
    telemetry.write_text(telemetry.read_text().replace("mp.track(str(user.pk), event, props)", "pass"))
    assert run_cli("check", ".", cwd=synthetic).stdout == run_cli("check", ".", "--no-cache", cwd=synthetic).stdout


def test_a_new_file_importing_a_wrapper_is_seen_by_the_next_cached_run(synthetic):
    run_cli("check", ".", cwd=synthetic)
    (synthetic / "synth" / "mods" / "late.py").write_text(
        "from synth.telemetry import send\n\n\ndef signup(user):\n    send(user, 'Signed up', email=user.email)\n")
    warm = run_cli("check", ".", cwd=synthetic).stdout
    assert "late.py" in warm and warm == run_cli("check", ".", "--no-cache", cwd=synthetic).stdout


def test_an_unchanged_file_that_moves_into_a_package_is_checked_again(synthetic):
    # `extra/use.py` names the wrapper through a relative import that means something only once
    # `extra/` is a package: its text is the same, its place in the project is not.
    extra = synthetic / "synth" / "extra"
    extra.mkdir()
    (extra / "use.py").write_text(
        "from ..telemetry import send\n\n\ndef signup(user):\n    send(user, 'Signed up', email=user.email)\n")
    run_cli("check", ".", cwd=synthetic)
    (extra / "__init__.py").write_text("")
    warm = run_cli("check", ".", cwd=synthetic).stdout
    assert "use.py" in warm and warm == run_cli("check", ".", "--no-cache", cwd=synthetic).stdout


def test_a_warm_run_checks_only_moved_files_against_the_closure(synthetic, monkeypatch):
    from leaklint import api
    from leaklint.project import Project

    monkeypatch.chdir(synthetic)
    checked: list[int] = []
    closure = Project._closure

    def counted(self, leads, among=None):
        checked.append(len(self.sources if among is None else among))
        return closure(self, leads, among)

    monkeypatch.setattr(Project, "_closure", counted)
    first = api.check_paths([Path(".")], cache=True).findings
    checked.clear()
    assert api.check_paths([Path(".")], cache=True).findings == first and checked == [0]
    plain = next(p for p in sorted((synthetic / "synth" / "mods").glob("*.py")) if "wrap" not in p.read_text())
    plain.write_text(plain.read_text() + "# reviewed\n")
    checked.clear()
    assert api.check_paths([Path(".")], cache=True).findings == first and checked == [1]
    checked.clear()
    assert api.check_paths([Path(".")], cache=True).findings == first and checked == [0]  # noted as checked


def test_a_warm_run_reads_no_file_it_has_no_finding_in(tmp_path, monkeypatch):
    # An HTTP client module matters only when its text names a vendor: the cache remembers whether it does.
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "fetch.py").write_text("import requests\n\n\ndef get(url):\n    return requests.get(url)\n")
    (tmp_path / "app" / "hub.py").write_text(
        "import requests\n\n\ndef sync(user):\n"
        "    requests.post('https://api.hubapi.com/crm/v3/objects/contacts', json={'email': user.email})\n")
    from leaklint import api
    from leaklint.engine import Checker

    monkeypatch.chdir(tmp_path)
    first = api.check_paths([Path(".")], cache=True).findings
    assert [f.path for f in first] == [str(Path("app/hub.py"))]
    read: list[str] = []
    original = Checker.read

    def counted(self, path, display, info, data=None):
        read.append(display)
        return original(self, path, display, info, data)

    monkeypatch.setattr(Checker, "read", counted)
    assert api.check_paths([Path(".")], cache=True).findings == first
    assert read == [str(Path("app/hub.py"))]  # its source lines, for showing its finding


def test_a_corrupt_cache_is_ignored_and_rebuilt(synthetic):
    expected = run_cli("check", ".", cwd=synthetic).stdout
    stored = [p for p in (synthetic / ".leaklint_cache").rglob("*") if p.is_file() and p.name != "CACHEDIR.TAG"]
    assert len(stored) == 4  # .gitignore, the catalogue's facts and parsed data files, the run's results
    for path in stored:
        path.write_bytes(b"\x80\x04not a cache file")
    result = run_cli("check", ".", cwd=synthetic)
    assert result.stdout == expected and "Traceback" not in result.stderr
    assert run_cli("check", ".", cwd=synthetic).stdout == expected


def test_clean_removes_the_cache(synthetic):
    run_cli("check", ".", cwd=synthetic)
    result = run_cli("clean", cwd=synthetic)
    assert result.returncode == 0 and "Removed 1 cache folder." in result.stderr
    assert not (synthetic / ".leaklint_cache").exists()


def test_a_clean_file_never_imports_the_parser(tmp_path):
    (tmp_path / "clean.py").write_text("import os\nprint(os.getcwd())\n")
    code = ("import sys\nfrom leaklint.cli import main\nrc = main(['check', 'clean.py', '-q'])\n"
            "print(rc, 'libcst' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True).stdout
    assert out.strip() == "0 False"


def test_a_warm_run_imports_neither_the_parser_nor_the_catalogue(tmp_path):
    # (the prefilter's facts of the catalogue, the HTTP clients' import words too, are kept in the cache)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    (tmp_path / "fetch.py").write_text("import requests\n\n\ndef get(url):\n    return requests.get(url)\n")
    (tmp_path / "track.py").write_text("import mixpanel\n\nmp = mixpanel.Mixpanel('t')\n\n\n"
                                       "def seen(user):\n    mp.track(user.pk, 'Seen', {'email': user.email})\n")
    assert "LL001" in run_cli("check", ".", cwd=tmp_path).stdout
    code = ("import sys\nfrom leaklint.cli import main\nrc = main(['check', '.', '-q'])\n"
            "print(rc, sorted(m for m in sys.modules if m == 'libcst' or m.startswith('leaklint.catalogue')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True).stdout
    assert out.strip().splitlines()[-1] == "1 []"


def test_concurrent_runs_share_the_cache_safely(synthetic):
    procs = [subprocess.Popen([sys.executable, "-m", "leaklint", "check", ".", "-q"], cwd=synthetic,
                              stdout=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    assert len(set(outputs)) == 1 and outputs[0]
    shutil.rmtree(synthetic / ".leaklint_cache")


def test_the_collector_is_off_for_all_of_an_embedded_run(tmp_path, monkeypatch):
    # An embedding process (the flake8 plugin, the language server) has the collector on; finding the
    # wrappers' definitions after a project's analysis must not pay for collections over all its objects.
    import gc

    from leaklint import api, wrappers
    from leaklint.session import Session

    (tmp_path / "track.py").write_text("import mixpanel\n\nmp = mixpanel.Mixpanel('t')\n\n\n"
                                       "def seen(user):\n    mp.track(user.pk, 'Seen', {'email': user.email})\n")
    seen: list[bool] = []
    real = wrappers.with_wrappers
    monkeypatch.setattr(wrappers, "with_wrappers", lambda *args: seen.append(gc.isenabled()) or real(*args))
    was = gc.isenabled()
    gc.enable()
    try:
        assert api.check_paths([tmp_path / "track.py"]).findings
        assert Session().analyse(tmp_path / "track.py", (tmp_path / "track.py").read_text()).findings
        assert seen == [False, False] and gc.isenabled()
    finally:
        if not was:
            gc.disable()
