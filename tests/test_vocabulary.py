"""The PII vocabulary is one table that both the runtime scrubber and the linter read: a word added
there is redacted by the one and reported by the other, and no dataflow module keeps a word list."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys

from conftest import ROOT

RUNTIME = ROOT / "runtime" / "src" / "leaklint_scrub"

# With "courriel" (French for e-mail) added to the e-mail words of a copy of the scrubber's package.
BOTH_SIDES = """
import leaklint_scrub, libcst
from leaklint.config import Settings
from leaklint.engine import Checker
from leaklint.flow import Evaluator, Env
value = Evaluator(Checker(Settings()).options, Env()).evaluate(libcst.parse_expression("{'courriel': x}"))
print(leaklint_scrub.__file__.startswith(COPY), leaklint_scrub.scrub({"courriel": "ab"}),
      [e.kind.value for e in value.pii])
"""


def test_a_word_added_to_the_vocabulary_reaches_the_scrubber_and_the_linter(tmp_path):
    copy = tmp_path / "leaklint_scrub"
    shutil.copytree(RUNTIME, copy, ignore=shutil.ignore_patterns("__pycache__"))
    vocabulary = copy / "vocabulary.py"
    text = vocabulary.read_text(encoding="utf-8")
    assert '"email", "emails",' in text
    vocabulary.write_text(text.replace('"email", "emails",', '"email", "emails", "courriel",', 1), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]))
    out = subprocess.run([sys.executable, "-c", BOTH_SIDES.replace("COPY", repr(str(tmp_path)))], env=env,
                         capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "{'courriel':", "'[redacted]'}", "['email']"]


def test_the_word_is_unknown_without_it():
    import libcst

    import leaklint_scrub
    from leaklint.config import Settings
    from leaklint.engine import Checker
    from leaklint.flow import Env, Evaluator

    assert leaklint_scrub.scrub({"courriel": "ab"}) == {"courriel": "ab"}
    value = Evaluator(Checker(Settings()).options, Env()).evaluate(libcst.parse_expression("{'courriel': x}"))
    assert value.pii == ()


def _word_lists(path) -> list[set[str]]:
    """Set literals of two strings or more (`{"a", "b"}`, `frozenset({...})`), and tuples of strings
    tested with `in`, in a module: where a word list would hide."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        elements = None
        if isinstance(node, ast.Set):
            elements = node.elts
        elif isinstance(node, ast.Compare) and isinstance(node.comparators[-1], ast.Tuple):
            elements = node.comparators[-1].elts
        if elements and len(elements) >= 2 and all(isinstance(e, ast.Constant) and isinstance(e.value, str)
                                                   for e in elements):
            found.append({e.value for e in elements})
    return found


def test_the_classifier_and_the_evaluator_keep_no_word_lists_of_their_own():
    modules = [RUNTIME / "pii.py", *sorted((ROOT / "src" / "leaklint" / "flow").glob("*.py"))]
    found = [hit for path in modules for hit in _word_lists(path)]
    # The default scrubbers' names and Python's own constants: not vocabulary.
    assert found == [{"leaklint_scrub.scrub", "leaklint_scrub.pseudonymize", "leaklint_scrub.redact"},
                     {"True", "False", "None"}]
