"""Names, attributes and subscripts: what `user.email`, `request.META["REMOTE_ADDR"]` or `mp` carries.

A name bound in the environment carries what was bound to it; otherwise its words decide
(`customer_email`).  An attribute of an SDK or project object is another such object; any other
attribute is classified by its owner's and its own name (`user.name` is a person's name, `plan.name`
is not).  Mixed into `flow.Evaluator`.
"""

from __future__ import annotations

from functools import lru_cache


import libcst as cst

from .. import pii
from ..pii import vocabulary as vocab
from ..resolve import last_name
from .syntax import code, string_key
from .values import CLEAN, UNKNOWN, Evidence, Value, Whole, item, through


class NameEvaluation:
    """The evaluator's handling of names (uses its `options`, `env`, `self_name`, `self_attrs`, `evaluate`)."""

    def classify(self, name: str, node: cst.CSTNode, what: str, *, person: bool = False) -> Value:
        """What a name (or a key used to read a value) says the value is."""
        match = pii.classify_name(name, extra=self.options.extra_words, never=self.options.never,
                                  person_context=person)
        if match:
            return Value(pii=(Evidence(match.kind, what, node, match.matched),))
        return CLEAN if is_descriptor(name) else UNKNOWN

    def classify_key(self, key: str, node: cst.CSTNode, value: Value) -> Value:
        """A payload entry `key: value`: the key names the data unless the value is provably clean."""
        if is_descriptor(key) and pii.mentions_pii(key):
            return CLEAN  # `email_verified: ...`, `email_count: len(emails)`: about PII, not PII
        match = pii.classify_key(key, extra=self.options.extra_words, never=self.options.never)
        if value.pii:
            return value  # the value explains itself (`"email": user.email`)
        if match and not value.clean:
            return value.merge(Value(pii=(Evidence(match.kind, f'key "{key}"', node, match.matched),)))
        return value

    def _eval_Name(self, node: cst.Name) -> Value:
        if node.value in ("True", "False", "None"):
            return CLEAN
        bound = self.env.get(node.value)
        if bound is not None and (bound.tainted or bound.clean or bound.ref):
            return self.resolve_local(bound)
        named = self.classify(node.value, node, node.value)
        # A parameter keeps what its name says (`lock_name` is clean) and where it comes from.
        return named.but(params=bound.params) if bound is not None and bound.params else named

    def resolve_local(self, value: Value) -> Value:
        """A name imported from the project's own code stands for what that module binds to it."""
        if value.local and value.ref and self.options.project is not None:
            found = self.options.project.resolve(value.ref)
            return found.but(partial=found.partial + value.partial) if value.partial else found
        return value

    def _eval_Attribute(self, node: cst.Attribute) -> Value:
        attr = node.attr.value
        if isinstance(node.value, cst.Name) and node.value.value == self.self_name and attr in self.self_attrs:
            return self.self_attrs[attr]
        if pii.operator_setting(last_name(node.value), attr):  # `settings.SUPPORT_EMAIL`: the operator's own
            return CLEAN
        owner = self.evaluate(node.value)
        if owner.ref:
            known = self._attribute_of_object(owner, attr)
            if known is not None and not pii.credential_attribute(owner.ref, attr):  # `sys.argv` is data
                return self._read_through(known, node) if known.tainted else known
        elif self.options.project is not None and not owner.tainted:
            # An object of unknown class (`site.siteconfiguration`): an attribute under which the project's
            # classes keep an SDK object is that object.
            kept = self.options.project.attribute_named(attr)
            if kept is not None:
                return kept
        return self._attribute_by_name(node, owner)

    def _read_through(self, returned: Value, node: cst.Attribute) -> Value:
        """What a project property returns, re-anchored where it is read (its nodes are in another module)."""
        label = code(node)
        return Value(pii=tuple(Evidence(e.kind, through(label, e.what), node, e.matched) for e in returned.pii),
                     wholes=tuple(Whole(through(label, w.what), node) for w in returned.wholes))

    def _attribute_of_object(self, owner: Value, attr: str) -> Value | None:
        """`client.people` of an SDK object, `telemetry.mp` of a project module; None when the project
        object is one the index knows nothing about (its attribute is then classified by name)."""
        path = f"{owner.ref}.{attr}"
        if not owner.local:
            return Value(ref=self.options.catalogue.instances.get(path, path))
        known = self.options.project.lookup(path) if self.options.project is not None else None
        if known is not None:
            if known.ref and not known.local:  # inherited from an SDK class: `client.people` is its object too
                return known.but(ref=self.options.catalogue.instances.get(known.ref, known.ref))
            return known
        if path in self.options.catalogue.sinks:
            return Value(ref=path, local=True)
        return None

    def _attribute_by_name(self, node: cst.Attribute, owner: Value) -> Value:
        attr = node.attr.value
        owner_name = last_name(node.value)
        if attr == "__dict__":
            return self.whole(node.value, node)
        if attr == "data" and owner_name and is_serializer(owner_name) and is_entity(owner_name):
            return self.whole(node.value, node)
        match = pii.classify_attribute(owner_name, attr, extra=self.options.extra_words, never=self.options.never)
        if match:
            return Value(pii=(Evidence(match.kind, code(node), node, match.matched),))
        if is_descriptor(attr) or attr in vocab.LABEL_ATTRIBUTES or attr in vocab.ID_ATTRIBUTES:
            return CLEAN
        if attr in vocab.STRING_METHODS:
            return owner.but(ref=None)
        return UNKNOWN

    def _eval_Subscript(self, node: cst.Subscript) -> Value:
        owner = self.evaluate(node.value)
        for element in node.slice:
            self.evaluate(getattr(element.slice, "value", None))
        key = string_key(node.slice[0].slice) if len(node.slice) == 1 else None
        if key is None:  # `pair[1]` of a tuple of known elements: that element; `items[i:i + n]`: a piece
            index = _position(node.slice[0].slice) if owner.elements and len(node.slice) == 1 else None
            if index is not None and -len(owner.elements) <= index < len(owner.elements):
                return owner.elements[index]
            owner = owner.but(elements=None) if owner.elements is not None else owner
            if isinstance(node.slice[0].slice, cst.Index):
                owner = item(owner)   # `sys.argv[1]`, `args[i]`: one item (a slice stays a part of the whole)
            return owner if owner.tainted else Value(params=owner.params) if owner.params else UNKNOWN
        # `payload["sender"]["login"]`: the entry's owner is named by the outer key.
        outer = string_key(node.value.slice[0].slice) if isinstance(node.value, cst.Subscript) else None
        named = self.classify(key.lstrip("$"), node, code(node), person=is_person(outer or last_name(node.value)))
        # `payload["traits"]` still derives from `payload`, as `payload.get("traits")` does.
        return named.merge(Value(params=owner.params)) if owner.params and not named.clean else named

    def whole(self, obj: cst.BaseExpression, node: cst.CSTNode) -> Value:
        """`node` serialises the object `obj` whole: a record of personal data if `obj` is a person's."""
        name = last_name(obj)
        if name and is_entity(name):
            return Value(wholes=(Whole(code(node), node),))
        return UNKNOWN


def _position(index: cst.BaseSlice) -> int | None:
    """The integer a subscript's index is written as (`[1]`, `[-1]`), else None."""
    value = index.value if isinstance(index, cst.Index) else None
    negative = isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus)
    number = value.expression if negative else value
    if not isinstance(number, cst.Integer):
        return None
    value = int(number.value, 0)   # any integer literal the parser accepts: `1_000`, `0x10`
    return -value if negative else value


@lru_cache(maxsize=1 << 14)
def is_person(name: str | None) -> bool:
    """A name that stands for a person (`user`, `request.user`, `owner`).  These readings of a name are
    kept (bounded): every walk asks them again about the same names."""
    ws = pii.words(name) if name else []
    return bool(ws) and ws[-1] in vocab.PERSON_WORDS and not pii.is_organisation(name)


@lru_cache(maxsize=1 << 14)
def is_entity(name: str) -> bool:
    """A name that stands for a person or an organisation (`user`, `request.user`, `UserSerializer`)."""
    return any(w in vocab.PERSON_WORDS or w in vocab.ORG_WORDS for w in pii.words(name))


@lru_cache(maxsize=1 << 14)
def is_serializer(name: str) -> bool:
    return any(w in vocab.SERIALIZER_WORDS for w in pii.words(name))


@lru_cache(maxsize=1 << 14)
def is_descriptor(name: str) -> bool:
    """A name that describes data without holding it: flags, counts, templates, file names."""
    return any(w in vocab.NOT_PII_WORDS for w in pii.words(name))
