"""What an expression carries: a `Value`, with the `Evidence` of each piece of personal data.

A value holds the personal data an expression carries (with the place each piece was found), the whole
objects serialised into it, the SDK or project name it stands for (`ref`), an SDK carrier object built
earlier, which of the enclosing function's parameters it derives from, that it is provably clean, and
for a string what is known of its text (a URL, to tell which vendor endpoint a request goes to), and for
a tuple what each of its elements carries (`elements`), so that `a, b = f()` or `t[1]` takes one element.
Values only ever merge: a name bound on two branches carries what either branch gave it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import libcst as cst

from ..catalogue import Bound, Sink
from ..pii import PiiKind, credential_as_a_whole

_new_value = object.__new__

MAX_EVIDENCE = 8  # per value: enough to explain a finding, and merges stay cheap in generated code
MAX_HOPS = 3  # helpers named in one explanation ("a() returns b() returns user.email")
MAX_ELEMENTS = 32  # elements kept per tuple: a longer one (a table in generated code) is one merged value


@dataclass(frozen=True)
class Evidence:
    """One piece of personal data: its kind, a short human description, and where it was found."""

    kind: PiiKind
    what: str
    node: cst.CSTNode
    matched: str = ""   # the word(s) that decided the kind, for the explanation

    def explain(self) -> str:
        return f"{self.what} [{self.matched}]" if self.matched and self.matched not in self.what else self.what


@dataclass(frozen=True)
class Whole:
    """A whole object serialised into a payload (`vars(user)`, `user.to_dict()`)."""

    what: str
    node: cst.CSTNode


@dataclass(frozen=True)
class Carrier:
    """An SDK object built by a constructor (`BaseEvent(...)`) and sent later by another sink."""

    sink: Sink
    bound: tuple[Bound, ...]
    values: tuple["Value", ...]
    node: cst.CSTNode


@dataclass(frozen=True)
class Value:
    pii: tuple[Evidence, ...] = ()
    wholes: tuple[Whole, ...] = ()
    ref: str | None = None          # qualified name of a module, class, function or SDK object
    local: bool = False             # `ref` names the project's own code
    carrier: Carrier | None = None
    clean: bool = False             # provably no personal data (literal, count, flag, scrubbed)
    params: tuple[str, ...] = ()    # parameters of the enclosing function this value derives from
    partial: tuple[str | None, ...] = ()  # `functools.partial(ref, ...)`: the arguments already bound
    text: str | None = None         # the constant text of a string, unknown parts as `{NAME}` placeholders
    # A tuple: what each element carries (the fields above are their merge); None when its shape is not known.
    elements: tuple["Value", ...] | None = None

    def merge(self, other: "Value") -> "Value":
        # A name that is an SDK client on one path and None (or unknown) on the other (`mp = None`, then
        # `if settings.TOKEN: mp = Mixpanel(...)`) is still that client wherever it is called.
        named = self if other.ref is None else other if self.ref is None else None
        if self.ref == other.ref:
            ref, local, partial = self.ref, self.local and other.local, self.partial
        elif named is not None:
            ref, local, partial = named.ref, named.local, named.partial
        else:
            ref, local, partial = None, False, ()
        return Value(
            pii=_unique(self.pii + other.pii),
            wholes=_unique(self.wholes + other.wholes),
            ref=ref,
            local=local,
            carrier=self.carrier or other.carrier,
            clean=self.clean and other.clean,
            params=_unique(self.params + other.params),
            partial=partial,
            text=self.text if self.text == other.text else None,
            elements=_merge_elements(self.elements, other.elements),
        )

    def but(self, **changes) -> "Value":
        """This value with some fields changed: `dataclasses.replace` without its look-up of the fields,
        nor the frozen class's `__init__`, which sets each field in turn (names and dict displays make one
        each).  Every field is in `__dict__`, and `changes` name only fields (a typo fails here)."""
        made = _new_value(Value)
        made.__dict__.update(self.__dict__, **changes)
        if len(made.__dict__) != len(self.__dict__):
            raise TypeError(f"Value has no field {sorted(made.__dict__.keys() - self.__dict__.keys())}")
        return made

    @property
    def tainted(self) -> bool:
        return bool(self.pii or self.wholes or self.carrier)

    @property
    def url(self) -> bool:
        """A string known to be an absolute URL (a base URL kept to send requests to)."""
        return self.text is not None and "://" in self.text


UNKNOWN = Value()
CLEAN = Value(clean=True)


def merge_all(values: Iterable[Value]) -> Value:
    out: Value | None = None
    for v in values:
        out = v if out is None else out.merge(v)
    return out if out is not None else CLEAN


def strip_ref(value: Value) -> Value:
    """The data of `value`, no longer standing for an SDK or project object (a result computed from it),
    nor a tuple of known elements (`sorted(pair)` has them in another order)."""
    if value.ref or value.carrier or value.elements is not None:
        return value.but(ref=None, local=False, carrier=None, elements=None)
    return value


def element(value: Value) -> Value:
    """`value` kept as an element of a tuple: its data (and its own elements, for a tuple in a tuple), no
    longer an SDK or project object, as destructuring always gave it."""
    return value.but(ref=None, local=False, carrier=None) if (value.ref or value.carrier) else value


def tuple_of(values: list[Value]) -> Value:
    """A tuple of `values`: their merge, with each one kept as an element."""
    merged = strip_ref(merge_all(values))
    return merged.but(elements=tuple(map(element, values))) if 0 < len(values) <= MAX_ELEMENTS else merged


def unpacked(value: Value, targets: Sequence[cst.Element]) -> list[Value]:
    """What each target of `a, *rest, b = value` takes: its element of a tuple of known shape (the
    starred one a list of those it gathers), else, as for any other value, all that `value` carries."""
    elements, count = value.elements, len(targets)
    starred = next((i for i, t in enumerate(targets) if isinstance(t, cst.StarredElement)), None)
    if elements is None or (len(elements) != count if starred is None else len(elements) < count - 1):
        return [strip_ref(value)] * count
    if starred is None:
        return list(elements)
    after = len(elements) - (count - starred - 1)
    return [*elements[:starred], strip_ref(merge_all(elements[starred:after])), *elements[after:]]


def iterated(value: Value) -> Value:
    """What one item of `value` carries: any element of a tuple of known elements (a tuple of pairs
    gives a pair), else what `value` carries (see `item`)."""
    return merge_all(value.elements) if value.elements else item(strip_ref(value))


def item(value: Value) -> Value:
    """One item of a container read by position or in a loop: what the container carries, less what it
    carries only as a whole (a command line holds tokens; `sys.argv[1]` is not known to be one)."""
    if not any(credential_as_a_whole(e.kind, e.matched) for e in value.pii):
        return value
    return value.but(pii=tuple(e for e in value.pii if not credential_as_a_whole(e.kind, e.matched)))


def through(label: str, what: str) -> str:
    """`what` as returned by the helper `label`.  A recursive helper (or one found again by its method
    name) is not named twice, and chains stop growing after a few helpers: the explanation, which is part
    of what the index compares between rounds, then stays the same and the rounds end."""
    if f"{label} returns " in what or what.count(" returns ") >= MAX_HOPS:
        return what
    return f"{label} returns {what}"


def _merge_elements(mine: tuple[Value, ...] | None, theirs: tuple[Value, ...] | None) -> tuple[Value, ...] | None:
    """Two tuples of the same length merge element by element; any other pair has no known shape."""
    if mine is None or theirs is None or len(mine) != len(theirs):
        return None
    if mine is theirs:
        return mine
    return tuple(a.merge(b) for a, b in zip(mine, theirs))


def _unique(items: tuple) -> tuple:
    if len(items) < 2:
        return items
    unique = tuple(dict.fromkeys(items))
    if len(unique) <= MAX_EVIDENCE:
        return unique
    # Keep a deterministic subset, whatever the merge order: rounds of the index must converge.
    return tuple(sorted(unique, key=_order))[:MAX_EVIDENCE]


def _order(item) -> tuple[str, str]:
    """Evidence by kind and description; anything else by its text (never the text of a syntax node,
    which costs as much as printing the node's whole subtree)."""
    kind, what = getattr(item, "kind", None), getattr(item, "what", None)
    return (str(kind) if kind is not None else "", what if what is not None else str(item))
