"""SARIF 2.1.0, as GitHub code scanning reads it: rules with their docs, results with regions and
fingerprints, repository-relative URIs."""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePath
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence

from .. import __version__
from ..findings import Finding
from ..rules import Severity, severity

LEVEL = {Severity.HIGH: "error", Severity.MEDIUM: "error", Severity.INFO: "warning"}
# GitHub ranks security alerts by this score; leaking personal data to a third party is high.
SCORE = {Severity.HIGH: "7.5", Severity.MEDIUM: "6.5", Severity.INFO: "0.0"}


def _rule(rule) -> dict:
    help_text = f"{rule.why}\n\nExample:\n{rule.bad}\nUse instead:\n{rule.good}\nFix: {rule.fix}. {rule.fix_safety}"
    help_md = (f"{rule.why}\n\n**Example**\n\n```python\n{rule.bad}```\n\n**Use instead**\n\n```python\n{rule.good}```"
               f"\n\n**Fix**: {rule.fix}. {rule.fix_safety}")
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {"text": help_text, "markdown": help_md},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"tags": ["privacy", "security"], "precision": "high",
                       "security-severity": SCORE[rule.severity]},
    }


def uri(path: str) -> str:
    return PurePath(path).as_posix()


def _related(number: int, related) -> dict:
    region = {"startLine": related.line, "startColumn": related.col}
    return {"id": number, "message": {"text": related.message},
            "physicalLocation": {"artifactLocation": {"uri": uri(related.path), "uriBaseId": "%SRCROOT%"},
                                 "region": region}}


def render(findings: Sequence[Finding]) -> str:
    from ..rules import all_rules

    rules = all_rules()
    index = {r.code: i for i, r in enumerate(rules)}
    seen: dict[str, int] = {}
    results = []
    for f in findings:
        line_hash = hashlib.sha256(f"{f.code}\0{' '.join(f.source_line.split())}".encode()).hexdigest()[:16]
        seen[line_hash] = seen.get(line_hash, 0) + 1
        region = {"startLine": f.line, "startColumn": f.col}
        if f.end_line:
            region.update(endLine=f.end_line, endColumn=max(f.end_col, 1))
        results.append({
            "ruleId": f.code,
            "ruleIndex": index.get(f.code, 0),
            "level": LEVEL[severity(f.code)],
            "message": {"text": f.message + (f" (fix: {f.fix})" if f.fix else "")},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(f.path), "uriBaseId": "%SRCROOT%"},
                                                "region": region}}],
            "partialFingerprints": {"primaryLocationLineHash": f"{line_hash}:{seen[line_hash]}",
                                    **({"leaklint/v1": f.fingerprint} if f.fingerprint else {})},
            **({"relatedLocations": [_related(i, r) for i, r in enumerate(f.related, start=1)]} if f.related else {}),
        })
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "leaklint", "version": __version__, "semanticVersion": __version__,
                                "rules": [_rule(r) for r in rules]}},
            "results": results,
        }],
    }
    return json.dumps(log, indent=2) + "\n"
