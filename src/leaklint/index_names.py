"""What the project's modules bind, and how a dotted name is looked up through them.

Per module the index keeps the names another module could reach a sink through (`ModuleFacts`): its
module-level names bound to project code or SDK objects, its classes' members bound to one
("Tracker.client": set on `self` in a method, a class attribute, a property's value) and the classes each
class extends.  `NameLookup` follows a dotted name through these: re-exports, instances of project
classes, inherited members, and a project class extending an SDK class (the SDK's methods).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

from .flow import Value, merge_all
from .reads import asked


@dataclass
class ModuleFacts:
    name: str
    names: dict[str, Value]              # module-level names bound to a module, class, function, SDK object or URL,
                                         # and class members ("Tracker.client") bound to one
    classes: frozenset[str]
    bases: dict[str, tuple[str, ...]] = field(default_factory=dict)   # class -> project / SDK classes it extends
    properties: frozenset[str] = frozenset()   # "Account.contact": read as an attribute, it is what it returns

    def names_key(self) -> tuple:
        """What other modules can see of the names: rounds and cached runs compare it."""
        return self._names_key

    @cached_property
    def _names_key(self) -> tuple:
        # (worked out once: facts are made whole and never changed, and every round reads all modules' keys)
        return tuple(sorted((n, v.ref or "", v.local, v.text or "", tuple((e.kind.value, e.what) for e in v.pii))
                            for n, v in self.names.items()))

    @classmethod
    def of(cls, name: str, names: dict[str, Value], classes: frozenset[str], sdk_roots: frozenset[str],
           bases: dict[str, tuple[Value, ...]] | None = None, properties: frozenset[str] = frozenset()) \
            -> "ModuleFacts":
        """Only the names another module could reach a sink through: project code, SDK objects and the
        base URLs of vendors' HTTP APIs (`SEGMENT_API = "https://api.segment.io/v1"`)."""
        def reachable(ref: str | None, local: bool) -> bool:
            return bool(ref) and (local or ref.split(".", 1)[0] in sdk_roots)

        kept = {n: Value(ref=v.ref, local=v.local) if v.ref else Value(text=v.text) for n, v in names.items()
                if reachable(v.ref, v.local) or (v.url and not v.ref)}
        # A class member holding personal data itself (a serializer's `.data`), without syntax nodes.
        kept.update((n, Value(pii=tuple(replace(e, node=None) for e in v.pii))) for n, v in names.items()
                    if "." in n and v.pii and not v.ref and n not in kept)
        extends = {c: refs for c, refs in ((c, tuple(v.ref for v in values if reachable(v.ref, v.local)))
                                           for c, values in (bases or {}).items()) if refs}
        return cls(name, kept, classes, extends, properties)

    @property
    def members(self) -> dict[str, Value]:
        """The class members it binds ("Tracker.client")."""
        return {n: v for n, v in self.names.items() if "." in n}


class NameLookup:
    """`ProjectIndex`'s answers about names (uses its `modules`, `functions`, `classes`)."""

    modules: dict[str, ModuleFacts]
    _by_attribute: dict[str, Value] | None = None   # see `attribute_named`
    _members_of: dict[str, tuple[ModuleFacts, list]] | None = None   # see `_sdk_members`
    # `lookup`'s answers, each kept until a name it read changes: the index changes all through a round
    # (each function walked, each module's names), each change touching a few names only.
    _found: dict[str, "_Answer"] | None = None
    _readers: dict[str, set[str]] | None = None     # a module, function or class name -> answers that read it
    _trail: "_Trail | None" = None                  # what the look-up under way read and followed

    @asked
    def lookup(self, ref: str) -> Value | None:
        """What the dotted name `ref` stands for, followed through the project's modules."""
        return self.looked_up(ref)

    def looked_up(self, ref: str) -> Value | None:
        """`lookup` without noting the question."""
        if self._found is None:
            self._found, self._readers = {}, {}
        known = self._found.get(ref)
        if known is not None:  # the same names are looked up again and again in a walk
            return known.value
        self._trail = _Trail()
        try:
            return self._lookup(ref, frozenset())
        finally:
            self._trail = None

    def changed(self, *names: str) -> None:
        """The modules, functions or classes `names` changed (none named: any may have): the answers that
        read one of them are looked up again.  An answer depends on nothing else, so the others stand."""
        if not names or self._found is None:
            self._found = self._readers = None
            return
        for name in names:
            for ref in self._readers.pop(name, ()):
                self._found.pop(ref, None)

    @asked
    def resolve(self, ref: str) -> Value:
        """What a project name bound in a module stands for: itself, when the index knows nothing more of it
        (asked apart from `lookup`, whose "nothing" and "itself" differ for attributes: a module walked
        before the one `ref` is in has the same answer here once that one is walked)."""
        return self.looked_up(ref) or Value(ref=ref, local=True)

    def _module(self, name: str) -> ModuleFacts | None:
        """The facts of the module `name`, noted as read (so is its absence)."""
        self._trail.read.append(name)
        return self.modules.get(name)

    def _lookup(self, ref: str, _seen: frozenset[str]) -> Value | None:
        """`ref` looked up on the way from the names `_seen` (a cycle ends where it meets one of them).
        An answer kept is used, and one worked out kept, when no name followed for it is in `_seen`:
        nothing was then cut short, and it is the answer wherever `ref` is looked up from."""
        trail = self._trail
        if ref in _seen:
            trail.followed.append(ref)
            return None
        known = self._found.get(ref)
        if known is not None and _seen.isdisjoint(known.followed):
            trail.add(known)
            return known.value
        mark = trail.mark()
        trail.followed.append(ref)
        value = self._follow(ref, _seen | {ref})
        answer = trail.since(mark, value)
        if _seen.isdisjoint(answer.followed):
            self._found[ref] = answer
            for name in answer.read:
                self._readers.setdefault(name, set()).add(ref)
        return value

    def _follow(self, ref: str, seen: frozenset[str]) -> Value | None:
        parts = ref.split(".")
        for i in range(len(parts), 0, -1):
            module = self._module(".".join(parts[:i]))
            if module is None:
                continue
            if i == len(parts):
                return Value(ref=ref, local=True)
            return self._member(module, parts[i:], seen)
        if ref in self.functions or ref in self.classes:  # (`ref` is noted: its whole is a module name tried)
            return Value(ref=ref, local=True)
        return None

    def _member(self, module: ModuleFacts, path: list[str], seen: frozenset[str]) -> Value | None:
        """`path` inside `module`: the longest name it binds (a class member is bound as "Class.attr"),
        then attributes of that."""
        for j in range(len(path), 0, -1):
            value = module.names.get(".".join(path[:j]))
            if value is not None:
                break
        else:
            return None
        defined = f"{module.name}.{'.'.join(path[:j])}"
        if value.local and value.ref and value.ref != defined:
            value = self._lookup(value.ref, seen) or value
        for attr in path[j:]:
            value = self._attribute(value, attr, seen) if value.ref else None
            if value is None:
                return None
        return value

    def _attribute(self, owner: Value, attr: str, seen: frozenset[str],
                   inheriting: frozenset[str] = frozenset()) -> Value | None:
        """`attr` of a project or SDK object; a project class's own, else one it inherits (`inheriting`: the
        classes below it on the way, so that a class among its own bases ends the search).  A property
        is what it returns."""
        if owner.ref in inheriting:
            return None
        path = f"{owner.ref}.{attr}"
        if not owner.local:
            return Value(ref=path)
        self._trail.read.append(path)
        module, inside = self._home(owner.ref)
        if path in self.functions and module is not None and f"{inside}.{attr}" in module.properties:
            return self.functions[path].returns
        if path in self.functions or path in self.classes:
            return Value(ref=path, local=True)
        found = self._lookup(path, seen)
        if found is not None:
            return found
        for base in module.bases.get(inside, ()) if module is not None else ():
            inherited = self._attribute(self._lookup(base, seen) or Value(ref=base), attr, seen,
                                        inheriting | {owner.ref})
            if inherited is not None:
                return inherited
        return None

    def _home(self, ref: str) -> tuple[ModuleFacts | None, str]:
        """The module defining the class `ref`, and the class's name inside it ("Outer.Inner")."""
        module, _, inside = ref.rpartition(".")
        while module and self._module(module) is None:
            module, _, head = module.rpartition(".")
            inside = f"{head}.{inside}"
        return self._module(module), inside

    @asked
    def attribute_named(self, name: str) -> Value | None:
        """What an attribute `name` of an object of unknown class holds, when the project's classes keep
        an SDK object under that name (`site.siteconfiguration.segment_client`): the SDK objects they
        keep, merged.  Never decided by the name alone: only classes that bind one count."""
        if self._by_attribute is None:
            table: dict[str, list[tuple[str, Value]]] = {}
            for module in self.modules.values():
                for attr, bound, value in self._sdk_members(module):
                    table.setdefault(attr, []).append((bound, value))
            self._by_attribute = {attr: merge_all(v for _, v in sorted(found, key=lambda f: (f[0], f[1].ref)))
                                  for attr, found in table.items()}
        return self._by_attribute.get(name)

    def _sdk_members(self, module: ModuleFacts) -> list[tuple[str, str, Value]]:
        """The SDK objects `module`'s classes keep: (attribute, qualified name, object).  Kept per module
        while its facts stay the same object: the table above is made again each time a module's members
        change, and most modules' facts have not."""
        if self._members_of is None:
            self._members_of = {}
        kept = self._members_of.get(module.name)
        if kept is None or kept[0] is not module:
            found = []
            for bound, value in module.names.items():
                owner, _, attr = bound.rpartition(".")
                if owner and value.ref and not value.local:
                    found.append((attr, f"{module.name}.{bound}", value))
            kept = self._members_of[module.name] = (module, found)
        return kept[1]

    def forget_attributes(self) -> None:
        """The modules' facts changed: `attribute_named` looks again."""
        self._by_attribute = None


@dataclass(frozen=True)
class _Answer:
    """A name's look-up: what it stands for, the module, function and class names read to say so (a
    change to one of them forgets it), and the names followed on the way (itself included)."""

    value: Value | None
    read: frozenset[str]
    followed: frozenset[str]


class _Trail:
    """What a look-up under way read and followed, in order; a nested look-up's part is what came after
    its `mark`.  An answer used as it was kept adds its own sets whole."""

    def __init__(self) -> None:
        self.read: list[str] = []
        self.followed: list[str] = []
        self._kept: list[_Answer] = []

    def mark(self) -> tuple[int, int, int]:
        return len(self.read), len(self.followed), len(self._kept)

    def add(self, answer: _Answer) -> None:
        self._kept.append(answer)

    def since(self, mark: tuple[int, int, int], value: Value | None) -> _Answer:
        read, followed, kept = mark
        used = self._kept[kept:]
        return _Answer(value, frozenset(self.read[read:]).union(*(a.read for a in used)),
                       frozenset(self.followed[followed:]).union(*(a.followed for a in used)))
