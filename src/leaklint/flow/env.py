"""What the evaluator evaluates against: the local names of each scope (`Env`), the configuration
(`Options`) and what it may ask about the rest of the project (`ProjectView`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Protocol, TypeVar

from ..catalogue import Catalogue
from ..pii import PiiKind
from .values import Value


@dataclass
class Env:
    """Local names of one scope, falling back to the enclosing scope."""

    parent: "Env | None" = None
    names: dict[str, Value] = field(default_factory=dict)
    # Names declared `global` or `nonlocal` here: they bind in that other scope, merged with what it held
    # (the function may run or not, and any number of times).
    elsewhere: dict[str, "Env"] = field(default_factory=dict)
    # What the module's code told an SDK, for the rest of the module's walk (kept on the module's own Env,
    # read and written by `builders.py`: functions handed to it as callbacks, clients keeping attributes private).
    told: dict | None = None

    def get(self, name: str) -> Value | None:
        env: Env | None = self
        while env is not None:
            if name in env.elsewhere:
                return env.elsewhere[name].get(name)
            if name in env.names:
                return env.names[name]
            env = env.parent
        return None

    def module(self) -> "Env":
        """The module's Env, at the root of every scope's chain."""
        env = self
        while env.parent is not None:
            env = env.parent
        return env

    def set(self, name: str, value: Value, *, weak: bool = False) -> None:
        if name in self.elsewhere:
            self.elsewhere[name].set(name, value, weak=True)
            return
        old = self.names.get(name)
        self.names[name] = old.merge(value) if weak and old is not None else value


class ProjectView(Protocol):
    """What the evaluator may ask about the rest of the project (see `index.ProjectIndex`)."""

    def lookup(self, ref: str) -> Value | None: ...
    def resolve(self, ref: str) -> Value: ...
    def is_class(self, ref: str) -> bool: ...
    def returns(self, ref: str) -> Value | None: ...
    def passed(self, ref: str, args: list) -> list | None: ...
    def method_returns(self, name: str) -> Value | None: ...
    def attribute_named(self, name: str) -> Value | None: ...


@dataclass
class Options:
    """What the evaluator needs from the configuration and the project."""

    catalogue: Catalogue
    project: ProjectView | None = None
    scrubbers: frozenset[str] = frozenset({"leaklint_scrub.scrub", "leaklint_scrub.pseudonymize", "leaklint_scrub.redact"})
    extra_words: dict[PiiKind, frozenset[str]] = field(default_factory=dict)
    never: frozenset[str] = frozenset()

    @cached_property
    def scrubber_names(self) -> frozenset[str]:  # asked on every call evaluated
        return frozenset(s.rsplit(".", 1)[-1] for s in self.scrubbers)


T = TypeVar("T")
_BUILT: dict[tuple[int, Callable], tuple[object, object]] = {}


def per_catalogue(catalogue: Catalogue, build: "Callable[[Catalogue], T]") -> T:
    """`build(catalogue)`, an index of its sinks made once per catalogue.  Each round has its own (it adds
    the project's derived sinks), as each configuration does: the last few are kept."""
    key = (id(catalogue.sinks), build)
    kept = _BUILT.get(key)
    if kept is not None and kept[0] is catalogue.sinks:
        return kept[1]
    if len(_BUILT) > 16:
        _BUILT.clear()
    built = build(catalogue)
    _BUILT[key] = (catalogue.sinks, built)
    return built
