"""Where the project functions a finding's call goes through are defined, as related locations.

A finding knows those functions by qualified name (`Finding.via`); their modules may have been analysed
in another process or not parsed in this run at all (a cache hit).  So the `def` lines are found here,
once per module and only for the modules some finding names, with the standard library's parser.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from .findings import Finding, Related

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .source import Source


def with_wrappers(findings: list[Finding], sources: list[Source], load) -> list[Finding]:
    """`findings`, each with the definitions of the functions it goes through added to its related
    locations; `load(source)` gives a source whose text is read."""
    if not any(f.via for f in findings):
        return findings
    modules = {s.info.name: s for s in sources if s.info.name and s.error is None}
    defined: dict[str, dict[str, tuple[int, int]]] = {}
    out = []
    for finding in findings:
        extra = [r for r in (_definition(q, modules, defined, load) for q in finding.via) if r is not None]
        out.append(replace(finding, related=finding.related + tuple(extra)) if extra else finding)
    return out


def _definition(qualname: str, modules: dict[str, Source], defined: dict, load) -> Related | None:
    parts = qualname.split(".")
    for cut in range(len(parts) - 1, 0, -1):  # the longest module name that is a prefix
        module = ".".join(parts[:cut])
        if module in modules:
            source = modules[module]
            if module not in defined:
                defined[module] = definitions(load(source).text)
            at = defined[module].get(".".join(parts[cut:]))
            return Related(source.display, *at, f"through {qualname}") if at is not None else None
    return None


def definitions(text: str) -> dict[str, tuple[int, int]]:
    """Dotted name inside the module (`Client.send`, `outer.inner`) -> line and 1-based column of its
    `def` or `class` (one of them when a name is defined more than once)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    out: dict[str, tuple[int, int]] = {}
    stack: list[tuple[ast.AST, str]] = [(tree, "")]
    while stack:
        node, prefix = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = prefix + child.name
                out.setdefault(name, (child.lineno, child.col_offset + 1))
                stack.append((child, name + "."))
            elif isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)):
                stack.append((child, prefix))  # a definition inside `if`, `try`, `with`: same scope
    return out
