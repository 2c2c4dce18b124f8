"""The benchmark's results as charts (drawn by matplotlib in the peers' environment, not leaklint's) and as
Markdown tables for docs/performance.md."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from measure import target_text, verdict

# Run by the peers' Python: reads {"results": ..., "out": folder} on stdin, writes apps.png and scale.png.
CHART_SCRIPT = r"""
import json, sys, matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
given = json.load(sys.stdin)
results, out = given["results"], given["out"]
trees = [t for t in results.get("trees", []) if any("wall_s" in r for r in t["rows"].values())]
if trees:
    fig, axes = plt.subplots(1, len(trees), figsize=(6 * len(trees), 0.45 * max(len(t["rows"]) for t in trees) + 1.5),
                             squeeze=False)
    for ax, tree in zip(axes[0], trees):
        names = [n for n, r in tree["rows"].items() if "wall_s" in r]
        ys = range(len(names))
        ax.barh([y - 0.2 for y in ys], [tree["rows"][n]["wall_s"] for n in names], 0.4, label="wall", color="#4a7ab8")
        ax.barh([y + 0.2 for y in ys], [tree["rows"][n]["cpu_s"] for n in names], 0.4, label="CPU", color="#c8a040")
        ax.set_yticks(list(ys), names); ax.invert_yaxis(); ax.set_xscale("log")
        ax.set_title(f"{tree['name']} ({tree['files']} files)"); ax.set_xlabel("seconds (median, log scale)")
        ax.legend(loc="upper right")
    fig.tight_layout(); fig.savefig(out + "/apps.png", dpi=90)
scale = results.get("scale")
if scale and scale["sizes"]:
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for key, label, style in (("wall_ms", "wall", "o-"), ("cpu_ms", "CPU", "s--")):
        points = [(s["modules"], s[key]) for s in scale["sizes"] if key in s]
        if points:
            ax.plot(*zip(*points), style, label=f"{label}, --jobs {scale['jobs']}")
    for row in scale.get("jobs_compared", []):
        if "wall_ms" in row and row["jobs"] != scale["jobs"]:
            ax.plot([row["modules"]], [row["wall_ms"]], "^", markersize=9, label=f"wall, --jobs {row['jobs']}")
    sizes = [s["modules"] for s in scale["sizes"]]
    ax.set_xscale("log"); ax.set_xticks(sizes, [f"{n:,}" for n in sizes]); ax.minorticks_off(); ax.set_ylim(bottom=0)
    ax.set_xlabel("modules in the generated project"); ax.set_ylabel("cold milliseconds per file")
    ax.set_title("leaklint cold run: time per file against project size"); ax.legend(); ax.grid(alpha=0.3)
    fig.tight_layout(); fig.savefig(out + "/scale.png", dpi=90)
"""

DOCS_BEGIN = "<!-- benchmark results: written by `benchmarks/run.py --docs` -->"
DOCS_END = "<!-- end of benchmark results -->"


def charts(results: dict, python: Path, out: Path) -> bool:
    """Draw the charts into `out`; False (matplotlib's error on stderr) when they could not be drawn."""
    done = subprocess.run([str(python), "-c", CHART_SCRIPT], input=json.dumps({"results": results, "out": str(out)}),
                          text=True)
    return done.returncode == 0


def _cell(value, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def measured(part: dict) -> str:
    """For a part carried over from an earlier run: when, and at which commit."""
    when = part.get("measured")
    return f"; measured {when['date']} at `{when['commit']}`" if when else ""


def tree_table(tree: dict) -> list[str]:
    if "error" in tree:
        return [f"**{tree['name']}**: failed: {tree['error']}"]
    rows = tree["rows"]
    lines = [f"**{tree['name']}** ({tree['files']} files{measured(tree)})", "",
             "| run | wall s | CPU s | peak MB | target |", "| --- | ---: | ---: | ---: | --- |"]
    for name, row in rows.items():
        if "error" in row:
            lines.append(f"| {name} | failed: {row['error']} | | | |")
        else:
            judged = ": ".join(part for part in (target_text(name, rows), verdict(name, rows)) if part)
            lines.append(f"| {name} | {row['wall_s']:.3f} | {row['cpu_s']:.3f} | {row['peak_mb']:.0f} | {judged} |")
    ratios = ", ".join(f"{name} {value}" for name, value in tree.get("ratios", {}).items())
    return lines + (["", f"Ratios: {ratios}."] if ratios else [])


def scale_table(scale: dict) -> list[str]:
    lines = [f"Cold runs (`--no-cache`) of generated projects, `--jobs {scale['jobs']}`{measured(scale)}:", "",
             "| modules | files | wall s | CPU s | wall ms per file | CPU ms per file | peak MB |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for size in scale["sizes"]:
        if "error" in size:
            lines.append(f"| {size['modules']} | failed: {size['error']} | | | | | |")
            continue
        lines.append(f"| {size['modules']} | {size['files']} | {size['wall_s']:.2f} | {size['cpu_s']:.2f} | "
                     f"{size['wall_ms']:.2f} | {size['cpu_ms']:.2f} | {size['peak_mb']:.0f} |")
    compared = [row for row in scale.get("jobs_compared", []) if "wall_s" in row]
    if compared:
        lines += ["", f"Jobs on the {compared[0]['modules']}-module project:", "",
                  "| --jobs | wall s | CPU s | peak MB |", "| ---: | ---: | ---: | ---: |"]
        lines += [f"| {r['jobs']} | {r['wall_s']:.2f} | {r['cpu_s']:.2f} | {r['peak_mb']:.0f} |" for r in compared]
    return lines


def markdown(results: dict) -> str:
    machine = results["machine"]
    runs = f"medians of {results['repeat']} runs" if results["repeat"] > 1 else "one run each"
    lines = [f"Measured {machine['date']} on {machine['cpus']} CPUs (load average {machine['load']} at the start), "
             f"{runs}, `--jobs {results['jobs']}`, leaklint at `{machine['commit']}`.", ""]
    for tree in results.get("trees", []):
        lines += tree_table(tree) + [""]
    if results.get("trees"):
        lines += ["![wall and CPU seconds per run, per application](img/apps.png)", ""]
    if results.get("scale"):
        lines += scale_table(results["scale"]) + ["", "![cold milliseconds per file against project size](img/scale.png)",
                                                  ""]
    reference = "`LEAKLINT_EXHAUSTIVE=1 LEAKLINT_LITE=0`"
    for name, outcome in results.get("identical", {}).items():
        lines.append(f"- {name}: " + (f"failed: {outcome['error']}" if "error" in outcome else
                                      f"identical findings with {reference}" if outcome["identical"] else
                                      f"findings DIFFER with {reference}"))
    return "\n".join(lines).rstrip() + "\n"


def update_docs(doc: Path, text: str) -> None:
    """Put `text` between the markers in `doc` (ValueError when they are missing)."""
    old = doc.read_text()
    pattern = re.compile(re.escape(DOCS_BEGIN) + r".*?" + re.escape(DOCS_END), re.S)
    if not pattern.search(old):
        raise ValueError(f"{doc}: no benchmark markers")
    doc.write_text(pattern.sub(lambda _: f"{DOCS_BEGIN}\n{text}{DOCS_END}", old, count=1))
