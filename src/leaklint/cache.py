"""The cache in `.leaklint_cache/`: what each file's text says for the prefilter, and each project's
results, keyed by content hash, leaklint's version and the effective configuration.

- Per file (by absolute path): its size, mtime and content hash, the words of its import statements,
  whether it holds a risky-setting literal or a leaklint comment, and why it could not be read.  An
  unchanged file (same size and mtime) is not read again.
- Per project (by root): the hashes of the files that mattered, the index built from them (portable
  summaries, no syntax trees) and their findings.

Writes go through a temporary file and a rename, so concurrent runs never see half a cache; a cache
that cannot be read is ignored and rebuilt.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__

FORMAT = 4  # bumped whenever what is stored changes shape
CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by leaklint.\n"


@dataclass
class FileEntry:
    size: int
    mtime_ns: int
    digest: str
    words: frozenset[str]          # words of the import statements
    literal: bool                  # holds one of the settings' literals
    marked: bool                   # holds a leaklint suppression or skip comment
    error: str = ""                # why it could not be decoded ("" when it could)


@dataclass
class ProjectEntry:
    relevant: dict[str, str]                       # absolute path -> digest of the files that mattered
    interesting: frozenset[str]                    # project modules that lead to a sink
    index_blob: bytes                              # the pickled index.ProjectIndex, unpickled only when needed
    findings: dict[str, list] = field(default_factory=dict)   # absolute path -> findings (no fix data)

    def index(self):
        """The index (importing the analysis modules, which loading the cache itself does not)."""
        return pickle.loads(self.index_blob)


@dataclass
class CacheData:
    files: dict[str, FileEntry] = field(default_factory=dict)
    projects: dict[str, ProjectEntry] = field(default_factory=dict)


class Cache:
    def __init__(self, directory: Path, settings_key: str):
        self.directory = directory
        self.path = directory / f"{__version__}-{FORMAT}" / f"{settings_key}.pickle"
        self.data = CacheData()
        self.dirty = False

    @classmethod
    def for_run(cls, directory: Path, settings) -> "Cache":
        key = hashlib.sha256(repr(_settings_key(settings)).encode()).hexdigest()[:16]
        cache = cls(directory, key)
        cache.load()
        return cache

    def load(self) -> None:
        try:
            with open(self.path, "rb") as handle:
                data = pickle.load(handle)
            if isinstance(data, CacheData):
                self.data = data
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError, ValueError):
            self.data = CacheData()  # missing or corrupt: start again

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tag = self.directory / "CACHEDIR.TAG"
            if not tag.exists():
                tag.write_text(CACHEDIR_TAG)
                (self.directory / ".gitignore").write_text("*\n")
            _write_atomically(self.path, pickle.dumps(self.data, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # a read-only tree: run without a cache

    def file(self, path: str, stat: os.stat_result) -> FileEntry | None:
        entry = self.data.files.get(path)
        if entry is not None and entry.size == stat.st_size and entry.mtime_ns == stat.st_mtime_ns:
            return entry
        return None

    def put_file(self, path: str, entry: FileEntry) -> None:
        self.data.files[path] = entry
        self.dirty = True

    def project(self, root: str) -> ProjectEntry | None:
        return self.data.projects.get(root)

    def put_project(self, root: str, entry: ProjectEntry) -> None:
        self.data.projects[root] = entry
        self.dirty = True


def catalogue_path(directory: Path) -> Path:
    return directory / f"{__version__}-{FORMAT}" / "catalogue.pickle"


@functools.lru_cache(maxsize=4)
def stored_catalogue(path: Path | None) -> tuple:
    """The built-in catalogue as (SDK roots, settings' literals, pickled catalogue), read from `path`
    without importing the catalogue's code, or built (and kept at `path`) when missing or stale."""
    stored = _read_catalogue(path) if path is not None else None
    if stored is None:
        from .catalogue import stored_form

        stored = stored_form()
        if path is not None:
            _write_catalogue(path, stored)
    return stored


def _read_catalogue(path: Path) -> tuple | None:
    try:
        with open(path, "rb") as handle:
            version, roots, literals, blob = pickle.load(handle)
        if version == __version__ and isinstance(roots, frozenset) and isinstance(blob, bytes):
            return roots, literals, blob
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
        pass
    return None


def _write_catalogue(path: Path, stored: tuple) -> None:
    try:
        _write_atomically(path, pickle.dumps((__version__, *stored), protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a read-only tree: build the catalogue again next time


def _write_atomically(path: Path, data: bytes) -> None:
    """Through a temporary file and a rename: concurrent runs see the old file or the new, never half."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def _settings_key(settings) -> tuple:
    """Everything in the configuration that can change a result."""
    return (sorted(settings.select), sorted(settings.extend_select), sorted(settings.ignore),
            sorted((k, tuple(v)) for k, v in settings.per_file_ignores.items()),
            sorted((k, tuple(sorted(v.items()))) for k, v in settings.sinks.items()),
            sorted((k.name, tuple(sorted(v))) for k, v in settings.pii_names.items()),
            sorted(settings.never_pii), sorted(settings.scrubbers), settings.scrubber, settings.pseudonymizer)


def clean(directory: Path) -> bool:
    """`leaklint clean`: remove the cache folder; True when there was one."""
    import shutil

    if not (directory / "CACHEDIR.TAG").exists():
        return False
    shutil.rmtree(directory, ignore_errors=True)
    return True
