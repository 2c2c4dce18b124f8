"""The catalogue data: every file loads, roles are known, calls bind the way Python binds them."""

from __future__ import annotations

from textwrap import dedent

import pytest

from leaklint.catalogue import CATEGORIES, CatalogueError, Role, builtin, parse_signature
from leaklint.catalogue.docs import render

from conftest import check_files, codes


def test_every_sdk_file_loads_with_sinks():
    cat = builtin()
    assert len({s.id for sinks in cat.sinks.values() for s in sinks}) > 300
    for required in ("mixpanel", "segment", "analytics", "rudderstack", "rudder_analytics", "june", "posthog",
                     "amplitude", "customerio", "sentry_sdk", "ldclient", "statsig", "snowplow_tracker", "intercom"):
        assert required in cat.roots


def test_signature_parsing():
    params = parse_signature("(a: user_id, /, b=None, *, c: properties=None, **kw: pii_kwargs)")
    assert [(p.name, p.role, p.kind.name, p.required) for p in params] == [
        ("a", Role.USER_ID, "POSITIONAL_ONLY", True), ("b", None, "POSITIONAL", False),
        ("c", Role.PROPERTIES, "KEYWORD_ONLY", False), ("kw", Role.PII_KWARGS, "VAR_KEYWORD", False)]
    with pytest.raises(CatalogueError):
        parse_signature("(a: not_a_role)")


@pytest.mark.parametrize("call, expected", [
    # PostHog 6+: one positional, keywords; 3.x-5.x: distinct_id first.
    ('ph.capture("Signed Up", distinct_id=user.email)', ["LL010"]),
    ('ph.capture(user.email, "Signed Up", {"plan": "pro"})', ["LL010"]),
    ('ph.capture("Signed Up", distinct_id=user.pk, properties={"$set": {"email": user.email}})', ["LL001"]),
    ('ph.set(distinct_id=user.pk, properties={"name": user.get_full_name()})', ["LL002"]),
])
def test_posthog_versions_are_told_apart(call, expected):
    source = f"from posthog import Posthog\nph = Posthog('k')\ndef f(user):\n    {call}\n"
    assert codes(source) == expected


@pytest.mark.parametrize("source, expected", [
    ("import rudder_analytics\ndef f(u):\n    rudder_analytics.identify(u.pk, {'email': u.email})\n", ["LL001"]),
    ("import rudderstack.analytics as ra\ndef f(u):\n    ra.identify(u.pk, {'email': u.email})\n", ["LL001"]),
    ("from june import analytics\ndef f(u):\n    analytics.track(u.pk, 'x', {'name': u.name})\n", ["LL002"]),
    ("from customerio import analytics\ndef f(u):\n    analytics.identify(u.pk, {'phone': u.phone})\n", ["LL004"]),
    ("from segment.analytics import Client\nc = Client('k')\ndef f(u):\n    c.identify(u.email)\n", ["LL010"]),
    ("from customerio import CustomerIO\ncio = CustomerIO('s', 'k')\ndef f(u):\n    cio.identify(id=u.pk, email=u.email)\n", ["LL001"]),
    ("import sentry_sdk\ndef f(u):\n    sentry_sdk.set_tag('email', u.email)\n", ["LL001"]),
    ("import sentry_sdk\ndef f(u):\n    sentry_sdk.set_tag('plan', u.plan)\n", []),
    ("from statsig import statsig, StatsigUser\ndef f(u):\n    statsig.check_gate(StatsigUser(user_id=str(u.pk), email=u.email), 'g')\n", ["LL001"]),
    ("from snowplow_tracker import Subject\ndef f(request):\n    s = Subject()\n    s.set_ip_address(request.META['REMOTE_ADDR'])\n", ["LL005"]),
    ("import mixpanel\nmp = mixpanel.Mixpanel('t')\ndef f(u):\n    mp.track(u.pk, 'x', u.to_dict())\n", ["LL011"]),
    ("import mixpanel\nmp = mixpanel.Mixpanel('t')\ndef f(u):\n    mp.track(u.pk, 'x', {**vars(u)})\n", ["LL011"]),
    ("import mixpanel\nmp = mixpanel.Mixpanel('t')\ndef f(u, request):\n    mp.track(u.pk, 'x', {'e': request.POST['email']})\n", ["LL001"]),
    ("import mixpanel\nmp = mixpanel.Mixpanel('t')\ndef f(u):\n    p = dict(email=u.email)\n    mp.track(u.pk, 'x', p)\n", ["LL001"]),
    ("import mixpanel\nmp = mixpanel.Mixpanel('t')\ndef f(u):\n    p = {}\n    p.update({'who': f'{u.first_name} {u.last_name}'})\n    mp.track(u.pk, 'x', p)\n", ["LL002"]),
    ("import mixpanel\nmp = mixpanel.Mixpanel('t')\ndef f(u):\n    label = 'user %s' % u.email\n    mp.track(u.pk, 'x', {'label': label})\n", ["LL001"]),
    ("import mixpanel\nmp = mixpanel.Mixpanel('t')\ndef f(u):\n    label = '{}'.format(u.username) + '!'\n    mp.track(u.pk, 'x', {'label': label})\n", ["LL002"]),
])
def test_sdks_and_flows(source, expected):
    assert codes(source) == expected


def test_self_attribute_receiver_in_a_class():
    source = dedent("""
        from mixpanel import Mixpanel
        class Tracker:
            def __init__(self, token):
                self.mp = Mixpanel(token)
            def signed_up(self, user):
                self.mp.track(user.pk, "Signed Up", {"email": user.email})
    """)
    assert codes(source) == ["LL001"]


def test_a_project_analytics_module_is_not_segment(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "analytics.py").write_text("def track(*a):\n    pass\n")
    view = tmp_path / "views.py"
    view.write_text("import analytics\ndef f(u):\n    analytics.track(u.pk, 'x', {'email': u.email})\n")
    assert check_files(tmp_path, view) == []


def test_prefiltering_facts_match_the_catalogue(tmp_path):
    """A run that parses nothing reads only the prefilter's part of the stored catalogue; it must say
    what the whole catalogue (with the project's own sinks) says."""
    from leaklint.config import from_table
    from leaklint.engine import Checker

    settings = from_table({"sinks": {"myapp.telemetry.send_event": {"signature": "(user, *, properties: properties)"}}})
    for cache_dir in (None, tmp_path, tmp_path):  # built, stored, then read back
        checker = Checker(settings, cache_dir=cache_dir)
        assert "myapp" in checker.sdk_roots and "mixpanel" in checker.sdk_roots
        assert checker.sdk_roots == checker.catalogue.roots
        assert set(checker.prefilter.anywhere) == {s.literal for s in checker.catalogue.settings if s.literal}


def test_every_vendor_has_one_known_category():
    cat = builtin()
    assert {v.category for v in cat.vendors.values()} <= set(CATEGORIES)
    assert cat.vendors["Sentry"].category == "error tracking"
    assert cat.vendors["LaunchDarkly"].category == "feature flags"
    assert set(cat.vendors["Segment"].packages) == {"analytics-python", "segment-analytics-python"}
    assert all(s.category for sinks in cat.sinks.values() for s in sinks)


def test_a_file_without_a_known_category_is_refused(monkeypatch):
    from leaklint.catalogue import data as catalogue

    data = 'sdk = "Acme"\npackage = "acme"\ncategory = "analytics-ish"\n'
    monkeypatch.setattr(catalogue, "_data_files", lambda: iter([("acme.toml", data)]))
    with pytest.raises(CatalogueError, match="acme.toml: category 'analytics-ish'"):
        catalogue._build()


def test_coverage_table_is_current(root):
    doc = (root / "docs" / "catalogue.md").read_text(encoding="utf-8")
    assert doc == render(), "docs/catalogue.md is stale: run `python -m leaklint.catalogue.docs > docs/catalogue.md`"
    assert "| Sentry | `sentry-sdk` |" in doc and "`set_user()`" in doc


@pytest.mark.parametrize("implies, error", [
    ('{ req = { kind = "IP address" } }', "implies or objects names no parameter: req"),
    ('{ request = { kind = "shoe size" } }', "implies a kind that is not one of"),
])
def test_an_implied_kind_must_name_a_parameter_and_a_kind(implies, error):
    from leaklint.catalogue import sink_from_table
    from leaklint._toml import tomllib

    table = tomllib.loads(f'id = "x"\ncalls = ["acme.report"]\nsignature = "(message, request=None)"\nimplies = {implies}\n')
    with pytest.raises(CatalogueError, match=error):
        sink_from_table(table, "Acme")


def test_a_stored_copy_of_the_data_that_does_not_build_gives_way_to_the_files(monkeypatch):
    from leaklint.catalogue import data as catalogue

    monkeypatch.setattr(catalogue, "_BUILT", [])
    broken = {name: {"sink": 5} for name in catalogue.table_names()}
    assert set(catalogue.builtin(lambda: broken).sinks) == set(catalogue._build().sinks)
