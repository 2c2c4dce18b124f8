"""GitLab Code Quality report (a JSON list of issues)."""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePath
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence

from ..findings import Finding
from ..rules import Severity, severity

SEVERITY = {Severity.HIGH: "major", Severity.MEDIUM: "major", Severity.INFO: "minor"}


def render(findings: Sequence[Finding]) -> str:
    issues = []
    seen: dict[str, int] = {}
    for f in findings:
        # Not the line: an issue moved by an edit above it stays the same issue in a merge request.
        key = f.fingerprint or f"{f.code}\0{f.path}\0{f.line}\0{f.col}\0{f.message}"
        seen[key] = seen.get(key, 0) + 1
        fingerprint = hashlib.sha256(f"{key}\0{seen[key]}".encode()).hexdigest()
        issues.append({
            "type": "issue",
            "check_name": f.code,
            "description": f"{f.code} {f.message}",
            "categories": ["Security"],
            "severity": SEVERITY[severity(f.code)],
            "fingerprint": fingerprint,
            "location": {"path": PurePath(f.path).as_posix(), "lines": {"begin": f.line, "end": f.end_line or f.line}},
            **({"other_locations": [{"path": PurePath(r.path).as_posix(), "lines": {"begin": r.line, "end": r.line}}
                                    for r in f.related]} if f.related else {}),
        })
    return json.dumps(issues, indent=2) + "\n"
