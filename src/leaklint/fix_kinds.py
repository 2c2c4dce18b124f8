"""What a fix tells the scrubber, so that the call it wraps removes what the finding is about.

The scrubber on its own removes values under keys its classifier knows and email / phone / IP shapes in
text.  That is not enough when a finding's data is a bare value (`.set("name", user.full_name)`) or sits
under a key the runtime cannot read as personal (`{"who": user.full_name}`, or a project's own
`pii-names`).  So each wrapped expression gets either:

- `kind="name"` (or "email", "username", "org", ...): the value is that data; all of it is redacted; or
- `keys=("who",)`: the dict keys, found in the code, under which the data travels; or
- nothing, when the scrubber's own classifier already recognises every key involved.
"""

from __future__ import annotations

import libcst as cst

from .flow import Evidence
from .pii import PiiKind, classify_key, vocabulary

# The `kind=` each kind of finding passes (leaklint_scrub.KINDS lists what the scrubber accepts).
KIND_ARGUMENTS = {
    PiiKind.EMAIL: "email", PiiKind.PERSON_NAME: "name", PiiKind.ORG_ID: "org", PiiKind.PHONE: "phone",
    PiiKind.ADDRESS: "address", PiiKind.IP_ADDRESS: "ip", PiiKind.CREDENTIAL: "credential",
}
USERNAME_WORDS = vocabulary.USERNAME_WORDS  # handles rather than names: pseudonymised, so people stay apart
_BARRIER = object()  # a wrapped expression: keys outside it say nothing about values inside it


def kind_argument(evidence: Evidence) -> str:
    if evidence.kind is PiiKind.PERSON_NAME and evidence.matched in USERNAME_WORDS:
        return "username"
    return KIND_ARGUMENTS[evidence.kind]


def scrub_arguments(module: cst.Module, wrapped: dict[int, list]) -> dict[int, tuple[tuple[str, object], ...]]:
    """For each wrapped expression (by id, with the evidence of its findings), the keyword arguments
    its scrubber call needs: `(("kind", "name"),)`, `(("keys", ("who",)),)` or `()`."""
    wanted = {id(e.node) for items in wrapped.values() for e in items if isinstance(e, Evidence) and e.node is not None}
    finder = _KeyFinder(wanted, set(wrapped))
    module.visit(finder)
    out = {}
    for node_id, items in wrapped.items():
        kinds, keys = [], set()
        for evidence in items:
            if not isinstance(evidence, Evidence):
                continue  # a whole object: its fields are named keys, which the scrubber classifies itself
            key = finder.keys.get(id(evidence.node)) if evidence.node is not None else None
            if key is None:
                kinds.append(kind_argument(evidence))
            elif classify_key(key) is None:
                keys.add(key)
        if kinds:  # the value itself is the data; redaction (not a pseudonym) wins when kinds differ
            out[node_id] = (("kind", min(kinds, key=lambda k: k in ("username", "org"))),)
        else:
            out[node_id] = (("keys", tuple(sorted(keys))),) if keys else ()
    return out


class _KeyFinder(cst.CSTVisitor):
    """For each wanted node, the innermost literal key it sits under: a dict entry `{"k": ...}`, an
    assignment `d["k"] = ...`, `d.setdefault("k", ...)` or a keyword of `dict(...)` / `d.update(...)`."""

    def __init__(self, wanted: set[int], barriers: set[int]):
        super().__init__()
        self.wanted, self.barriers = wanted, barriers
        self.stack: list[object] = []
        self.keyword_keys: dict[int, str] = {}
        self.keys: dict[int, str | None] = {}

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.stack.append(_BARRIER if id(node) in self.barriers else self._key(node))
        if id(node) in self.wanted:
            self.keys[id(node)] = self._innermost()
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.stack.pop()

    def _innermost(self) -> str | None:
        for key in reversed(self.stack):
            if key is _BARRIER:
                return None
            if key is not None:
                return key
        return None

    def _key(self, node: cst.CSTNode) -> str | None:
        if isinstance(node, cst.DictElement):
            return _literal(node.key)
        if isinstance(node, cst.Assign) and len(node.targets) == 1:
            target = node.targets[0].target
            if isinstance(target, cst.Subscript) and len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index):
                return _literal(target.slice[0].slice.value)
        if isinstance(node, cst.Call):
            name = node.func.attr.value if isinstance(node.func, cst.Attribute) else getattr(node.func, "value", None)
            if name in ("dict", "update"):
                self.keyword_keys.update((id(a), a.keyword.value) for a in node.args if a.keyword is not None)
            elif name == "setdefault" and node.args:
                return _literal(node.args[0].value)
        if isinstance(node, cst.Arg):
            return self.keyword_keys.get(id(node))
        return None


def _literal(node: cst.CSTNode | None) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None
