"""Python's cyclic garbage collector during a run.

A run builds millions of small objects (libcst's syntax nodes) that live until it ends, and holds few
reference cycles.  With the default thresholds the collector runs every 700 allocations and again and again
scans the trees already built: about a fifth of the time of parsing weblate's modules.  During a run it
runs a hundred times less often; the thresholds are restored after, for a process that embeds leaklint
(an editor's server).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

RUN_THRESHOLDS = (70_000, 20, 20)


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(*RUN_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
