"""A baseline names findings by their files' paths in the repository: written at the top, it hides the same
findings from a subfolder and in a checkout at another path.  A baseline leaklint 0.2 wrote at the top
(paths relative to the folder it ran in, the same there) still hides them; one it wrote in a subfolder
cannot, and reading it says so."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import run_cli
from leaklint.findings import fingerprint

TRACK = """\
import mixpanel

mp = mixpanel.Mixpanel("token")


def signup(user):
    mp.track(user.id, "signup", {"email": user.email})
    mp.people_set(user.id, {"$phone": user.phone})
"""

NEW_LEAK = """\
import mixpanel


def seen(user):
    mixpanel.Mixpanel("token").track(user.id, "seen", {"email": user.email})
"""


def v02(*entries: tuple[str, str, str]) -> str:
    """A baseline as leaklint 0.2.0 wrote it for TRACK (its hashes, computed by that version)."""
    listed = ",\n".join(f'    {{"path": "{p}", "code": "{c}", "hash": "{h}", "count": 1}}' for p, c, h in entries)
    return f'{{\n  "tool": "leaklint",\n  "version": 2,\n  "findings": [\n{listed}\n  ]\n}}\n'


V02_AT_THE_TOP = v02(("backend/app/track.py", "LL001", "2f2ea4b5f482d3c30dbd0af0db4e8d5d"),
                     ("backend/app/track.py", "LL004", "9693a83f1d968a88c987d531ed454597"))
V02_IN_BACKEND = v02(("app/track.py", "LL001", "1433bfee596fe15fefdc5d754e47a3bf"),
                     ("app/track.py", "LL004", "e990434ab73898c0e570902768018655"))
HIDDEN = "All checks passed (1 file); 2 findings hidden by baseline.\n"


def repository(top: Path) -> Path:
    """A repository whose Python project is in backend/ (its pyproject.toml there, not at the top)."""
    (top / ".git").mkdir(parents=True)
    (top / "backend/app").mkdir(parents=True)
    (top / "backend/pyproject.toml").write_text("")
    (top / "backend/app/track.py").write_text(TRACK)
    return top


def check(cwd: Path, *args: str):
    return run_cli("check", "--no-cache", *args, cwd=cwd)


def test_a_baseline_written_at_the_top_hides_the_same_findings_from_a_subfolder(tmp_path):
    top = repository(tmp_path / "repo")
    assert check(top, ".", "--write-baseline", "base.json").returncode == 0
    entries = json.loads((top / "base.json").read_text())["findings"]
    assert [(e["path"], e["code"]) for e in entries] == [("backend/app/track.py", "LL001"),
                                                         ("backend/app/track.py", "LL004")]
    for cwd, baseline in ((top, "base.json"), (top / "backend", "../base.json"), (top / "backend/app", "../../base.json")):
        result = check(cwd, ".", "--baseline", baseline)
        assert (result.returncode, result.stdout, result.stderr) == (0, "", HIDDEN), cwd


def test_a_baseline_hides_the_same_findings_in_a_checkout_at_another_path(tmp_path):
    top = repository(tmp_path / "repo")
    check(top / "backend", ".", "--write-baseline", "../base.json")   # written in a subfolder, too
    copy = shutil.copytree(top, tmp_path / "elsewhere/checkout")
    (copy / "backend/app/seen.py").write_text(NEW_LEAK)
    for cwd in (copy, copy / "backend"):
        result = check(cwd, ".", "--baseline", str(copy / "base.json"))
        assert result.returncode == 1 and result.stdout.count("LL001") == 1 and "seen.py:5:5: LL001" in result.stdout
        assert "2 findings hidden by baseline" in result.stderr


def test_the_fingerprint_is_the_same_from_any_folder(tmp_path, monkeypatch):
    top = repository(tmp_path / "repo")
    monkeypatch.chdir(top)
    at_top = fingerprint("LL001", "backend/app/track.py", "mp.track(user.id, 1)")
    monkeypatch.chdir(top / "backend")
    assert fingerprint("LL001", "app/track.py", "mp.track(user.id,\n    1)") == at_top
    assert fingerprint("LL001", str(top / "backend/app/track.py"), "mp.track(user.id, 1)") == at_top
    assert fingerprint("LL004", "app/track.py", "mp.track(user.id, 1)") != at_top


def test_a_baseline_leaklint_0_2_wrote_at_the_top_still_hides_its_findings(tmp_path):
    top = repository(tmp_path / "repo")
    (top / "old.json").write_text(V02_AT_THE_TOP)
    assert check(top, ".", "--baseline", "old.json").stderr == HIDDEN
    assert check(top / "backend", ".", "--baseline", "../old.json").stderr == HIDDEN   # (0.2 did not hide them)


def test_a_baseline_leaklint_0_2_wrote_in_a_subfolder_says_it_no_longer_matches(tmp_path):
    top = repository(tmp_path / "repo")
    (top / "old.json").write_text(V02_IN_BACKEND)
    result = check(top / "backend", ".", "--baseline", "../old.json")
    assert result.returncode == 1 and result.stdout.count("app/track.py") == 2
    warning = result.stderr.splitlines()[0]
    assert warning.startswith("leaklint: warning: ../old.json: written by leaklint 0.2 in another folder than the "
                              "repository's top (its paths, such as app/track.py, are relative to that folder)")
    assert warning.endswith("write it again with --write-baseline ../old.json")
    # written again there, it matches from there and from the top
    check(top / "backend", ".", "--write-baseline", "../old.json")
    assert check(top / "backend", ".", "--baseline", "../old.json").stderr == HIDDEN
    assert check(top, ".", "--baseline", "old.json").stderr == HIDDEN
