"""SDK callbacks given a project function: `sentry_sdk.configure_scope(set_scope)` calls `set_scope` with the
scope, so what the function puts on its parameter is sent.  Each form: a leak reported, a near miss quiet."""

from __future__ import annotations

from textwrap import dedent

import pytest

from harness import assert_reports, reports

from conftest import check_files, lint

SET_USER = "LL001 email sent to Sentry set_user (error tracking) in 'value'"


@pytest.mark.parametrize("register", ["configure_scope(tag)", "push_scope(tag)", "configure_scope(callback=tag)"])
def test_an_inner_function_handed_to_a_scope_callback_receives_the_scope(register):
    assert_reports(f"""
        import sentry_sdk
        def run(user):
            def tag(scope):
                scope.set_user({{"id": str(user.pk), "email": user.email}})
            sentry_sdk.{register}
    """, [SET_USER])
    assert_reports(f"""
        import sentry_sdk
        def run(user):
            def tag(scope):
                scope.set_user({{"id": str(user.pk)}})
                scope.set_tag("plan", user.plan)
            sentry_sdk.{register}
    """, [])


def test_a_callback_assigning_the_scope_user():
    assert_reports("""
        from sentry_sdk import configure_scope
        def run(user):
            def tag(scope):
                scope.user = {"email": user.email}
            configure_scope(tag)
    """, ["LL001 email sent to Sentry user (error tracking) in 'value'"])


def test_a_module_function_handed_over_by_code_below_it():
    """The function is walked before the code handing it over: it is walked again, seeing the scope, and
    its other sinks are still reported once."""
    source = """
        import sentry_sdk
        from mixpanel import Mixpanel
        mp = Mixpanel("token")
        def tag_user(scope):
            user = current_user()
            scope.set_user({"email": user.email})
            mp.track(str(user.pk), "tagged", {"name": user.name})
        def before_request():
            sentry_sdk.configure_scope(tag_user)
    """
    assert [(f.code, f.line) for f in lint(dedent(source).lstrip())] == [("LL001", 6), ("LL002", 7)]
    assert SET_USER in reports(source)


def test_a_function_never_handed_to_the_sdk_is_not_given_a_scope():
    assert_reports("""
        import sentry_sdk
        def tag_user(scope):
            scope.set_user({"email": current_user().email})
        def before_request(run):
            run(tag_user)
            sentry_sdk.capture_message("request")
    """, [])


def test_a_partial_and_a_method_are_handed_over_too():
    assert_reports("""
        import functools
        import sentry_sdk
        def tag(user, scope):
            scope.set_context("person", {"email": user.email})
        def run(user):
            sentry_sdk.configure_scope(functools.partial(tag, user))
    """, ["LL001 email sent to Sentry set_context (error tracking) in 'value'"])
    assert_reports("""
        import functools
        import sentry_sdk
        def tag(user, scope):
            scope.set_context("person", {"id": user.pk})
        def run(user):
            sentry_sdk.configure_scope(functools.partial(tag, user))
    """, [])
    assert_reports("""
        import sentry_sdk
        class Reporter:
            def tag(self, scope):
                scope.set_extra("who", self.user.email)
            def run(self):
                sentry_sdk.configure_scope(self.tag)
    """, ["LL001 email sent to Sentry set_extra (error tracking) in 'value'"])


def test_a_callback_in_a_project_is_found_by_the_cli_run(tmp_path):
    app = tmp_path / "app.py"
    app.write_text(dedent("""
        import sentry_sdk
        def tag(scope):
            scope.set_user({"email": current_user().email})
        def setup():
            sentry_sdk.configure_scope(tag)
    """).lstrip(), encoding="utf-8")
    assert [(f.code, f.line) for f in check_files(tmp_path, app)] == [("LL001", 3)]


@pytest.mark.parametrize("manager", ["new_scope", "isolation_scope"])
def test_the_scopes_of_the_new_api(manager):
    assert_reports(f"""
        import sentry_sdk
        def run(user):
            with sentry_sdk.{manager}() as scope:
                scope.set_user({{"email": user.email}})
    """, [SET_USER])
    assert_reports(f"""
        from sentry_sdk import {manager}
        def run(user):
            with {manager}() as scope:
                scope.set_user({{"id": user.pk}})
                scope.set_tag("plan", user.plan)
    """, [])
