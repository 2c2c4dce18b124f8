"""A JSON list of findings; the shape is documented in docs/output.md and kept stable."""

from __future__ import annotations

import json
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence

from ..findings import Finding


SHOWS_RELATED = True  # its findings carry the related locations


def render(findings: Sequence[Finding]) -> str:
    return json.dumps([f.as_dict() for f in findings], indent=2) + "\n"
