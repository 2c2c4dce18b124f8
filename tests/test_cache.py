"""The cache cannot be turned against the run: nothing in it runs, nothing forged is believed, nothing is
written through a symlink, no source line is kept; and its results are those of a cold run."""

from __future__ import annotations

import marshal
import os
import pickle
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

LEAK = '''from mixpanel import Mixpanel

mp = Mixpanel("token")


def signed_up(user):
    mp.track(str(user.pk), "Signed up", {"email": user.email, "key": "sk_live_0123456789SECRET"})
'''


@pytest.fixture(autouse=True)
def own_key(tmp_path, monkeypatch):
    """Each test signs with its own user key (and never touches the real one)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "proj"\n')
    (root / "app.py").write_text(LEAK)
    return root


def cache_files(root: Path) -> list[Path]:
    """The cache's data files (not its tag and .gitignore)."""
    return sorted(p for p in (root / ".leaklint_cache").rglob("*")
                  if p.is_file() and p.name not in ("CACHEDIR.TAG", ".gitignore"))


def same_run(result: subprocess.CompletedProcess, expected: subprocess.CompletedProcess) -> bool:
    return (result.returncode, result.stdout) == (expected.returncode, expected.stdout) and "Traceback" not in result.stderr


class Payload:
    """Unpickling this creates `marker`: proof that code from the cache ran."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return open, (str(self.marker), "w")


def test_a_committed_pickle_payload_never_runs(project):
    expected = run_cli("check", ".", "--no-cache", cwd=project)
    assert expected.returncode == 1 and "LL001" in expected.stdout
    run_cli("check", ".", cwd=project)
    marker = project.parent / "payload-ran"
    for path in cache_files(project):  # as a pull request committing .leaklint_cache/ would
        path.write_bytes(pickle.dumps(Payload(marker)))
    result = run_cli("check", ".", cwd=project)
    assert not marker.exists()
    assert same_run(result, expected)


def crafted(kind: str, path: Path) -> bytes:
    from leaklint import __version__

    data = path.read_bytes()
    return {
        "truncated": data[: len(data) // 2],
        "header only": data[: data.index(b"\n") + 1] if b"\n" in data else b"",
        "random": random.Random(path.name).randbytes(len(data)),
        "empty": b"",
        # what older leaklint kept there, of the wrong shape (it ended every run with exit 2)
        "a pickle of the wrong shape": pickle.dumps((__version__, frozenset(), 5, b"")),
    }[kind]


@pytest.mark.parametrize("kind", ["truncated", "header only", "random", "empty", "a pickle of the wrong shape"])
def test_crafted_bytes_in_each_cache_file_are_ignored(project, kind):
    expected = run_cli("check", ".", "--no-cache", cwd=project)
    run_cli("check", ".", cwd=project)
    files = cache_files(project)
    assert len(files) == 3  # the run's results, the catalogue's prefilter facts and its parsed data files
    for path in files:
        path.write_bytes(crafted(kind, path))
        assert same_run(run_cli("check", ".", cwd=project), expected)
        assert same_run(run_cli("check", ".", cwd=project), expected)  # and it was rebuilt


def test_signed_data_of_the_wrong_shape_is_ignored(project):
    """Even what the user's own key signed is checked before use (a cache from a buggy build)."""
    from leaklint import cache_io

    expected = run_cli("check", ".", "--no-cache", cwd=project)
    run_cli("check", ".", cwd=project)
    folder = project / ".leaklint_cache"
    for path in cache_files(project):
        for wrong in ({"files": 5, "projects": {}}, ((), 5), {"files": {"x": (1,)}, "projects": {}}, None):
            assert cache_io.write(folder, path.relative_to(folder).as_posix(), wrong, cache_io.user_key())
            assert same_run(run_cli("check", ".", cwd=project), expected)


def test_an_entry_forged_to_hide_a_finding_is_not_believed(project, tmp_path, monkeypatch):
    from leaklint import cache_io

    expected = run_cli("check", ".", "--no-cache", cwd=project)
    # The attacker runs leaklint with a key of their own and edits the stored results to "no findings".
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "attacker"))
    run_cli("check", ".", cwd=project)
    folder, key = project / ".leaklint_cache", cache_io.user_key()
    forged = 0
    for path in cache_files(project):
        data = cache_io.read(path, key)
        if isinstance(data, dict) and "projects" in data:   # (the run's results, not the catalogue's)
            for root, (relevant, watched, interesting, index, findings, seen) in data["projects"].items():
                data["projects"][root] = (relevant, watched, interesting, index, {p: [] for p in findings}, seen)
                forged += 1
            cache_io.write(folder, path.relative_to(folder).as_posix(), data, key)
    assert forged == 1
    assert "LL001" not in run_cli("check", ".", cwd=project).stdout  # the forgery works for its author...
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "victim"))
    assert same_run(run_cli("check", ".", cwd=project), expected)  # ...and nobody else


def test_a_committed_gitignore_symlink_is_not_followed(project):
    target = project.parent / "precious.txt"
    target.write_text("keep me\n")
    (project / ".leaklint_cache").mkdir()
    (project / ".leaklint_cache" / ".gitignore").symlink_to(target)
    expected = run_cli("check", ".", "--no-cache", cwd=project)
    assert same_run(run_cli("check", ".", cwd=project), expected)
    assert target.read_text() == "keep me\n"


def test_a_dangling_cachedir_tag_symlink_creates_nothing(project):
    target = project.parent / "created-by-leaklint"
    (project / ".leaklint_cache").mkdir()
    (project / ".leaklint_cache" / "CACHEDIR.TAG").symlink_to(target)
    expected = run_cli("check", ".", "--no-cache", cwd=project)
    assert same_run(run_cli("check", ".", cwd=project), expected)
    assert not os.path.lexists(target)


def test_a_symlinked_cache_folder_means_no_cache(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / ".leaklint_cache").symlink_to(elsewhere)
    expected = run_cli("check", ".", "--no-cache", cwd=project)
    for _ in range(2):
        assert same_run(run_cli("check", ".", cwd=project), expected)
    assert list(elsewhere.iterdir()) == []


def test_symlinks_inside_the_cache_folder_are_replaced_not_followed(project, tmp_path):
    from leaklint.cache import code_folder

    expected = run_cli("check", ".", "--no-cache", cwd=project)
    elsewhere, precious = tmp_path / "elsewhere", tmp_path / "precious.txt"
    elsewhere.mkdir()
    precious.write_text("keep me\n")
    (project / ".leaklint_cache").mkdir()
    (project / ".leaklint_cache" / code_folder()).symlink_to(elsewhere)
    assert same_run(run_cli("check", ".", cwd=project), expected)
    assert list(elsewhere.iterdir()) == []  # a symlinked subfolder: nothing written
    (project / ".leaklint_cache" / code_folder()).unlink()
    run_cli("check", ".", cwd=project)
    for path in cache_files(project):
        path.unlink()
        path.symlink_to(precious)
    assert same_run(run_cli("check", ".", cwd=project), expected)
    assert precious.read_text() == "keep me\n"
    assert not any(p.is_symlink() for p in cache_files(project))


def test_the_cache_keeps_no_source_line(project):
    cold = run_cli("check", ".", "--no-cache", "--output-format", "full", cwd=project)
    assert "sk_live_0123456789SECRET" in cold.stdout  # the output shows the line...
    run_cli("check", ".", cwd=project)
    for path in cache_files(project):
        assert b"sk_live_0123456789SECRET" not in path.read_bytes()  # ...the cache does not keep it
    # read from the file again
    assert same_run(run_cli("check", ".", "--output-format", "full", cwd=project), cold)
    sarif = run_cli("check", ".", "--no-cache", "--output-format", "sarif", cwd=project).stdout
    assert run_cli("check", ".", "--output-format", "sarif", cwd=project).stdout == sarif


def test_clean_leaves_a_symlinked_cache_folder_alone(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "CACHEDIR.TAG").write_text("Signature: 8a477f597d28d172789f06886806bc55\n")
    (project / ".leaklint_cache").symlink_to(elsewhere)
    result = run_cli("clean", cwd=project)
    assert result.returncode == 0 and "Removed 0 cache folders." in result.stderr
    assert (elsewhere / "CACHEDIR.TAG").exists()


ACME_SDK = '''sdk = "Acme"
package = "acme_metrics"

[[sink]]
id = "acme_metrics.send"
calls = ["acme_metrics.Client.send"]
signature = "(user: user_id, properties: properties=None)"
'''


def test_editing_leaklints_catalogue_or_pii_words_changes_the_next_cached_run(project, tmp_path):
    """The cache is keyed on leaklint's own code and data, not only its version (a copy of the package
    is edited, not the source tree)."""
    copy = tmp_path / "copy"
    for package in (ROOT / "src" / "leaklint", ROOT / "runtime" / "src" / "leaklint_scrub"):
        shutil.copytree(package, copy / package.name, ignore=shutil.ignore_patterns("__pycache__"))
    (project / "app.py").write_text(
        'from mixpanel import Mixpanel\n\nmp = Mixpanel("t")\n\n\ndef fitted(user):\n'
        '    mp.track(str(user.pk), "Fitted", {"shoe_brand": user.shoe_brand})\n')
    (project / "acme.py").write_text('from acme_metrics import Client\n\nclient = Client()\n\n\ndef seen(user):\n'
                                     '    client.send(user.pk, {"email": user.email})\n')

    def codes() -> list[str]:
        env = {**os.environ, "PYTHONPATH": str(copy)}
        out = subprocess.run([sys.executable, "-m", "leaklint", "check", ".", "--output-format", "concise"],
                             cwd=project, env=env, capture_output=True, text=True, timeout=120).stdout
        return sorted(line.split(":")[0] + " " + line.split()[1] for line in out.splitlines())

    assert codes() == codes() == []
    (copy / "leaklint" / "catalogue" / "sdks" / "acme_metrics.toml").write_text(ACME_SDK)
    assert codes() == ["acme.py LL001"]
    vocabulary = next(p for p in copy.rglob("*.py") if '"mailto"' in p.read_text())
    vocabulary.write_text(vocabulary.read_text().replace('"mailto"', '"mailto", "shoe brand"', 1))
    assert codes() == ["acme.py LL001", "app.py LL001"]


def test_every_setting_is_part_of_the_key(project):
    (project / "app.py").write_text(LEAK + "#" * 2000 + "\n")
    assert "LL001" in run_cli("check", ".", cwd=project).stdout
    (project / "pyproject.toml").write_text('[project]\nname = "proj"\n\n[tool.leaklint]\nmax-file-size-kb = 1\n')
    result = run_cli("check", ".", cwd=project)
    assert "LL900" in result.stdout and "LL001" not in result.stdout


def test_every_field_of_a_stored_row_is_checked_on_load():
    """Loading checks rows wholesale (for speed): any one field of the wrong type still rejects the cache."""
    from copy import deepcopy

    from leaklint.cache import CacheData, FileEntry, ProjectEntry, _cache_data, _plain
    from leaklint.source import Source

    row = (3, 4, "app.py", "LL001", 3, 9, "", "safe", "f1", ((1, 2, "defined here"),), ("a.b",),
           ("Mixpanel", "analytics", ("email",)), "new")
    words = frozenset({"mixpanel", "^mixpanel", "=mixpanel:Mixpanel", "=.models:"})
    data = CacheData({"/p/app.py": FileEntry(10, 20, "d1", words, False, True, False),
                      "/p/empty.py": FileEntry(0, 20, "d0", frozenset(), False, False, False)},
                     {"/p": ProjectEntry({"/p/app.py": "d1"}, frozenset({"app:track"}), {"modules": (("app", 1),)},
                                         {"/p/app.py": [row]}, {"/p/w.py": "d2"}, {"/p/app.py": "k1"})})
    plain = _plain(data)
    loaded = _cache_data(plain)
    # the words and the index come back as stored, decoded only when asked for; all else as it was
    assert marshal.loads(loaded.projects["/p"].index_data) == {"modules": (("app", 1),)}
    assert Source("app.py", words=loaded.files["/p/app.py"].words).words == words
    assert Source("empty.py", words=loaded.files["/p/empty.py"].words).words == frozenset()
    loaded.projects["/p"].index_data = data.projects["/p"].index_data
    for path, entry in data.files.items():
        loaded.files[path].words = entry.words
    assert loaded == data
    assert _cache_data(_plain(_cache_data(plain))) == _cache_data(plain)  # saved again as loaded: the same

    def broken(change):
        copy = deepcopy(_plain(data))
        change(copy)
        with pytest.raises((TypeError, ValueError)):
            _cache_data(copy)

    file_row = plain["files"]["/p/app.py"]
    broken(lambda c: c["projects"].update({"/p": c["projects"]["/p"][:3] + ({},) + c["projects"]["/p"][4:]}))
    for i in range(len(file_row)):  # an int for a bool, a bool for an int, a str for anything else
        wrong = True if type(file_row[i]) is int else 1 if type(file_row[i]) is bool else None
        broken(lambda c, i=i, wrong=wrong: c["files"].update({"/p/app.py": file_row[:i] + (wrong,) + file_row[i + 1:]}))
    broken(lambda c: c["files"].update({"/p/app.py": file_row[:-1]}))
    broken(lambda c: c["files"].update({"/p/app.py": file_row[:3] + (("mixpanel", 5),) + file_row[4:]}))
    broken(lambda c: c["files"].update({5: file_row}))
    project_row = plain["projects"]["/p"]
    for i in (0, 1, 5):  # a digest that is not a string, in each mapping of digests
        broken(lambda c, i=i: c["projects"].update({"/p": project_row[:i] + ({"/p/app.py": 7},) + project_row[i + 1:]}))
    broken(lambda c: c["projects"].update({"/p": project_row[:2] + (("app:track", None),) + project_row[3:]}))
    for i in range(len(row)):
        broken(lambda c, i=i: c["projects"]["/p"][4].update({"/p/app.py": [row[:i] + (object,) + row[i + 1:]]}))


def test_the_catalogue_s_data_files_are_parsed_once_and_kept(project, monkeypatch):
    """Parsing the catalogue's TOML is kept in the cache (a tenth of a one-file run); what is kept is the
    data files' parse, and a copy that does not fit them is parsed again."""
    from leaklint import cache_io
    from leaklint.cache import catalogue_path, stored_tables, tables_beside
    from leaklint.catalogue import data as catalogue

    run_cli("check", ".", cwd=project)
    path = tables_beside(catalogue_path(project / ".leaklint_cache"))
    assert stored_tables(path) == catalogue.tables()
    monkeypatch.setattr(catalogue, "tables", lambda: pytest.fail("parsed again"))
    assert set(stored_tables(path)) == catalogue.table_names()
    monkeypatch.undo()
    for wrong in ({"posthog.toml": {}}, {name: [] for name in catalogue.table_names()}):
        assert cache_io.write(path.parent.parent, f"{path.parent.name}/tables", wrong, cache_io.user_key())
        assert stored_tables(path) == catalogue.tables()   # parsed again, and kept again
        assert cache_io.read(path, cache_io.user_key()) == catalogue.tables()
