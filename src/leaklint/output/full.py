"""The concise line, then the source line with a caret under the column, the related locations (where the
data was read, the project functions the call goes through) and the fix suggestion."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence

from ..findings import Finding


SHOWS_RELATED = True  # its findings carry the related locations


def render(findings: Sequence[Finding]) -> str:
    out = []
    for f in findings:
        out.append(f"{f.path}:{f.line}:{f.col}: {f.code} {f.message}")
        if f.source_line:
            gutter = f"{f.line} | "
            out.append(gutter + f.source_line.expandtabs(1))
            out.append(" " * (len(gutter) + f.col - 1) + "^")
        out.extend(f"  related: {r.path}:{r.line}:{r.col}: {r.message}" for r in f.related)
        if f.fix:
            out.append(f"  help: {f.fix}")
        out.append("")
    return "\n".join(out) + ("\n" if out else "")
