"""The methods `dataclasses` writes, compiled once per machine (`dataclass_code`): the code kept is used on the
next run, for libcst's node classes and for leaklint's own; the classes behave as ever; nothing is kept when
asked not to."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# In a fresh interpreter: count the texts `dataclasses` had to compile (by `compile`, or by `exec` given the
# text itself) while the rest of the probe runs.
COUNTING = """
import builtins, json, sys
compiled = []
def counting(real):
    def count(source, *args, **kwargs):
        if isinstance(source, str) and source.startswith("def __create_fn__"):
            compiled.append(source)
        return real(source, *args, **kwargs)
    return count
real_compile, real_exec = builtins.compile, builtins.exec
builtins.compile, builtins.exec = counting(real_compile), counting(real_exec)
"""

# Import libcst as a run does, then use its nodes and parser.
LIBCST = COUNTING + """
from leaklint.dataclass_code import import_libcst
import_libcst(remember=sys.argv[1] == "1")
builtins.compile, builtins.exec = real_compile, real_exec
import dataclasses, libcst
module = libcst.parse_module("x = f(a, b=1)  # c\\n")
same = libcst.Name("a").deep_equals(libcst.Name("a")) and not libcst.Name("a").deep_equals(libcst.Name("b"))
try:
    module.body[0].body[0].value = None
    frozen = False
except dataclasses.FrozenInstanceError:
    frozen = True
annotations = {k: repr(v) for k, v in libcst.Name.__init__.__annotations__.items()}
print(json.dumps({"compiled": len(compiled), "code": module.code, "same": same, "frozen": frozen,
                  "repr": repr(libcst.Name("a")).startswith("Name("), "hook_gone": "exec" not in vars(dataclasses),
                  "annotations": annotations}))
"""

# The command itself (what the console script runs), telling the count on its way out.
COMMAND = COUNTING + """
import os
real_exit = os._exit
def leaving(code):
    print(json.dumps({"compiled": len(compiled), "code": code}))
    real_exit(code)
os._exit = leaving
sys.argv = ["leaklint", *sys.argv[1:]]
from leaklint.cli import entry
entry()
"""


def probe(program: str, cache_home: Path, *args: str, cwd: Path | None = None) -> dict:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    out = subprocess.run([sys.executable, "-c", program, *args], env=env, capture_output=True, text=True,
                         cwd=cwd).stdout   # (exit status 1 = findings)
    return json.loads(out.splitlines()[-1])


def kept_files(cache_home: Path, part: str = "") -> list[Path]:
    return sorted((cache_home / "leaklint" / "tables").glob(f"dataclass-code-{part}*"))


def test_the_second_run_compiles_none_of_libcsts_methods_and_its_nodes_behave_alike(tmp_path):
    first = probe(LIBCST, tmp_path, "1")
    assert first["compiled"] > 100 and len(kept_files(tmp_path, "libcst")) == 1
    second = probe(LIBCST, tmp_path, "1")
    assert second["compiled"] == 0
    expected = {"code": "x = f(a, b=1)  # c\n", "same": True, "frozen": True, "repr": True, "hook_gone": True}
    assert {k: second[k] for k in expected} == expected == {k: first[k] for k in expected}
    # the code kept is what `dataclasses` itself compiles: annotations are the types, not their names
    assert second["annotations"] == first["annotations"] == probe(LIBCST, tmp_path / "none", "0")["annotations"]
    assert second["annotations"]["value"] == "<class 'str'>"


def test_nothing_is_kept_without_the_cache(tmp_path):
    assert probe(LIBCST, tmp_path, "0")["compiled"] > 100
    assert kept_files(tmp_path) == []


def test_a_damaged_or_foreign_file_is_compiled_again_and_replaced(tmp_path):
    probe(LIBCST, tmp_path, "1")
    [kept] = kept_files(tmp_path)
    kept.write_bytes(kept.read_bytes()[:-100])   # no longer what the key signed
    again = probe(LIBCST, tmp_path, "1")
    assert again["compiled"] > 100 and again["code"] == "x = f(a, b=1)  # c\n"
    assert probe(LIBCST, tmp_path, "1")["compiled"] == 0


def test_the_command_compiles_its_own_classes_methods_once_and_libcsts_in_their_own_table(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "app.py").write_text("import mixpanel\nmp = mixpanel.Mixpanel('t')\n"
                                    "def signup(user):\n    mp.track(user.id, 'signup', {'email': user.email})\n")
    home = tmp_path / "home"
    first = probe(COMMAND, home, "check", "app.py", "--no-cache", cwd=project)
    assert first["code"] == 1 and first["compiled"] > 300 and kept_files(home) == []   # --no-cache keeps nothing
    assert probe(COMMAND, home, "check", "app.py", cwd=project)["compiled"] > 300
    assert [p.name.split("-")[2] for p in kept_files(home)] == ["leaklint", "libcst"]
    (project / "app.py").write_text((project / "app.py").read_text() + "# edited\n")
    again = probe(COMMAND, home, "check", "app.py", cwd=project)
    assert again == {"compiled": 0, "code": 1}
