"""Parsing for speed without changing what is parsed: libcst's validation of each node is skipped while
leaklint parses (its parser builds valid trees), and the garbage collector is off during a run."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import libcst as cst
import pytest

from leaklint import analysis
from leaklint.collector import collector_off

SOURCES = sorted((Path(analysis.__file__).parent).rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES[::7], ids=lambda p: p.name)
def test_the_tree_is_the_one_a_validating_parse_builds(path):
    text = path.read_text(encoding="utf-8")
    fast = analysis.parse_text(text)
    assert fast.deep_equals(cst.parse_module(text))
    assert fast.code == text


def test_nodes_built_outside_a_parse_are_still_validated():
    analysis.parse_text("x = 1\n")
    with pytest.raises(cst.CSTValidationError):
        cst.Name("")  # an empty name is invalid


def test_a_parse_in_one_thread_leaves_validation_on_in_others():
    errors, started, release = [], threading.Event(), threading.Event()

    def build_invalid_node():
        started.wait()
        try:
            cst.Name("")
        except cst.CSTValidationError as err:
            errors.append(err)
        release.set()

    other = threading.Thread(target=build_invalid_node)
    other.start()
    analysis._PARSING.active = True   # as during a parse in this thread
    try:
        started.set()
        release.wait(10)
    finally:
        analysis._PARSING.active = False
    other.join()
    assert errors


def test_a_failed_parse_turns_validation_back_on():
    with pytest.raises(analysis.Unreadable):
        analysis.parse_text("def broken(:\n")
    with pytest.raises(cst.CSTValidationError):
        cst.Name("")


def test_the_collector_is_off_during_a_run_and_as_before_after():
    assert gc.isenabled()
    with collector_off():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_off():
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_off():
            pass
        assert not gc.isenabled()  # left off, as it was
    finally:
        gc.enable()


def test_a_walk_leaves_no_cycle_behind():
    """With the collector off, what a walk built must go when nothing holds it any more: its walker
    is freed by reference counting alone."""
    import weakref

    from harness import _source

    from leaklint.config import Settings
    from leaklint.engine import Checker

    checker = Checker(Settings())
    source = _source("import mixpanel\nmp = mixpanel.Mixpanel('t')\n\ndef f(user):\n    mp.track(user.id, 'x', {'e': user.email})\n")
    with collector_off():
        reports, walker = checker.walk(source, checker.options, on_sink=lambda use, scope: None)
        assert reports and walker is not None
        gone = weakref.ref(walker)
        del walker
        assert gone() is None
