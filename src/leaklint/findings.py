"""What leaklint reports: one `Finding` per problem, with a 1-based position."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import PurePath


@dataclass(frozen=True, order=True)
class Finding:
    path: str            # as shown to the user (relative to the current directory when possible)
    line: int            # 1-based
    col: int             # 1-based
    code: str
    message: str
    end_line: int = 0
    end_col: int = 0
    fix: str = ""        # the suggestion shown with the finding
    source_line: str = ""
    fixable: str = ""    # "safe" or "unsafe" when an automatic fix exists
    report: object = field(default=None, compare=False, repr=False)  # the rule's report, for fixing
    fingerprint: str = field(default="", compare=False)  # stable across line moves, for baselines

    def as_dict(self) -> dict:
        return {
            "code": self.code, "message": self.message, "filename": self.path,
            "location": {"row": self.line, "column": self.col},
            "end_location": {"row": self.end_line or self.line, "column": self.end_col or self.col},
            "fix_suggestion": self.fix or None,
        }


def fingerprint(code: str, path: str, call: str) -> str:
    """Identifies a finding across edits that move it: the rule, the file and the call's normalised source.
    A hash, so a baseline stores no code and no data."""
    normalised = " ".join(call.split())
    key = f"{code}\0{PurePath(path).as_posix()}\0{normalised}"
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
