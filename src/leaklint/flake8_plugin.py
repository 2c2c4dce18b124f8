"""flake8 plugin: `flake8 --select LL` reports leaklint's findings (entry point `flake8.extension`, prefix LL)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from . import __version__

# One index per project per process: flake8 calls the plugin once per file, in several processes.
_PROJECTS: dict[tuple, object] = {}


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
            from .engine import internal_error

            found = [internal_error(self.filename, err)]
        for finding in found:
            yield finding.line, finding.col - 1, f"{finding.code} {finding.message}", type(self)


def findings_for(path: Path, text: str) -> list:
    """The findings for one file's text, with the index of the project the file belongs to."""
    from .config import find_config, load, project_root
    from .engine import Checker
    from .project import Project

    root = project_root(path) if path.name not in ("stdin", "-") else None
    config = find_config(path if path.exists() else Path.cwd())
    key = (root, config)
    if key not in _PROJECTS:
        _PROJECTS[key] = (Checker(load(config)), {})
    checker, built = _PROJECTS[key]
    absolute = path.absolute()
    cached = built.get("project")
    if cached is not None:
        source = next((s for s in cached.sources if s.path is not None and s.path.absolute() == absolute), None)
        if source is not None and source.text == text:  # unchanged since the project was checked
            return [f for f in built["findings"] if f.path == source.display]
    if root is not None and cached is None and path.exists():
        from .discover import discover

        files = discover([root], checker.settings).files
        project = Project.from_files(checker, root, [(f, str(f)) for f in files])
        built.update(project=project, findings=project.findings())
        return findings_for(path, text)
    project = Project.from_files(checker, root, [(path, str(path))], {absolute: text.encode("utf-8", "surrogatepass")})
    return project.findings()
