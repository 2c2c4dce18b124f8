"""flake8 plugin: `flake8 --select LL` reports leaklint's findings (entry point `flake8.extension`, prefix LL)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

from . import __version__

# One run per project per process: flake8 calls the plugin once per file, in several processes.
_RUNS: dict[Path, object] = {}
_STATE: dict[str, object] = {}


class Plugin:
    name = "leaklint"
    version = __version__

    def __init__(self, tree: object, filename: str, lines: list[str]):
        self.filename = filename
        self.text = "".join(lines)

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        try:
            found = findings_for(Path(self.filename), self.text)
        except Exception as err:  # noqa: BLE001 - flake8 would stop with a traceback: report it on the file
            from .rules.unreadable import internal_error

            found = [internal_error(self.filename, err)]
        for finding in found:
            yield finding.line, finding.col - 1, f"{finding.code} {finding.message}", type(self)


def findings_for(path: Path, text: str) -> list:
    """The findings for one file's text, checked as `leaklint check` checks it: the project the file
    belongs to is checked whole once per process, and a file whose text is as on disk takes its findings
    from that run."""
    from .api import check_paths, check_source
    from .config import Configs
    from .layout import project_root

    configs = _STATE.setdefault("configs", Configs())
    root = project_root(path) if path.name not in ("stdin", "-") and path.exists() else None
    if root is not None:
        if root not in _RUNS:
            _RUNS[root] = check_paths([root], configs)
        run = _RUNS[root]
        absolute = os.path.abspath(path)
        source = next((s for s in run.sources.values() if s.path is not None and os.path.abspath(s.path) == absolute),
                      None)
        if source is not None and source.text == text:  # unchanged since the project was checked
            return [f for f in run.findings if f.path == source.display]
    return check_source(text, path, configs).findings
