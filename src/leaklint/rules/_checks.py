"""The checks a rule may have, as the engine calls them.  Kept apart from the rule metadata, which is read
at start-up: this module needs typing and the analysis' types."""

from __future__ import annotations

from typing import Iterable, Protocol

TYPE_CHECKING = False
if TYPE_CHECKING:
    import libcst as cst

    from ..flow import Evaluator, Options, Value
    from ..sinks import SinkUse
    from . import Report


class SinkCheck(Protocol):
    """Called for every call bound to a sink (an SDK method or a project function leading to one)."""

    def __call__(self, use: SinkUse, /) -> Iterable[Report]: ...


class CallCheck(Protocol):
    """Called for every call evaluated, with what the called expression is known to be."""

    def __call__(self, call: cst.Call, func: Value, ev: Evaluator, /) -> Iterable[Report]: ...


class ModuleCheck(Protocol):
    """Called once per analysed module, after its walk."""

    def __call__(self, module: cst.Module, text: str, options: Options, /) -> Iterable[Report]: ...
