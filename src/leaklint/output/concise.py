"""flake8's format: `path:line:col: CODE message`, one finding per line (editors parse this)."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence

from ..findings import Finding


SHOWS_RELATED = False  # it leaves out the related locations


def render(findings: Sequence[Finding]) -> str:
    return "".join(f"{f.path}:{f.line}:{f.col}: {f.code} {'[*] ' if f.fixable else ''}{f.message}\n"
                   for f in findings)
