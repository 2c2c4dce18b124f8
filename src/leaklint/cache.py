"""The cache in `.leaklint_cache/`: what each file's text says for the prefilter, and each project's
results, keyed by content hash, leaklint's own code and data, and the effective configuration.

- Per file (by absolute path): its size, mtime and content hash, the words of its import statements,
  whether it holds a risky-setting literal or a leaklint comment, whether it names a vendor's HTTP API,
  and why it could not be read.  An
  unchanged file (same size and mtime) is not read again.
- Per project (by root): the hashes of the files that mattered, the index built from them (as plain
  data) and their findings (without the source lines, which may hold secrets: those are read again);
  and every file's hash and place then, so that a warm run checks only the files that moved.

Everything is stored as plain data, signed and checked on load (`cache_io`): a cache that is missing,
damaged, forged or made by other code is ignored, and the run is a cold one.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import marshal
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import cache_io
from .findings import Finding, Flow, Related

FORMAT = 9  # bumped whenever what is stored changes shape


@dataclass
class FileEntry:
    size: int
    mtime_ns: int
    digest: str
    words: frozenset[str] | str    # words of the import statements (as stored: joined by spaces)
    literal: bool                  # holds one of the settings' literals
    marked: bool                   # holds a leaklint suppression or skip comment
    vendor: bool                   # imports an HTTP client and names a vendor's API
    error: str = ""                # why it could not be decoded ("" when it could)


@dataclass
class ProjectEntry:
    relevant: dict[str, str]                       # absolute path -> digest of the files that were parsed
    interesting: frozenset[str]                    # names leading to a sink, as "module:name"
    index_data: object                             # index.ProjectIndex as plain data (`index_data.to_data`),
                                                   # or as stored: that data marshalled, decoded by `index()`
    findings: dict[str, list[tuple]] = field(default_factory=dict)   # absolute path -> `finding_data` rows
    watched: dict[str, str] = field(default_factory=dict)  # path -> digest: importers of a lead not analysed
                                                           # that the build did not parse
    seen: dict[str, str] = field(default_factory=dict)     # path -> `project.closure_key` of every file then:
                                                           # only files whose key moved can join the closure

    def index(self):
        """The index (importing the analysis modules, which loading the cache itself does not)."""
        from .index_data import from_data

        data = self.index_data
        return from_data(marshal.loads(data) if type(data) is bytes else data)


@dataclass
class CacheData:
    files: dict[str, FileEntry] = field(default_factory=dict)
    projects: dict[str, ProjectEntry] = field(default_factory=dict)


class Cache:
    def __init__(self, directory: Path, settings_key: str, key: bytes | None):
        self.directory = directory
        self.relative = f"{code_folder()}/{settings_key}"
        self.key = key      # None: a cache that cannot be used safely is neither read nor written
        self.data = CacheData()
        self.dirty = False

    @classmethod
    def for_run(cls, directory: Path, settings) -> "Cache":
        key = cache_io.user_key() if cache_io.usable(directory) else None
        cache = cls(directory, settings_key(settings), key)
        cache.load()
        return cache

    @property
    def path(self) -> Path:
        return self.directory / self.relative

    def load(self) -> None:
        raw = cache_io.read(self.path, self.key) if self.key is not None else None
        try:
            self.data = _cache_data(raw) if raw is not None else CacheData()
        except (TypeError, ValueError, KeyError):
            self.data = CacheData()  # not the shape this code writes: start again

    def save(self) -> None:
        if self.dirty and self.key is not None:
            cache_io.write(self.directory, self.relative, _plain(self.data), self.key)  # read-only tree: no cache

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


# -- findings without their source lines --------------------------------------------------
def finding_data(f: Finding) -> tuple:
    related = tuple((r.line, r.col, r.message) for r in f.related)  # all in the finding's own file
    flow = (f.flow.vendor, f.flow.category, f.flow.kinds) if f.flow is not None else ()
    return (f.line, f.col, f.code, f.message, f.end_line, f.end_col, f.fix, f.fixable, f.fingerprint, related, f.via,
            flow, f.status)


def finding_from(row: tuple, display: str, lines: list[str]) -> Finding:
    """A stored finding for the file shown as `display`, its source line taken from `lines` (the file now)."""
    line, col, code, message, end_line, end_col, fix, fixable, fingerprint, related, via, flow, status = row
    source_line = lines[line - 1] if 0 < line <= len(lines) else ""
    return Finding(display, line, col, code, message, end_line, end_col, fix, source_line, fixable,
                   fingerprint=fingerprint, related=tuple(Related(display, *_row(r, (int, int, str))) for r in related),
                   via=tuple(_strings(via)), flow=_flow(flow), status=status)


def _flow(row: tuple) -> Flow | None:
    """A finding's flow (the inventory's), stored as (vendor, category, kinds) or ()."""
    if not row:
        return None
    vendor, category, kinds = _row(row, (str, str, tuple))
    return Flow(vendor, category, tuple(_strings(kinds)))


# -- plain data out and back, checked ----------------------------------------------------------
def _plain(data: CacheData) -> dict:
    """A warm run loads every file's row but uses few files' words and no index: the words are kept as one
    string (an import's words never hold a space), the index as marshalled bytes, both cheap to load."""
    files = {p: (e.size, e.mtime_ns, e.digest, _joined(e.words), e.literal, e.marked, e.vendor, e.error)
             for p, e in data.files.items()}
    projects = {root: (e.relevant, e.watched, tuple(sorted(e.interesting)), _index_bytes(e.index_data), e.findings,
                       e.seen) for root, e in data.projects.items()}
    return {"files": files, "projects": projects}


def _index_bytes(index_data: object) -> bytes:
    return index_data if type(index_data) is bytes else marshal.dumps(index_data)


def _joined(words: frozenset[str] | str) -> str:
    return words if type(words) is str else " ".join(sorted(words))


FINDING_TYPES = (int, int, str, str, int, int, str, str, str, tuple, tuple, tuple, str)


FILE_TYPES = (int, int, str, str, bool, bool, bool, str)
PROJECT_TYPES = (dict, dict, tuple, bytes, dict, dict)


def _cache_data(raw: object) -> CacheData:
    """Raises TypeError or ValueError on anything but what `_plain` writes.  (A warm run loads thousands
    of rows: each is checked by comparing its types at once, each list of strings by joining it.)"""
    raw = _typed(raw, dict)
    files = {}
    for path, row in _typed(raw["files"], dict).items():
        size, mtime_ns, digest, words, literal, marked, vendor, error = _row(row, FILE_TYPES)
        files[path] = FileEntry(size, mtime_ns, digest, words, literal, marked, vendor, error)
    _strings(files)
    projects = {}
    for root, row in _typed(raw["projects"], dict).items():
        relevant, watched, interesting, index_data, found, seen = _row(row, PROJECT_TYPES)
        findings = {_typed(p, str): [_row(r, FINDING_TYPES) for r in _typed(rows, list)] for p, rows in found.items()}
        projects[_typed(root, str)] = ProjectEntry(_digests(relevant), frozenset(_strings(interesting)), index_data,
                                                   findings, _digests(watched), _digests(seen))
    return CacheData(files, projects)


def _typed(value, kind: type):
    if type(value) is not kind:
        raise TypeError(f"expected {kind.__name__}, found {type(value).__name__}")
    return value


def _row(row, kinds: tuple) -> tuple:
    """`row` when it is a tuple of exactly `kinds` (`bool` is not `int`)."""
    if type(row) is not tuple or tuple(map(type, row)) != kinds:
        raise TypeError("a row of the wrong shape")
    return row


def _strings(values):
    """`values` when every one is a `str` (joining them raises TypeError on anything else)."""
    "".join(values)
    return values


def _digests(mapping: dict) -> dict[str, str]:
    _strings(mapping)
    _strings(mapping.values())
    return mapping


# -- keys -----------------------------------------------------------------------------------------
def code_folder() -> str:
    """One folder per leaklint code (version, own code and data files) and cache format."""
    return f"{FORMAT}-{cache_io.code_digest()}"


def settings_key(settings) -> str:
    """A digest of every setting (a new setting is covered without being listed here)."""
    def normal(value):
        if isinstance(value, dict):
            return sorted((normal(k), normal(v)) for k, v in value.items())
        if isinstance(value, (set, frozenset)):
            return sorted(normal(v) for v in value)
        if isinstance(value, (list, tuple)):
            return [normal(v) for v in value]
        if isinstance(value, (str, int, float)) or value is None:
            return value
        return getattr(value, "name", None) or str(value)  # an enum member, a path

    values = [(f.name, normal(getattr(settings, f.name))) for f in dataclasses.fields(settings)]
    return hashlib.sha256(repr(values).encode()).hexdigest()[:16]


# -- the catalogue's prefilter facts and parsed data files ---------------------------------------
def catalogue_path(directory: Path) -> Path:
    """Where the catalogue's prefilter facts are kept (its parsed data files beside them: `tables_beside`)."""
    return directory / code_folder() / "catalogue"


def tables_beside(catalogue_file: Path | None) -> Path | None:
    """Where the catalogue's parsed data files are kept, beside its prefilter facts."""
    return catalogue_file.with_name("tables") if catalogue_file is not None else None


@functools.lru_cache(maxsize=4)
def stored_catalogue(path: Path | None) -> tuple[frozenset[str], tuple[str, ...], frozenset[str]]:
    """The built-in catalogue's SDK roots, settings' literals and HTTP clients' import words (all that a run
    parsing nothing needs), read from `path` without importing the catalogue's code, or worked out (and
    kept at `path`)."""
    key, raw = _kept(path)
    try:
        roots, literals, clients = _row(raw, (tuple, tuple, tuple))
        return frozenset(_strings(roots)), tuple(_strings(literals)), frozenset(_strings(clients))
    except (TypeError, ValueError):
        pass  # missing, damaged or foreign: work them out again
    from .catalogue import prefilter_facts

    roots, literals, clients = prefilter_facts(lambda: stored_tables(tables_beside(path)))
    _keep(path, key, (tuple(sorted(roots)), literals, tuple(sorted(clients))))
    return roots, literals, clients


def stored_tables(path: Path | None) -> dict[str, dict]:
    """The built-in catalogue's data files, parsed (`catalogue.tables`), read from `path`, or parsed (and
    kept at `path`): the data files are part of what names the cache's folder, so a copy there is of
    these very files."""
    key, raw = _kept(path)
    from .catalogue.data import table_names, tables

    if isinstance(raw, dict) and set(raw) == table_names() and all(type(v) is dict for v in raw.values()):
        return raw
    found = tables()
    _keep(path, key, found)
    return found


def _kept(path: Path | None) -> tuple[bytes | None, object]:
    """The key to sign what is kept at `path` with (None: nothing is kept there), and what is kept there."""
    key = cache_io.user_key() if path is not None and cache_io.usable(path.parent.parent) else None
    return key, cache_io.read(path, key) if key is not None else None


def _keep(path: Path | None, key: bytes | None, data: object) -> None:
    if key is not None:
        cache_io.write(path.parent.parent, f"{path.parent.name}/{path.name}", data, key)


def clean(directory: Path) -> bool:
    """`leaklint clean`: remove the cache folder; True when there was one.  A symlink, or a folder
    without leaklint's tag, is left alone."""
    import shutil

    if not os.path.isdir(directory) or os.path.islink(directory) or not (directory / "CACHEDIR.TAG").is_file():
        return False
    shutil.rmtree(directory, ignore_errors=True)
    return True
