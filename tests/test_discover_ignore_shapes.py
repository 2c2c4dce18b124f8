"""Ignore-file lines of the common shapes are matched by comparing strings instead of by their regex: on any
line and any path, the answer must be the regex's (and the regex the one pathspec's gitignore rules give)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st
from pathspec import GitIgnoreSpec

from leaklint.discover import GitIgnore, IgnorePattern

# pathspec's regexes for lines like `[[` compile with a warning about sets in future Pythons
pytestmark = pytest.mark.filterwarnings("ignore:Possible:FutureWarning")

# The characters that change what a line means, and a few plain ones
LINE_CHARS = "ab.*?/!#\\[] -_"
lines = st.text(LINE_CHARS, min_size=1, max_size=8)
names = st.text("ab.!#*?[] -_", min_size=1, max_size=6)
paths = st.lists(names, min_size=1, max_size=3).map("/".join)
COMMON = ["foo", "/build", "a/b", "*.pyc", ".env*", "!keep.py", "!/shown.py", "node_modules/", "x.y*", "*.a*",
          "!*.txt", "/out/", "a//b", "./x", "foo!", "a b", "*", "**"]


def _regex_answer(pattern: IgnorePattern, subject: str) -> bool:
    try:
        return re.compile(pattern.regex).match(subject) is not None
    except re.error:  # `[z-a]`: matches nothing
        return False


@settings(max_examples=400, deadline=None)
@given(st.one_of(lines, st.sampled_from(COMMON)), st.one_of(names, paths, st.sampled_from(["foo", "a/b", "x.pyc"])))
def test_a_pattern_matched_as_a_string_answers_as_its_regex(line, subject):
    pattern = IgnorePattern.of(line)
    if pattern is None:
        return
    subject = subject.split("/")[-1] if pattern.on_name else subject
    assert pattern.matches(subject) == _regex_answer(pattern, subject), (line, subject, pattern.shape)


@settings(max_examples=300, deadline=None)
@given(st.one_of(lines, st.sampled_from(COMMON)))
def test_the_regex_is_the_one_pathspec_compiles(line):
    pattern = IgnorePattern.of(line)
    core = line.rstrip(" ") if not line.rstrip(" ").endswith("\\") else line
    core = core[:-1] if core.endswith("/") and core.strip("!/") != "" else core
    core = core + "/*" if core.endswith("/**") else core
    try:
        compiled = GitIgnoreSpec.from_lines([core]).patterns
    except ValueError:  # not a pattern at all
        compiled = []
    except re.error:  # a regex that does not compile (`[z-a]`): it is never used, see below
        return
    if pattern is None:
        assert not compiled or compiled[0].include is None
        return
    expected = re.sub(r"\(\?P<\w+>/\)", "(?!)", compiled[0].regex.pattern)
    expected = ".+" if expected == "." else expected
    assert pattern.regex == f"(?:{expected})\\Z"
    assert pattern.ignores == compiled[0].include


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(lines, st.sampled_from(COMMON)), min_size=1, max_size=6), paths, st.booleans())
def test_an_ignore_file_gives_the_verdict_of_its_regexes(lines_, rel, is_dir):
    patterns = tuple(p for p in map(IgnorePattern.of, lines_) if p is not None)
    ignore = GitIgnore("/base", patterns)
    name = rel.split("/")[-1]
    expected = False
    for pattern in patterns:  # the last pattern that matches decides
        if (is_dir or not pattern.folders_only) and _regex_answer(pattern, name if pattern.on_name else rel):
            expected = pattern.ignores
    assert ignore.verdict("/base/" + rel, name, is_dir, False) == expected


def test_the_common_shapes_need_no_regex():
    shapes = {line: IgnorePattern.of(line) for line in ["node_modules/", "*.pyc", ".env*", "/build", "a/b/c",
                                                        "!keep.py", "**/x", "*.py[co]", r"\#x"]}
    assert {line: (p.shape, p.text) for line, p in shapes.items()} == {
        "node_modules/": ("name", "node_modules"), "*.pyc": ("suffix", ".pyc"), ".env*": ("prefix", ".env"),
        "/build": ("path", "build"), "a/b/c": ("path", "a/b/c"), "!keep.py": ("name", "keep.py"),
        "**/x": ("", ""), "*.py[co]": ("", ""), r"\#x": ("", "")}


def test_a_line_git_cannot_read_ignores_nothing(tmp_path):
    from leaklint.config import Settings
    from leaklint.discover import discover

    (tmp_path / ".gitignore").write_text("!\n*.pyc\n[z-a].py\n[?-.]\n")
    (tmp_path / "app.py").write_text("x = 1\n")
    assert [p.name for p in discover([tmp_path], Settings()).files] == ["app.py"]
