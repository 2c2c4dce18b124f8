"""A JSON list of findings; the shape is documented in docs/output.md and kept stable."""

from __future__ import annotations

import json
from typing import Sequence

from ..findings import Finding


def render(findings: Sequence[Finding]) -> str:
    return json.dumps([f.as_dict() for f in findings], indent=2) + "\n"
