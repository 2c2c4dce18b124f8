"""Running the work in a thread with a deep stack, and leaving at once on Ctrl-C (standard library only:
the command line and the worker processes both start here)."""

from __future__ import annotations

import os
import sys

EXIT_ERROR = 2          # a usage, configuration or internal error
EXIT_INTERRUPTED = 130  # as a shell reports a process ended by Ctrl-C


def with_deep_stack(work):
    """Run `work` in a thread with a large stack and recursion limit: syntax trees of odd files are deep,
    and the parser and visitors recurse; a deep file must become a finding, never a crash."""
    import threading

    result: list[int] = [EXIT_ERROR]
    previous_stack = threading.stack_size(512 * 1024 * 1024)
    previous_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous_limit, 20_000))
    try:
        thread = threading.Thread(target=lambda: result.__setitem__(0, work()), name="leaklint")
        thread.start()
        try:
            thread.join()
        except KeyboardInterrupt:  # delivered to this thread, the main one
            interrupted()
    finally:
        threading.stack_size(previous_stack)
        sys.setrecursionlimit(previous_limit)
    return result[0]


def interrupted() -> None:
    """Ctrl-C: end the worker processes and leave at once.  The work cannot be unwound safely from
    here (it may be inside the native parser, which an exception or thread exit would abort); files
    are only ever replaced whole, so none is left half-written."""
    if "leaklint.parallel" in sys.modules:  # looked up, not imported: a run without workers has none
        sys.modules["leaklint.parallel"].stop_all()
    if "leaklint.progress" in sys.modules:  # a progress line on the terminal goes before the message
        sys.modules["leaklint.progress"].clear_shown()
    print("leaklint: interrupted", file=sys.stderr)
    sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)
