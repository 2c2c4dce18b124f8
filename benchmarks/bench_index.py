"""The project index on a generated project of 2,000 modules with wrappers: its share of the run.

    python benchmarks/bench_index.py [--modules 2000] [--repeat 3]

Prints the median seconds per phase (read, parse, index rounds, report) and the index's share of the
total, and checks that every generated leak is found.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import generate  # noqa: E402

from leaklint.config import Settings  # noqa: E402
from leaklint.discover import discover  # noqa: E402
from leaklint.engine import Checker  # noqa: E402
from leaklint.project import Project  # noqa: E402


def run_once(root: Path) -> tuple[dict, int, float]:
    start = time.perf_counter()
    checker = Checker(Settings())
    files = discover([root], checker.settings).files
    project = Project.from_files(checker, root, [(f, str(f)) for f in files])
    findings = project.findings()
    return dict(project.timings), len(findings), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--modules", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shape = generate(root, args.modules)
        runs = [run_once(root) for _ in range(args.repeat)]
    phases = {k: statistics.median(r[0].get(k, 0.0) for r in runs) for k in ("read", "parse", "index", "report")}
    total = statistics.median(r[2] for r in runs)
    found = runs[0][1]
    print(f"project: {shape}")
    for name, seconds in phases.items():
        print(f"  {name:7} {seconds:7.3f} s  {seconds / total:6.1%}")
    print(f"  total   {total:7.3f} s   findings {found} (generated leaks {shape['leaks']})")
    print(f"index share of total time: {phases['index'] / total:.1%}")


if __name__ == "__main__":
    main()
