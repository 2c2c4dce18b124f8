"""libcst imported with its node classes' methods compiled once per machine (`parser_import`): the code
kept is used on the next run, libcst's nodes behave as ever, and nothing is kept when asked not to."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# In a fresh interpreter (libcst is imported here already): import it as a run does, counting the texts
# `dataclasses` had to compile, and use its nodes and parser.
PROBE = """
import builtins, json, sys
compiled = []
def counting(real):   # a text compiled: by `compile`, or by `exec` given the text itself
    def count(source, *args, **kwargs):
        if isinstance(source, str) and source.startswith("def __create_fn__"):
            compiled.append(source)
        return real(source, *args, **kwargs)
    return count
real_compile, real_exec = builtins.compile, builtins.exec
builtins.compile, builtins.exec = counting(real_compile), counting(real_exec)
from leaklint.parser_import import import_libcst
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
print(json.dumps({"compiled": len(compiled), "code": module.code, "same": same, "frozen": frozen,
                  "repr": repr(libcst.Name("a")).startswith("Name("), "hook_gone": "exec" not in vars(dataclasses)}))
"""


def probe(cache_home: Path, remember: bool) -> dict:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    out = subprocess.run([sys.executable, "-c", PROBE, "1" if remember else "0"], env=env, capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out)


def kept_files(cache_home: Path) -> list[Path]:
    return sorted((cache_home / "leaklint" / "tables").glob("dataclass-code-*"))


def test_the_second_run_compiles_none_of_libcsts_methods_and_its_nodes_behave_alike(tmp_path):
    first = probe(tmp_path, remember=True)
    assert first["compiled"] > 100 and len(kept_files(tmp_path)) == 1
    second = probe(tmp_path, remember=True)
    assert second["compiled"] == 0
    expected = {"code": "x = f(a, b=1)  # c\n", "same": True, "frozen": True, "repr": True, "hook_gone": True}
    assert {k: second[k] for k in expected} == expected == {k: first[k] for k in expected}


def test_nothing_is_kept_without_the_cache(tmp_path):
    assert probe(tmp_path, remember=False)["compiled"] > 100
    assert kept_files(tmp_path) == []


def test_a_damaged_or_foreign_file_is_compiled_again_and_replaced(tmp_path):
    probe(tmp_path, remember=True)
    [kept] = kept_files(tmp_path)
    kept.write_bytes(kept.read_bytes()[:-100])   # no longer what the key signed
    again = probe(tmp_path, remember=True)
    assert again["compiled"] > 100 and again["code"] == "x = f(a, b=1)  # c\n"
    assert probe(tmp_path, remember=True)["compiled"] == 0
