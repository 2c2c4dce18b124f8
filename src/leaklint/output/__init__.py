"""Output formats: each a function from findings to text, registered by name."""

from __future__ import annotations

import importlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable, Sequence

    from ..findings import Finding

    Formatter = Callable[[Sequence[Finding]], str]

# Format name -> module with a `render(findings) -> str` and `SHOWS_RELATED`; imported only when used
# (start-up time).
MODULES = {
    "concise": "concise",
    "full": "full",
    "json": "json_format",
    "json-lines": "json_lines",
    "sarif": "sarif",
    "github": "github",
    "gitlab": "gitlab",
    "junit": "junit",
}


def formatter(name: str) -> Formatter:
    return _module(name).render


def shows_related(name: str) -> bool:
    """Whether a format shows related locations (a run for one that does not need not look them up)."""
    return _module(name).SHOWS_RELATED


def _module(name: str):
    return importlib.import_module(f"{__name__}.{MODULES[name]}")
