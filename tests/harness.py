"""One-call harnesses for the analysis' inner modules, so that a semantics case is a three-line test.

Each drives one layer directly, the way the engine does, without files or the command line:
`carried` (flow), `assert_reports` (walk + sinks + rules over one module), `assert_project_reports` and
`project_index` (the index over several modules), `sink_calls` (sinks), `bindings` (resolve) and
`relevant` (prefilter).  When those modules' interfaces change, this file is the one to follow them.
"""

from __future__ import annotations

from textwrap import dedent

from leaklint.config import Settings
from leaklint.engine import Checker, Source
from leaklint.layout import ModuleInfo

_CHECKER = Checker(Settings())


def _source(text: str, module: str = "", roots: frozenset[str] = frozenset(), display: str = "example.py") -> Source:
    from leaklint.analysis import parse

    info = ModuleInfo(module, is_package=display.endswith("__init__.py"), local_roots=roots)
    source = Source(display, dedent(text).lstrip("\n"), info)
    parse(source)
    assert source.error is None, source.error
    return source


def _described(reports) -> list[str]:
    return [f"{r.code} {r.message}" for r in reports]


# -- flow ----------------------------------------------------------------------------------------
def carried(expression: str, setup: str = "") -> dict:
    """What `expression` carries after the module-level statements `setup`: its PII kinds (with the
    explanation of each), whole objects, the SDK or project name it stands for, and whether it is clean."""
    import libcst as cst

    from leaklint.flow import Evaluator
    from leaklint.resolve import Imports
    from leaklint.walk import Walker

    source = _source(setup)
    walker = Walker(_CHECKER.options, Imports(source.info), lambda *call: None)
    walker.run(source.module)
    value = Evaluator(_CHECKER.options, walker.module_env).evaluate(cst.parse_expression(expression))
    return {"pii": [(e.kind.value, e.explain()) for e in value.pii], "wholes": [w.what for w in value.wholes],
            "ref": value.ref, "clean": value.clean}


def kinds(expression: str, setup: str = "") -> list[str]:
    return [kind for kind, _ in carried(expression, setup)["pii"]]


# -- walk, sinks and rules over one module -------------------------------------------------------
def reports(text: str, settings: Settings | None = None) -> list[str]:
    """`CODE message` of every report the rules make over one module analysed on its own (before
    suppressions and rule selection), in the order the walk makes them."""
    from leaklint.analysis import walk

    checker = Checker(settings) if settings is not None else _CHECKER
    found, _ = walk(checker, _source(text), checker.options)
    return _described(found)


def assert_reports(text: str, expected: list[str], settings: Settings | None = None) -> None:
    assert reports(text, settings) == expected


def sink_calls(text: str) -> list[tuple[str, list[tuple[str, str, list[str]]]]]:
    """Each call bound to a sink: its label and, per argument, (role, parameter, PII kinds)."""
    from leaklint.resolve import Imports
    from leaklint.sinks import sink_use
    from leaklint.walk import Walker

    found = []

    def on_call(call, func, args, ev):
        use = sink_use(call, func, args, ev)
        if use is not None:
            found.append((use.label, [(a.role.value, a.param, [e.kind.value for e in a.value.pii]) for a in use.args]))

    source = _source(text)
    Walker(_CHECKER.options, Imports(source.info), on_call).run(source.module)
    return found


# -- the project index over several modules ------------------------------------------------------
def project_index(modules: dict[str, str]):
    """The index of a project given as {dotted module name: text}, built in rounds as the engine does;
    returns (index, {module name: its reports as `CODE message`})."""
    index, found = settled(modules)
    return index, {name: _described(found[name.replace(".", "/") + ".py"]) for name in modules}


def settled(modules: dict[str, str], **kept):
    """Rounds over the modules {dotted module name: text} until the index is stable; `kept` are
    `run_round`'s memories from round to round (`seen`, `order`, `functions`; none: every module walked
    whole in every round).  Returns (index, {file: its reports})."""
    from leaklint import index as idx

    roots = frozenset(name.split(".", 1)[0] for name in modules)
    sources = [_source(text, name, roots, display=name.replace(".", "/") + ".py") for name, text in modules.items()]
    index, found = idx.ProjectIndex(), {}
    for _ in range(idx.MAX_ROUNDS):
        if not idx.run_round(_CHECKER, index, sources, found, **kept):
            break
    return index, found


def assert_project_reports(modules: dict[str, str], expected: dict[str, list[str]]) -> None:
    """Only the modules named in `expected` are compared; the others must have no reports."""
    _, found = project_index(modules)
    assert found == {name: expected.get(name, []) for name in modules}


# -- resolve -------------------------------------------------------------------------------------
def bindings(statement: str, module: str = "app.views", roots: tuple[str, ...] = ("app",),
             package: bool = False) -> list[tuple[str, str, bool]]:
    """(local name, qualified name, is project code) for each name an import statement binds in `module`."""
    import libcst as cst

    from leaklint.resolve import Imports

    node = cst.parse_statement(statement).body[0]
    imports = Imports(ModuleInfo(module, package, frozenset(roots)))
    return [(b.name, b.target, b.local) for b in imports.bindings(node)]


# -- prefilter -----------------------------------------------------------------------------------
def relevant(text: str, module: str = "app.views", project_modules: tuple[str, ...] = (),
             settings: Settings | None = None) -> bool:
    """The prefilter's verdict on a file's text: can it matter, given project modules known to lead to a sink?"""
    checker = Checker(settings) if settings is not None else _CHECKER
    source = Source("example.py", dedent(text).lstrip("\n"), ModuleInfo(module, local_roots=frozenset({"app"})))
    return checker.relevant(source, checker.prefilter.plus(project_modules))
