"""Baselines for adopting leaklint on a legacy codebase: record today's findings, report only new ones.

A finding is recorded by its fingerprint (rule, file and the normalised source of the call, hashed),
so it survives lines being inserted above it; the file stores hashes and counts, never code or data.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

from .config import ConfigError
from .findings import Finding

VERSION = 1


def prepare(read_from: Path | None, write_to: Path | None, path_errors: list[str]) -> Counter | None:
    """Before a run: the baseline to compare with (None without one), and, when one is to be written, a
    check that it can be and that the run is complete, so a long run does not end in an error."""
    if write_to is not None:
        if path_errors:
            raise ConfigError(f"{path_errors[0]}; no baseline written")
        check_writable(write_to)
    return read(read_from) if read_from is not None else None


def check_writable(path: Path) -> None:
    if path.is_dir():
        raise ConfigError(f"{path}: cannot write the baseline: it is a folder")
    if not path.absolute().parent.is_dir():
        raise ConfigError(f"{path}: cannot write the baseline: no folder {path.absolute().parent}")


def write(path: Path, findings: list[Finding]) -> None:
    """Through a temporary file and a rename: an interrupted run never leaves half a baseline."""
    counts = Counter(f.fingerprint for f in findings)
    data = {"tool": "leaklint", "version": VERSION, "findings": dict(sorted(counts.items()))}
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        os.replace(temp, path)
    except OSError as err:
        temp.unlink(missing_ok=True)
        raise ConfigError(f"{path}: cannot write the baseline: {err.strerror or err}") from None


def read(path: Path) -> Counter:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the baseline: {err.strerror or err}") from None
    except ValueError:  # UnicodeDecodeError too
        raise ConfigError(f"{path}: the baseline is not valid JSON") from None
    findings = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("tool") != "leaklint" or data.get("version") != VERSION \
            or not isinstance(findings, dict) \
            or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in findings.values()):
        raise ConfigError(f"{path}: not a leaklint baseline (version {VERSION})")
    return Counter(findings)


def new_only(findings: list[Finding], baseline: Counter | None) -> list[Finding]:
    """The findings not in the baseline; each recorded fingerprint absorbs as many findings as it counted."""
    if baseline is None:
        return findings
    left = Counter(baseline)
    out = []
    for finding in findings:
        if left[finding.fingerprint] > 0:
            left[finding.fingerprint] -= 1
        else:
            out.append(finding)
    return out
