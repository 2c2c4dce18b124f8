"""The privacy inventory: which personal data the code sends to which vendor, from where.

Built from the same analysis as `leaklint check` (one path for the data): each finding that carries
personal data to a vendor of the catalogue is a flow, one per kind of data, with its status:

    reported     a finding `check` reports
    suppressed   a finding a `# noqa` / `# leaklint: ignore` comment suppresses
    baselined    a finding the baseline (`--baseline`) records
    allowed      no finding: the vendor's data contract allows it (`[tool.leaklint.vendors.<vendor>]`)

    inv = collect([Path("src")], Overrides())
    for flow in inv.flows: print(flow.vendor, flow.kind, flow.where, flow.status)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..config import ConfigError, Configs, Overrides

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..findings import Finding

STATUSES = ("reported", "suppressed", "baselined", "allowed")


@dataclass(frozen=True)
class Hop:
    """A project function the data goes through on its way to the SDK, and where it is defined."""

    function: str
    path: str = ""
    line: int = 0


@dataclass(frozen=True)
class Record:
    """One kind of personal data sent to one vendor from one call site."""

    vendor: str
    kind: str
    path: str
    line: int
    col: int
    category: str
    status: str                  # one of STATUSES
    code: str                    # the rule of its finding
    call: str = ""               # the call's first line, as written
    via: tuple[Hop, ...] = ()

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class Inventory:
    flows: list[Record] = field(default_factory=list)   # sorted by vendor, kind, file, line
    files: int = 0                                       # files looked at

    def vendors(self) -> dict[str, str]:
        """Vendor -> category, of every vendor some flow goes to."""
        return {f.vendor: f.category for f in self.flows}

    def kinds(self) -> list[str]:
        return sorted({f.kind for f in self.flows})


def collect(paths: list[Path], overrides: Overrides, *, baseline: Path | None = None, jobs: int = 1,
            cache: bool = False, relative_to: str | None = None) -> Inventory:
    """The inventory of the files and folders `paths`; `relative_to`: show paths relative to this folder
    (a tree materialised elsewhere, for `--diff`).  With `cache`, `.leaklint_cache` keeps the inventory's
    findings apart from `check`'s (their settings differ: `keep_suppressed`)."""
    from .. import api
    from .. import baseline as baselines

    configs = Configs(replace(overrides, keep_suppressed=True))
    for path in paths:
        configs.for_path(path)  # a bad configuration is an error before the run
    found = api.discover_paths(paths, configs)
    if found.errors:  # an inventory missing a path would pass for a complete one
        raise ConfigError(found.errors[0])
    recorded = baselines.read(baseline) if baseline is not None else None
    run = api.check_files(found.files, configs, given=paths, jobs=jobs, cache=cache)
    flows = [r for f in with_baseline(run.findings, recorded) for r in records(f, relative_to)]
    flows.sort(key=lambda r: (r.vendor.lower(), r.kind.lower(), r.path, r.line, r.col))
    return Inventory(flows, len(found.files))


def with_baseline(findings: list[Finding], recorded) -> list[Finding]:
    """Reported findings the baseline records marked "baselined" (each recorded one absorbs as many as it
    counted, as `check --baseline` does)."""
    if recorded is None:
        return findings
    left = recorded.copy()
    out = []
    for finding in findings:
        if not finding.status and left[finding.fingerprint] > 0:
            left[finding.fingerprint] -= 1
            finding = replace(finding, status="baselined")
        out.append(finding)
    return out


def records(finding: Finding, relative_to: str | None = None) -> list[Record]:
    if finding.flow is None:
        return []
    path = _shown(finding.path, relative_to)
    defined = {r.message.removeprefix("through "): r for r in finding.related if r.message.startswith("through ")}
    via = tuple(Hop(q, _shown(defined[q].path, relative_to), defined[q].line) if q in defined else Hop(q)
                for q in finding.via)
    return [Record(finding.flow.vendor, kind, path, finding.line, finding.col, finding.flow.category,
                   finding.status or "reported", finding.code, finding.source_line.strip(), via)
            for kind in finding.flow.kinds]


def _shown(path: str, relative_to: str | None) -> str:
    """A path as the inventory shows it: with "/" separators, relative to `relative_to` when given."""
    if relative_to is not None:
        path = os.path.relpath(os.path.abspath(path), relative_to)
    return path.replace(os.sep, "/")
