"""The files of a project as sources: known from the cache's facts, read now, or read when first needed."""

from __future__ import annotations

import os
from pathlib import Path

from .cache import Cache, FileEntry
from .engine import Checker, Source, unreadable
from .layout import module_info_at


def few(asked: int, files: int) -> bool:
    """A run about a few files indexes only what they reach; half the project or more (`check src/`), all
    of it (and the index is stored)."""
    return 2 * asked < files


def source_at(checker: Checker, path: Path, display: str, root: Path | None, data: bytes | None,
              cache: Cache | None, defer: bool = False) -> Source:
    """A source from the cache's facts when the file is unchanged (not read now), else read; `defer`:
    else read when first needed (`Checker.facts`)."""
    absolute = os.path.abspath(path)
    info = module_info_at(absolute, root)
    if data is not None:
        return checker.read(path, display, info, data)
    if cache is not None:
        try:
            stat = os.stat(absolute)
        except OSError:
            return checker.read(path, display, info)
        entry = cache.file(absolute, stat)
        if entry is not None:
            source = Source(display, "", info, path=path, digest=entry.digest, words=entry.words,
                            literal=entry.literal, marked=entry.marked, vendor=entry.vendor, loaded=False,
                            error=unreadable(display, entry.error) if entry.error else None)
            source.absolute = absolute
            return source
    if defer:
        source = Source(display, "", info, path=path, loaded=False)
        source.absolute = absolute
        return source
    if cache is None:
        return checker.read(path, display, info)
    source = checker.read(path, display, info)
    if source.error is None:
        checker.facts(source)
    if source.digest:  # read (a file that could not be read at all is not cached)
        cache.put_file(absolute, FileEntry(stat.st_size, stat.st_mtime_ns, source.digest, source.words or frozenset(),
                                           bool(source.literal), bool(source.marked), bool(source.vendor),
                                           source.error.message if source.error is not None else ""))
    return source
