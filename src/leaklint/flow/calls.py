"""Calls: what `f(...)` returns, decided by the first step below that knows the call.

In order: a scrubber (clean); `functools.partial` (the function, with arguments bound); an SDK
object model (`builders.py`: callbacks, builder chains, dicts with private fields); an SDK
constructor or factory (an SDK object, or a carrier of the data it is built with); a project class or
helper (an instance, or what the helper's summary says it returns, including the arguments that reach
its return value); a whole-object serialiser (`vars(user)`); a method (`.to_dict()`, `.get("email")`,
`.get_email()`, string methods, project methods of that name); and last the plain functions (`getattr`,
clean calls, `dict(...)`, conversions, anything else).  A result is clean only on evidence (counting,
hashing, a scrubber), never because the callee's name sounds harmless.
Mixed into `flow.Evaluator`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

import libcst as cst

from .. import pii
from ..catalogue import Bound, Sink
from ..pii import vocabulary as vocab
from ..resolve import dotted, last_name
from .builders import object_model
from .env import per_catalogue
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
                # Only a project helper's summary says which element of a returned tuple carries what.
                return value if value.elements is None or step in _SPLIT_BY_SUMMARY else value.but(elements=None)
        value = self._plain_call(call)
        return value if value.elements is None else value.but(elements=None)

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
        if project.is_class(call.func.ref):  # an instance, holding what it is built from
            return Value(ref=call.func.ref, local=True, params=_params_of(call.args))
        returned = project.returns(call.func.ref)
        passed = project.passed(call.func.ref, call_args(call.node))
        through = self.passed_through(call, passed or [])
        if returned is not None and returned.tainted:
            return self.split(call, returned, passed, self.returned(call.node, returned, call.args).merge(through))
        # A helper the index walked returns what reaches its return value of what it is given, and
        # nothing else (`return {"n": len(props)}`); one it does not know is a plain call.
        if passed is None:
            return None
        if through.tainted:
            return self.split(call, returned, passed, through)
        return self.field_by_key(call) or through

    def split(self, call: CallSite, returned: Value | None, passed: list[Bound] | None, merged: Value) -> Value:
        """`merged`, what the helper's result carries, with each element of the tuple it returns when its
        summary tells them apart: its own data there, and the arguments reaching that element."""
        if returned is None or returned.elements is None:
            return merged
        elements = []
        for element in returned.elements:
            own = self.returned(call.node, element, []) if element.tainted else UNKNOWN
            reaching = [b for b in passed or () if b.param.name in element.params]
            elements.append(own.merge(self.passed_through(call, reaching)) if reaching else own)
        return merged.but(elements=tuple(elements))

    def passed_through(self, call: CallSite, bound: list[Bound]) -> Value:
        """What the arguments bound as `bound` carry (the helper returns them, or a copy or a merge):
        a keyword landing in `**kwargs` is a key of the mapping returned."""
        values = {id(a.value): v for a, v in zip(call.node.args, call.args)}
        found = [self.classify_key(b.key, b.node, values[id(b.node)]) if b.key else values[id(b.node)]
                 for b in bound if id(b.node) in values]
        return strip_ref(merge_all(found)) if found else UNKNOWN

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
        if method in vocab.CLEAN_METHODS or _hashes(method):
            return CLEAN
        key = string_key(node.args[0].value) if node.args and method in vocab.KEY_LOOKUP_METHODS else None
        if key is not None:  # `request.POST.get("email")`; `props.get("traits")` still derives from `props`
            named = self.classify(key.lstrip("$"), node, code(node), person=is_person(owner_name))
            receiver = self.quietly(node.func.value)
            return named.merge(Value(params=receiver.params)) if receiver.params and not named.clean else named
        getter = method.removeprefix(vocab.GETTER_PREFIX)
        match = pii.classify_attribute(owner_name, getter, extra=self.options.extra_words, never=self.options.never)
        if match:
            return Value(pii=(Evidence(match.kind, code(node), node, match.matched),))
        return self._other_method(call, method)

    def _other_method(self, call: CallSite, method: str) -> Value:
        """A method nothing above knows: a string method keeps its receiver's data, any method what goes in."""
        keeps = method in vocab.STRING_METHODS or method in vocab.MAPPING_VIEWS
        if method in vocab.CONVERSIONS and call.args and not keeps:
            return strip_ref(merge_all(call.args))   # `uuid.UUID(value)`: the value, converted (clean stays clean)
        receiver = self.evaluate(call.node.func.value) if keeps else UNKNOWN
        result = strip_ref(merge_all([receiver, *call.args]) if call.args else receiver)
        if not result.tainted:
            result = self.field_by_key(call) or result
        if self.options.project is not None and not result.tainted and method not in vocab.LIBRARY_METHODS:
            # `user.get_analytics_metadata()` on an object of unknown class: what the project's
            # methods of that name return (the same summaries as for functions, found by name).
            returned = self.options.project.method_returns(method)
            if returned is not None and returned.tainted:
                return self.split(call, returned, [], self.returned(call.node, returned, []))
        return result

    def _plain_call(self, call: CallSite) -> Value:
        """A plain function: clean on evidence (counts, flags, hashing), a `dict(...)`, a conversion, or
        what its arguments carry.  A harmless-sounding name (`get_event_label`) is no evidence."""
        if call.name == "getattr":
            return self.getattr_call(call)
        if call.short in vocab.CLEAN_CALLS or _hashes(call.short) or _hashes(call.func.ref or ""):
            return CLEAN
        if call.short == "dict":
            return merge_all([*(a for a, arg in zip(call.args, call.node.args) if arg.keyword is None),
                              *self.keyword_entries(call.node)])
        if call.short in vocab.CONVERSIONS or any(a.tainted or a.params for a in call.args):
            carried = strip_ref(merge_all(call.args))
            return carried if carried.tainted else self.field_by_key(call) or carried
        return self.field_by_key(call) or UNKNOWN

    def getattr_call(self, call: CallSite) -> Value:
        """`getattr(user, "email"[, default])` reads the attribute like `user.email`, and
        `getattr(client, "track")` is the client's method (so is a name bound to that text); a name not
        known is any of an SDK object's sink methods (`getattr(client, method)`), else nothing known."""
        node = call.node
        if len(node.args) not in (2, 3) or any(a.keyword or a.star for a in node.args):
            return Value(params=_params_of(call.args))
        name = string_key(node.args[1].value) or call.args[1].text
        if name is None or not name.isidentifier():
            # `getattr(user, field)`: which attribute is not known, but it derives from both.  The default
            # is left out: whenever the attribute exists, it is what the call returns.
            owner = call.args[0]
            methods = owner.ref and not owner.local and sink_methods(self.options.catalogue, owner.ref)
            return Value(ref=f"{owner.ref}.{ANY_METHOD}" if methods else None, params=_params_of(call.args))
        attribute = cst.Attribute(value=node.args[0].value, attr=cst.Name(name))
        read = self.quietly(attribute)
        # Evidence found on the attribute written here for the purpose points at the `getattr` call.
        return replace(read, pii=tuple(replace(e, node=node) if e.node is attribute else e for e in read.pii),
                       wholes=tuple(replace(w, node=node) if w.node is attribute else w for w in read.wholes))

    def field_by_key(self, call: CallSite) -> Value | None:
        """`get_user_field(user, "email")`: a getter given a person and a literal key naming personal data
        reads that field of the person (`is_enabled(user, "email")` and `notify(user, "email")` do not)."""
        if not _getter(call.short):
            return None
        keys = [k for k in (string_key(a.value) for a in call.node.args) if k]
        if not keys or not any(is_person(last_name(a.value)) for a in call.node.args):
            return None
        for key in keys:
            match = pii.classify_key(key, extra=self.options.extra_words, never=self.options.never)
            if match and not is_descriptor(key):
                return Value(pii=(Evidence(match.kind, code(call.node), call.node, match.matched),))
        return None


ANY_METHOD = "*"  # `getattr(client, method)`: `analytics.Client.*` is any of the client's sink methods

def sink_methods(catalogue, owner: str) -> tuple[Sink, ...]:
    """The SDK sinks called as methods of the SDK module, class or object `owner` (`analytics.Client.track`)."""
    return per_catalogue(catalogue, _methods_by_owner).get(owner, ())


def _methods_by_owner(catalogue) -> dict[str, tuple[Sink, ...]]:
    """The catalogue's sending sinks by what they are methods of: the project's own sinks, carriers and
    attributes are not methods sending."""
    grouped: dict[str, list[Sink]] = {}
    for path, sinks in catalogue.sinks.items():
        sending = [s for s in sinks if not (s.project or s.carrier or s.attribute)]
        if sending:
            grouped.setdefault(path.rpartition(".")[0], []).extend(sending)
    return {owner: tuple(sinks) for owner, sinks in grouped.items()}


def _params_of(values: list[Value]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for v in values for p in v.params))


@functools.lru_cache(maxsize=4096)
def _getter(name: str) -> bool:
    """A function named to read something (`get_user_field`, `user_attr`, `read_profile_value`)."""
    ws = pii.words(name) if name else []
    return bool(ws) and (ws[0] in vocab.GETTER_VERBS or ws[-1] in vocab.GETTER_NOUNS)


@functools.lru_cache(maxsize=4096)
def _hashes(name: str) -> bool:
    """A function or method whose own name says it hashes, encrypts or masks what it is given
    (`hashlib.sha256`, `hmac.new`, `hash_email`); the module it lives in says nothing of it."""
    if name.split(".", 1)[0] in vocab.HASHING_MODULES:
        return True
    return any(w in vocab.HASHING_WORDS for w in pii.words(name.rsplit(".", 1)[-1]))


_SPLIT_BY_SUMMARY = (CallEvaluation._project_call, CallEvaluation._method_call)
_STEPS = (text_call, CallEvaluation._scrubbed, CallEvaluation._partial_application, object_model,
          CallEvaluation._sdk_object,
          CallEvaluation._project_call, CallEvaluation._whole_object_function, CallEvaluation._method_call)
