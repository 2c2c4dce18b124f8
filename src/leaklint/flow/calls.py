"""Calls: what `f(...)` returns, decided by the first step below that knows the call.

In order: a scrubber (clean); `functools.partial` (the function, with arguments bound); an SDK
constructor or factory (an SDK object, or a carrier of the data it is built with); a project class or
helper (an instance, or what the helper's summary says it returns); a whole-object serialiser
(`vars(user)`); a method (`.to_dict()`, `.get("email")`, `.get_email()`, string methods, project methods
of that name); and last the plain functions (clean calls, `dict(...)`, conversions, anything else).
Mixed into `flow.Evaluator`.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from .. import pii
from ..pii import vocabulary as vocab
from ..resolve import dotted, last_name
from .names import is_descriptor, is_entity, is_person
from .syntax import call_args, code, string_key
from .text import text_call
from .values import CLEAN, UNKNOWN, Carrier, Evidence, Value, Whole, merge_all, strip_ref, through


@dataclass(frozen=True)
class CallSite:
    """One call being evaluated: the syntax, what the called expression and each argument carry."""

    node: cst.Call
    func: Value
    args: list[Value]
    name: str     # the called expression as a dotted name ("" when it is not one)
    short: str    # its last plain name ("" when none)


class CallEvaluation:
    """The evaluator's handling of calls (uses its `options`, `on_call`, `evaluate`, `classify`, `whole`)."""

    def _eval_Call(self, node: cst.Call) -> Value:
        func = self.evaluate(node.func)
        args = [self.evaluate(a.value) for a in node.args]
        result = self.call_result(node, func, args)
        if self.on_call is not None:
            self.on_call(node, func, args, self)
        return result

    def call_result(self, node: cst.Call, func: Value, args: list[Value]) -> Value:
        call = CallSite(node, func, args, dotted(node.func) or "", last_name(node.func) or "")
        for step in _STEPS:
            value = step(self, call)
            if value is not None:
                return value
        return self._plain_call(call)

    def is_scrubber(self, func: Value, name: str) -> bool:
        if func.ref:
            return func.ref in self.options.scrubbers
        return bool(name) and (name in self.options.scrubbers or name.rsplit(".", 1)[-1] in self.options.scrubber_names)

    def keyword_entries(self, call: cst.Call) -> list[Value]:
        """`f(email=x, **extra)`: each keyword is a payload key."""
        out = []
        for arg in call.args:
            if arg.keyword is not None:
                out.append(self.classify_key(arg.keyword.value, arg, self.evaluate(arg.value)))
            elif arg.star == "**":
                out.append(self.evaluate(arg.value))
        return out

    def returned(self, node: cst.Call, returned: Value, args: list[Value]) -> Value:
        """A helper's return value, re-anchored at this call (its nodes belong to another module)."""
        label = f"{code(node.func)}()"
        return merge_all([Value(pii=tuple(Evidence(e.kind, through(label, e.what), node, e.matched)
                                          for e in returned.pii),
                                wholes=tuple(Whole(through(label, w.what), node) for w in returned.wholes)),
                          *(a for a in args if a.tainted)])

    # -- the steps, in order; each returns None when the call is not its kind -----------------------
    def _scrubbed(self, call: CallSite) -> Value | None:
        return CLEAN if self.is_scrubber(call.func, call.name) else None

    def _partial_application(self, call: CallSite) -> Value | None:
        """`partial(send, user)` is `send` with its first arguments bound: calls to it bind after them."""
        if not ((call.func.ref == "functools.partial" or call.name == "partial") and call.args and call.args[0].ref):
            return None
        first = call.args[0]
        bound = tuple(a.keyword.value if a.keyword else None for a in call.node.args[1:] if not a.star)
        return Value(ref=first.ref, local=first.local, partial=first.partial + bound)

    def _sdk_object(self, call: CallSite) -> Value | None:
        """An SDK constructor or factory: the object it makes, carrying the data if it is sent later."""
        if not call.func.ref or call.func.local:
            return None
        catalogue = self.options.catalogue
        carrier = next((s for s in catalogue.sinks.get(call.func.ref, []) if s.carrier), None)
        cls = catalogue.instance_class(call.func.ref)
        if carrier is not None:
            bound = carrier.bind(call_args(call.node)) or []
            values = tuple(self.evaluate(b.node) for b in bound)
            return Value(ref=cls, carrier=Carrier(carrier, tuple(bound), values, call.node))
        return Value(ref=cls) if cls is not None else None

    def _project_call(self, call: CallSite) -> Value | None:
        """An instance of a project class, or the personal data a project helper returns."""
        project = self.options.project
        if not (call.func.ref and call.func.local and project is not None):
            return None
        if project.is_class(call.func.ref):
            return Value(ref=call.func.ref, local=True)
        returned = project.returns(call.func.ref)
        if returned is not None and returned.tainted:
            return self.returned(call.node, returned, call.args)
        return None

    def _whole_object_function(self, call: CallSite) -> Value | None:
        if call.node.args and (call.short in vocab.WHOLE_OBJECT_FUNCS or call.name in vocab.WHOLE_OBJECT_FUNCS):
            return self.whole(call.node.args[0].value, call.node)
        return None

    def _method_call(self, call: CallSite) -> Value | None:
        node = call.node
        if not isinstance(node.func, cst.Attribute):
            return None
        method = node.func.attr.value
        owner_name = last_name(node.func.value)
        if method in vocab.WHOLE_OBJECT_METHODS and owner_name and is_entity(owner_name):
            return self.whole(node.func.value, node)
        if method in vocab.CLEAN_METHODS or (is_descriptor(method) and method not in vocab.STRING_METHODS):
            return CLEAN
        key = string_key(node.args[0].value) if node.args and method in vocab.KEY_LOOKUP_METHODS else None
        if key is not None:  # `request.POST.get("email")`
            return self.classify(key.lstrip("$"), node, code(node), person=is_person(owner_name))
        getter = method.removeprefix(vocab.GETTER_PREFIX)
        match = pii.classify_attribute(owner_name, getter, extra=self.options.extra_words, never=self.options.never)
        if match:
            return Value(pii=(Evidence(match.kind, code(node), node, match.matched),))
        return self._other_method(call, method)

    def _other_method(self, call: CallSite, method: str) -> Value:
        """A method nothing above knows: a string method keeps its receiver's data, any method what goes in."""
        receiver = self.evaluate(call.node.func.value) if method in vocab.STRING_METHODS else UNKNOWN
        result = strip_ref(merge_all([receiver, *call.args]) if call.args else receiver)
        if self.options.project is not None and not result.tainted:
            # `user.get_analytics_metadata()` on an object of unknown class: what the project's
            # methods of that name return (the same summaries as for functions, found by name).
            returned = self.options.project.method_returns(method)
            if returned is not None and returned.tainted:
                return self.returned(call.node, returned, [])
        return result

    def _plain_call(self, call: CallSite) -> Value:
        """A plain function: clean by its name, a `dict(...)`, a conversion, or what its arguments carry."""
        if call.short in vocab.CLEAN_CALLS or (call.short and is_descriptor(call.short)):
            return CLEAN
        if call.short == "dict":
            return merge_all([*(a for a, arg in zip(call.args, call.node.args) if arg.keyword is None),
                              *self.keyword_entries(call.node)])
        if call.short in vocab.CONVERSIONS:
            return strip_ref(merge_all(call.args))
        return strip_ref(merge_all(call.args)) if any(a.tainted for a in call.args) else UNKNOWN


_STEPS = (text_call, CallEvaluation._scrubbed, CallEvaluation._partial_application, CallEvaluation._sdk_object,
          CallEvaluation._project_call, CallEvaluation._whole_object_function, CallEvaluation._method_call)
