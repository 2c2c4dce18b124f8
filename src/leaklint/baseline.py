"""Baselines for adopting leaklint on a legacy codebase: record today's findings, report only new ones.

A finding is recorded by its fingerprint (rule, file and the normalised source of the call, hashed),
so it survives lines being inserted above it; the file stores hashes and counts, never code or data.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from .config import ConfigError
from .findings import Finding

VERSION = 1


def write(path: Path, findings: list[Finding]) -> None:
    counts = Counter(f.fingerprint for f in findings)
    data = {"tool": "leaklint", "version": VERSION, "findings": dict(sorted(counts.items()))}
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def read(path: Path) -> Counter:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the baseline: {err.strerror or err}") from None
    except ValueError:
        raise ConfigError(f"{path}: the baseline is not valid JSON") from None
    if not isinstance(data, dict) or data.get("tool") != "leaklint" or data.get("version") != VERSION \
            or not isinstance(data.get("findings"), dict):
        raise ConfigError(f"{path}: not a leaklint baseline (version {VERSION})")
    return Counter({str(k): int(v) for k, v in data["findings"].items()})


def new_only(findings: list[Finding], baseline: Counter) -> list[Finding]:
    """The findings not in the baseline; each recorded fingerprint absorbs as many findings as it counted."""
    left = Counter(baseline)
    out = []
    for finding in findings:
        if left[finding.fingerprint] > 0:
            left[finding.fingerprint] -= 1
        else:
            out.append(finding)
    return out
