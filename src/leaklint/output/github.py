"""GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message` (`::warning` for the
rules of INFO severity); `file` relative to the repository's top folder, as GitHub places annotations."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence

from ..findings import Finding
from ..rules import Severity, severity
from .ci import place

COMMAND = {Severity.HIGH: "error", Severity.MEDIUM: "error", Severity.INFO: "warning"}
SHOWS_RELATED = False  # it leaves out the related locations


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(findings: Sequence[Finding]) -> str:
    lines = []
    for f in findings:
        where = f"file={_property(place(f.path).path)},line={f.line},col={f.col}"
        if f.end_line:
            where += f",endLine={f.end_line},endColumn={f.end_col}"
        title = _property(f"leaklint ({f.code})")
        lines.append(f"::{COMMAND[severity(f.code)]} {where},title={title}::{_data(f.code + ' ' + f.message)}\n")
    return "".join(lines)
