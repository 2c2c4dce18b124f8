"""`leaklint inventory --diff <git-ref>` on a temporary git repository: a commit's flows against the working
tree's, as lines, Markdown and the GitHub step summary."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run_cli
from test_project import write_tree

VIEWS = """
    from segment import analytics

    def signed_up(user):
        analytics.identify(user.pk, {"email": user.email})
"""
BILLING = """
    from segment import analytics

    def paid(user, card):
        analytics.track(user.pk, "Paid", {"amount": card.amount})
"""


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=root, check=True,
                   capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    write_tree(tmp_path, {"pyproject.toml": "[tool.leaklint]\n", "shop/__init__.py": "", "shop/views.py": VIEWS,
                          "shop/billing.py": BILLING})
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "start")
    return tmp_path


def test_a_change_that_adds_a_flow_shows_it_appearing(repo):
    # a line added above moves the email flow: it neither appears nor disappears
    (repo / "shop" / "views.py").write_text("# moved\n" + (repo / "shop" / "views.py").read_text())
    write_tree(repo, {"shop/billing.py": BILLING.replace('{"amount": card.amount}',
                                                         '{"amount": card.amount, "phone": user.phone}')})
    result = run_cli("inventory", "--diff", "main", "-j", "1", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ("+ starts sending phone number to Segment (product analytics) from "
                             "shop/billing.py:4 [LL004]\n")


def test_a_removed_flow_disappears_and_markdown_and_step_summary_say_so(repo, tmp_path_factory):
    write_tree(repo, {"shop/views.py": VIEWS.replace("user.email", "user.plan"),
                      "shop/billing.py": BILLING.replace('"amount": card.amount', '"email": user.email')})
    summary = tmp_path_factory.mktemp("ci") / "summary.md"
    summary.write_text("earlier step\n")
    result = subprocess.run([sys.executable, "-m", "leaklint", "inventory", "--diff", "HEAD", "--format", "markdown",
                             "-j", "1"], cwd=repo, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "## Personal data flows changed since `HEAD`\n\n"
        "**Appear** (1)\n\n"
        "- This change starts sending **email** to **Segment** (product analytics) from `shop/billing.py:4` "
        "(reported, LL001)\n\n"
        "**Disappear** (1)\n\n"
        "- This change stops sending **email** to **Segment** (product analytics) from `shop/views.py:4` "
        "(reported, LL001)\n")
    assert summary.read_text() == "earlier step\n" + result.stdout + "\n"


def test_no_change_says_so(repo):
    result = run_cli("inventory", "--diff", "main", cwd=repo)
    assert result.stdout == "No flow of personal data appears or disappears since main.\n"


def test_the_ref_tree_is_analysed_not_run(repo):
    # code in the revision that would write a file if it were imported or run
    write_tree(repo, {"shop/boom.py": "open('ran.txt', 'w').write('ran')\n", "setup.py": "open('ran.txt', 'w')\n"})
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "boom")
    assert run_cli("inventory", "--diff", "HEAD~1", "-j", "1", cwd=repo).returncode == 0
    assert not list(repo.rglob("ran.txt"))


@pytest.mark.parametrize("args, message", [
    (["--diff", "no-such-branch"], "unknown git revision 'no-such-branch'"),
    (["--diff", "main", "--format", "html"], "--diff prints lines"),
])
def test_a_bad_diff_is_a_one_line_error(repo, args, message):
    result = run_cli("inventory", *args, cwd=repo)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1 and message in result.stderr, result.stderr


def test_diff_outside_a_git_repository_is_a_one_line_error(tmp_path):
    write_tree(tmp_path, {"app.py": "x = 1\n"})
    result = run_cli("inventory", "--diff", "main", cwd=tmp_path)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1 and "not in a git repository" in result.stderr
