"""Deferred calls: a function handed to a task queue, a thread or a callback, with the arguments it will
be called with (`task.delay(user.email)`, `executor.submit(send, props)`, `Thread(target=f, args=(x,))`).

`FORMS` is the table of dispatchers, by the last name of the dispatching method or function; `dispatched`
reads one call of them as the call it stands for: the function, and its arguments as
`(keyword, star, node)`, using the original argument nodes so that findings point inside the dispatch.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from ..pii import vocabulary as vocab
from ..resolve import last_name
from .syntax import string_key

Slot = tuple["int | None", "str | None"]  # where an argument is: (position, keyword), either may be None
RawArg = tuple["str | None", str, cst.BaseExpression]

@dataclass(frozen=True)
class Form:
    """How one dispatcher passes a function and its arguments on."""

    target: Slot | None            # where the function is; None: it is the receiver (`task.delay(...)`)
    rest: int | None = None        # from this position on, every other argument is the function's
    args: Slot | None = None       # a tuple of the function's positional arguments
    kwargs: Slot | None = None     # a dict of its keyword arguments
    own: frozenset[str] = frozenset()  # keywords the dispatcher keeps for itself


_AS_CALLED = Form(None, rest=0)
_ASYNC_RESULT = Form(None, args=(0, "args"), kwargs=(1, "kwargs"))
_THREAD = Form((1, "target"), args=(3, "args"), kwargs=(4, "kwargs"))
_RQ = Form((0, "f"), rest=1, own=vocab.RQ_OPTIONS)

FORMS: dict[str, Form] = {
    # Celery: `task.delay(*a, **k)`, `task.s/si(*a, **k)`, `task.apply_async(args, kwargs)`, `task.signature(...)`
    "delay": _AS_CALLED, "s": _AS_CALLED, "si": _AS_CALLED,
    "apply_async": _ASYNC_RESULT, "signature": _ASYNC_RESULT,
    # Dramatiq: `actor.send(*a, **k)`, `actor.send_with_options(args=, kwargs=)`
    "send": _AS_CALLED, "send_with_options": Form(None, args=(None, "args"), kwargs=(None, "kwargs")),
    # RQ: `queue.enqueue(f, *a, **k)`, `enqueue_call(func, args, kwargs)`, `enqueue_in/at(when, f, *a, **k)`
    "enqueue": _RQ, "enqueue_call": Form((0, "func"), args=(1, "args"), kwargs=(2, "kwargs")),
    "enqueue_in": Form((1, "f"), rest=2, own=vocab.RQ_OPTIONS), "enqueue_at": Form((1, "f"), rest=2, own=vocab.RQ_OPTIONS),
    # threading / multiprocessing / concurrent.futures / asyncio
    "Thread": _THREAD, "Process": _THREAD, "Timer": Form((1, "function"), args=(2, "args"), kwargs=(3, "kwargs")),
    "submit": Form((0, "fn"), rest=1), "run_in_executor": Form((1, "func"), rest=2),
    "to_thread": Form((0, "func"), rest=1), "call_soon": Form((0, "callback"), rest=1),
    # FastAPI / Starlette background tasks; Django's `transaction.on_commit(f)`
    "add_task": Form((0, "func"), rest=1), "on_commit": Form((0, "func")),
}


@dataclass(frozen=True)
class Dispatch:
    """The call a dispatch stands for: the function's expression and the arguments it will get."""

    function: cst.BaseExpression
    args: list[RawArg]


def dispatched(call: cst.Call) -> Dispatch | None:
    """The call `call` defers, if it is one of the dispatchers in `FORMS` (recognised by name alone:
    the function it is given must still be a known sink for anything to be checked)."""
    form = FORMS.get(last_name(call.func) or "")
    if form is None:
        return None
    if form.target is None:
        if not isinstance(call.func, cst.Attribute):
            return None
        function: cst.BaseExpression | None = call.func.value
    else:
        function = _at(call, form.target)
    if function is None:
        return None
    args = _passed_on(call, form)
    if isinstance(function, cst.Call) and last_name(function.func) == "partial" and function.args:
        # `on_commit(partial(f, x))`: the arguments bound by the partial come first.
        first, *bound = function.args
        function, args = first.value, [_raw(a) for a in bound] + args
    return Dispatch(function, args)


def _passed_on(call: cst.Call, form: Form) -> list[RawArg]:
    """The arguments the function will be called with, in order: those after `rest`, then the contents
    of the `args` tuple and of the `kwargs` dict (a literal: otherwise passed on as `*`/`**` unpacking)."""
    own = {s[1] for s in (form.target, form.args, form.kwargs) if s is not None and s[1]} | form.own
    slots = {s[0] for s in (form.target, form.args, form.kwargs) if s is not None and s[0] is not None}
    out: list[RawArg] = []
    if form.rest is not None:
        position = 0
        for arg in call.args:
            if arg.keyword is None and not arg.star:
                position += 1
                if position - 1 < form.rest or position - 1 in slots:
                    continue
            elif arg.keyword is not None and arg.keyword.value in own:
                continue
            out.append(_raw(arg))
    if form.args is not None:
        out.extend(_unpacked(_at(call, form.args), "*"))
    if form.kwargs is not None:
        out.extend(_unpacked(_at(call, form.kwargs), "**"))
    return out


def _unpacked(node: cst.BaseExpression | None, star: str) -> list[RawArg]:
    if node is None:
        return []
    if star == "*" and isinstance(node, (cst.Tuple, cst.List)):
        return [(None, "*" if isinstance(e, cst.StarredElement) else "", e.value) for e in node.elements]
    if star == "**" and isinstance(node, cst.Dict):
        out: list[RawArg] = []
        for element in node.elements:
            key = string_key(element.key) if isinstance(element, cst.DictElement) else None
            out.append((key, "", element.value) if key is not None else (None, "**", element.value))
        return out
    return [(None, star, node)]


def _at(call: cst.Call, slot: Slot) -> cst.BaseExpression | None:
    position, keyword = slot
    plain = [a for a in call.args if a.keyword is None and not a.star]
    for arg in call.args:
        if keyword is not None and arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    if position is not None and position < len(plain):
        return plain[position].value
    return None


def _raw(arg: cst.Arg) -> RawArg:
    return (arg.keyword.value if arg.keyword else None, arg.star if isinstance(arg.star, str) else "", arg.value)
