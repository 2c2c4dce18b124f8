"""SDK object models: Sentry scopes however they are obtained (and `scope.user = ...`), LaunchDarkly context
builders with private attributes, Statsig users.  Each capability: a leak reported, a near miss quiet."""

from __future__ import annotations

from textwrap import dedent

import pytest

from harness import assert_reports

from conftest import lint, run_cli

SENTRY_SCOPES = {
    "current scope": "scope = sentry_sdk.get_current_scope()",
    "isolation scope": "scope = sentry_sdk.get_isolation_scope()",
    "forked global scope": "scope = sentry_sdk.get_global_scope().fork()",
    "Scope's own getter": "scope = sentry_sdk.Scope.get_isolation_scope()",
}


@pytest.mark.parametrize("obtain", sorted(SENTRY_SCOPES))
def test_a_sentry_scope_from_every_getter_sends_what_it_is_given(obtain):
    assert_reports(f"""
        import sentry_sdk
        def f(user):
            {SENTRY_SCOPES[obtain]}
            scope.set_user({{"id": user.pk, "email": user.email}})
            scope.set_tag("plan", user.plan)
    """, ["LL001 email sent to Sentry set_user (error tracking) in 'value'"])


@pytest.mark.parametrize("manager", ["new_scope", "isolation_scope", "push_scope", "configure_scope"])
def test_a_sentry_scope_from_a_context_manager(manager):
    assert_reports(f"""
        import sentry_sdk
        def f(user):
            with sentry_sdk.{manager}() as scope:
                scope.set_extra("email", user.email)
                scope.set_extra("plan", user.plan)
    """, ["LL001 email sent to Sentry set_extra (error tracking) in 'value'"])


def test_assigning_a_sentry_scope_user_sends_it():
    assert_reports("""
        import sentry_sdk
        def f(user):
            scope = sentry_sdk.get_current_scope()
            scope.user = {"id": user.pk, "email": user.email}
    """, ["LL001 email sent to Sentry user (error tracking) in 'value'"])
    assert_reports("""
        import sentry_sdk
        def f(user):
            scope = sentry_sdk.get_current_scope()
            scope.user = {"id": user.pk}
            scope.level = user.email  # not a field that is sent as the user
    """, [])


def test_a_scope_user_assignment_points_at_the_value_and_is_fixed_there(tmp_path):
    app = tmp_path / "app.py"
    app.write_text(dedent("""
        import sentry_sdk
        def f(user):
            scope = sentry_sdk.get_current_scope()
            scope.user = {
                "email": user.email,
            }
    """).lstrip(), encoding="utf-8")
    findings = lint(app.read_text(encoding="utf-8"))
    assert [(f.code, f.line, f.col, f.fixable) for f in findings] == [("LL001", 4, 18, "safe")]
    run_cli("check", "--fix", str(app))
    assert "    scope.user = scrub({\n" in app.read_text(encoding="utf-8")
    assert run_cli("check", str(app)).returncode == 0


@pytest.mark.parametrize("register", ["configure_scope", "push_scope"])
def test_a_sentry_scope_callback_receives_the_scope(register):
    assert_reports(f"""
        import sentry_sdk
        def f(user):
            sentry_sdk.{register}(lambda scope: scope.set_user({{"email": user.email}}))
    """, ["LL001 email sent to Sentry set_user (error tracking) in 'value'"])
    assert_reports(f"""
        import sentry_sdk
        def f(user):
            sentry_sdk.{register}(lambda scope: scope.set_user({{"id": user.pk}}))
    """, [])


def test_a_lambda_given_to_anything_else_is_not_a_scope():
    assert_reports("""
        import sentry_sdk
        def f(user, run):
            run(lambda scope: scope.set_user({"email": user.email}))
    """, [])


LD = """
    import ldclient
    from ldclient import Context
    def f(user):
        {build}
        ldclient.get().variation("new-ui", ctx, False)
"""


@pytest.mark.parametrize("build, expected", [
    ('ctx = Context.builder(str(user.pk)).name(user.name).set("email", user.email).build()',
     ["LL001 email sent to LaunchDarkly variation (feature flags) in 'email'",
      "LL002 person name sent to LaunchDarkly variation (feature flags) in 'name'"]),
    ('ctx = Context.builder(str(user.pk)).kind("user").set("plan", user.plan).build()', []),
    # private attributes are not sent, whether marked before or after they are set
    ('ctx = Context.builder(str(user.pk)).set("email", user.email).private("email").build()', []),
    ('ctx = Context.builder(str(user.pk)).private("email").set("email", user.email).name(user.name).build()',
     ["LL002 person name sent to LaunchDarkly variation (feature flags) in 'name'"]),
    ('ctx = Context.create(str(user.pk), "user")', []),
    ('ctx = Context.from_dict({"kind": "user", "key": str(user.pk), "email": user.email})',
     ["LL001 email sent to LaunchDarkly variation (feature flags) in 'email'"]),
    ('ctx = Context.from_dict({"kind": "user", "key": str(user.pk), "email": user.email, "name": user.name,'
     ' "_meta": {"privateAttributes": ["email"]}})',
     ["LL002 person name sent to LaunchDarkly variation (feature flags) in 'name'"]),
    ('ctx = Context.from_dict({"kind": "user", "key": str(user.pk), "email": user.email,'
     ' "_meta": {"privateAttributes": ["email"]}})', []),
    ('ctx = {"key": str(user.pk), "email": user.email}',  # a legacy user dict
     ["LL001 email sent to LaunchDarkly variation (feature flags) in 'context'"]),
])
def test_launchdarkly_contexts(build, expected):
    assert_reports(LD.format(build=build), expected)


def test_a_launchdarkly_builder_filled_by_statements():
    assert_reports("""
        import ldclient
        from ldclient import Context
        def f(user):
            builder = Context.builder(str(user.pk))
            builder.set("email", user.email)
            builder.try_set("plan", user.plan)
            ldclient.get().identify(builder.build())
    """, ["LL001 email sent to LaunchDarkly identify (feature flags) in 'email'"])


def test_building_a_context_alone_sends_nothing():
    assert_reports("""
        from ldclient import Context
        def f(user):
            return Context.builder(str(user.pk)).set("email", user.email).build()
    """, [])


def test_a_long_builder_chain_is_evaluated_once_per_call():
    chain = "".join(f'.set("k{i}", {i})' for i in range(60))
    assert_reports(f"""
        import ldclient
        from ldclient import Context
        def f(user):
            ldclient.get().variation("x", Context.builder("k"){chain}.set("email", user.email).build(), False)
    """, ["LL001 email sent to LaunchDarkly variation (feature flags) in 'email'"])


@pytest.mark.parametrize("user, expected", [
    ("StatsigUser(user_id=str(u.pk), email=u.email)", ["LL001 email sent to Statsig check_gate (feature flags) in 'email'"]),
    ("StatsigUser(user_id=str(u.pk), custom={'plan': u.plan})", []),
])
def test_a_statsig_user_is_sent_by_each_check(user, expected):
    assert_reports(f"""
        from statsig import statsig, StatsigUser
        def f(u):
            user = {user}
            statsig.check_gate(user, "new_ui")
    """, expected)


def test_a_whole_person_object_given_as_the_sentry_user():
    assert_reports("""
        import sentry_sdk
        def f(request):
            sentry_sdk.set_user(request.user)
    """, ["LL011 whole object request.user sent to Sentry set_user (error tracking) in 'value'"])
    assert_reports("""
        import sentry_sdk
        def f(request, user_id):
            sentry_sdk.set_user({"id": request.user.pk})
            sentry_sdk.get_current_scope().set_user(user_id)
    """, [])
    # Segment takes a dict of traits and serialises no objects: a `profile` there is taken for that dict.
    assert_reports("""
        from segment import analytics
        def f(user_id, profile):
            analytics.identify(user_id, profile)
    """, [])


def test_a_long_chain_of_calls_given_lambdas_stays_linear():
    chain = "".join(".pipe(lambda d: d)" for _ in range(40))
    assert_reports(f"""
        import sentry_sdk
        def f(frame, user):
            frame{chain}
            sentry_sdk.configure_scope(lambda scope: scope.set_user({{"email": user.email}}))
    """, ["LL001 email sent to Sentry set_user (error tracking) in 'value'"])


def test_a_long_chain_of_other_method_calls_stays_linear():
    chain = "".join(f".m{i}()" for i in range(40))
    assert_reports(f"""
        import mixpanel
        mp = mixpanel.Mixpanel("t")
        def f(query, user):
            query{chain}
            mp.track(str(user.pk), "x", {{"email": user.email}})
    """, ["LL001 email sent to Mixpanel track in 'properties'"])
