"""Real-world smoke test (not part of the default test run): leaklint over large, popular packages.

    python scripts/smoke_realworld.py [--packages django sqlalchemy ...] [--work DIR]

Downloads each package's source distribution from the package index (never committed), runs
`leaklint check` and `leaklint check --fix --diff` over it, and prints files, findings, unreadable
files (LL900), internal errors (LL902), fixes that would not parse, and wall time per package.
Any internal error, crash or non-parsing fix is a bug; the exit code is 1 when there is one.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

DEFAULT = ["django", "sqlalchemy", "sympy", "twisted", "pip", "setuptools"]


def fetch(package: str, work: Path) -> Path:
    target = work / package
    if target.exists():
        return target
    download = work / "download" / package
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-binary", ":all:", "--no-deps", package,
                    "-d", str(download)], check=True)
    archive = next(download.iterdir())
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as z:
            z.extractall(target)
    else:
        with tarfile.open(archive) as tar:
            tar.extractall(target, filter="data")
    return target


def run(args: list[str]) -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "leaklint", *args], capture_output=True, text=True)
    return result, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--packages", nargs="*", default=DEFAULT)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "leaklint-smoke")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    rows, bad = [], 0
    for package in args.packages:
        tree = fetch(package, args.work)
        files = sum(1 for _ in tree.rglob("*.py"))
        check, seconds = run(["check", str(tree), "--no-cache", "-q", "--exit-zero"])
        diff, diff_seconds = run(["check", str(tree), "--no-cache", "-q", "--diff"])
        lines = check.stdout.splitlines()
        crashed = check.returncode not in (0, 1) or "Traceback" in check.stderr + diff.stderr \
            or diff.returncode not in (0, 1)
        internal = sum(" LL902 " in line for line in lines)
        unparsable_fixes = diff.stderr.count("would not parse")
        rows.append((package, files, len(lines), sum(" LL900 " in line for line in lines), internal,
                     unparsable_fixes, diff.stdout.count("\n+++ "), seconds, diff_seconds, crashed))
        bad += crashed or internal or unparsable_fixes
        if crashed:
            print(f"{package}: exit {check.returncode}/{diff.returncode}\n{check.stderr}\n{diff.stderr}", file=sys.stderr)
    print(f"{'package':12} {'files':>6} {'findings':>8} {'LL900':>6} {'LL902':>6} {'bad fix':>7} {'fixed files':>11} "
          f"{'check s':>8} {'diff s':>7} crash")
    for row in rows:
        print(f"{row[0]:12} {row[1]:6} {row[2]:8} {row[3]:6} {row[4]:6} {row[5]:7} {row[6]:11} {row[7]:8.2f} "
              f"{row[8]:7.2f} {'yes' if row[9] else 'no'}")
    print(f"{'total':12} {sum(r[1] for r in rows):6} {sum(r[2] for r in rows):8}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
