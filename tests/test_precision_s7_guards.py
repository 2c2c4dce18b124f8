"""A sink a helper reaches only under a condition on one of its own parameters (issue #13): onadata's
`report_exception(subject, info, exc_info=None)` sends `subject` to Sentry only when `exc_info` is falsy, so a
caller passing `sys.exc_info()` sends nothing of it.  The condition is kept in the helper's summary; a call
leaves the parameter out only when its argument (or the default it omits) provably fails the condition, and
anything unknown is still reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import project_index

from conftest import run_cli

REPORT_EXCEPTION = """
import sentry_sdk
def report_exception(subject, info, exc_info=None):
    subject = f"{subject} - host"
    if exc_info:
        cls, err = exc_info[:2]
        sentry_sdk.capture_exception(exc_info)
    else:
        sentry_sdk.capture_message(f"{subject}: {info}")
"""

CALLER = """
import sys
from app.common import {name}
def run(user, error, exc, args):
    {call}
"""


def reported(helper: str, calls: dict[str, str], name: str = "report_exception") -> set[str]:
    """Which of the calls (each in a module of its own, calling `name` from app/common.py) are reported."""
    modules = {"app.common": helper}
    modules.update({f"app.{key}": CALLER.format(name=name, call=call) for key, call in calls.items()})
    _, found = project_index(modules)
    assert found["app.common"] == []
    return {key for key in calls if found[f"app.{key}"]}


SUBJECT = '"failed for %s" % user.username'


def test_a_caller_passing_exc_info_sends_no_subject_one_omitting_it_or_passing_an_unknown_does():
    calls = {
        "exc_info": f"report_exception({SUBJECT}, error, sys.exc_info())",
        "keyword": f"report_exception({SUBJECT}, error, exc_info=sys.exc_info())",
        "omitted": f"report_exception({SUBJECT}, error)",
        "unknown": f"report_exception({SUBJECT}, error, exc)",
        "none": f"report_exception({SUBJECT}, error, None)",
        "unpacked": f"report_exception({SUBJECT}, error, *args)",
    }
    assert reported(REPORT_EXCEPTION, calls) == {"omitted", "unknown", "none", "unpacked"}


# The argument for `exc_info`, and whether the subject is still sent with it.
ARGUMENTS = [
    ("(1, 2, 3)", False), ("[error]", False), ('{"k": 1}', False), ('"yes"', False), ("1", False), ("-1", False),
    ("True", False), ('f"at {error}"', False), ("(x for x in args)", False),
    ("()", True), ("[]", True), ("{}", True), ('""', True), ("0", True), ("False", True), ("None", True),
    ("[*args]", True), ("{**exc}", True), ("[x for x in args]", True), ('f"{error}"', True), ("exc.info", True),
    ("len(args)", True),
]


def test_only_an_argument_provably_true_leaves_the_subject_out():
    calls = {f"call{i}": f"report_exception({SUBJECT}, error, {argument})" for i, (argument, _) in enumerate(ARGUMENTS)}
    found = reported(REPORT_EXCEPTION, calls)
    assert {ARGUMENTS[int(key[4:])][0] for key in found} == {argument for argument, sent in ARGUMENTS if sent}


def test_the_call_result_table_is_read_through_imports():
    helper = REPORT_EXCEPTION
    calls = {"aliased": f"import sys as system\n    report_exception({SUBJECT}, error, system.exc_info())",
             "imported": f"from sys import exc_info\n    report_exception({SUBJECT}, error, exc_info())",
             "uuid": f"import uuid\n    report_exception({SUBJECT}, error, uuid.uuid4())",
             "local": f"exc_info = lambda: None\n    report_exception({SUBJECT}, error, exc_info())"}
    assert reported(helper, calls) == {"local"}


IS_NONE = """
import sentry_sdk
def report_exception(subject, info, exc_info=None):
    if exc_info is None:
        sentry_sdk.capture_message(subject)
"""

IS_NOT_NONE = """
import sentry_sdk
def report_exception(subject, info, exc_info=None):
    if exc_info is not None:
        sentry_sdk.capture_exception(exc_info)
    else:
        sentry_sdk.capture_message(subject)
"""


@pytest.mark.parametrize("helper", [IS_NONE, IS_NOT_NONE], ids=["is None", "else of is not None"])
def test_is_none_tests(helper):
    calls = {"exc_info": f"report_exception({SUBJECT}, error, sys.exc_info())",
             "false": f"report_exception({SUBJECT}, error, False)",    # falsy, but not None
             "none": f"report_exception({SUBJECT}, error, None)",
             "omitted": f"report_exception({SUBJECT}, error)",
             "unknown": f"report_exception({SUBJECT}, error, exc)"}
    assert reported(helper, calls) == {"none", "omitted", "unknown"}


def test_a_not_none_test_leaves_out_only_what_is_provably_none():
    helper = """
import sentry_sdk
def notify(subject, exc_info=None):
    if exc_info is not None:
        sentry_sdk.capture_message(subject)
"""
    calls = {"omitted": f"notify({SUBJECT})", "none": f"notify({SUBJECT}, None)",
             "empty": f"notify({SUBJECT}, ())", "unknown": f"notify({SUBJECT}, exc)"}
    assert reported(helper, calls, "notify") == {"empty", "unknown"}


EARLY_RETURN = """
import sentry_sdk
def report_exception(subject, info, exc_info=None):
    if exc_info:
        sentry_sdk.capture_exception(exc_info)
        return
    sentry_sdk.capture_message(subject)
"""


def test_an_early_return_guards_the_rest_of_the_function():
    calls = {"exc_info": f"report_exception({SUBJECT}, error, sys.exc_info())",
             "omitted": f"report_exception({SUBJECT}, error)",
             "unknown": f"report_exception({SUBJECT}, error, exc)"}
    assert reported(EARLY_RETURN, calls) == {"omitted", "unknown"}


def test_an_else_that_returns_guards_the_rest_with_the_test_itself():
    helper = """
import sentry_sdk
def notify(subject, verbose):
    if verbose:
        pass
    else:
        raise ValueError("quiet")
    sentry_sdk.capture_message(subject)
"""
    calls = {"quiet": f"notify({SUBJECT}, 0)", "verbose": f"notify({SUBJECT}, 1)",
             "unknown": f"notify({SUBJECT}, exc)"}
    assert reported(helper, calls, "notify") == {"verbose", "unknown"}


def test_a_consent_flag_defaulting_to_false_guards_a_tracking_helper():
    helper = """
from mixpanel import Mixpanel
mp = Mixpanel("token")
def track_signup(user_id, properties, consented=False):
    if not consented:
        return
    mp.track(user_id, "signup", properties)
"""
    sent = '{"email": user.email}'
    calls = {"omitted": f"track_signup(user.id, {sent})",
             "refused": f"track_signup(user.id, {sent}, consented=False)",
             "consented": f"track_signup(user.id, {sent}, consented=True)",
             "unknown": f"track_signup(user.id, {sent}, consented=exc)"}
    assert reported(helper, calls, "track_signup") == {"consented", "unknown"}


DEFAULT_TRUE = """
import sentry_sdk
def report(subject, quiet=True):
    if not quiet:
        sentry_sdk.capture_message(subject)
"""


def test_a_default_of_true_keeps_an_omitting_caller_out_of_a_not_branch():
    calls = {"omitted": f"report({SUBJECT})", "true": f"report({SUBJECT}, quiet=True)",
             "false": f"report({SUBJECT}, quiet=False)", "unknown": f"report({SUBJECT}, exc)",
             "kwargs": f"report({SUBJECT}, **args)"}
    assert reported(DEFAULT_TRUE, calls, "report") == {"false", "unknown", "kwargs"}


def test_conditions_are_those_common_to_every_place_the_parameter_is_sent():
    helper = """
import sentry_sdk
def report(subject, exc_info=None, verbose=False):
    if exc_info:
        sentry_sdk.capture_exception(exc_info)
        if verbose:
            sentry_sdk.capture_message(subject)
    elif verbose:
        sentry_sdk.capture_message(subject)
"""
    calls = {"exc_info": f"report({SUBJECT}, sys.exc_info())",       # verbose omitted: False
             "both": f"report({SUBJECT}, sys.exc_info(), True)",
             "none": f"report({SUBJECT}, None, True)",
             "quiet": f"report({SUBJECT}, exc, False)"}
    assert reported(helper, calls, "report") == {"both", "none"}


def test_a_conjunction_guards_by_each_part_and_a_disjunction_by_nothing():
    helper = """
import sentry_sdk
def both(subject, a=None, b=None):
    if a and not b:
        sentry_sdk.capture_message(subject)
def either(subject, a=None, b=None):
    if a or b:
        sentry_sdk.capture_message(subject)
"""
    calls = {"both_a": f"both({SUBJECT}, None, exc)", "both_b": f"both({SUBJECT}, exc, 1)",
             "both_sent": f"both({SUBJECT}, exc, None)", "either": f"either({SUBJECT}, None, exc)"}
    modules = {"app.common": helper}
    modules.update({f"app.{k}": CALLER.format(name="both, either", call=c) for k, c in calls.items()})
    _, found = project_index(modules)
    assert {k for k in calls if found[f"app.{k}"]} == {"both_sent", "either"}


@pytest.mark.parametrize("change", [
    "exc_info = None",                 # bound again: the test may not read what the caller passed
    "exc_info, other = None, None",
    "del exc_info",
    "exc_info.clear()",                # changed in place
    "for exc_info in range(3): pass",
])
def test_a_parameter_the_function_binds_or_changes_is_no_guard(change):
    helper = f"""
import sentry_sdk
def report_exception(subject, info, exc_info=None):
    if info == "reset":
        {change}
    if exc_info:
        sentry_sdk.capture_exception(exc_info)
    else:
        sentry_sdk.capture_message(subject)
"""
    calls = {"exc_info": f"report_exception({SUBJECT}, error, sys.exc_info())"}
    assert reported(helper, calls) == {"exc_info"}
    assert reported(helper.replace(change, "pass"), calls) == set()


def test_a_test_on_an_unrelated_name_or_an_attribute_is_no_guard():
    helper = """
import sentry_sdk
DEBUG = False
def report_exception(subject, info, exc_info=None):
    if DEBUG or info.fatal:
        return
    sentry_sdk.capture_message(subject)
def guarded(subject, info, exc_info=None):
    if DEBUG or exc_info:
        return
    sentry_sdk.capture_message(subject)
"""
    calls = {"exc_info": f"report_exception({SUBJECT}, error, sys.exc_info())",
             "true": f"report_exception({SUBJECT}, True, sys.exc_info())",
             "guarded": f"guarded({SUBJECT}, error, sys.exc_info())"}
    modules = {"app.common": helper}
    modules.update({f"app.{k}": CALLER.format(name="report_exception, guarded", call=c) for k, c in calls.items()})
    _, found = project_index(modules)
    assert {k for k in calls if found[f"app.{k}"]} == {"exc_info", "true"}


WRAPPERS = "import sys" + REPORT_EXCEPTION + """
def forwards(subject, exc=None):
    report_exception(subject, "failed", exc)
def passes_exc_info(subject):
    report_exception(subject, "failed", sys.exc_info())
def returns_without(subject, exc=None):
    if exc is None:
        return
    report_exception(subject, "failed", exc)
"""


def test_through_a_wrapper_a_forwarded_argument_is_unknown_unless_the_wrapper_proves_it():
    calls = {"forwards": f"forwards({SUBJECT}, sys.exc_info())",     # the wrapper's `exc` may be anything
             "passes": f"passes_exc_info({SUBJECT})",                # the wrapper passes a true value itself
             "returns": f"returns_without({SUBJECT})",               # the wrapper's own guard: its default fails
             "returns_sent": f"returns_without({SUBJECT}, exc)"}
    modules = {"app.common": WRAPPERS}
    modules.update({f"app.{k}": CALLER.format(name="forwards, passes_exc_info, returns_without", call=c)
                    for k, c in calls.items()})
    index, found = project_index(modules)
    assert {k for k in calls if found[f"app.{k}"]} == {"forwards", "returns_sent"}
    assert "app.common.passes_exc_info" not in index.functions   # nothing of it reaches a sink


def test_a_method_guard_binds_after_self_and_a_test_of_self_is_no_guard():
    helper = """
import sentry_sdk
class Reporter:
    def report(self, subject, exc_info=None):
        if not self:
            return
        if not exc_info:
            sentry_sdk.capture_message(subject)
"""
    caller = """
import sys
from app.common import Reporter
def run(user):
    Reporter().report(user.username, sys.exc_info())
def run_omitted(user):
    Reporter().report(user.username)
"""
    _, found = project_index({"app.common": helper, "app.caller": caller})
    assert len(found["app.caller"]) == 1


def test_the_conditions_survive_the_index_as_plain_data():
    from leaklint import index_data

    index, _ = project_index({"app.common": REPORT_EXCEPTION})
    again = index_data.from_data(index_data.to_data(index))
    summary = again.functions["app.common.report_exception"]
    assert summary == index.functions["app.common.report_exception"]
    assert ("subject", "exc_info", "falsy", False) in summary.sink.conditions
    data = index_data.to_data(index)
    (row,) = data["functions"]
    damaged = (*row[:3], (*row[3][:9], (("subject", "exc_info", "sometimes", False),), *row[3][10:]), *row[4:])
    with pytest.raises(ValueError):
        index_data.from_data({**data, "functions": (damaged,)})


WARM_CALLER = """\
import sys
from app.common import report_exception
from app.models import User
def run(error):
    user = User.objects.get()
    {call}
"""


def test_a_warm_run_keeps_the_conditions_from_the_cache(tmp_path):
    def check(call: str) -> str:
        (tmp_path / "app" / "tasks.py").write_text(WARM_CALLER.format(call=call))
        done = run_cli("check", ".", "--jobs", "1", cwd=tmp_path)
        assert done.returncode in (0, 1), done.stderr
        return done.stdout

    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "common.py").write_text(REPORT_EXCEPTION.lstrip())
    assert "LL002" not in check(f"report_exception({SUBJECT}, error, sys.exc_info())")
    assert (tmp_path / ".leaklint_cache").is_dir()
    # Only the caller changes: it is checked against the helper's summary as the cache stored it.
    assert "app/tasks.py:6:5: LL002" in check(f"report_exception({SUBJECT}, error)")
    assert "LL002" not in check(f"report_exception({SUBJECT}, error, exc_info=sys.exc_info())")
