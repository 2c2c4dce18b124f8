"""One JSON object per line, the same objects as the `json` format."""

from __future__ import annotations

import json
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Sequence

from ..findings import Finding


SHOWS_RELATED = True  # its findings carry the related locations


def render(findings: Sequence[Finding]) -> str:
    return "".join(json.dumps(f.as_dict()) + "\n" for f in findings)
