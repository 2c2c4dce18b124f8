"""Walking a module again, but only those of its functions whose answers changed.

A module is walked again when an answer its last walk got from the index changed (`reads`).  Most of its
functions asked nothing that changed, and walked again they would give the same reports and the same facts.
So what each function's walk did is kept (its questions with their answers, its reports, the facts it
handed to the index), and the next walk of the module replays a function from that instead of walking it,
when all of these hold:
- the module's own statements asked the same questions and got the same answers as last time, so what
  they bound is as it was (comparing what they bound instead is not enough: two classes of one name share
  their entries in the module's members, while each one's methods see that class's own attributes);
- the function's questions get the same answers now, at its turn (the functions walked before it in this
  walk may have changed what the index says of the module itself);
- it is a module-level function or a method of a module-level class, declaring no `global` or `nonlocal`,
  and its walk left no inner function to walk after it;
- neither its walk nor any walk before it in this walk changed anything outside itself: the module's names,
  what the module told an SDK, its classes' members;
- the module's last walk did not walk a callback handed to an SDK a second time.
The walk is deterministic in its syntax and its answers, so a replay gives what the walk would.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import reads

SINK, RETURN = 0, 1


@dataclass
class Kept:
    """What one function's walk did."""

    questions: dict
    reports: list
    told: list   # (SINK or RETURN, the hook's arguments), in order


@dataclass
class Walked:
    """What a module's last walk kept, for its next one."""

    module: object                # the syntax tree walked (a module parsed again starts afresh)
    module_questions: dict        # asked by its own statements, before any function
    functions: dict[int, Kept]    # by the id of the function's node in that tree (a name can be defined twice)


class Replay:
    """One walk of one module: replays the functions its last walk kept (in `functions`, by file) that
    still hold, walks the others, and keeps what each did for the next walk.  With `functions` None, every
    function is walked and nothing is kept."""

    def __init__(self, source, functions: dict[str, Walked] | None, still_answers) -> None:
        self.source, self.functions, self.module = source, functions, source.module
        last = functions.pop(source.display, None) if functions is not None else None
        self.last = last if last is not None and last.module is self.module else None
        self.around = self._around if functions is not None else None   # for `Walker.around`
        self.still_answers = still_answers    # questions -> whether the index answers them alike now
        self.kept: dict[int, Kept] = {}
        self.module_questions: dict | None = None
        self.same_module = False
        self.clean = True      # no walk so far in this walk changed anything outside itself
        self.late = False      # a callback was walked a second time
        self._told: list | None = None
        self._hooks: tuple = (None, None)

    def hooks(self, on_sink, on_return):
        """The index's hooks, each call also kept for the function being walked."""
        self._hooks = (on_sink, on_return)
        if self.functions is None:
            return self._hooks
        return (lambda *args: self._tell(SINK, args)), (lambda *args: self._tell(RETURN, args))

    def _tell(self, hook: int, args: tuple) -> None:
        if self._told is not None:
            self._told.append((hook, args))
        self._hooks[hook](*args)

    def _around(self, reports: list, walker, job, walk) -> None:
        """Walk the function `job` (`walk(job)`), or replay it."""
        if self.module_questions is None:   # the first function: the module's own statements are done
            self.module_questions = dict(reads.current() or {})
            self.same_module = self.last is not None and self.last.module_questions == self.module_questions
        self.late = self.late or walker.late
        own = job.parent is walker.module_env and job.declared == ([], []) and not self.late
        kept = self.last.functions.get(id(job.scope.node)) if own and self.clean and self.same_module else None
        if kept is not None and self._holds(kept):
            self._replay(kept, reports, walker, job)
        else:
            self._walk(own, reports, walker, job, walk)

    def _replay(self, kept: Kept, reports: list, walker, job) -> None:
        reports.extend(kept.reports)
        for hook, args in kept.told:
            self._hooks[hook](*args)
        reads.note_all(kept.questions)
        self.kept[id(job.scope.node)] = kept
        if walker.on_done is not None:
            walker.on_done(walker, job.scope)

    def _walk(self, own: bool, reports: list, walker, job, walk) -> None:
        if not self.clean:   # nothing after an unclean walk is kept: no record to make
            walk(job)
            return
        before, start, pending = _outside(walker), len(reports), len(walker._pending)
        self._told = told = []
        try:
            with reads.nested() as questions:
                walk(job)
        finally:
            self._told = None
        if _outside(walker) != before:
            self.clean = False
        elif own and len(walker._pending) == pending:
            self.kept[id(job.scope.node)] = Kept(questions, reports[start:], told)

    def _holds(self, kept: Kept) -> bool:
        with reads.paused():
            return self.still_answers(kept.questions)

    def keep(self, walker) -> None:
        """After the walk: what its functions did, for the module's next walk (not when it failed, walked
        no function, or walked a callback twice)."""
        if self.functions is not None and walker is not None and not self.late and self.module_questions is not None:
            self.functions[self.source.display] = Walked(self.module, self.module_questions, self.kept)


def _outside(walker) -> tuple:
    """What a function's walk could change outside itself, by identity."""
    env = walker.module_env
    told = env.told or {}   # (made on first reading it)
    return (tuple(env.names), tuple(map(id, env.names.values())), tuple(env.elsewhere),
            tuple(told), tuple(map(id, told.values())),
            tuple(walker.members), tuple(map(id, walker.members.values())), tuple(walker.bases),
            tuple(map(id, walker.bases.values())), len(walker.properties))
