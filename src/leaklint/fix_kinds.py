"""What a fix tells the scrubber, so that the call it wraps removes what the finding is about.

The scrubber on its own removes values under keys its classifier knows and email / phone / IP shapes in
text.  That is not enough when a finding's data is a bare value (`.set("name", user.full_name)`) or sits
under a key the runtime cannot read as personal (`{"who": user.full_name}`, or a project's own
`pii-names`).  So each wrapped expression gets either:

- `kind="name"` (or "email", "username", "org", ...): the value is that data; all of it is redacted; or
- `keys=("who",)`: the dict keys, found in the code, under which the data travels; or
- nothing, when the scrubber's own classifier already recognises every key involved.

Which one depends on which other expressions of the file get wrapped (keys outside a wrapped expression
say nothing about values inside it), and that is known only when fixing: so the analysis records, as
plain data, the places around each piece of data (`Datum`), and `scrub_arguments` decides from them.
"""

from __future__ import annotations

import libcst as cst

from .findings import Around, Datum, FromLine, Import, ImportBlock, Wrap
from .flow import Evidence
from .pii import PiiKind, classify_key, vocabulary

# The `kind=` each kind of finding passes (leaklint_scrub.KINDS lists what the scrubber accepts).
KIND_ARGUMENTS = {
    PiiKind.EMAIL: "email", PiiKind.PERSON_NAME: "name", PiiKind.ORG_ID: "org", PiiKind.PHONE: "phone",
    PiiKind.ADDRESS: "address", PiiKind.IP_ADDRESS: "ip", PiiKind.CREDENTIAL: "credential",
}
USERNAME_WORDS = vocabulary.USERNAME_WORDS  # handles rather than names: pseudonymised, so people stay apart


def kind_argument(evidence: Evidence) -> str:
    if evidence.kind is PiiKind.PERSON_NAME and evidence.matched in USERNAME_WORDS:
        return "username"
    return KIND_ARGUMENTS[evidence.kind]


def scrub_arguments(data: list[Datum], wrapped: set[tuple[int, int]]) -> tuple[tuple[str, object], ...]:
    """The keyword arguments a scrubber call needs for the data it carries, given the extents of every
    expression the scrubber wraps in the file: `(("kind", "name"),)`, `(("keys", ("who",)),)` or `()`."""
    kinds, keys = [], set()
    for datum in data:
        key = _innermost_key(datum.around, wrapped)
        if key is None:
            kinds.append(datum.kind)
        elif classify_key(key) is None:
            keys.add(key)
    if kinds:  # the value itself is the data; redaction (not a pseudonym) wins when kinds differ
        return (("kind", min(kinds, key=lambda k: k in ("username", "org"))),)
    return (("keys", tuple(sorted(keys))),) if keys else ()


def _innermost_key(around: tuple[Around, ...], wrapped: set[tuple[int, int]]) -> str | None:
    for place in around:
        if place.span in wrapped or place.gate in wrapped:
            return None
        if place.key is not None:
            return place.key
    return None


class Planner:
    """The `Wrap` of each fix offered in one module.  The caller's position pass gives the offsets of
    `nodes()` and the ancestors of `traced()` (the data), from which the keys around the data are read."""

    def __init__(self, module: cst.Module, fixes: list[tuple], settings):
        """`fixes`: each report's `Wrapping` with its evidence."""
        self.settings = settings
        self.fix_nodes = {id(f.node): f.node for f, _ in fixes}
        self.data_nodes = [e.node for _, evidence in fixes for e in evidence if isinstance(e, Evidence)]
        self.block = _ImportScan(module)

    def nodes(self) -> list[cst.CSTNode]:
        return [*self.fix_nodes.values(), *self.block.nodes()]

    def traced(self) -> list[cst.CSTNode]:
        return self.data_nodes

    def finish(self, spans: dict[int, tuple[int, int]], ancestors: dict[int, tuple]) -> None:
        self.spans, self.ancestors = spans, ancestors
        self.imports = self.block.result(spans)

    def wrap(self, fix, evidence) -> Wrap | None:
        span = self.spans.get(id(fix.node))
        if span is None:
            return None
        data = tuple(Datum(kind_argument(e), self._around(e.node)) for e in evidence if isinstance(e, Evidence))
        module, _, name = getattr(self.settings, fix.wrapper.value).partition(":")
        return Wrap(span[0], span[1], fix.wrapper, Import(module, name), fix.safe, data, self.imports)

    def _around(self, node) -> tuple[Around, ...]:
        """The places around `node`, innermost first (itself included), that hold a literal key or are
        expressions a fix may wrap."""
        path = self.ancestors.get(id(node), ()) if node is not None else ()
        places = []
        for depth in range(len(path) - 1, -1, -1):
            node, parent = path[depth], path[depth - 1] if depth else None
            key, gate = _key(node, parent)
            span = self.spans.get(id(node)) if id(node) in self.fix_nodes else None
            if key is not None or span is not None:
                places.append(Around(key, span, self.spans.get(id(parent)) if gate else None))
        return tuple(places)


def _key(node: cst.CSTNode, parent: cst.CSTNode | None) -> tuple[str | None, bool]:
    """The literal key `node` puts what is inside it under: a dict entry `{"k": ...}`, an assignment
    `d["k"] = ...`, `d.setdefault("k", ...)` or a keyword of `dict(...)` / `d.update(...)` (True then:
    the key is the parent call's, hidden when that call is wrapped)."""
    if isinstance(node, cst.DictElement):
        return _literal(node.key), False
    if isinstance(node, cst.Assign) and len(node.targets) == 1:
        target = node.targets[0].target
        if isinstance(target, cst.Subscript) and len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index):
            return _literal(target.slice[0].slice.value), False
    if isinstance(node, cst.Call) and _called(node) == "setdefault" and node.args:
        return _literal(node.args[0].value), False
    if isinstance(node, cst.Arg) and node.keyword is not None and isinstance(parent, cst.Call) \
            and _called(parent) in ("dict", "update"):
        return node.keyword.value, True
    return None, False


def _called(call: cst.Call) -> str | None:
    return call.func.attr.value if isinstance(call.func, cst.Attribute) else getattr(call.func, "value", None)


def _literal(node: cst.CSTNode | None) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


class _ImportScan:
    """The module's leading import block, as `fix.import_edits` reads it: the `from` lines up to
    the first statement that is neither an import nor the docstring, and where a new line goes."""

    def __init__(self, module: cst.Module):
        self.newline = module.default_newline
        self.lines: list[tuple[str, frozenset[str], bool, cst.CSTNode, bool]] = []
        body, last_import = module.body, -1
        for index, stmt in enumerate(body[:leading_imports(body)]):
            small = stmt.body[0] if len(stmt.body) == 1 else None
            if isinstance(small, cst.ImportFrom) and not small.relative:
                star = isinstance(small.names, cst.ImportStar)
                names = frozenset() if star else frozenset(_dotted(a.name) for a in small.names if a.asname is None)
                last = None if star else small.names[-1]
                comma = last is not None and isinstance(last.comma, cst.Comma)
                self.lines.append((_dotted(small.module), names, star, last.comma if comma else last, comma))
            if isinstance(small, (cst.Import, cst.ImportFrom)):
                last_import = index
        after = last_import + 1
        self.anchor = (body[after], 0) if after < len(body) else (body[-1], 1) if body else (None, 0)

    def nodes(self) -> list[cst.CSTNode]:
        return [node for *_, node, _ in self.lines if node is not None] + [self.anchor[0]]

    def result(self, spans: dict[int, tuple[int, int]]) -> ImportBlock:
        lines = []
        for module, names, star, node, comma in self.lines:
            start, end = spans.get(id(node), (0, 0)) if node is not None else (0, 0)
            lines.append(FromLine(module, names, star, (start, end) if comma else (end, end)))
        node, side = self.anchor
        return ImportBlock(tuple(lines), spans[id(node)][side] if node is not None else 0, self.newline)


def leading_imports(body) -> int:
    """How many of a module's first statements are imports (one to a line) or strings: the block a fix
    adds its import to, read up to the first other statement (`lite_partial` parses as far as that one)."""
    for index, stmt in enumerate(body):
        if not isinstance(stmt, cst.SimpleStatementLine):
            return index
        small = stmt.body[0] if len(stmt.body) == 1 else None
        if not isinstance(small, (cst.Import, cst.ImportFrom)) and not _is_docstring(stmt):
            return index
    return len(body)


def _is_docstring(stmt: cst.CSTNode) -> bool:
    return (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 and isinstance(stmt.body[0], cst.Expr)
            and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString)))


def _dotted(node) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""
