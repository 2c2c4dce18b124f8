"""Baselines for adopting leaklint on a legacy codebase: record today's findings, report only new ones.

A finding is recorded by its fingerprint (rule, file and the normalised source of the call, hashed),
so it survives lines being inserted above it.  The file is JSON meant to be read in a review: one entry
per fingerprint with the file's path in its repository, the rule's code, the hash and how many findings
it stands for, sorted; never code or data.  Since version 3 the fingerprint names the file by its path
in its repository, so a baseline matches from any folder and in any checkout.  Versions 1 and 2 (leaklint
0.1 and 0.2) hashed the path as shown, relative to the folder leaklint ran in: still read, they match as
before when they were written at the repository's top; one written in another folder cannot match, and
reading it says so.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

from .config import ConfigError
from .findings import Finding
from .layout import repository_path, repository_root

VERSION = 3
READS = (1, 2, 3)


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
    counts = Counter((repository_path(f.path), f.code, f.fingerprint) for f in findings)
    entries = [{"path": p, "code": code, "hash": digest, "count": n} for (p, code, digest), n in sorted(counts.items())]
    # One entry a line: a review (or a diff) of the baseline reads one finding a line.
    listed = "[\n" + ",\n".join(f"    {json.dumps(entry)}" for entry in entries) + "\n  ]" if entries else "[]"
    text = f'{{\n  "tool": "leaklint",\n  "version": {VERSION},\n  "findings": {listed}\n}}\n'

    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, path)
    except OSError as err:
        temp.unlink(missing_ok=True)
        raise ConfigError(f"{path}: cannot write the baseline: {err.strerror or err}") from None


def read(path: Path) -> Counter:
    """Recorded fingerprint -> how many findings it stands for."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the baseline: {err.strerror or err}") from None
    except ValueError:  # UnicodeDecodeError too
        raise ConfigError(f"{path}: the baseline is not valid JSON") from None
    version = data.get("version") if isinstance(data, dict) else None
    found = data.get("findings") if isinstance(data, dict) else None
    counts = None
    if isinstance(data, dict) and data.get("tool") == "leaklint" and version in READS:
        counts = _v1(found) if version == 1 else _v2(found)
    if counts is None:
        raise ConfigError(f"{path}: not a leaklint baseline (version {version if version in READS else VERSION}); "
                          f"write a new one with --write-baseline {path}")
    if version == 2:
        _warn_if_elsewhere(path, found)
    return counts


def _warn_if_elsewhere(path: Path, found: list) -> None:
    """A version 2 baseline written in another folder than the repository's top records fingerprints no
    finding has any more: its paths name files from the current folder (where it was written, when
    it matched before), not from the top."""
    moved = {entry["path"] for entry in found if _shown_from_elsewhere(entry["path"])}
    if moved:
        print(f"leaklint: warning: {path}: written by leaklint 0.2 in another folder than the repository's top "
              f"(its paths, such as {min(moved)}, are relative to that folder), so its findings no longer match "
              f"and show as new; write it again with --write-baseline {path}", file=sys.stderr)


def _shown_from_elsewhere(shown: str) -> bool:
    """A recorded path naming a file from the current folder but not by its path in its repository (nor
    naming one from the top: a baseline written at the top, read in a subfolder, matches)."""
    if not os.path.isfile(shown) or repository_path(shown) == shown:
        return False
    top = repository_root(os.path.dirname(os.path.abspath(shown)))
    return os.path.isabs(shown) or not os.path.isfile(os.path.join(top, shown))


def _count(n: object) -> bool:
    return isinstance(n, int) and not isinstance(n, bool) and n >= 0


def _v1(found: object) -> Counter | None:
    """{"hash": count, ...}"""
    if not isinstance(found, dict) or not all(_count(n) for n in found.values()):
        return None
    return Counter(found)


def _v2(found: object) -> Counter | None:
    """[{"path", "code", "hash", "count"}, ...]"""
    if not isinstance(found, list):
        return None
    counts: Counter = Counter()
    for entry in found:
        if not (isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in ("path", "code", "hash"))
                and _count(entry.get("count"))):
            return None
        counts[entry["hash"]] += entry["count"]
    return counts


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
