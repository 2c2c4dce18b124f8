"""`leaklint inventory --diff <git-ref>`: the flows that appear or disappear between a git revision and
the working tree.  The revision's files are written to a temporary folder with `git archive` and analysed
there like any tree: nothing of the project is imported or run.

A flow is matched across the two trees by vendor, kind of data, file and the call's first line (not its
line number, which any edit above it changes); a call that sends the same data twice counts twice.
"""

from __future__ import annotations

import os
import subprocess
import tarfile
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..config import ConfigError, Overrides
from . import Inventory, Record, collect
from .formats import md_cell


@dataclass
class Change:
    ref: str
    appear: list[Record] = field(default_factory=list)
    disappear: list[Record] = field(default_factory=list)


def compare(before: Inventory, after: Inventory, ref: str) -> Change:
    def key(flow: Record) -> tuple:
        return flow.vendor, flow.kind, flow.path, " ".join(flow.call.split())

    old, new = Counter(map(key, before.flows)), Counter(map(key, after.flows))
    change = Change(ref)
    for flows, other, out in ((after.flows, old, change.appear), (before.flows, new, change.disappear)):
        left = Counter(other)
        for flow in flows:
            if left[key(flow)] > 0:
                left[key(flow)] -= 1
            else:
                out.append(flow)
    return change


def diff(paths: list[Path], ref: str, overrides: Overrides, *, jobs: int = 1) -> Change:
    top = _git(["rev-parse", "--show-toplevel"], Path(paths[0] if paths else ".")).strip()
    _git(["rev-parse", "--verify", "--quiet", ref + "^{commit}"], Path(top), what=f"unknown git revision '{ref}'")
    after = collect(paths, overrides, jobs=jobs, relative_to=top)
    with tempfile.TemporaryDirectory(prefix="leaklint-ref-") as folder:
        _materialise(top, ref, folder)
        # the same paths, inside the revision's tree (one missing there holds no flow there)
        inside = [Path(folder, os.path.relpath(os.path.abspath(p), top)) for p in paths or [Path(".")]]
        before = collect([p for p in inside if p.exists()], overrides, jobs=jobs, relative_to=folder) \
            if any(p.exists() for p in inside) else Inventory()
    return compare(before, after, ref)


def _materialise(top: str, ref: str, folder: str) -> None:
    """The revision's files, as git stores them, written below `folder` (links and absolute names dropped)."""
    archive = os.path.join(folder, ".leaklint-ref.tar")
    _git(["archive", "--format=tar", "-o", archive, ref], Path(top), what=f"cannot archive '{ref}'")
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if (m.isfile() or m.isdir()) and not os.path.isabs(m.name)
                   and ".." not in Path(m.name).parts]
        if hasattr(tarfile, "data_filter"):  # Python 3.12, and security releases before it
            tar.extractall(folder, members=members, filter="data")
        else:
            tar.extractall(folder, members=members)
    os.unlink(archive)


def _git(args: list[str], where: Path, what: str = "") -> str:
    folder = where if where.is_dir() else where.parent
    try:
        done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, timeout=600)
    except FileNotFoundError:
        raise ConfigError("--diff needs git, which is not installed") from None
    if done.returncode != 0:
        reason = what or (done.stderr.strip().splitlines() or ["git failed"])[-1]
        raise ConfigError(f"--diff: {reason}" if what else f"--diff: not in a git repository ({reason})")
    return done.stdout


def _line(flow: Record, verb: str) -> str:
    status = "" if flow.status == "reported" else f", {flow.status}"
    via = f" through {' -> '.join(h.function for h in flow.via)}" if flow.via else ""
    return f"{verb} {flow.kind} to {flow.vendor} ({flow.category}) from {flow.where}{via} [{flow.code}{status}]"


def as_lines(change: Change) -> str:
    lines = [f"+ {_line(f, 'starts sending')}" for f in change.appear]
    lines += [f"- {_line(f, 'stops sending')}" for f in change.disappear]
    return "\n".join(lines or [f"No flow of personal data appears or disappears since {change.ref}."]) + "\n"


def as_markdown(change: Change) -> str:
    out = [f"## Personal data flows changed since `{md_cell(change.ref)}`", ""]
    if not (change.appear or change.disappear):
        return "\n".join(out + ["No flow of personal data appears or disappears."]) + "\n"
    for title, flows, verb in (("Appear", change.appear, "starts sending"),
                               ("Disappear", change.disappear, "stops sending")):
        if flows:
            out += [f"**{title}** ({len(flows)})", ""]
            out += [f"- This change {verb} **{md_cell(f.kind)}** to **{md_cell(f.vendor)}** ({md_cell(f.category)}) "
                    f"from `{md_cell(f.where)}`" + (f" ({f.status}, {f.code})") for f in flows]
            out.append("")
    return "\n".join(out)
