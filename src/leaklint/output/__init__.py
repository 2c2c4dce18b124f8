"""Output formats: each a function from findings to text, registered by name."""

from __future__ import annotations

from typing import Callable, Sequence

from ..findings import Finding
from . import concise, full, json_format

Formatter = Callable[[Sequence[Finding]], str]

FORMATS: dict[str, Formatter] = {
    "concise": concise.render,
    "full": full.render,
    "json": json_format.render,
}
