"""Timing one child process (wall, CPU and peak memory from wait4), summarising repetitions, and judging
the figures against the acceptance targets of a real application (issue #15)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

# Acceptance targets: seconds per row (the cold run's target is Semgrep's time in the same run) and memory.
TARGET_SECONDS = {"leaklint warm": 0.5, "leaklint one changed file": 0.5, "leaklint one unseen file": 3.0}
COLD = "leaklint cold"
SEMGREP = "semgrep"
TARGET_PEAK_MB = 500.0

LEAKLINT = [sys.executable, "-m", "leaklint"]
# As users run it: with bytecode caches (some CI images set PYTHONDONTWRITEBYTECODE, which makes every
# start-up compile leaklint's modules again).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


class ToolFailed(Exception):
    """A measured command exited with an unexpected status; the message is one line."""


@dataclass(frozen=True)
class Sample:
    wall_s: float
    cpu_s: float     # user + system of the child and the processes it waited for (workers, semgrep-core)
    peak_mb: float   # the largest resident set among them (not their sum)


def sample_of(wall_s: float, usage) -> Sample:
    """A Sample from wall seconds and a `resource.struct_rusage` (ru_maxrss is in KB on Linux)."""
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # macOS reports bytes
    return Sample(wall_s, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / scale)


def measure(command: list[str], cwd=None, env=None, stdout=None, ok_codes=(0,)) -> Sample:
    """Run `command` once and measure it; ToolFailed (with the last line of its stderr) if it fails."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=stdout or subprocess.DEVNULL, stderr=errors)
        except OSError as exc:
            raise ToolFailed(f"{command[0]}: {exc.strerror}") from None
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        if code not in ok_codes:
            errors.seek(0)
            lines = errors.read().decode("utf-8", "replace").strip().splitlines()
            raise ToolFailed(f"exit {code}: {lines[-1] if lines else 'no message'}")
    return sample_of(wall, usage)


def summarise(samples: list[Sample]) -> dict:
    """Medians of wall and CPU seconds, the largest peak, and how many runs they come from."""
    return {"wall_s": round(statistics.median(s.wall_s for s in samples), 3),
            "cpu_s": round(statistics.median(s.cpu_s for s in samples), 3),
            "peak_mb": round(max(s.peak_mb for s in samples), 1), "runs": len(samples)}


def target_of(name: str, rows: dict) -> float | None:
    """The most seconds row `name` may take, or None when it has no target (or Semgrep did not run)."""
    if name == COLD:
        semgrep = rows.get(SEMGREP, {})
        return semgrep.get("wall_s")
    return TARGET_SECONDS.get(name)


def verdict(name: str, rows: dict) -> str:
    """"ok", or what is missed ("MISS time", "MISS memory"), for a leaklint row; "" for the others."""
    row = rows.get(name, {})
    if not name.startswith("leaklint") or "wall_s" not in row:
        return ""
    limit = target_of(name, rows)
    missed = []
    if limit is not None and row["wall_s"] > limit:
        missed.append("time")
    if row["peak_mb"] > TARGET_PEAK_MB:
        missed.append("memory")
    return "MISS " + ", ".join(missed) if missed else "ok"


def ratios(rows: dict) -> dict:
    """leaklint against Semgrep (wall and CPU), the read floor, its own cold run and the baseline."""
    def ratio(top: str, bottom: str, key: str = "wall_s") -> float | None:
        a, b = rows.get(top, {}).get(key), rows.get(bottom, {}).get(key)
        return round(a / b, 3) if a is not None and b else None

    pairs = {"cold / semgrep": ratio(COLD, SEMGREP), "cold / semgrep, CPU": ratio(COLD, SEMGREP, "cpu_s"),
             "cold / baseline cold": ratio(COLD, "baseline cold"), "cold / read floor": ratio(COLD, "read floor"),
             "warm / read floor": ratio("leaklint warm", "read floor"), "warm / cold": ratio("leaklint warm", COLD)}
    return {name: value for name, value in pairs.items() if value is not None}


def target_text(name: str, rows: dict) -> str:
    """A leaklint row's targets as text ("<= 0.50 s, 500 MB"); "" for the other rows."""
    if not name.startswith("leaklint"):
        return ""
    limit = target_of(name, rows)
    return (f"<= {limit:.2f} s, " if limit is not None else "<= ") + f"{TARGET_PEAK_MB:.0f} MB"


def table(rows: dict) -> list[str]:
    """The rows as aligned text lines, with each leaklint row's target and verdict."""
    lines = [f"  {'':38} {'wall s':>8} {'CPU s':>8} {'peak MB':>8}  target"]
    for name, row in rows.items():
        if "error" in row:
            lines.append(f"  {name:38} failed: {row['error']}")
            continue
        lines.append(f"  {name:38} {row['wall_s']:8.3f} {row['cpu_s']:8.3f} {row['peak_mb']:8.1f}  "
                     f"{target_text(name, rows):22} {verdict(name, rows)}".rstrip())
    return lines
