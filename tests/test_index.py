"""The project index (`index`) by example: several modules, given as text, indexed in rounds as the engine
does; the reports each module gets, and what the index learns (derived sinks, returns, leads)."""

from __future__ import annotations

from harness import _CHECKER, assert_project_reports, project_index  # noqa: PLC2701

TELEMETRY = """
    import mixpanel
    mp = mixpanel.Mixpanel("t")
    def track(user_id, event, props):
        mp.track(user_id, event, props)
    """
VIA_TRACK = "LL001 email sent to Mixpanel track via telemetry.track(props) in 'props'"


def test_a_wrapper_imported_by_name_is_a_sink():
    assert_project_reports({"app.telemetry": TELEMETRY, "app.views": """
        from app.telemetry import track
        def signup(user):
            track(user.pk, "Signed up", {"email": user.email})
        """}, {"app.views": [VIA_TRACK]})


def test_a_wrapper_reached_through_its_module():
    assert_project_reports({"app.telemetry": TELEMETRY, "app.views": """
        from app import telemetry
        def signup(user):
            telemetry.track(user.pk, "Signed up", {"email": user.email})
        """}, {"app.views": [VIA_TRACK]})


def test_a_client_imported_from_another_module_is_the_sdk_client():
    assert_project_reports({"app.telemetry": TELEMETRY, "app.views": """
        from app.telemetry import mp
        def signup(user):
            mp.track(user.pk, "Signed up", {"email": user.email})
        """}, {"app.views": ["LL001 email sent to Mixpanel track in 'properties'"]})


def test_wrappers_of_wrappers_name_the_whole_chain():
    index, found = project_index({"app.telemetry": TELEMETRY, "app.events": """
        from app.telemetry import track
        def signup_event(user, props):
            track(user.pk, "Signed up", props)
        """, "app.views": """
        from app.events import signup_event
        def signup(user):
            signup_event(user, {"phone": user.phone})
        """})
    assert found["app.views"] == ["LL004 phone number sent to Mixpanel track via events.signup_event(props) -> "
                                  "telemetry.track(props) in 'props'"]
    assert {q: s.sink.via for q, s in index.functions.items()} == {
        "app.telemetry.track": "telemetry.track(props)",
        "app.events.signup_event": "events.signup_event(props) -> telemetry.track(props)"}


def test_kwargs_reaching_a_payload_make_every_keyword_a_field():
    assert_project_reports({"app.telemetry": """
        import analytics
        def identify(user_id, **traits):
            analytics.identify(user_id, traits)
        """, "app.views": """
        from app.telemetry import identify
        def signup(user):
            identify(user.pk, plan=user.plan, email=user.email)
        """}, {"app.views": ["LL001 email sent to Segment identify via telemetry.identify(**traits) in 'email'"]})


def test_a_method_of_a_module_level_instance():
    assert_project_reports({"app.telemetry": """
        import mixpanel
        class Tracker:
            def __init__(self):
                self.mp = mixpanel.Mixpanel("t")
            def send(self, user_id, props):
                self.mp.track(user_id, "E", props)
        tracker = Tracker()
        """, "app.views": """
        from app.telemetry import tracker
        def signup(user):
            tracker.send(user.pk, {"email": user.email})
        """}, {"app.views": ["LL001 email sent to Mixpanel track via telemetry.Tracker.send(props) in 'props'"]})


def test_a_helper_returning_personal_data_carries_it_to_the_caller():
    index, found = project_index({"app.models": """
        def contact(user):
            return user.email
        """, "app.views": """
        import mixpanel
        from app.models import contact
        mp = mixpanel.Mixpanel("t")
        def signup(user):
            mp.track(user.pk, "E", {"who": contact(user)})
        """})
    assert found == {"app.models": [], "app.views": ["LL001 email sent to Mixpanel track in 'properties'"]}
    summary = index.functions["app.models.contact"]
    assert summary.sink is None and [e.what for e in summary.returns.pii] == ["user.email"]


def test_near_misses_across_modules():
    assert_project_reports({"app.telemetry": TELEMETRY, "app.views": """
        from app.telemetry import track
        def signup(user):
            track(user.pk, "Signed up", {"plan": user.plan})
        """}, {})
    # a function of the same name that is not the wrapper
    assert_project_reports({"app.telemetry": TELEMETRY, "app.views": """
        def track(user_id, event, props):
            print(user_id, event, props)
        def signup(user):
            track(user.pk, "Signed up", {"email": user.email})
        """}, {})


def test_modules_that_lead_to_a_sink():
    index, _ = project_index({"app.telemetry": TELEMETRY, "app.views": """
        from app.telemetry import track
        """, "app.models": """
        def contact(user):
            return user.email
        """, "app.other": """
        def track(x):
            return x
        """})
    # the module defining the wrapper, and the one re-exporting it; a helper returning data is not a lead
    assert index.interesting(_CHECKER.leads_to_sink) == {"app.telemetry", "app.views"}


def test_what_does_not_lead_to_a_sink():
    """An SDK's exceptions and constants, an HTTP client's module and the package an `import a.b` binds
    are no way to a sink: importing the modules that bind them does not make a module worth analysing."""
    index, _ = project_index({"app.telemetry": TELEMETRY, "app.settings": """
        from sentry_sdk.scrubber import DEFAULT_DENYLIST
        from requests.exceptions import RequestException
        import requests
        """, "app.jobs": """
        import app.telemetry
        def run(user):
            app.telemetry.track(user.pk, "ran", {})
        """, "app.clients": """
        import requests
        session = requests.Session()
        """})
    assert index.interesting(_CHECKER.leads_to_sink) == {"app.telemetry", "app.clients"}
    assert not any(_CHECKER.leads_to_sink(ref) for ref in (
        "sentry_sdk.scrubber.DEFAULT_DENYLIST", "requests.exceptions.RequestException", "requests"))
    assert all(_CHECKER.leads_to_sink(ref) for ref in ("mixpanel.Mixpanel", "sentry_sdk", "requests.Session"))


from hypothesis import given, settings, strategies as st  # noqa: E402

from leaklint.flow import Value  # noqa: E402
from leaklint.index import _prefixes_from, _with_re_exports  # noqa: E402
from leaklint.index_names import ModuleFacts  # noqa: E402
from leaklint.prefilter import owner  # noqa: E402

_MODULES = ("app", "app.tel", "app.views", "app.api", "lib")
_NAME = st.sampled_from(["track", "Tracker", "Tracker.client", "tel", "mp", "x"])
_REF = st.tuples(st.sampled_from(_MODULES), st.sampled_from(["", "track", "Tracker", "Tracker.client", "tel", "mp"])) \
    .map(lambda t: f"{t[0]}.{t[1]}" if t[1] else t[0])


def _re_exports_by_definition(leads: dict[str, str], modules: dict[str, ModuleFacts]) -> dict[str, str]:
    """Every pass looks at every name the modules bind (what `_with_re_exports` does with less work)."""
    while True:
        under: dict[str, set[str]] = {}
        for q, module in leads.items():
            for prefix in _prefixes_from(q, module):
                under.setdefault(prefix, set()).add(q[len(prefix):])
        added: dict[str, str] = {}
        direct = {f"{name}.{bound}" for name, module in modules.items() for bound, v in module.names.items()
                  if v.local and v.ref and f"{name}.{bound}" not in leads and owner(v.ref, set(leads))}
        for name, module in modules.items():
            for bound, v in module.names.items():
                there = f"{name}.{bound}"
                if not (v.local and v.ref) or there in leads:
                    continue
                if there in direct:   # a name a module binds to what holds a lead is held by that module
                    added[there] = name
                else:   # one reached through re-exports in two modules: by the first module's name
                    for m in {f"{there}.{rest[1:].split('.', 1)[0]}" for rest in under.get(v.ref, ())} - leads.keys() - direct:
                        if m not in added or name < added[m]:
                            added[m] = name
        if not added:
            return leads
        leads.update(added)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(_MODULES), st.dictionaries(_NAME, st.tuples(_REF, st.booleans()), max_size=4),
                       max_size=5),
       st.dictionaries(_REF, st.sampled_from(_MODULES), max_size=3))
def test_re_exports_of_leads_are_found_as_by_looking_at_every_name_each_pass(bindings, leads):
    """Looking again only at the names bound to what the last pass added finds what looking at all finds."""
    modules = {m: ModuleFacts(m, {n: Value(ref=ref, local=local) for n, (ref, local) in names.items()}, frozenset())
               for m, names in bindings.items()}
    assert _with_re_exports(dict(leads), modules) == _re_exports_by_definition(dict(leads), modules)
