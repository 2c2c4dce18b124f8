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
    for f in findings:
        fingerprint = hashlib.sha256(f"{f.code}\0{f.path}\0{f.line}\0{f.col}\0{f.message}".encode()).hexdigest()
        issues.append({
            "type": "issue",
            "check_name": f.code,
            "description": f"{f.code} {f.message}",
            "categories": ["Security"],
            "severity": SEVERITY[severity(f.code)],
            "fingerprint": fingerprint,
            "location": {"path": PurePath(f.path).as_posix(), "lines": {"begin": f.line, "end": f.end_line or f.line}},
        })
    return json.dumps(issues, indent=2) + "\n"
