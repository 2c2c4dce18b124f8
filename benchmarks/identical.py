"""Whether a normal run finds exactly what the engine's reference path finds (`LEAKLINT_EXHAUSTIVE=1`:
every module walked again in every round of the project index; `LEAKLINT_LITE=0`: every module parsed
with libcst, none as a lite tree).

    python benchmarks/identical.py PATH [PATH ...] [--jobs 2]

Each run is `leaklint check PATH --output-format json --no-cache`; the two lists of findings are compared
as sorted lists, and every finding only one of them has is printed.  Exit status 1 when they differ.
`benchmarks/run.py --identical` does the same for each tree it benchmarks.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import tempfile
from pathlib import Path

from measure import ENV, LEAKLINT, Sample, ToolFailed, measure, summarise

SHOWN = 20  # differences printed per side


def findings_of(command: list[str], cwd: Path | None, env: dict) -> tuple[list[dict], Sample]:
    with tempfile.TemporaryFile() as out:
        sample = measure(command, cwd, env, stdout=out)
        out.seek(0)
        return json.load(out), sample


def differences(normal: list[dict], exhaustive: list[dict]) -> tuple[list[dict], list[dict]]:
    """The findings only the normal run has and those only the exhaustive one has (as multisets), sorted."""
    def counted(findings: list[dict]) -> collections.Counter:
        return collections.Counter(json.dumps(f, sort_keys=True) for f in findings)

    a, b = counted(normal), counted(exhaustive)
    return [json.loads(k) for k in sorted((a - b).elements())], [json.loads(k) for k in sorted((b - a).elements())]


def compare(targets: list[str], cwd: Path | None = None, jobs: int = 2) -> dict:
    """Both runs over `targets` (relative to `cwd`); ToolFailed if either fails."""
    command = [*LEAKLINT, "check", *targets, "--output-format", "json", "--no-cache", "--exit-zero", "-q",
               "--jobs", str(jobs)]
    normal, normal_sample = findings_of(command, cwd, ENV)
    reference = {**ENV, "LEAKLINT_EXHAUSTIVE": "1", "LEAKLINT_LITE": "0"}
    exhaustive, exhaustive_sample = findings_of(command, cwd, reference)
    only_normal, only_exhaustive = differences(normal, exhaustive)
    return {"identical": not only_normal and not only_exhaustive, "findings": len(normal),
            "only normal": only_normal, "only exhaustive": only_exhaustive,
            "normal": summarise([normal_sample]), "exhaustive": summarise([exhaustive_sample])}


def describe(finding: dict) -> str:
    where = finding.get("location", {})
    return f"{finding.get('filename')}:{where.get('row')}:{where.get('column')} {finding.get('code')} " \
           f"{finding.get('message')}"


def report(name: str, result: dict) -> list[str]:
    """What the comparison found, as lines to print."""
    timing = f"(normal {result['normal']['wall_s']:.2f} s, exhaustive {result['exhaustive']['wall_s']:.2f} s)"
    if result["identical"]:
        return [f"{name}: identical, {result['findings']} findings {timing}"]
    lines = [f"{name}: DIFFERENT {timing}"]
    for side in ("only normal", "only exhaustive"):
        found = result[side]
        lines.append(f"  {side}: {len(found)}")
        lines += [f"    {describe(f)}" for f in found[:SHOWN]]
        if len(found) > SHOWN:
            lines.append(f"    ... and {len(found) - SHOWN} more")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description="Compare leaklint's findings with its exhaustive reference path.")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    different = False
    for path in args.paths:
        try:
            result = compare([path], jobs=args.jobs)
        except (ToolFailed, json.JSONDecodeError) as exc:
            print(f"{path}: leaklint failed: {exc}")
            different = True
            continue
        print("\n".join(report(path, result)))
        different = different or not result["identical"]
    sys.exit(1 if different else 0)


if __name__ == "__main__":
    main()
