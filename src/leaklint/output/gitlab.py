"""GitLab Code Quality report (a JSON list of issues), paths relative to the repository's top folder."""

from __future__ import annotations

import json
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence

from ..findings import Finding
from ..rules import Severity, severity
from .ci import fingerprint, fingerprints, place

SEVERITY = {Severity.HIGH: "major", Severity.MEDIUM: "major", Severity.INFO: "minor"}
SHOWS_RELATED = True  # its findings carry the related locations


def render(findings: Sequence[Finding]) -> str:
    issues = []
    # Not the line: an issue moved by an edit above it stays the same issue in a merge request.
    for f, (digest, occurrence) in zip(findings, fingerprints(findings)):
        issues.append({
            "type": "issue",
            "check_name": f.code,
            "description": f"{f.code} {f.message}",
            "categories": ["Bug Risk" if severity(f.code) is Severity.INFO else "Security"],
            "severity": SEVERITY[severity(f.code)],
            "fingerprint": fingerprint(digest, occurrence),
            "location": {"path": place(f.path).path, "lines": {"begin": f.line, "end": f.end_line or f.line}},
            **({"other_locations": [{"path": place(r.path).path, "lines": {"begin": r.line, "end": r.line}}
                                    for r in f.related]} if f.related else {}),
        })
    return json.dumps(issues, indent=2) + "\n"
