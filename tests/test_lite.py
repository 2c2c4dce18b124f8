"""The lite tree (`lite`): libcst's node types built from CPython's `ast`.  Every field the walk reads, and
what `flow.syntax.code` shows of every expression, is what libcst's own parser gives; the findings of a
project are the same as when libcst parses every module (LEAKLINT_LITE=0)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import libcst as cst
import pytest
from test_determinism import RUN, make

from conftest import ROOT
from leaklint.analysis import libcst_tree, parse_text
from leaklint.flow.syntax import code, nodes_in, semantic_fields
from leaklint.lite import LiteModule, build, twins
from leaklint.lite_partial import Verbatim, partial_module
from leaklint.positions import locate
from leaklint.lite_expressions import _PARENTHESIZED
from leaklint.lite_text import Unsupported, Where

# Shapes where the layout decides what libcst makes of the text.
SNIPPETS = {
    "parentheses": "x = ((a)) + (b)\nprint((a))\nf(a)(b)\n(a).b\nreturn_ = not (a or b) and c\nz = (a, b)\n",
    "comment after a parenthesis": "def f():\n    return (\n        # why\n        a\n        and b\n    )\n",
    "statement first on its line": "def f(p):\n    g()\n    (p / 'x').write_text('')\n",
    "with parentheses": "with (a(b)):\n    pass\nwith (a as b, c):\n    pass\nwith (a) as b:\n    pass\n",
    "generator as the only argument": "s = sum(x for x in y)\nt = f(\n    x for x in y\n)\nu = f((x for x in y))\n",
    "chained boolean": "v = (a or b) and c and not d\nw = a and (b or c) and d or e\n",
    "strings": "s = 'a' \"b\" '''c'''\nt = (\n    'x'  # one\n    'y'\n)\nb = rb'\\d' b'x'\nu = '\\'' \"\\\"\"\n",
    "f-strings": "f'{a!r:>{w}} {b=} {{c}} {d[\"k\"]}'\nx = 'p' f'{q}' 'r'\ny = f'''{a}\n{b}'''\n",
    "indentation in an expression": "class C:\n    def f(self):\n        return g(\n            a,\n            b,  # note\n        )\n",
    "one-line suites": "if a: b = 1; c = 2\nelif d: pass\nelse:\n    if e: f()\nfor x in y: g(x)\n",
    "definitions": "@d(1)\nasync def f(a, /, b=1, *c, d, e=2, **g) -> int:\n    await h(*c, k=1, **g)\n"
                   "class K(B, metaclass=M, **kw): x: int = 1; y: str\nl = lambda a, *, b=2: a\n",
    "statements": "from ..a.b import (c as d, e)\nfrom . import *\nimport a.b as c, d\nglobal g\ndel a, b\n"
                  "assert a, 'm'\nraise A from B\nx += 1\nx[1:2, ::3] = y[a][b:]\ntry:\n    pass\nexcept (A, B) as e:\n"
                  "    pass\nelse:\n    pass\nfinally:\n    pass\nwhile a:\n    break\nelse:\n    continue\n",
    "comprehensions": "a = [x for x in y if x for z in w]\nb = {k: v for k, v in d.items()}\nc = {x async for x in y}\n"
                      "d = {**a, 'b': 1}\ne = [*a, b]\nf = (y := 2)\n",
    "non-ASCII columns": "café = 'é'; x = f(café, 'ü')\ny = {'naïve': café.attr}\n",
    "backslash continuations": "class C: \\\n    x = 1\nx = 1; \\\n    y = 2\nif a: \\\n  b()\n",
    "del with a trailing comma": "tmp = 1\ndel tmp,\ndel (a, b)\n",
    "subscript tuples": "x = a[(b), c]\ny = a[(b) if c else d, e]\nz = df.loc[(df.a > 0) & (df.b < 1), 'email']\n"
                        "w = a[(b, c)]\nv = a[((b)), c]\nu = a[()]\n",
    "named characters in f-strings": 'label = f"{t}\\N{DEGREE SIGN}"\nx = f"\\N{BULLET} {y}"\nz = rf"\\N{w}"\n',
    "a line ending a string begun above it": 'mp.track(user.pk, """\nit\'s # here""", {"email":\n    user.email})\n',
    "line breaks: CR only": "def f(u):\r    return g(\r        u.email,\r    )\r",
    "line breaks: CRLF": "def f(u):\r\n    return g(\r\n        u.email,\r\n    )\r\n",
}
# Parsed with libcst rather than built (the walk would see every field of it too).
FALLBACKS = {"match": "match a:\n    case 1:\n        pass\n"}


def differences(full, mine, path: str = "") -> list[str]:
    """Where `mine` differs from libcst's `full`: a node's type, a field the walk may read, or its code."""
    if type(full) is not type(mine) and not (type(full) is cst.Module and type(mine) is LiteModule):
        return [f"{path}: {type(full).__name__} != {type(mine).__name__}"]
    out: list[str] = []
    if isinstance(full, cst.CSTNode):
        if isinstance(full, cst.BaseExpression) and type(full) in _PARENTHESIZED and type(full) is not cst.StarredElement \
                and not path.endswith("Del.target"):
            if code(full) != code(mine):   # (libcst shows a starred element with its comma; `del (a, b)` oddly)
                out.append(f"{path}: code {code(full)!r} != {code(mine)!r}")
        for name in semantic_fields(type(full)):
            if name in ("trailing_whitespace", "leading_whitespace", "second_colon") \
                    or (type(full) is cst.Module and name != "body"):
                continue   # layout
            out += differences(getattr(full, name), getattr(mine, name), f"{path}.{type(full).__name__}.{name}")
    elif isinstance(full, (list, tuple)):
        if len(full) != len(mine):
            return [f"{path}: {len(full)} items != {len(mine)}"]
        for i, (a, b) in enumerate(zip(full, mine)):
            out += differences(a, b, f"{path}[{i}]")
    elif full != mine:
        out.append(f"{path}: {full!r} != {mine!r}")
    return out


def lite_and_full(text: str) -> tuple[cst.Module, cst.Module]:
    return parse_text(text), build(compile(text, "<s>", "exec", flags=0x400, dont_inherit=True), text)


@pytest.mark.parametrize("name", SNIPPETS)
def test_snippets_build_as_libcst_parses_them(name):
    full, mine = lite_and_full(dedent(SNIPPETS[name]) if not name.startswith("line breaks") else SNIPPETS[name])
    assert type(mine) is LiteModule
    assert differences(full, mine) == []


def test_the_project_s_own_files_build_as_libcst_parses_them():
    files = sorted((ROOT / "src").rglob("*.py")) + sorted((ROOT / "fixtures").rglob("*.py"))
    assert len(files) > 100
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert differences(*lite_and_full(text)) == [], path


def test_syntax_left_to_libcst_is_parsed_by_libcst():
    text = FALLBACKS["match"]
    with pytest.raises(Unsupported):
        build(compile(text, "<s>", "exec", flags=0x400, dont_inherit=True), text)
    module = parse_text(text, lite=True)
    assert type(module) is cst.Module and type(module.body[0]) is cst.Match


def test_an_expression_s_place_reads_as_no_parentheses():
    full, mine = lite_and_full("x = (a)\n")
    value = mine.body[0].body[0].value
    assert type(value.lpar) is Where and len(value.lpar) == 0 and list(value.lpar) == []
    assert code(value) == "(a)" == code(full.body[0].body[0].value)


def run(root: Path, *args: str, lite: str) -> tuple[int, str]:
    env = {**os.environ, "LEAKLINT_LITE": lite}
    done = subprocess.run([sys.executable, "-c", RUN, "check", ".", "--output-format", "full", "-q", "--no-cache",
                           *args], cwd=root, env=env, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in done.stderr
    return done.returncode, done.stdout


@pytest.mark.parametrize("tree", ["demo_shop", "wrapped_app", "synthetic", "shared_methods", "late_interest"])
def test_findings_are_those_of_libcst_everywhere(tree, tmp_path):
    """Messages, evidence and related places included; the fixes too (`--diff`)."""
    root = make(tree, tmp_path / tree)
    reference = run(root, "--jobs", "1", lite="0")
    assert reference[1]
    assert run(root, "--jobs", "1", lite="1") == reference
    assert run(root, "--jobs", "2", lite="1") == reference
    assert run(root, "--diff", lite="1") == run(root, "--diff", lite="0")


def test_each_node_has_its_twin_in_libcst_s_tree():
    """Reports made on a lite tree are moved to libcst's (`lite.twins`): each node to the node at the same
    place, and a node made during the walk (`scope.user = x` seen as a call) made again around its parts'."""
    text = dedent(SNIPPETS["definitions"]) + dedent(SNIPPETS["f-strings"])
    full, mine = lite_and_full(text)
    twin = twins(mine, full)
    # (operators and layout defaults are one shared node each in a lite tree: no report holds them)
    kinds = (cst.BaseExpression, cst.BaseStatement, cst.BaseSmallStatement)
    pairs = [(a, b) for a, b in zip(nodes_in(mine), nodes_in(full)) if isinstance(a, kinds)]
    assert len(pairs) > 50
    for lite_node, full_node in pairs:
        assert twin(lite_node) is full_node
    target = mine.body[0].body.body[0].body[0].value   # `await h(...)`
    made = cst.Call(func=cst.Name("send"), args=[cst.Arg(target)])
    again = twin(made)
    assert again.args[0].value is twin(target) and again.func is made.func
    assert twin(cst.Name("elsewhere")).value == "elsewhere"


def test_a_node_made_around_lite_parts_shows_their_text():
    """`getattr(obj, "email")` is read as `obj.email`, a node made around the argument's node: its text
    is what libcst shows for the same node made around libcst's."""
    text = "v = getattr(User.objects.get(pk=pk), 'email')\nw = getattr(users((a, b))[0], 'email')\n"
    full, mine = lite_and_full(text)
    for index in (0, 1):
        made = [cst.Attribute(value=tree.body[index].body[0].value.args[0].value, attr=cst.Name("email"))
                for tree in (full, mine)]
        assert code(made[1]) == code(made[0])



AWKWARD = {   # shapes a lite tree once got wrong, each in a module with a finding
    "app/__init__.py": "",
    "app/tele.py": "from mixpanel import Mixpanel\n\nmp = Mixpanel('t')\n\n\ndef send(props):\n    mp.track('id', 'E', props)\n",
    "app/a.py": "from app.tele import mp\n\n\ndef f(user):\n    tmp = 1\n    del tmp,\n"
                "    mp.track(user.pk, 'E', {'email': user.email})\n",
    "app/b.py": "from app.tele import mp\n\n\ndef f(user, t):\n    label = f'{t}\\N{DEGREE SIGN}'\n"
                "    mp.track(user.pk, label, {'email': user.email})\n",
    "app/c.py": "from app.tele import mp\n\n\ndef f(user, d, i):\n    return d[(i), mp.track(user.pk, 'E', {'email': user.email})]\n",
    "app/d.py": "from app.tele import mp\nx = 1; \\\n    y = 2\n\n\ndef f(user):\n    mp.track(user.pk, 'E', {'email': user.email})\n",
    "app/e.py": "from app.tele import send\n\n\ndef f(User, pk):\n    send({'who': getattr(User.objects.get(pk=pk), 'email')})\n",
    "app/g.py": "from app.tele import mp\n\n\ndef f(user):\n    mp.track(user.pk, \"\"\"\nit's # here\"\"\", {'email':\n        user.email})\n",
}


def test_awkward_shapes_give_libcst_s_findings(tmp_path):
    for name, text in AWKWARD.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\n')
    reference = run(tmp_path, "--jobs", "1", lite="0")
    assert reference[1].count("LL0") >= 6 and "LL902" not in reference[1]
    assert run(tmp_path, "--jobs", "1", lite="1") == reference


PARTIAL = {   # layouts around the statements a partial tree parses or keeps as text
    "comments between": "'''Doc.'''\nimport a\n# lead\n\nx = f(a)\n\n\n# before\n@d(1)\nclass C:\n    y = g(x)\n"
                        "    # indented, after the block\n\n# top\nz = h(1); w = k(2)\nif z:\n    q = m(3)\n",
    "no trailing newline": "import a\nx = f(a)\ndef g(p):\n    return p.email",
    "CRLF": "import a\r\n\r\nx = f(a)\r\n\r\ndef g(p):\r\n    return k(p.email)\r\n",
    "continued": "import a\nx = (1 +\n     2)\nv = f(\n    a,\n)  # c\n",
    "comments after blocks": "import a\nx = 1\ndef f():\n    for y in z:\n        return g(1)\n        # inner\n"
                             "\n    # outer\n# top\n    # outer again\ny = h(2)\nclass C:\n    v = k(3)\n    # at the end\n",
    "one-line block then an indented comment": "import a\nif a: b = f(1)\n    # c\nd = g(2)\ne = k(3)\n",
    "semicolon ending a line": "import a\nz = f(1);\nv = g(3)\nw = k(4)\n",
    "backslash before a blank line": "import a\nx = f(1) \\\n\ny = g(2)\nz = 3\n",
    "two-space indentation": "import a\nx = 1\ny = 2\ndef f():\n  return g(1)\ndef h():\n  return k(2)\n",
}


LEFT_WHOLE = {"one-line block then an indented comment", "backslash before a blank line"}   # (parsed whole)


def test_a_partial_tree_gives_libcst_s_places_where_it_parses():
    """`lite_partial`: libcst's tree of the statements holding some nodes (and of the leading imports), the
    rest kept as text.  Its code is the module's; its nodes have the positions, the spans a fix edits and
    the text that libcst's tree of the whole module gives the same nodes."""
    texts = {name: text for name, text in PARTIAL.items()}
    files = sorted((ROOT / "src" / "leaklint").glob("*.py"))[::3] + sorted((ROOT / "fixtures").rglob("*.py"))[::5]
    texts.update({str(path): path.read_text(encoding="utf-8") for path in files})
    checked = 0
    for name, text in texts.items():
        full, mine = lite_and_full(text)
        twin_full = twins(mine, full)
        for index in range(0, len(mine.body), max(1, len(mine.body) // 4)):
            inside = [n for n in nodes_in(mine.body[index]) if type(getattr(n, "lpar", None)) is Where]
            try:
                partial = partial_module(mine, text, inside[:1], libcst_tree)
            except cst.ParserSyntaxError:   # (a part that does not parse alone: the caller parses it whole)
                continue
            if partial is None:
                assert full.code != text or name in LEFT_WHOLE, (name, index)
                continue
            assert partial.code == text, (name, index)
            twin = twins(mine, partial)
            sample = inside[:40]
            here, there = ([twin(n) for n in sample], [twin_full(n) for n in sample])
            assert all(type(n) is not Verbatim for n in here)
            mine_at, mine_spans, _ = locate(partial, here, here)
            full_at, full_spans, _ = locate(full, there, there)
            assert [mine_at[n] for n in here] == [full_at[n] for n in there], (name, index)
            assert [mine_spans[id(n)] for n in here] == [full_spans[id(n)] for n in there], (name, index)
            assert [partial.code_for_node(n) for n in here] == [full.code_for_node(n) for n in there], (name, index)
            checked += len(sample)
    assert checked > 500


def test_a_partial_tree_is_not_made_of_text_libcst_would_not_keep():
    """libcst drops a form feed before a statement and a line of only a backslash: the module is then
    parsed whole, so that positions are those of the whole module's tree, as before."""
    for text in ("import a\n\x0c\nx = f(a)\n\x0cdef g(p):\n    return k(p)\n",
                 "import a\nx = 1\ny = 2\n\\\nz = h(2)\n"):
        full, mine = lite_and_full(text)
        assert full.code != text
        wanted = next(n for n in nodes_in(mine.body[-1]) if type(getattr(n, "lpar", None)) is Where)
        assert partial_module(mine, text, [wanted], libcst_tree) is None


def test_a_partial_tree_is_not_made_where_its_parts_have_other_defaults():
    """Each part is generated with the module's defaults (`Module.code_for_node`): where libcst reads two
    parts with indented blocks with other ones (tabs here, four spaces there), all of the module is parsed.
    A part without an indented block never uses it (the imports, read with libcst's default of four)."""
    tabs_only = "import a\nx = 1\ny = 2\ndef f():\n\treturn g(1)\n"
    full, mine = lite_and_full(tabs_only)
    partial = partial_module(mine, tabs_only, [mine.body[3].body.body[0].body[0].value], libcst_tree)
    assert partial.code == tabs_only and partial.default_indent == "\t"
    both = "import a\ndef f():\n\treturn g(1)\nz = 1\ndef h():\n    return k(2)\n"
    full, mine = lite_and_full(both)
    assert partial_module(mine, both, [mine.body[3].body.body[0].body[0].value], libcst_tree) is None


def test_a_reported_module_keeps_its_lite_tree_for_later_walks(tmp_path):
    """Its findings are made on a partial libcst tree; the share keeps the whole lite tree, which later
    rounds walk (an editor's session builds the project again over the same trees)."""
    from leaklint.config import Settings
    from leaklint.engine import Checker
    from leaklint.project import Project

    for name, text in AWKWARD.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "app" / "h.py").write_text("from app.tele import mp\n\n\ndef unrelated():\n    return 1\n\n\n"
                                            "def f(user):\n    mp.track(user.pk, 'E', {'email': user.email})\n")
    files = sorted(tmp_path.rglob("*.py"))
    project = Project.from_files(Checker(Settings()), tmp_path, [(f, str(f.relative_to(tmp_path))) for f in files])
    found = project.findings()
    assert "app/h.py" in {f.path for f in found}
    module = project.shares.local.sources["app/h.py"].module
    assert type(module) is LiteModule and not any(type(s) is Verbatim for s in module.body)
