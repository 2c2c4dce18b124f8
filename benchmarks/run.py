"""Side-by-side benchmark: leaklint against Semgrep, Bandit and the read-every-file floor.

    python benchmarks/run.py [--repeat 3] [--modules 2000] [--jobs 2] [--baseline CHECKOUT]

It downloads real code from the package index at run time (Django's source distribution; never
committed), generates the analytics-heavy synthetic project (benchmarks/synthetic.py, fixed seed),
installs the peers (semgrep, bandit, matplotlib) into benchmarks/.work/peers, and times, with medians
of several repetitions, each tool on each tree.  Peak memory is each child's max RSS (from wait4).
The table is printed and written to benchmarks/results/results.json and results.png.
`--baseline` names another checkout of leaklint (e.g. `git worktree add /tmp/base v0.2`): its cold runs are
timed in the same run, so that a change is compared with what it replaces on the same machine state.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
RESULTS = HERE / "results"
PEERS = WORK / "peers"
LEAKLINT = [sys.executable, "-m", "leaklint"]

SEMGREP_RULES = """\
rules:
  - id: pii-to-analytics
    languages: [python]
    severity: ERROR
    message: personal data sent to an analytics SDK
    pattern-either:
      - pattern: $C.track(..., {..., "email": $X, ...}, ...)
      - pattern: $C.identify(..., {..., "email": $X, ...}, ...)
      - pattern: $C.people_set(..., {..., "$email": $X, ...}, ...)
      - pattern: $C.capture(..., properties={..., "email": $X, ...}, ...)
      - pattern: $F(..., email=$X, ...)
"""

FLOOR = "import pathlib, sys\nn = sum(len(p.read_bytes()) for p in pathlib.Path(sys.argv[1]).rglob('*.py'))\n"


def peers_python() -> Path:
    python = PEERS / "bin" / "python"
    if not python.exists():
        venv.create(PEERS, with_pip=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "semgrep", "bandit", "matplotlib"], check=True)
    return python


def fetch_django() -> Path:
    target = WORK / "django"
    if target.exists():
        return target
    download = WORK / "download"
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-binary", ":all:", "--no-deps",
                    "django", "-d", str(download)], check=True)
    archive = next(download.glob("[Dd]jango-*.tar.gz"))
    with tarfile.open(archive) as tar:
        tar.extractall(WORK / "django-src", filter="data")
    shutil.move(str(next((WORK / "django-src").iterdir())), target)
    return target


# As users run them: with bytecode caches (some CI images set PYTHONDONTWRITEBYTECODE, which makes every
# start-up compile leaklint's modules again).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure(command: list[str], cwd: Path | None = None, env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process (and its workers)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=env or ENV)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def median_run(command: list[str], repeat: int, before=None, cwd: Path | None = None, env: dict | None = None) -> dict:
    walls, mems = [], []
    for _ in range(repeat):
        if before:
            before()
        wall, mem = measure(command, cwd, env)
        walls.append(wall)
        mems.append(mem)
    return {"wall_s": round(statistics.median(walls), 3), "peak_mb": round(max(mems), 1)}


def baseline_env(checkout: Path) -> dict:
    """The environment that runs the leaklint of another checkout instead of this one."""
    paths = [str(checkout / "src"), str(checkout / "runtime" / "src")]
    return {**ENV, "PYTHONPATH": os.pathsep.join(paths)}


def bench_tree(name: str, tree: Path, peers: Path, repeat: int, jobs: int, changed: Path | None,
               baseline: Path | None = None) -> dict:
    bin_dir = peers.parent
    rules = WORK / "semgrep-rules.yaml"
    rules.write_text(SEMGREP_RULES)
    cache = tree / ".leaklint_cache"
    clear = lambda: shutil.rmtree(cache, ignore_errors=True)  # noqa: E731
    rows = {
        "read floor": median_run([sys.executable, "-c", FLOOR, str(tree)], repeat),
        "leaklint cold": median_run([*LEAKLINT, "check", str(tree), "-q", "--exit-zero", "--no-cache",
                                     "--jobs", str(jobs)], repeat, before=clear),
        "leaklint cold, 1 job": median_run([*LEAKLINT, "check", str(tree), "-q", "--exit-zero", "--no-cache",
                                            "--jobs", "1"], repeat, before=clear),
    }
    if baseline is not None:
        rows["baseline cold, 1 job"] = median_run([*LEAKLINT, "check", str(tree), "-q", "--exit-zero", "--no-cache",
                                                   "--jobs", "1"], repeat, before=clear, env=baseline_env(baseline))
    subprocess.run([*LEAKLINT, "check", str(tree), "-q", "--exit-zero"], capture_output=True, env=ENV)  # warm the cache
    rows["leaklint warm"] = median_run([*LEAKLINT, "check", str(tree), "-q", "--exit-zero"], repeat)
    if changed is not None:
        def touch() -> None:  # the pre-commit case: one file edited since the last run
            with open(changed, "a") as handle:
                handle.write("\n# edited\n")
        rows["leaklint one changed file"] = median_run(
            [*LEAKLINT, "check", str(changed.relative_to(tree)), "-q", "--exit-zero"], repeat, before=touch, cwd=tree)
    rows["semgrep"] = median_run([str(bin_dir / "semgrep"), "--config", str(rules), "--metrics=off",
                                  "--disable-version-check", "--quiet", "--jobs", str(jobs), str(tree)], repeat)
    rows["bandit"] = median_run([str(bin_dir / "bandit"), "-q", "-r", str(tree), "-f", "json"], repeat)
    return {"tree": name, "files": sum(1 for _ in tree.rglob("*.py")), "rows": rows}


def ratios(result: dict) -> dict:
    rows = result["rows"]
    cold, warm = rows["leaklint cold"]["wall_s"], rows["leaklint warm"]["wall_s"]
    extra = {}
    if "baseline cold, 1 job" in rows:
        extra["cold 1 job / baseline"] = round(rows["leaklint cold, 1 job"]["wall_s"] / rows["baseline cold, 1 job"]["wall_s"], 3)
    return {
        **extra,
        "cold / semgrep": round(cold / rows["semgrep"]["wall_s"], 3),
        "cold / bandit": round(cold / rows["bandit"]["wall_s"], 3),
        "cold / read floor": round(cold / rows["read floor"]["wall_s"], 2),
        "warm / read floor": round(warm / rows["read floor"]["wall_s"], 2),
        "warm / cold": round(warm / cold, 3),
    }


def chart(results: list[dict], python: Path) -> None:
    data = json.dumps([{"tree": r["tree"], "rows": r["rows"]} for r in results])
    script = f"""
import json, matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
results = json.loads({data!r})
fig, axes = plt.subplots(1, len(results), figsize=(6 * len(results), 4))
for ax, result in zip(axes if len(results) > 1 else [axes], results):
    names = list(result["rows"])
    ax.barh(names, [result["rows"][n]["wall_s"] for n in names], color="#4a7ab8")
    ax.set_title(result["tree"]); ax.set_xlabel("wall seconds (median)"); ax.invert_yaxis()
fig.tight_layout(); fig.savefig({str(RESULTS / "results.png")!r}, dpi=90)
"""
    subprocess.run([str(python), "-c", script], check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--modules", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--baseline", type=Path, help="another leaklint checkout, timed cold in the same run")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    RESULTS.mkdir(exist_ok=True)
    python = peers_python()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "src")], check=True, env=ENV)
    sys.path.insert(0, str(HERE))
    from synthetic import generate

    synth = WORK / "synthetic"
    shutil.rmtree(synth, ignore_errors=True)
    shape = generate(synth, args.modules, share=0.2)
    changed = next(p for p in sorted((synth / "synth" / "mods").glob("*.py")) if "wrap" in p.read_text())
    results = [bench_tree("django", fetch_django(), python, args.repeat, args.jobs, None, args.baseline),
               bench_tree(f"synthetic ({shape['modules']} modules, 20% analytics)", synth, python, args.repeat,
                          args.jobs, changed, args.baseline)]
    for result in results:
        result["ratios"] = ratios(result)
        print(f"\n{result['tree']} ({result['files']} files)")
        print(f"  {'':28} {'wall s':>8} {'peak MB':>8}")
        for name, row in result["rows"].items():
            print(f"  {name:28} {row['wall_s']:8.3f} {row['peak_mb']:8.1f}")
        for name, value in result["ratios"].items():
            print(f"  {name:28} {value:8}")
    (RESULTS / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    chart(results, python)
    print(f"\nwrote {RESULTS / 'results.json'} and {RESULTS / 'results.png'}")


if __name__ == "__main__":
    main()
