"""A long run's progress: one line on stderr, `leaklint: parsing: 120/800 files`, rewritten in place and
cleared before anything else is printed.

Nothing is shown during a run's first `DELAY` seconds (a fast run prints nothing), and the line is redrawn
at most every `INTERVAL`.  By default it is shown only to a person watching: stderr a terminal, outside CI,
without `--quiet`; `--progress` and `--no-progress` decide instead.  The project tells it of each batch of
files it parses and each round it walks; the count then moves as this process's share of the batch is done
(with `--jobs`, the workers' part is taken to move at the same pace).
"""

from __future__ import annotations

import os
import time

DELAY = 1.0      # seconds of a run before the line may appear
INTERVAL = 0.1   # seconds between two redraws, at least
_SHOWN: list[Progress] = []   # the line on the terminal now, to clear on Ctrl-C


def wanted(choice: bool | None, quiet: bool, stream) -> bool:
    """`--progress`/`--no-progress` when given, else whether someone is watching `stream`."""
    if choice is not None:
        return choice
    if quiet or os.environ.get("CI", "").strip().lower() not in ("", "0", "false"):  # as CI services set it
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed
        return False


class Progress:
    """The line, drawn from the latest state when the delay and the interval allow."""

    def __init__(self, stream, clock=time.monotonic):
        self.stream = stream
        self.clock = clock
        self.due = clock() + DELAY   # the earliest the line may be drawn (again)
        self.width = _width(stream)
        self.line = ""               # the line on the terminal now
        self.column = 0              # where it left the cursor (past the blanks that ended a longer one)
        self.phase, self.done, self.total = "reading", 0, 0
        self.shares = None           # the project's shares being followed, and its rounds so far
        self.rounds = 0

    def set(self, phase: str, done: int = 0, total: int = 0) -> None:
        """The phase, and `done` of `total` files (no count when `total` is 0)."""
        self.phase, self.done, self.total = phase, done, total
        self.tick()

    def tick(self) -> None:
        now = self.clock()
        if now >= self.due and self._draw():
            self.due = now + INTERVAL

    def clear(self, echoed: int = 0) -> None:
        """Blank the line (and `echoed` characters the terminal put after it) and go back to its start."""
        if self.line:
            self._write("\r" + " " * (self.column + echoed) + "\r")
            self.line, self.column = "", 0
        if self in _SHOWN:
            _SHOWN.remove(self)

    def parsing(self, shares, sources: list) -> None:
        """The project is about to parse `sources`: the files parsed so far of those to parse."""
        if not sources:
            return
        self._follow_project(shares)
        before = len(shares.parsed)
        self._follow_share(shares, {s.display for s in sources}, before, before + len(sources))
        self.set("parsing", before, before + len(sources))

    def walking(self, shares, only: frozenset[str] | None) -> None:
        """The project is about to walk its modules (the `only` ones) in a round of the index."""
        self._follow_project(shares)
        self.rounds += 1
        walked = {d for d, parsed in shares.parsed.items() if parsed.error is None and (only is None or d in only)}
        self._follow_share(shares, walked, 0, len(walked))
        self.set(f"analysing round {self.rounds}", 0, len(walked))

    def _follow_project(self, shares) -> None:
        if shares is not self.shares:  # the next project of the run: its rounds count from 1
            self.shares, self.rounds = shares, 0

    def _follow_share(self, shares, displays: set[str], start: int, total: int) -> None:
        """Count the files this process's share starts on (its `at`), scaled up to all shares'.  The share
        goes through its files once more for their findings after the last round: those calls, past the
        round's, are the report."""
        local = getattr(shares, "local", None)
        if local is None:
            return
        calls, scale = 0, 0.0

        def at(_position: int) -> None:
            nonlocal calls, scale
            if not calls:  # the files are dealt out to the shares by now
                owner = getattr(shares, "owner", {})
                scale = (total - start) / max(1, sum(owner.get(d, 0) == 0 for d in displays))
            if calls * scale < total - start:
                self.done = start + int(calls * scale)
            elif self.total:
                self.phase, self.done, self.total = "reporting", 0, 0
            calls += 1
            self.tick()

        local.at = at

    def _draw(self) -> bool:
        """Show the state; False when the line already says it."""
        text = f"leaklint: {self.phase}" + (f": {self.done}/{self.total} files" if self.total else "")
        text = text[:self.width]
        if text == self.line:
            return False
        self._write("\r" + text.ljust(self.column))
        if not self.line:
            _SHOWN.append(self)
        self.line, self.column = text, max(len(text), self.column)
        return True

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()  # now: a worker forked later must not inherit it unwritten
        except (OSError, ValueError):  # the terminal went away: stop drawing
            self.due = float("inf")


def clear_shown() -> None:
    """Ctrl-C: clear the line, and the `^C` the terminal echoed after it, before the run says it stopped."""
    for progress in list(_SHOWN):
        progress.clear(echoed=2)


def _width(stream) -> int:
    """Room for the line: the terminal's width, less the `^C` a terminal echoes after it and a column
    (writing the last one would wrap on some terminals)."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns or 80  # 0: a terminal that has not said
    except (AttributeError, ValueError, OSError):
        columns = 80
    return max(columns - 3, 20)
