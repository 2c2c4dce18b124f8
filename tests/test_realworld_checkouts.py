"""scripts/realworld_checkouts.py: checkouts at the pinned commit, laid out as the accuracy script reads them."""

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "realworld_checkouts.py"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


def run(*args: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True)


def two_commits(repo: Path) -> str:
    """A repository whose first commit (returned) differs from its second."""
    repo.mkdir(parents=True)
    git(repo, "init", "-q")
    (repo / "app").mkdir()
    (repo / "app" / "track.py").write_text("analytics.track(user.email)\n")
    git(repo, "add", ".")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "one")
    first = git(repo, "rev-parse", "HEAD")
    (repo / "app" / "track.py").write_text("analytics.track(user.id)\n")
    (repo / "later.py").write_text("")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qam", "two")
    return first


def test_checkout_holds_the_pinned_commit_and_is_named_for_the_accuracy_script(tmp_path):
    first = two_commits(tmp_path / "gitdirs" / "acme+shop")
    manifest = tmp_path / "corpus.json"
    manifest.write_text(json.dumps([{"repo": "acme/shop", "commit": first, "line": 1, "label": "positive"}]))
    done = run(manifest, tmp_path / "gitdirs", tmp_path / "checkouts")
    assert done.returncode == 0, done.stderr
    checkout = tmp_path / "checkouts" / f"acme+shop@{first[:10]}"
    assert (checkout / "app" / "track.py").read_text() == "analytics.track(user.email)\n"
    assert not (checkout / "later.py").exists()
    assert not (checkout / ".git").exists()
    again = run(manifest, tmp_path / "gitdirs", tmp_path / "checkouts")
    assert again.returncode == 0 and "present" in again.stdout


def test_missing_clone_and_unknown_commit_fail_without_a_traceback(tmp_path):
    two_commits(tmp_path / "gitdirs" / "acme+shop")
    manifest = tmp_path / "corpus.json"
    pins = [{"repo": "acme/shop", "commit": "0" * 40}, {"repo": "acme/none", "commit": "1" * 40}]
    manifest.write_text(json.dumps(pins))
    done = run(manifest, tmp_path / "gitdirs", tmp_path / "checkouts")
    assert done.returncode == 1
    assert "acme/none: no git directory" in done.stderr and "acme/shop@0000000000" in done.stderr
    assert "Traceback" not in done.stderr
    assert not list((tmp_path / "checkouts").glob("acme+shop@*"))


def test_a_manifest_that_is_not_a_list_of_pins_is_one_line_of_error(tmp_path):
    manifest = tmp_path / "corpus.json"
    for text in ("{}", "[{\"repo\": \"acme\"}]", "not json"):
        manifest.write_text(text)
        done = run(manifest, tmp_path, tmp_path / "checkouts")
        assert done.returncode == 2
        assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: ")
