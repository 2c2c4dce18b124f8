"""Name resolution without libcst's metadata providers: imports, aliases and dotted paths.

A name bound by an import becomes a `Ref` to the qualified name it stands for (`import mixpanel as
mxp` binds `mxp` to `mixpanel`).  Imports of the project's own modules resolve to the project's
qualified names, so a project module that happens to be called `analytics` is never mistaken for
Segment's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from .layout import ModuleInfo


def dotted(node: cst.BaseExpression | None) -> str | None:
    """`a.b.c` as a string, or None when the expression is not a plain dotted name."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted(node.value)
        return f"{head}.{node.attr.value}" if head else None
    return None


def last_name(node: cst.BaseExpression) -> str | None:
    """The last plain name in an expression: `request.user` -> "user", `get_user()` -> "get_user"."""
    while True:
        if isinstance(node, cst.Name):
            return node.value
        if isinstance(node, cst.Attribute):
            return node.attr.value
        if isinstance(node, cst.Call):
            node = node.func
        elif isinstance(node, cst.Subscript):
            node = node.value
        elif isinstance(node, cst.Await):
            node = node.expression
        else:
            return None


@dataclass
class ImportBinding:
    name: str       # the local name bound
    target: str     # the qualified name it refers to
    local: bool     # the target is the project's own code


@dataclass
class Imports:
    """Turns import statements into bindings, given where the importing module sits."""

    module: ModuleInfo = field(default_factory=ModuleInfo)

    def _is_local(self, qualified: str) -> bool:
        return qualified.split(".", 1)[0] in self.module.local_roots

    def _absolute(self, level: int, module: str | None) -> str:
        if level == 0:
            return self.module.absolute(module) if module else ""
        base = self.module.package.split(".") if self.module.package else []
        if level > 1:
            base = base[: len(base) - (level - 1)]
        return ".".join([*base, module] if module else base)

    def bindings(self, node: cst.Import | cst.ImportFrom) -> list[ImportBinding]:
        out: list[ImportBinding] = []
        if isinstance(node, cst.Import):
            for alias in node.names:
                full = dotted(alias.name) or ""
                if alias.asname is not None:
                    local = dotted(alias.asname.name) or full
                    out.append(ImportBinding(local, self.module.absolute(full), self._is_local(full)))
                else:
                    top = full.split(".", 1)[0]
                    out.append(ImportBinding(top, self.module.absolute(top), self._is_local(top)))
            return out
        level = len(node.relative)
        base = self._absolute(level, dotted(node.module) if node.module else None)
        local = level > 0 or self._is_local(base)
        if isinstance(node.names, cst.ImportStar):
            return out
        for alias in node.names:
            name = dotted(alias.name) or ""
            asname = dotted(alias.asname.name) if alias.asname is not None else name
            target = f"{base}.{name}" if base else name
            out.append(ImportBinding(asname or name, target, local))
        return out
