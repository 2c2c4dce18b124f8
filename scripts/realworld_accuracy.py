"""Recall and precision on real applications (not part of the default test run).

    python scripts/realworld_accuracy.py MANIFEST CHECKOUTS [--fix-smoke] [-j N] [--keep DIR]

MANIFEST is a JSON list of labelled places in public repositories at pinned commits: each has `repo`,
`commit`, `path`, `line` (where the call starts) and `label` ("positive": personal data reaches an SDK;
"negative": a near miss that must stay quiet; "debatable": reported, not scored).  CHECKOUTS holds one
folder per (repo, commit), named `owner+name@commit[:10]`, with the code at that commit (checked out by
whoever runs this; nothing of it is committed here).

leaklint runs over each checkout from its root, as a user would.  A labelled call counts as reported
when a finding lies on one of the call's lines.  With --fix-smoke, `check --fix --diff` also runs on
each checkout and every fixed file is compiled: a fix that does not parse is a bug.  `-j N` runs N checkouts
at once (each leaklint run with `--jobs 1`); `--keep DIR` keeps each checkout's JSON findings and run time
there, for judging unlabelled findings later.  A checkout on which leaklint fails is reported and counted as
reporting nothing, and the script then exits 1.
"""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def call_lines(file: Path, line: int) -> range:
    """The lines of the outermost call starting on `line` (just that line when none is found)."""
    try:
        tree = ast.parse(file.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return range(line, line + 1)
    ends = [n.end_lineno for n in ast.walk(tree) if isinstance(n, ast.Call) and n.lineno == line and n.end_lineno]
    return range(line, max(ends, default=line) + 1)


def findings(checkout: Path, keep: Path | None = None) -> tuple[dict[str, set[int]], str | None]:
    """Lines with a finding per file, and the error when leaklint failed on the checkout."""
    start = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "leaklint", "check", ".", "--output-format", "json", "--exit-zero",
                          "--no-cache", "-q", "--jobs", "1"], cwd=checkout, capture_output=True, text=True)
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        (keep / f"{checkout.name}.json").write_text(out.stdout)
        (keep / f"{checkout.name}.seconds").write_text(f"{time.monotonic() - start:.1f}\n")
    if out.returncode != 0:
        return {}, f"leaklint exited {out.returncode}: {out.stderr.strip()[-300:]}"
    lines: dict[str, set[int]] = defaultdict(set)
    for f in json.loads(out.stdout):
        if f["code"] not in ("LL900", "LL901"):
            lines[f["filename"]].update(range(f["location"]["row"], f["end_location"]["row"] + 1))
    return lines, None


def fix_smoke(checkout: Path) -> tuple[int, list[str]]:
    """Fixes `--diff` would apply, and the files whose fixed text would not compile."""
    diff = subprocess.run([sys.executable, "-m", "leaklint", "check", ".", "--diff", "--unsafe-fixes", "--no-cache"],
                          cwd=checkout, capture_output=True, text=True).stdout
    if not diff.strip():
        return 0, []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy"
        subprocess.run(["cp", "-a", str(checkout), str(copy)], check=True)
        patched = subprocess.run(["patch", "-p1", "-s", "-d", str(copy)], input=diff, text=True, capture_output=True)
        if patched.returncode != 0:
            return diff.count("\n+++ "), [f"patch failed: {patched.stdout}{patched.stderr}".strip()]
        broken = []
        for header in (line for line in diff.splitlines() if line.startswith("+++ ")):
            name = header[4:].split("\t")[0].removeprefix("b/")
            try:
                compile((copy / name).read_bytes(), name, "exec", dont_inherit=True)
            except SyntaxError as err:
                broken.append(f"{name}: {err}")
        return diff.count("\n+++ ") + diff.startswith("+++ "), broken


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("manifest", type=Path)
    parser.add_argument("checkouts", type=Path)
    parser.add_argument("--fix-smoke", action="store_true")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="checkouts run at once")
    parser.add_argument("--keep", type=Path, help="folder for each checkout's JSON findings and run time")
    args = parser.parse_args()
    cases = json.loads(args.manifest.read_text())
    keys = sorted({(c["repo"], c["commit"]) for c in cases})
    folders = {key: args.checkouts / f"{key[0].replace('/', '+')}@{key[1][:10]}" for key in keys}
    with ThreadPoolExecutor(max(1, args.jobs)) as pool:
        results = dict(zip(keys, pool.map(lambda key: findings(folders[key], args.keep), keys)))
    scores: dict[str, list[bool]] = defaultdict(list)
    problems = 0
    for key in keys:
        checkout = folders[key]
        found, error = results[key]
        if error:
            problems += 1
            print(f"FAILED    {key[0]}@{key[1][:10]}: {error}")
        for case in (c for c in cases if (c["repo"], c["commit"]) == key):
            span = call_lines(checkout / case["path"], case["line"])
            hit = bool(found.get(case["path"], set()) & set(span))
            scores[case["label"]].append(hit)
            print(f"{case['label']:9} {'reported' if hit else 'quiet   '} {key[0]} {case['path']}:{case['line']}")
        if args.fix_smoke:
            fixed, broken = fix_smoke(checkout)
            problems += len(broken)
            print(f"fixes     {fixed} files would change, {len(broken)} would not parse {broken or ''}")
    positives, negatives = scores["positive"], scores["negative"]
    true_pos, false_pos = sum(positives), sum(negatives)
    print(f"\nrecall    {true_pos}/{len(positives)} positives reported")
    print(f"precision {true_pos}/{true_pos + false_pos} of the labelled calls reported were positives "
          f"({false_pos} of {len(negatives)} negatives reported)")
    print(f"debatable {sum(scores['debatable'])}/{len(scores['debatable'])} reported")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
