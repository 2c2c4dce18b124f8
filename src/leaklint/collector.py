"""Python's cyclic garbage collector during a run: off.

A run builds millions of small objects (libcst's syntax nodes, the walks' values) that live until it ends,
and makes almost no reference cycles: the one each walk made (the walker's hooks hold the walker) is
broken when the walk is done.  The collector would still scan every object the run makes at least once,
for nothing: on onyx, 1.5 s of the main process and 0.75 s of a worker, about a tenth of the run.  So it
is off during a run and set back after, for a process that embeds leaklint (an editor's server); a worker
process, which lives for one run, never turns it on.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_off() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
