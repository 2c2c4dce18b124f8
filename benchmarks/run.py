"""Side-by-side benchmark: leaklint against Semgrep (and the read-every-file floor) on real applications,
a synthetic analytics-heavy project, and generated projects of growing size.

    python benchmarks/run.py [--only real|synthetic|scale] [--app NAME=PATH] [--repeat 3] [--jobs 2]
                             [--identical] [--baseline CHECKOUT] [--docs]

Real applications: pretix and weblate from their wheels on the package index (`--index-apps`), and any
folder given with `--app NAME=PATH` (a checkout, or a package folder); each is copied or unpacked into
benchmarks/.work/trees/ (never committed), so the original is never edited.  For each tree: the read floor,
leaklint cold (no cache), its first run writing the cache, warm, one changed file with a warm cache, one file
of a project never seen before (cold cache, that file alone, as pre-commit with a fresh cache), and Semgrep
given the same files (leaklint's discovery: exclusions and .gitignore).  Wall time, CPU time (user + system)
and peak RSS come from wait4; medians of `--repeat` runs.  Each leaklint figure is printed next to its
acceptance target (measure.py).  A tool that fails on a tree is reported and the run goes on.

Scale (`--scale-sizes`): cold time per file of generated projects (benchmarks/synthetic.py), and the
largest of them with each of `--compare-jobs`.  `--identical` also compares, on each tree, the findings of a
normal run with those of `LEAKLINT_EXHAUSTIVE=1 LEAKLINT_LITE=0` (benchmarks/identical.py).

Writes benchmarks/results/results.json, apps.png and scale.png (or into `--out`); `--docs` also writes the
tables into docs/performance.md and the charts into docs/img/.  Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

import identical
import report
from measure import ENV, LEAKLINT, ToolFailed, measure, ratios, summarise, table
from synthetic import generate
from trees import Tree, checked_files, from_folder, from_index, largest, most_reported

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
DOCS = HERE.parent / "docs"

# Patterns quoted: a bare `{..., "email": $X}` is a YAML mapping, and Semgrep would reject the file.
SEMGREP_RULES = """\
rules:
  - id: pii-to-analytics
    languages: [python]
    severity: ERROR
    message: personal data sent to an analytics SDK
    pattern-either:
      - pattern: '$C.track(..., {..., "email": $X, ...}, ...)'
      - pattern: '$C.identify(..., {..., "email": $X, ...}, ...)'
      - pattern: '$C.people_set(..., {..., "$email": $X, ...}, ...)'
      - pattern: '$C.capture(..., properties={..., "email": $X, ...}, ...)'
      - pattern: '$F(..., email=$X, ...)'
"""

FLOOR = ("import pathlib, sys\n"
         "n = sum(len(p.read_bytes()) for t in sys.argv[1:] for p in pathlib.Path(t).rglob('*.py'))\n")
HAS_MODULE = "import importlib.util, sys\nsys.exit(0 if importlib.util.find_spec(sys.argv[1]) else 1)\n"
FIRST_RUN = "leaklint first run (writes the cache)"


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def peers_python(peers: Path, bandit: bool) -> Path:
    """The peers' Python (Semgrep, matplotlib, and Bandit if asked), installing what it lacks."""
    python = peers / "bin" / "python"
    if not python.exists():
        venv.create(peers, with_pip=True)
    wanted = ["semgrep", "matplotlib", *(["bandit"] if bandit else [])]
    missing = [name for name in wanted if subprocess.run([str(python), "-c", HAS_MODULE, name]).returncode]
    if missing:
        progress(f"installing {', '.join(missing)} into {peers}")
        if subprocess.run([str(python), "-m", "pip", "install", "-q", *missing]).returncode:
            progress(f"could not install {', '.join(missing)}: their rows fail and charts may be missing")
    return python


def baseline_env(checkout: Path) -> dict:
    """The environment that runs the leaklint of another checkout instead of this one."""
    paths = [str(checkout / "src"), str(checkout / "runtime" / "src")]
    return {**ENV, "PYTHONPATH": os.pathsep.join(paths)}


def timed(rows: dict, name: str, command: list[str], repeat: int, tree: Tree, *, before=None, env=None,
          ok_codes=(0,)) -> None:
    """Median of `repeat` runs of `command` in the tree's root into rows[name], or the error it gave."""
    samples = []
    try:
        for i in range(repeat):
            if before:
                before()
            samples.append(measure(command, tree.root, env or ENV, ok_codes=ok_codes))
            progress(f"  {tree.name}: {name} {i + 1}/{repeat}: {samples[-1].wall_s:.2f} s")
    except (ToolFailed, OSError) as exc:
        rows[name] = {"error": str(exc)}
        progress(f"  {tree.name}: {name} FAILED: {exc}")
        return
    rows[name] = summarise(samples)


def first_run(rows: dict, tree: Tree, command: list[str]) -> list[dict] | None:
    """Time the run that writes the cache (once), keeping its findings; None if it failed."""
    out = WORK / "findings.json"
    try:
        with open(out, "wb") as handle:
            rows[FIRST_RUN] = summarise([measure([*command, "--output-format", "json"], tree.root, ENV, handle)])
        return json.loads(out.read_text())
    except (ToolFailed, OSError, ValueError) as exc:
        rows[FIRST_RUN] = {"error": str(exc)}
        progress(f"  {tree.name}: {FIRST_RUN} FAILED: {exc}")
        return None


def clear_caches(root: Path) -> None:
    """Every project's cache under `root`: a tree may hold several projects (polar's `server/`), each
    caching at its own root, and a run that leaves one behind is not cold."""
    for cache in list(root.rglob(".leaklint_cache")):
        shutil.rmtree(cache, ignore_errors=True)


def bench_tree(tree: Tree, args, peers_bin: Path) -> dict:
    files = checked_files(tree)
    progress(f"{tree.name}: {len(files)} files in {tree.root}")
    if not files:
        raise ValueError("no Python files to check")
    rows: dict[str, dict] = {}
    jobs = ["--jobs", str(args.jobs)]
    def clear() -> None:
        clear_caches(tree.root)

    check = [*LEAKLINT, "check", *tree.targets, "-q", "--exit-zero", *jobs]
    timed(rows, "read floor", [sys.executable, "-c", FLOOR, *tree.targets], args.repeat, tree)
    timed(rows, "leaklint cold", [*check, "--no-cache"], args.repeat, tree, before=clear)
    if args.baseline:
        timed(rows, "baseline cold", [*check, "--no-cache"], args.repeat, tree, before=clear,
              env=baseline_env(args.baseline))
    clear()
    findings = first_run(rows, tree, check)
    changed = tree.changed or most_reported(findings or [], files) or largest(tree, files)
    progress(f"  {tree.name}: the changed and unseen file is {changed}")
    one_file = [*LEAKLINT, "check", changed, "-q", "--exit-zero", *jobs]

    def edit() -> None:  # the pre-commit case: one file edited since the last run
        with open(tree.root / changed, "a") as handle:
            handle.write("\n# edited\n")

    if findings is None:
        rows["leaklint warm"] = rows["leaklint one changed file"] = {"error": "no cache: the first run failed"}
    else:
        timed(rows, "leaklint warm", check, args.repeat, tree)
        timed(rows, "leaklint one changed file", one_file, args.repeat, tree, before=edit)
    timed(rows, "leaklint one unseen file", one_file, args.repeat, tree, before=clear)
    semgrep = peers(rows, tree, files, args, peers_bin)
    return {"name": tree.name, "files": len(files), "targets": tree.targets, "changed": changed,
            "findings": None if findings is None else len(findings), "semgrep": semgrep, "rows": rows,
            "ratios": ratios(rows)}


def peers(rows: dict, tree: Tree, files: list[str], args, peers_bin: Path) -> dict:
    """Time Semgrep (and Bandit if asked) on exactly `files`; what Semgrep says it scanned and found."""
    semgrep_out = WORK / "semgrep.json"
    semgrep_out.unlink(missing_ok=True)
    timed(rows, "semgrep", [str(peers_bin / "semgrep"), "--config", str(WORK / "semgrep-rules.yaml"), "--metrics=off",
                            "--disable-version-check", "--quiet", "--jobs", str(args.jobs), "--json", "--output",
                            str(semgrep_out), *files], args.repeat, tree)
    if args.bandit:
        timed(rows, "bandit", [str(peers_bin / "bandit"), "-q", "-f", "json", *files], args.repeat, tree,
              ok_codes=(0, 1))
    return semgrep_output(semgrep_out, rows)


def semgrep_output(out: Path, rows: dict) -> dict:
    """How many files Semgrep says it scanned (to confirm it had the same files) and its findings; when it
    failed, its first error (it writes them to its JSON output, not to stderr) is added to the row."""
    try:
        output = json.loads(out.read_text())
        if "error" in rows.get("semgrep", {}) and output.get("errors"):
            rows["semgrep"]["error"] += ": " + output["errors"][0]["message"].splitlines()[0]
        return {"scanned": len(output["paths"]["scanned"]), "findings": len(output["results"])}
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return {}


def generated(root: Path, modules: int) -> Path:
    """A generated project of `modules` modules in `root`, made again only if missing (generation is fixed)."""
    stamp = root / "shape.json"
    if not stamp.exists():
        shutil.rmtree(root, ignore_errors=True)
        stamp.parent.mkdir(parents=True)
        shape = generate(root, modules, share=0.2)
        stamp.write_text(json.dumps(shape))
    return root


def scale_entry(modules: int, jobs: int, args) -> dict:
    """A cold run of the generated project of `modules` modules with `jobs` jobs, and its time per file."""
    tree = Tree(f"{modules} modules", generated(WORK / "scale" / str(modules), modules), ["synth"])
    files = len(checked_files(tree))
    rows: dict = {}
    timed(rows, f"cold, --jobs {jobs}", [*LEAKLINT, "check", "synth", "-q", "--exit-zero", "--no-cache", "--jobs",
                                         str(jobs)], args.repeat, tree)
    entry = {"modules": modules, "files": files, "jobs": jobs, **rows.popitem()[1]}
    if "wall_s" in entry:
        entry.update(wall_ms=round(entry["wall_s"] / files * 1000, 3), cpu_ms=round(entry["cpu_s"] / files * 1000, 3))
    return entry


def bench_scale(args) -> dict:
    """Cold time per file for each size, and the largest size with each of the compared job counts."""
    sizes = [scale_entry(modules, args.jobs, args) for modules in args.scale_sizes]
    top = max(sizes, key=lambda entry: entry["modules"])
    compared = [top if jobs == args.jobs else scale_entry(top["modules"], jobs, args)
                for jobs in sorted(set(args.compare_jobs))]
    return {"jobs": args.jobs, "sizes": sizes, "jobs_compared": compared}


def app_trees(args) -> list[Tree]:
    """The real applications; one that cannot be fetched or copied is reported and left out."""
    sources = [(name, None) for name in args.index_apps] + args.app
    out = []
    for name, path in sources:
        try:
            out.append(from_index(name, name, WORK) if path is None else from_folder(name, path, WORK))
        except (ValueError, OSError) as exc:
            progress(f"{name}: left out: {exc}")
    return out


def synthetic_tree(modules: int) -> Tree:
    root = WORK / "synthetic"
    shutil.rmtree(root, ignore_errors=True)
    shape = generate(root, modules, share=0.2)
    changed = next(p for p in sorted((root / "synth" / "mods").glob("*.py")) if "wrap" in p.read_text())
    return Tree(f"synthetic ({shape['modules']} modules, 20% analytics)", root, ["synth"],
                str(changed.relative_to(root)))


def app_option(text: str) -> tuple[str, Path]:
    name, sep, path = text.partition("=")
    if not sep or not name or not path:
        raise argparse.ArgumentTypeError(f"'{text}': give NAME=PATH")
    return name, Path(path).expanduser().absolute()


def numbers(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        values = []
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"'{text}': give positive numbers separated by commas")
    return values


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=["real", "synthetic", "scale"],
                        help="run only these parts (repeatable; default: all)")
    parser.add_argument("--app", action="append", type=app_option, default=[], metavar="NAME=PATH",
                        help="a real application's folder (repeatable)")
    parser.add_argument("--index-apps", type=lambda t: [n for n in t.split(",") if n], default=["pretix", "weblate"],
                        metavar="NAMES", help="applications whose wheels are fetched (default: pretix,weblate; '' for none)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--modules", type=int, default=2000, help="modules of the synthetic project")
    parser.add_argument("--scale-sizes", type=numbers, default=[1000, 5000, 20000], metavar="N,N,...")
    parser.add_argument("--compare-jobs", type=numbers, default=[1, 2], metavar="N,N,...",
                        help="job counts timed on the largest scale size")
    parser.add_argument("--identical", action="store_true", help="compare findings with the reference path (LEAKLINT_EXHAUSTIVE=1 LEAKLINT_LITE=0) too")
    parser.add_argument("--no-timing", action="store_true", help="with --identical: compare only, time nothing")
    parser.add_argument("--bandit", action="store_true", help="time Bandit too (slow)")
    parser.add_argument("--baseline", type=Path, help="another leaklint checkout, timed cold in the same run")
    parser.add_argument("--peers", type=Path, default=WORK / "peers", help="a venv with (or for) semgrep and matplotlib")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="where results.json and the charts go")
    parser.add_argument("--docs", action="store_true", help="write the tables and charts into docs/ too")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.jobs < 1:
        parser.error("--repeat and --jobs must be at least 1")
    if args.baseline and not (args.baseline / "src" / "leaklint").is_dir():
        parser.error(f"--baseline {args.baseline}: no src/leaklint there")
    args.only = set(args.only or ["real", "synthetic", "scale"])
    return args


def carry_over(results: dict, previous_file: Path) -> None:
    """A run of some parts (`--only real`) keeps the other parts of the last results, each marked with
    when and at which commit it was measured, so that the docs never lose a section."""
    try:
        previous = json.loads(previous_file.read_text())
    except (OSError, ValueError):
        return
    when = previous.get("machine", {})
    names = {tree["name"] for tree in results["trees"]}
    results["trees"] += [{**tree, "measured": tree.get("measured", when)} for tree in previous.get("trees", [])
                         if tree["name"] not in names]
    if "scale" not in results and previous.get("scale"):
        results["scale"] = {**previous["scale"], "measured": previous["scale"].get("measured", when)}


def machine() -> dict:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True)
    return {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpus": len(os.sched_getaffinity(0)),
            "load": round(os.getloadavg()[0], 2), "commit": commit.stdout.strip() or "unknown",
            "python": sys.version.split()[0]}


def print_tree(result: dict) -> None:
    semgrep = result["semgrep"]
    print(f"\n{result['name']}: {result['files']} files, {result['findings']} findings; Semgrep scanned "
          f"{semgrep.get('scanned', '?')} files, {semgrep.get('findings', '?')} findings; "
          f"changed file {result['changed']}")
    print("\n".join(table(result["rows"])))
    for name, value in result["ratios"].items():
        print(f"  {name:38} {value:8}")


def main(argv=None) -> None:
    args = parse_args(argv)
    WORK.mkdir(exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (WORK / "semgrep-rules.yaml").write_text(SEMGREP_RULES)
    python = peers_python(args.peers, args.bandit)
    for checkout in (HERE.parent, args.baseline):  # no run pays for compiling leaklint's modules
        if checkout:
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(checkout / "src")], check=True, env=ENV)
    results: dict = {"machine": machine(), "repeat": args.repeat, "jobs": args.jobs, "trees": [], "identical": {}}
    trees = (app_trees(args) if "real" in args.only else []) + \
            ([synthetic_tree(args.modules)] if "synthetic" in args.only else [])
    for tree in trees:
        if not args.no_timing:
            try:
                result = bench_tree(tree, args, python.parent)
                print_tree(result)
            except (ValueError, OSError) as exc:
                result = {"name": tree.name, "error": str(exc), "rows": {}}
                print(f"\n{tree.name}: failed: {exc}")
            results["trees"].append(result)
        if args.identical:
            progress(f"{tree.name}: comparing with the reference path")
            try:
                outcome = identical.compare(tree.targets, tree.root, args.jobs)
                print("\n".join(identical.report(tree.name, outcome)))
            except (ToolFailed, ValueError) as exc:
                outcome = {"error": str(exc)}
                print(f"{tree.name}: the comparison failed: {exc}")
            results["identical"][tree.name] = outcome
    if "scale" in args.only and not args.no_timing:
        results["scale"] = bench_scale(args)
        print("\n" + "\n".join(report.scale_table(results["scale"])))
    carry_over(results, args.out / "results.json")
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    drawn = report.charts(results, python, args.out)
    print(f"\nwrote {args.out / 'results.json'}" + (" and the charts there" if drawn else "; the charts FAILED"))
    if args.docs:
        (DOCS / "img").mkdir(exist_ok=True)
        report.charts(results, python, DOCS / "img")
        report.update_docs(DOCS / "performance.md", report.markdown(results))
        print(f"wrote the tables into {DOCS / 'performance.md'} and the charts into {DOCS / 'img'}")


if __name__ == "__main__":
    main()
