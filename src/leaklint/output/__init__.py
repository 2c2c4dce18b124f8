"""Output formats: each a function from findings to text, registered by name."""

from __future__ import annotations

from typing import Callable, Sequence

from ..findings import Finding
from . import concise, full, github, gitlab, json_format, json_lines, junit, sarif

Formatter = Callable[[Sequence[Finding]], str]

FORMATS: dict[str, Formatter] = {
    "concise": concise.render,
    "full": full.render,
    "json": json_format.render,
    "json-lines": json_lines.render,
    "sarif": sarif.render,
    "github": github.render,
    "gitlab": gitlab.render,
    "junit": junit.render,
}
