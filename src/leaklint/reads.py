"""What a module's walk asked the project index, so that a later round walks it again only when an answer changed.

A module's walk depends on its own syntax and on what it asks the index: what a name of another module is
bound to, what a project function returns or passes through, which derived sinks a call name has, what the
project's methods or attributes of a name hold.  Each such question notes itself with its answer (`note`);
after the walk they are kept (`run_round`'s `seen`), and in later rounds asked again
(`ProjectIndex.still_answers`): a module whose questions all get the same answers would walk to the same facts
and findings, so it is skipped.  Standard library only; one walk records at a time.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

T = TypeVar("T")

Question = tuple[str, str]   # (what is asked: a `ProjectIndex` method or "sinks"/"instance_class"/"root", of what)

_current: dict[Question, object] | None = None


VARIED = object()   # a question answered differently during one walk: it never holds again


def note(question: Question, answer: object) -> None:
    """The walk under way asked `question` and got `answer` (answers about the module being walked can
    change during its walk, as its own functions are done: then the walk must run again)."""
    if _current is not None:
        said = _current.setdefault(question, answer)
        if said is not answer and said is not VARIED and said != answer:
            _current[question] = VARIED


@contextmanager
def recording() -> Iterator[dict[Question, object]]:
    """Collect the questions noted while the block runs, with their answers."""
    global _current
    previous, _current = _current, {}
    try:
        yield _current
    finally:
        _current = previous


def current() -> dict[Question, object] | None:
    """The questions the walk under way has noted so far."""
    return _current


def note_all(questions: dict[Question, object]) -> None:
    """`note` each of `questions` with its answer."""
    for question, answer in questions.items():
        note(question, answer)


@contextmanager
def nested() -> Iterator[dict[Question, object]]:
    """Collect the questions noted while the block runs apart (one function's), then note them in the
    recording under way too."""
    global _current
    outer, _current = _current, {}
    try:
        yield _current
    finally:
        inner, _current = _current, outer
        if outer is not None:
            note_all(inner)


@contextmanager
def paused() -> Iterator[None]:
    """Questions asked while the block runs are not the walk's (a check of answers kept from before)."""
    global _current
    outer, _current = _current, None
    try:
        yield
    finally:
        _current = outer


def asked(method: Callable[[object, str], T]) -> Callable[[object, str], T]:
    """A question of the index's, of one name: noted with its answer when a walk is recording."""
    kind = method.__name__

    @functools.wraps(method)
    def ask(self, name: str) -> T:
        answer = method(self, name)
        if _current is not None:  # (`note`, without its call: walks ask hundreds of thousands of questions)
            said = _current.setdefault((kind, name), answer)
            if said is not answer and said is not VARIED and said != answer:
                _current[(kind, name)] = VARIED
        return answer
    return ask


class NotedSinks(dict):
    """The round's sinks by call name: which a call name has depends on the project (its derived sinks)."""

    def get(self, key, default=None):
        found = dict.get(self, key)
        if _current is not None:
            note(("sinks", key), tuple(found or ()))
        return default if found is None else found

    def __contains__(self, key) -> bool:
        return self.get(key) is not None

    def __getitem__(self, key):
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found
