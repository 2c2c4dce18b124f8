"""GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence

from ..findings import Finding


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(findings: Sequence[Finding]) -> str:
    lines = []
    for f in findings:
        where = f"file={_property(f.path)},line={f.line},col={f.col}"
        if f.end_line:
            where += f",endLine={f.end_line},endColumn={f.end_col}"
        lines.append(f"::error {where},title={_property('leaklint (' + f.code + ')')}::{_data(f.code + ' ' + f.message)}\n")
    return "".join(lines)
