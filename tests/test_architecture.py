"""The package's import graph, read from its source: no cycles (imports inside functions count), and no
import from a lower layer to a higher one."""

from __future__ import annotations

import ast
import fnmatch
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "src" / "leaklint"

# Lowest first: a module may import its own layer and those below it.  Names are module paths inside the
# package; a pattern covers a module split in parts (flow_*.py and the like).
READ, KNOW, ANALYSE, INDEX, DRIVE, DOORS = range(6)
LAYERS = {
    # reading and decoding, standard library only
    "__init__": READ, "_toml": READ, "source": READ, "findings": READ, "layout": READ, "suppress": READ,
    "prefilter": READ, "cache_io": READ, "dataclass_code": READ, "deep_stack": READ, "reads": READ, "reach": READ,
    # knowing: configuration, the SDK catalogue, the PII vocabulary, the rule tables
    "config": KNOW, "discover": KNOW, "catalogue": KNOW, "catalogue.*": KNOW, "pii*": KNOW, "scrub": KNOW,
    "rules": KNOW, "rules.*": KNOW,
    # analysing one module (libcst)
    "analysis*": ANALYSE, "flow*": ANALYSE, "walk*": ANALYSE, "sinks*": ANALYSE, "http_sinks": ANALYSE, "resolve*": ANALYSE,
    "positions": ANALYSE, "fix_kinds": ANALYSE, "lite*": ANALYSE,
    # the project index
    "index*": INDEX, "summaries": INDEX,
    # the driver: checking a project, rounds, worker processes, the cache
    "engine": DRIVE, "project*": DRIVE, "parallel*": DRIVE, "cache": DRIVE, "wrappers": DRIVE,
    "collector": DRIVE,
    # the doors, the output formats and fixing
    "session": DOORS,
    "api": DOORS, "cli*": DOORS, "server": DOORS, "flake8_plugin": DOORS, "__main__": DOORS, "baseline": DOORS,
    "output": DOORS, "output.*": DOORS, "fix": DOORS, "progress": DOORS, "inventory": DOORS, "inventory.*": DOORS,
}


def modules() -> dict[str, Path]:
    """Module name inside the package ("rules.payload", "__init__" for the package) -> file."""
    out = {}
    for file in PACKAGE.rglob("*.py"):
        parts = file.relative_to(PACKAGE).with_suffix("").parts
        out[".".join(parts[:-1]) if parts[-1] == "__init__" and len(parts) > 1 else ".".join(parts)] = file
    return out


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def imported(name: str, file: Path, known: set[str], *, runtime_only: bool = False) -> set[str]:
    """The package's modules that `name` imports: absolute and relative, at the top or inside functions;
    with `runtime_only`, not those imported for type annotations only (under `if TYPE_CHECKING:`)."""
    package = name if file.name == "__init__.py" and name != "__init__" else name.rpartition(".")[0]
    found: set[str] = set()
    stack: list[ast.AST] = [ast.parse(file.read_bytes())]
    while stack:
        node = stack.pop()
        if runtime_only and _type_checking(node):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))
        if isinstance(node, ast.Import):
            targets = [a.name.removeprefix("leaklint.") for a in node.names if a.name.startswith("leaklint.")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
                module = ".".join([*base, *([node.module] if node.module else [])])
            elif node.module and (node.module == "leaklint" or node.module.startswith("leaklint.")):
                module = node.module.removeprefix("leaklint").lstrip(".")
            else:
                continue
            targets = [f"{module}.{a.name}".lstrip(".") for a in node.names] + [module]
        else:
            continue
        for target in targets:
            while target and target not in known:  # a name imported from a module, not a module
                target = target.rpartition(".")[0]
            found.add(target or "__init__")
    found.discard(name)
    return {t for t in found if not name.startswith(t + ".")}  # a package's own __init__, run first anyway


def graph(runtime_only: bool = False) -> dict[str, set[str]]:
    mods = modules()
    return {name: imported(name, file, set(mods), runtime_only=runtime_only) for name, file in mods.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def layer(name: str) -> int:
    return next((level for pattern, level in LAYERS.items() if fnmatch.fnmatchcase(name, pattern)), -1)


def test_the_graph_is_read_as_python_reads_imports():
    """A relative import inside a function, an absolute one and one from a subpackage are all seen."""
    edges = graph()
    assert "analysis" in edges["engine"]          # inside a method: `from .analysis import parse`
    assert "catalogue" in edges["rules.payload"]  # `from ..catalogue import Role`
    assert "rules.payload" in edges["rules.whole_object"]  # `from .payload import ...`
    assert "__init__" in edges["cache_io"]        # `from . import __version__`
    assert "rules.unreadable" in edges["engine"]  # a module of a subpackage
    assert {"a", "b"} in [set(c) for c in cycles({"a": {"b"}, "b": {"c", "a"}, "c": set()})]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_no_import_cycles():
    assert cycles(graph()) == []


def test_every_module_has_a_layer():
    assert [name for name in modules() if layer(name) < 0] == [], "add it to LAYERS (and docs/architecture.md)"


def test_no_module_imports_a_higher_layer():
    upward = sorted(f"{name} ({layer(name)}) imports {target} ({layer(target)})"
                    for name, targets in graph(runtime_only=True).items() for target in targets
                    if layer(target) > layer(name))
    assert upward == []


def test_a_layer_violation_is_seen():
    """The check above is not vacuous: a module of the lowest layer importing the driver is caught."""
    assert layer("source") < layer("engine") and "engine" in graph()["parallel"]
    assert layer("fix") > layer("engine") and "engine" in graph(runtime_only=True)["fix"]
