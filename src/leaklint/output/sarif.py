"""SARIF 2.1.0, as GitHub code scanning reads it: rules with their docs, results with regions (columns in
UTF-16 code units) and line-independent fingerprints, URIs relative to the repository's top folder
(`%SRCROOT%`)."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence

from .. import __version__
from ..findings import Finding
from ..layout import repository_root
from ..rules import Severity, severity
from ..rules.docs import REPOSITORY, rule_url
from .ci import Columns, fingerprint, fingerprints, place

LEVEL = {Severity.HIGH: "error", Severity.MEDIUM: "error", Severity.INFO: "warning"}
# GitHub ranks security alerts by this score; leaking personal data to a third party is high. INFO rules
# are about leaklint's view of the code (a file it cannot read): no security alert, so no score.
SCORE = {Severity.HIGH: "7.5", Severity.MEDIUM: "6.5"}
SHOWS_RELATED = True  # its findings carry the related locations


def _rule(rule) -> dict:
    help_text = f"{rule.why}\n\nExample:\n{rule.bad}\nUse instead:\n{rule.good}\nFix: {rule.fix}. {rule.fix_safety}"
    help_md = (f"{rule.why}\n\n**Example**\n\n```python\n{rule.bad}```\n\n**Use instead**\n\n```python\n{rule.good}```"
               f"\n\n**Fix**: {rule.fix}. {rule.fix_safety}")
    level = LEVEL[rule.severity]
    if rule.severity in SCORE:
        properties = {"tags": ["security", "privacy"], "precision": "high", "problem.severity": level,
                      "security-severity": SCORE[rule.severity]}
    else:
        properties = {"tags": ["maintainability"], "precision": "high", "problem.severity": level}
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "helpUri": rule_url(rule.code),
        "help": {"text": help_text, "markdown": help_md},
        "defaultConfiguration": {"level": level},
        "properties": properties,
    }


class _Locations:
    """Physical locations: each file's URI relative to its repository (one base id per repository, the
    first `%SRCROOT%`) and regions with UTF-16 columns."""

    def __init__(self) -> None:
        self.columns = Columns()
        self.bases: dict[str, str] = {}   # repository folder -> its uriBaseId

    def _base(self, root: str) -> str:
        if root not in self.bases:
            self.bases[root] = "%SRCROOT%" if not self.bases else f"%SRCROOT{len(self.bases) + 1}%"
        return self.bases[root]

    def physical(self, path: str, line: int, col: int, end: tuple[int, int] | None = None, text: str = "") -> dict:
        where = place(path)
        utf16 = self.columns.utf16
        region = {"startLine": line, "startColumn": utf16(path, line, col, text or None)}
        if end is not None:
            end_line, end_col = end
            region.update(endLine=end_line,
                          endColumn=utf16(path, end_line, max(end_col, 1), text if end_line == line and text else None))
        return {"artifactLocation": {"uri": quote(where.path, safe="/"), "uriBaseId": self._base(where.root)},
                "region": region}

    def base_ids(self) -> dict:
        if not self.bases:  # no results: the repository the run was in
            self._base(repository_root(str(Path.cwd())))
        return {base: {"uri": Path(root).as_uri().rstrip("/") + "/"} for root, base in self.bases.items()}


def _result(f: Finding, print_: tuple[str, int], index: dict[str, int], places: _Locations) -> dict:
    digest, occurrence = print_
    end = (f.end_line, f.end_col) if f.end_line else None
    related = [{"id": i, "message": {"text": r.message}, "physicalLocation": places.physical(r.path, r.line, r.col)}
               for i, r in enumerate(f.related, start=1)]
    return {
        "ruleId": f.code,
        "ruleIndex": index.get(f.code, 0),
        "level": LEVEL[severity(f.code)],
        "message": {"text": f.message + (f" (fix: {f.fix})" if f.fix else "")},
        "locations": [{"physicalLocation": places.physical(f.path, f.line, f.col, end, f.source_line)}],
        "partialFingerprints": {"primaryLocationLineHash": f"{digest[:16]}:{occurrence}",
                                "leaklint/v1": fingerprint(digest, occurrence)},
        **({"relatedLocations": related} if related else {}),
    }


def render(findings: Sequence[Finding]) -> str:
    from ..rules import all_rules

    rules = all_rules()
    index = {r.code: i for i, r in enumerate(rules)}
    places = _Locations()
    results = [_result(f, p, index, places) for f, p in zip(findings, fingerprints(findings))]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "leaklint", "version": __version__, "semanticVersion": __version__,
                                "informationUri": REPOSITORY, "rules": [_rule(r) for r in rules]}},
            "originalUriBaseIds": places.base_ids(),
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    }
    return json.dumps(log, indent=2) + "\n"
