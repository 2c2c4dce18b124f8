from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Fuzz budgets: the default keeps CI fast; `pytest --hypothesis-profile=long` is the nightly run.
_quiet = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]
settings.register_profile("default", max_examples=60, deadline=None, suppress_health_check=_quiet)
# LEAKLINT_FUZZ_EXAMPLES splits a nightly run over processes (run each with its own --hypothesis-seed).
settings.register_profile("long", max_examples=int(os.environ.get("LEAKLINT_FUZZ_EXAMPLES", "10000")), deadline=None,
                          suppress_health_check=_quiet)
settings.load_profile("default")

from leaklint.api import check_text
from leaklint.config import Settings
from leaklint.engine import Checker

ROOT = Path(__file__).resolve().parent.parent


def lint(source: str, settings: Settings | None = None) -> list:
    """Findings for one module's source text."""
    return check_text(source, "example.py", settings)


def check_files(root: Path | None, *files: Path, settings: Settings | None = None) -> list:
    """Findings for some files of a project, with the project indexed as the CLI does it."""
    from leaklint.project import Project

    checker = Checker(settings or Settings())
    return Project.from_files(checker, root, [(f, f.name) for f in files]).findings()


def codes(source: str, settings: Settings | None = None) -> list[str]:
    return [f.code for f in lint(source, settings)]


def run_cli(*args: str, cwd: Path | None = None, stdin: str | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the installed console entry point as a user would (with `env` added to an environment that
    asks for no colour either way, whatever the terminal running the tests says)."""
    environ = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")} | (env or {})
    return subprocess.run([sys.executable, "-m", "leaklint", *args], cwd=cwd, capture_output=True, text=True,
                          input=stdin, timeout=120, env=environ)


@pytest.fixture
def root() -> Path:
    return ROOT
