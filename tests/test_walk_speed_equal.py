"""The index keeps answers to save work in a walk; each kept answer must be the one it would work out again.

Random modules (re-exports, cycles between them, class members, classes extending classes, properties)
change one at a time, as a round changes them, or several at once, as another process's facts are merged
in, between look-ups: every answer the index gives from memory is compared with a fresh index's over the
same facts.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from leaklint.flow import Value
from leaklint.index import ProjectIndex
from leaklint.index_names import ModuleFacts
from leaklint.parallel_share import merge
from leaklint.pii import PiiKind
from leaklint.flow.values import Evidence
from leaklint.summaries import Summary

MODULES = ["app.m", "app.n", "lib"]
CLASSES = ["app.m.C", "app.n.C", "app.n.C.Inner", "lib.C"]
# Names bound in the modules, and what they may stand for: each other (cycles too), SDK objects, classes.
BOUND = ["x", "y", "C", "C.client", "C.p", "C.Inner"]
REFS = [f"{m}.{n}" for m in MODULES for n in BOUND] + MODULES + ["sdk.Client"]
ASKED = REFS + [f"{r}.{a}" for r in ("app.m.C", "app.n.x", "lib.y") for a in ("client", "p")]

values = st.builds(lambda ref, local: Value(ref=ref, local=local or not ref.startswith("sdk")),
                   st.sampled_from(REFS), st.booleans())


@st.composite
def module_facts(draw, name: str) -> ModuleFacts:
    names = draw(st.dictionaries(st.sampled_from(BOUND), values, max_size=6))
    bases = draw(st.dictionaries(st.sampled_from(["C", "C.Inner"]),
                                 st.lists(st.sampled_from(CLASSES + ["sdk.Client"]), max_size=2).map(tuple),
                                 max_size=2))
    properties = draw(st.frozensets(st.sampled_from(["C.p", "C.client"]), max_size=2))
    classes = frozenset(c for c in CLASSES if c.rpartition(".")[0] == name)
    return ModuleFacts(name, names, classes, {c: b for c, b in bases.items() if b}, properties)


def summary(qualname: str, tainted: bool) -> Summary:
    returns = Value(pii=(Evidence(PiiKind.EMAIL, "user.email", None),)) if tainted else Value()
    return Summary(qualname, qualname.rsplit(".", 2)[0], True, None, returns, (qualname, tainted))


@st.composite
def changes(draw) -> list[tuple]:
    steps = []
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["module", "class", "function", "ask", "ask"]))
        if kind == "module":
            name = draw(st.sampled_from(MODULES))
            steps.append(("module", name, draw(module_facts(name))))
        elif kind == "class":
            steps.append(("class", draw(st.sampled_from(CLASSES))))
        elif kind == "function":
            qualname = draw(st.sampled_from(["app.m.C.p", "app.n.C.p", "lib.C.client", "app.m.x"]))
            steps.append(("function", qualname, draw(st.sampled_from([None, True, False]))))
        else:
            steps.append(("ask", draw(st.lists(st.sampled_from(ASKED), min_size=1, max_size=8))))
    return steps


def apply(index: ProjectIndex, step: tuple) -> None:
    """One change as a round makes it: the fact, then the index told which name changed."""
    if step[0] == "module":
        index.modules[step[1]] = step[2]
        index.forget_attributes()
    elif step[0] == "class":
        index.classes.add(step[1])
    elif step[2] is None:
        index.functions.pop(step[1], None)
    else:
        index.functions[step[1]] = summary(step[1], step[2])
    index.changed(step[1])


def fresh(index: ProjectIndex) -> ProjectIndex:
    again = ProjectIndex()
    again.modules, again.functions, again.classes = dict(index.modules), dict(index.functions), set(index.classes)
    return again


@given(changes())
def test_answers_kept_between_changes_are_those_worked_out_again(steps):
    index = ProjectIndex()
    for step in steps:
        if step[0] != "ask":
            apply(index, step)
            continue
        for ref in step[1]:
            assert index.looked_up(ref) == fresh(index).looked_up(ref), ref
            attr = ref.rpartition(".")[2]
            assert index.attribute_named(attr) == fresh(index).attribute_named(attr), attr


@st.composite
def merged(draw) -> dict:
    """What another process sends after a round: some modules' facts, their functions and classes."""
    names = draw(st.lists(st.sampled_from(MODULES), min_size=1, max_size=3, unique=True))
    modules = {name: draw(module_facts(name)) for name in names}
    functions = [Summary(qualname, name, True, None, summary(qualname, tainted).returns, (qualname, tainted))
                 for name in names
                 for qualname, tainted in draw(st.dictionaries(st.sampled_from([f"{name}.C.p", f"{name}.C.client",
                                                                                f"{name}.x"]),
                                                               st.booleans(), max_size=3)).items()]
    return {"modules": modules, "functions": functions, "classes": set().union(*(m.classes for m in modules.values()))}


@given(st.lists(st.one_of(st.tuples(merged(), st.booleans()), st.lists(st.sampled_from(ASKED), min_size=1, max_size=8)),
                min_size=1, max_size=10))
def test_answers_kept_across_merges_are_those_worked_out_again(steps):
    index = ProjectIndex()
    for step in steps:
        if isinstance(step, tuple):
            facts, same_modules = step
            if same_modules:  # a module walked again elsewhere binds the same: only its functions differ
                facts["modules"] = {name: index.modules.get(name, module) for name, module in facts["modules"].items()}
                facts["classes"] = set().union(*(m.classes for m in facts["modules"].values()))
            merge(index, facts)
            index.forget_attributes()  # as each round starts
            continue
        for ref in step:
            assert index.looked_up(ref) == fresh(index).looked_up(ref), ref
            attr = ref.rpartition(".")[2]
            assert index.attribute_named(attr) == fresh(index).attribute_named(attr), attr


def test_a_merge_forgets_a_property_whose_function_changed_though_its_module_binds_the_same():
    """Another process walked `app.m` again: it binds the same names, but the property's return changed."""
    index = ProjectIndex()
    facts = ModuleFacts("app.m", {"C": Value(ref="app.m.C", local=True)}, frozenset({"app.m.C"}), {}, frozenset({"C.p"}))
    plain, tainted = summary("app.m.C.p", False), summary("app.m.C.p", True)
    merge(index, {"modules": {"app.m": facts}, "functions": [plain], "classes": {"app.m.C"}})
    assert index.looked_up("app.m.C.p") == plain.returns
    index.looked_up("app.m.C")
    merge(index, {"modules": {"app.m": facts}, "functions": [tainted], "classes": {"app.m.C"}})
    assert "app.m.C" in index._found   # kept: nothing it read changed
    assert index.looked_up("app.m.C.p") == tainted.returns == fresh(index).looked_up("app.m.C.p")


def test_a_name_looked_up_inside_a_cycle_is_not_kept_as_cut_short():
    """`app.m.x` -> `app.n.y` -> `app.m.x`: on the way from `app.m.x`, `app.n.y` meets the cycle and ends
    early; looked up on its own afterwards it must not be that cut-short answer."""
    index = ProjectIndex()
    index.modules["app.m"] = ModuleFacts("app.m", {"x": Value(ref="app.n.y", local=True)}, frozenset())
    index.modules["app.n"] = ModuleFacts("app.n", {"y": Value(ref="app.m.x", local=True)}, frozenset())
    assert index.looked_up("app.m.x") == fresh(index).looked_up("app.m.x") == Value(ref="app.m.x", local=True)
    assert index.looked_up("app.n.y") == fresh(index).looked_up("app.n.y") == Value(ref="app.n.y", local=True)


def test_a_changed_module_is_looked_up_again_and_the_others_are_kept():
    index = ProjectIndex()
    index.modules["app.m"] = ModuleFacts("app.m", {"x": Value(ref="sdk.Client", local=False)}, frozenset())
    index.modules["lib"] = ModuleFacts("lib", {"y": Value(ref="sdk.Other", local=False)}, frozenset())
    assert index.looked_up("app.m.x").ref == "sdk.Client"
    kept = index.looked_up("lib.y")
    index.modules["app.m"] = ModuleFacts("app.m", {"x": Value(ref="sdk.Other", local=False)}, frozenset())
    index.changed("app.m")
    assert index.looked_up("app.m.x").ref == "sdk.Other"
    assert index.looked_up("lib.y") is kept   # not worked out again: nothing it read changed


def test_a_class_among_its_own_bases_ends_the_search_for_an_attribute():
    """`class C(Inner)` where the module binds `C.Inner` to `C` itself: the attribute is looked for once."""
    index = ProjectIndex()
    C = Value(ref="app.n.C", local=True)
    index.modules["app.n"] = ModuleFacts("app.n", {"C": C, "C.Inner": C}, frozenset({"app.n.C"}),
                                         {"C": ("app.n.C.Inner",)}, frozenset())
    index.classes.add("app.n.C")
    assert index.looked_up("app.n.C.client") is None
    assert index.looked_up("app.n.C.client") == fresh(index).looked_up("app.n.C.client")
