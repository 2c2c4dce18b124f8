"""`--jobs`: the files that matter, shared out between this process and worker processes.

Each share parses its files once and keeps their syntax trees; what crosses between processes is small
and portable: the index (summaries, no trees) going out before a worker's first round, then before each
round only the facts of the modules walked elsewhere since; the facts of the modules each share walked
coming back; the final findings (their fixes as offsets, see findings.Wrap).  With one job the only share
is this process's, on the same path.

A worker that dies (the native parser crashing on some file, the kernel killing it) is replaced: the
file it was on is reported as LL902 and the rest of its share is parsed again by the new worker.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import sys
import threading
import time

from .engine import Checker, Source, internal_error
from .findings import Finding
from .parallel_share import Parsed, Share, merge, module_facts

# Below this much text to parse, starting workers costs more than it saves.
MIN_BYTES = 150_000

# This process's ends of the workers' pipes, and the workers.  A forked worker gets a copy of each end and
# closes them, else its own pipe would never report end-of-file when this process dies.
_RUNNING: dict = {}
STOPPING = threading.Event()   # set on Ctrl-C: a worker that goes away is not replaced


class Worker:
    """A share in another process, driven through a pipe: send a command, later take its result."""

    def __init__(self, checker: Checker):
        self.checker = checker
        self.owned: list[Source] = []       # every source given to it, to replay into a replacement
        self.dead: dict[str, Finding] = {}  # LL902 for the files it died on
        self.earlier: list[Source] = []
        self.last_round: tuple | None = None  # replayed before findings, which need its reports
        self.pending: tuple = ()
        self.restarts = 0
        self.index = None       # this process's index, which the worker's copy follows
        self.stale: set[str] = set()   # modules walked elsewhere since the worker's last round
        self._start()

    def _start(self) -> None:
        if STOPPING.is_set():
            raise KeyboardInterrupt
        if getattr(self, "conn", None) is not None:  # a replacement: the dead one's pipe goes
            _RUNNING.pop(self.conn, None)
            self.conn.close()
        import multiprocessing   # (here: most one-file runs start no worker)

        context = multiprocessing.get_context(start_method())
        self.position = context.RawValue("i", -1)   # the file it is on, read after a death
        self.conn, child = context.Pipe()
        self.primed = False   # whether it holds a copy of the index
        self.process = context.Process(target=serve, args=(self.checker, child, self.position, os.getpid()),
                                       daemon=True, name="leaklint-worker")
        _RUNNING[self.conn] = self.process
        with _no_interrupts():  # Ctrl-C is for this process, which stops the workers
            self.process.start()
        child.close()  # else a dead worker's pipe never reports end-of-file

    def send(self, command: str, *args) -> None:
        self.earlier = self._alive()  # what a replacement must parse again before redoing this command
        if command == "parse":
            self.owned.extend(args[0])
        self.pending = (command, args)
        if command == "round" and args[0] is None:
            self.last_round = args
        self._send(command, args)

    def round(self, index, only: frozenset[str] | None) -> None:
        """Start a round: the worker catches up with `index` (see `Share.catch_up`), then walks."""
        self.index = index
        self.send("round", only)

    def walked_elsewhere(self, modules: set[str]) -> None:
        self.stale |= modules

    def _send(self, command: str, args: tuple) -> None:
        if command == "parse":
            args = (self._alive(args[0]), *args[1:])
        elif command == "round":
            args = (self._update(), *args)
        self.position.value = -1
        try:
            self.conn.send((command, args))
        except OSError:
            if STOPPING.is_set():   # Ctrl-C ended the worker under this send: the interruption says it all
                raise KeyboardInterrupt from None
            raise

    def _update(self) -> tuple:
        """What the worker needs to hold this process's index: all of it the first time (and after a
        restart), else the facts of the modules walked elsewhere since."""
        if not self.primed:
            self.primed, self.stale = True, set()
            return "index", pickle.dumps(self.index, protocol=pickle.HIGHEST_PROTOCOL)
        names, self.stale = self.stale, set()
        facts = module_facts(self.index, names)
        facts["classes"] = set(self.index.classes)   # with those of the files parsed since (`Shares.parse`)
        return "facts", facts

    def result(self):
        command, args = self.pending
        while True:
            try:
                kind, value = self.conn.recv()
            except (EOFError, OSError):
                if STOPPING.is_set():
                    raise KeyboardInterrupt from None
                self._bury(self._alive(args[0]) if command == "parse" else self._alive())
                self._restore()
                self._send(command, args)
                continue
            if kind == "raised":
                raise RuntimeError(f"worker failed: {value}")
            if command == "parse":  # the files it died on are reported like unreadable ones
                asked = {s.display for s in args[0]}
                value += [Parsed(d, f, frozenset(), "") for d, f in self.dead.items() if d in asked]
            return value

    def _bury(self, files: list[Source]) -> None:
        """The worker died while going through `files`: the one it was on gets an LL902."""
        self.process.join(timeout=5)
        code, position = self.process.exitcode, self.position.value
        self.restarts += 1
        if 0 <= position < len(files):
            display = files[position].display
            self.dead[display] = internal_error(display, WorkerDied(
                f"the worker process analysing this file died (exit code {code})"))
        elif self.restarts > 3:  # dying between files, again and again: nothing to blame, give up
            raise RuntimeError(f"worker process died (exit code {code}) outside any file")

    def _restore(self) -> None:
        """A new worker, holding the files the dead one had parsed before the command it died in."""
        while True:
            self._start()
            earlier = self._alive(self.earlier)
            if not earlier:
                return
            try:
                self._send("parse", (earlier, frozenset()))
                self.conn.recv()
                if self.pending[0] == "findings" and self.last_round is not None:
                    self._send("round", self.last_round)
                    self.conn.recv()
                return
            except (EOFError, OSError):
                self._bury(earlier)

    def _alive(self, sources: list[Source] | None = None) -> list[Source]:
        return [s for s in (self.owned if sources is None else sources) if s.display not in self.dead]

    def close(self) -> None:
        try:
            self.conn.send(("stop", ()))
        except OSError:
            pass
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=2)
        _RUNNING.pop(self.conn, None)
        self.conn.close()


class WorkerDied(Exception):
    pass


def start_method() -> str:
    """fork where it is safe and cheap (Linux: the worker starts with leaklint already imported), else
    spawn."""
    return "fork" if sys.platform.startswith("linux") else "spawn"


@contextlib.contextmanager
def _no_interrupts():
    """SIGINT blocked in this thread, and so in the processes it starts (they inherit the mask)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def stop_all() -> None:
    """Ctrl-C: end every worker now (the main thread calls this while the run may be anywhere)."""
    STOPPING.set()
    for process in list(_RUNNING.values()):
        with contextlib.suppress(OSError, ValueError):
            process.kill()   # the run, waiting for it, sees end-of-file and stops too


def die_with(parent: int) -> None:
    """End this worker when the process that started it ends, however it ends (killed, crashed)."""
    for end in list(_RUNNING):  # fork: the copies of the parent's ends
        end.close()
    _RUNNING.clear()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            ctypes.CDLL(None).prctl(1, int(signal.SIGKILL))  # 1: PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it ended before that was in place
        os._exit(1)

    def watch() -> None:  # elsewhere, or should the signal not come: notice being adopted by another
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="leaklint-parent-watch", daemon=True).start()


def serve(checker: Checker, conn, position, parent: int) -> None:
    """A worker's loop: run the share's commands until told to stop or the main process goes away."""
    from .deep_stack import with_deep_stack

    die_with(parent)
    gc.disable()  # a worker lives for one run (see `collector`)

    def loop() -> int:
        share = Share(checker, lambda at: setattr(position, "value", at))
        while True:
            try:
                command, args = conn.recv()
            except (EOFError, OSError):
                return 0
            if command == "stop":
                return 0
            try:
                if command == "round":
                    args = (share.catch_up(args[0]), *args[1:])
                result = getattr(share, command)(*args)
            except Exception as err:  # noqa: BLE001 - reported by the main process as one line
                result, kind = f"{type(err).__name__}: {err}", "raised"
            else:
                kind = "ok"
            try:
                conn.send((kind, result))
            except OSError:  # the main process went away
                return 0

    with_deep_stack(loop)


def worth_sharing(sources: list[Source], jobs: int) -> bool:
    """Enough text to parse to pay for starting workers (a file known only from the cache counts as
    an average one)."""
    return len(sources) >= 2 * jobs and sum(len(s.text) if s.loaded else 4000 for s in sources) >= MIN_BYTES


class Shares:
    """This process's share and the workers': files dealt out by size, rounds run side by side."""

    def __init__(self, checker: Checker, jobs: int, modules: frozenset[str]):
        self.checker = checker
        self.jobs = jobs
        self.modules = modules                 # the project's module names (to tell its imports)
        self.local = Share(checker)
        self.workers: list[Worker] = []        # started once a batch of files is worth it
        self.owner: dict[str, int] = {}        # display -> share (0: this process)
        self.load = [0]                        # text dealt to each share so far
        self.parsed: dict[str, Parsed] = {}

    def parse(self, sources: list[Source], index) -> None:
        """Parse `sources` across the shares; the classes they define are told to `index` before any walk."""
        from .index import add_classes

        if self.jobs > 1 and not self.workers and worth_sharing(sources, self.jobs):
            self.workers = [Worker(self.checker) for _ in range(self.jobs - 1)]
            self.load += [0] * len(self.workers)
        groups: list[list[Source]] = [[] for _ in self.load]
        for source in sorted(sources, key=lambda s: (-len(s.text), s.display)):  # biggest first, to the least loaded
            share = self.load.index(min(self.load))
            groups[share].append(source)
            self.load[share] += len(source.text) or 4000
            self.owner[source.display] = share
        for worker, group in zip(self.workers, groups[1:]):
            if group:
                worker.send("parse", group, self.modules)
        results = self.local.parse(groups[0], self.modules)
        for worker, group in zip(self.workers, groups[1:]):
            if group:
                results += worker.result()
        by_display = {s.display: s for s in sources}
        for parsed in results:
            self.parsed[parsed.display] = parsed
            by_display[parsed.display].error = parsed.error
        add_classes(index, {name for parsed in results for name in parsed.classes})

    def round(self, index, only: frozenset[str] | None = None) -> bool:
        """One round over every share (each walks its modules against the index as it was at the start);
        True when the index changed."""
        from .index import _key

        before = _key(index)
        busy = [w for i, w in enumerate(self.workers, 1) if only is None or any(self.owner.get(d) == i for d in only)]
        for worker in busy:
            worker.round(index, only)
        self.local.round(index, only, facts=False)
        walked: dict[Worker | None, set[str]] = {None: self.local.walked}
        for worker in busy:
            facts = worker.result()
            merge(index, facts)
            walked[worker] = set(facts["modules"]) | {f.module for f in facts["functions"]}
        for worker in self.workers:  # each worker's copy of the index is to learn what the others walked
            worker.walked_elsewhere(set().union(*(names for by, names in walked.items() if by is not worker)))
        return _key(index) != before

    def findings(self, wanted: set[str]) -> dict[str, list[Finding]]:
        """Findings of the wanted files among those parsed (the others have none to give)."""
        asked = [frozenset(d for d in wanted if self.owner.get(d) == i) for i in range(len(self.load))]
        for worker, displays in zip(self.workers, asked[1:]):
            if displays:
                worker.send("findings", displays)
        out = self.local.findings(asked[0])
        for worker, displays in zip(self.workers, asked[1:]):
            if displays:
                out.update(worker.result())
                out.update({d: [f] for d, f in worker.dead.items() if d in displays})
        return out

    def close(self) -> None:
        for worker in self.workers:
            worker.close()
        self.workers = []
