"""What a cold run parses, and how much of that parse serves a module with a finding.

    python benchmarks/parse_share.py path/to/project [more projects ...]

Give each project's root (the folder of its `pyproject.toml`, as `leaklint check` finds it), since the
module names, and so what is parsed, follow from it.

For each project: one cold run in this process (one job, no cache); then each file it parsed is parsed
again, once by leaklint (libcst, after CPython's parser has vetted the text) and once by CPython's parser
alone (the peer), timed on the same texts in the same run.  The files are split into those the run
reported something in and those that only fed the project index.  This is the figure behind the next step
of "pay only for what can matter": a cheaper first pass for the modules that only feed the index would
save leaklint's parse of the second group, less the peer's time.
"""

from __future__ import annotations

import argparse
import ast
import sys
import time
from pathlib import Path

from leaklint.analysis import parse_text
from leaklint.collector import collector_off
from leaklint.config import Settings
from leaklint.discover import discover
from leaklint.engine import Checker
from leaklint.project import Project
from leaklint.source import Unreadable

def cold_run(root: Path) -> tuple[list[str], set[int], dict]:
    """The texts a cold one-job run of `root` parsed, the positions among them of those it reported
    something in, and its phases' seconds.  Only the texts are kept: the trees are freed before the
    parsers are timed."""
    checker = Checker(Settings())   # the default settings, as `bench_index.py` (the apps measured have none)
    files = discover([root], checker.settings).files
    project = Project.from_files(checker, root, [(f, str(f)) for f in files])
    project.findings()
    share = project.shares.local
    parsed = [s for s in share.sources.values() if s.module is not None]
    reported = {i for i, s in enumerate(parsed) if share.reports.get(s.display)}
    return [s.text for s in parsed], reported, dict(project.timings)


def seconds(parse, texts: list[str]) -> list[float]:
    """Seconds to parse each text; a text the parser refuses counts as parsed."""
    out = []
    for text in texts:
        start = time.perf_counter()
        try:
            parse(text)
        except (SyntaxError, ValueError, Unreadable):
            pass
        out.append(time.perf_counter() - start)
    return out


def measure(root: Path) -> dict:
    # The collector off, as in a run: with it on, timing a parse among the trees of a whole project
    # measures the collector's scans of them
    with collector_off():
        texts, reported, phases = cold_run(root)
        leaklint = seconds(parse_text, texts)
        cpython = seconds(lambda text: compile(text, "<source>", "exec", ast.PyCF_ONLY_AST, dont_inherit=True), texts)
    return {
        "files": len(texts), "mb": sum(map(len, texts)) / 1e6, "phases": phases,
        "leaklint": sum(leaklint), "cpython": sum(cpython),
        "reported": len(reported), "leaklint reported": sum(leaklint[i] for i in reported),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("roots", nargs="+", type=Path)
    args = parser.parse_args(argv)
    print("| project | files parsed | MB | leaklint parse s | CPython s | ratio | files with findings | "
          "their share of the parse | run's phases s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for root in args.roots:
        row = measure(root.resolve())
        phases = ", ".join(f"{name} {value:.2f}" for name, value in row["phases"].items())
        share = row["leaklint reported"] / row["leaklint"] if row["leaklint"] else 0.0
        ratio = row["leaklint"] / row["cpython"] if row["cpython"] else float("inf")
        print(f"| {root.name} | {row['files']} | {row['mb']:.1f} | {row['leaklint']:.2f} | {row['cpython']:.2f} | "
              f"{ratio:.1f} | {row['reported']} | {share:.0%} | {phases} |")
    return 0


if __name__ == "__main__":
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))
    sys.exit(main())
