"""Whole-project analysis: clients and helpers defined in one module, leaks at call sites in another."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from conftest import ROOT, check_files, run_cli
from leaklint.index import MAX_ROUNDS

APP = ROOT / "fixtures" / "wrapped_app"
VIEWS = APP / "src" / "acme" / "views" / "orders.py"


def test_whole_project_findings_match_expected():
    result = run_cli("check", ".", "-q", cwd=APP)
    assert result.returncode == 1, result.stderr
    assert result.stdout == (ROOT / "fixtures" / "wrapped_app.expected").read_text(encoding="utf-8")


def test_each_leak_is_reported_at_the_call_site_with_the_chain():
    lines = (ROOT / "fixtures" / "wrapped_app.expected").read_text(encoding="utf-8").splitlines()
    by_line: dict[int, str] = {}
    for line in lines:
        number = int(line.split(":")[1])
        by_line[number] = by_line.get(number, "") + line
    assert "via telemetry.send(**props) in 'email'" in by_line[12]
    assert "via telemetry.track_event(**props) -> telemetry.send(**props)" in by_line[14]
    assert "PostHog capture via telemetry.capture(properties)" in by_line[15]
    assert "Segment identify via tracking.Analytics.identify_user(traits)" in by_line[21]
    assert "tracking.Tracker.signed_up(traits) -> tracking.Analytics.identify_user(traits)" in by_line[23]
    assert "profile_payload() returns user.email" in by_line[23]
    assert "Segment page via tracking.Analytics.page(props)" in by_line[24]
    assert "LL001 [*] email sent to Mixpanel track" in by_line[29]          # import acme.telemetry as t; t.mp
    assert "LL002 [*] person name sent to Mixpanel people_set" in by_line[32]  # re-exported from acme/__init__
    # Counts, plan names and opaque ids stay quiet.
    assert not set(by_line) & {13, 16, 22, 30}


def test_one_file_as_pre_commit_passes_it_reports_the_same():
    whole = run_cli("check", ".", "-q", cwd=APP).stdout
    single = run_cli("check", "src/acme/views/orders.py", "-q", cwd=APP).stdout
    expected = [line for line in whole.splitlines() if line.startswith(str(Path("src/acme/views/orders.py")))]
    assert single.splitlines() == expected and expected


def write_tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text).lstrip(), encoding="utf-8")


def test_recursion_between_helpers_terminates(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": "",
        "app/__init__.py": "",
        "app/helpers.py": """
            from mixpanel import Mixpanel
            mp = Mixpanel("t")
            def a(user, props):
                if props:
                    return b(user, props)
                mp.track(user.pk, "x", props)
            def b(user, props):
                return a(user, props)
        """,
        "app/views.py": """
            from app.helpers import b
            def view(user):
                b(user, {"email": user.email})
        """,
    })
    [finding] = check_files(tmp_path, tmp_path / "app" / "views.py")
    assert finding.code == "LL001" and "via helpers.b(props) -> helpers.a(props)" in finding.message


def test_recursive_helpers_returning_personal_data_settle(tmp_path):
    """A helper that returns what it returns itself (found again by its method name) once made the
    explanation grow every round, so the rounds never settled."""
    write_tree(tmp_path, {
        "pyproject.toml": "",
        "app/__init__.py": "",
        "app/models.py": """
            class Members:
                def for_user(self, user, deep=False):
                    if deep:
                        return self.for_user(user)
                    return user.workspace_id
            class Buckets:
                def for_user(self, user):
                    return Members().for_user(user)
        """,
        "app/views.py": """
            import posthog
            from app.models import Buckets
            def view(user):
                posthog.capture("x", distinct_id="1", properties={"ws": Buckets().for_user(user)})
        """,
    })
    result = run_cli("check", ".", cwd=tmp_path)
    assert "not followed further" not in result.stderr
    assert "LL003" in result.stdout
    assert all(piece.count(" returns ") <= 3 for piece in result.stdout.split("; "))


def test_client_bound_on_one_branch_only(tmp_path):
    """`mp = None` and then `mp = Mixpanel(...)` under a settings check: calls on `mp` are the client's."""
    write_tree(tmp_path, {"pyproject.toml": "", "track.py": """
        from mixpanel import Mixpanel
        from django.conf import settings
        mp = None
        if settings.MIXPANEL_TOKEN:
            mp = Mixpanel(settings.MIXPANEL_TOKEN)
        def profile(user):
            if mp is not None:
                mp.people_set(str(user.id), {"$email": user.email})
    """})
    [finding] = check_files(tmp_path, tmp_path / "track.py")
    assert finding.code == "LL001" and "Mixpanel people_set" in finding.message


def _wrapper_chain(callers_first: bool, depth: int = 12) -> str:
    """w{depth-1} -> ... -> w0 -> Mixpanel track, each wrapper defined above (or below) the one it calls."""
    wrappers = [["def w0(u, props):", "    mp.track(u.pk, 'x', props)"]]
    wrappers += [[f"def w{i}(u, props):", f"    w{i - 1}(u, props)"] for i in range(1, depth)]
    ordered = reversed(wrappers) if callers_first else wrappers
    return "\n".join(["from mixpanel import Mixpanel", "mp = Mixpanel('t')", *(line for w in ordered for line in w)]) + "\n"


def test_depth_bound_is_reported(tmp_path):
    # Callers first: each round of the index learns one more level of the chain.
    # (`use` imports the client too, so it is analysed from the first round: the bound then ends the rounds)
    deepest = MAX_ROUNDS + 3
    write_tree(tmp_path, {"pyproject.toml": "", "deep.py": _wrapper_chain(callers_first=True, depth=deepest + 1),
                          "use.py": f"from deep import w{deepest}, w3, mp\ndef v(u):\n    w3(u, {{'email': u.email}})\n"
                                    f"    w{deepest}(u, {{'email': u.email}})\n"})
    result = run_cli("check", "use.py", cwd=tmp_path)
    assert f"wrapper chains deeper than {MAX_ROUNDS} calls were not followed further" in result.stderr
    assert [line.split(":")[1] for line in result.stdout.splitlines()] == ["3"]


def test_wrappers_defined_above_their_callers_are_followed_in_one_walk(tmp_path):
    """A module's functions see the summaries of those walked before them in the same walk: a chain
    written callee first needs no round per level (and so no depth bound)."""
    write_tree(tmp_path, {"pyproject.toml": "", "deep.py": _wrapper_chain(callers_first=False),
                          "use.py": "from deep import w11, w3\ndef v(u):\n    w3(u, {'email': u.email})\n"
                                    "    w11(u, {'email': u.email})\n"})
    result = run_cli("check", "use.py", cwd=tmp_path)
    assert "wrapper chains deeper" not in result.stderr
    assert [line.split(":")[1] for line in result.stdout.splitlines()] == ["3", "4"]


def test_project_class_instance_kept_on_self(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": "",
        "svc/__init__.py": "",
        "svc/client.py": """
            import posthog
            class Client:
                def send(self, user_id, **fields):
                    posthog.capture("event", distinct_id=user_id, properties=fields)
        """,
        "svc/service.py": """
            from .client import Client
            class Service:
                def __init__(self):
                    self.tracker = Client()
                def register(self, user):
                    self.tracker.send(str(user.pk), mobile=user.mobile)
        """,
    })
    [finding] = check_files(tmp_path, tmp_path / "svc" / "service.py")
    assert finding.code == "LL004" and "via client.Client.send(**fields)" in finding.message


def test_functools_partial_of_a_wrapper(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": "",
        "app.py": """
            import functools
            from functools import partial
            import analytics
            def send(user_id, event, traits):
                analytics.identify(user_id, traits)
            def view(user):
                signup = partial(send, str(user.pk))
                signup("Signed Up", {"email": user.email})
                later = functools.partial(send, event="Later")
                later(str(user.pk), traits={"plan": "pro"})
        """,
    })
    [finding] = check_files(tmp_path, tmp_path / "app.py")
    assert (finding.code, finding.line) == ("LL001", 8)


def test_model_helper_methods_are_summarised_like_functions(tmp_path):
    write_tree(tmp_path, {
        "pyproject.toml": "",
        "models.py": """
            class Customer:
                def get_analytics_metadata(self):
                    return {"email": self.email, "plan": self.plan}
                def public_metadata(self):
                    return {"plan": self.plan, "seats": self.seats}
        """,
        "views.py": """
            import mixpanel
            from models import Customer
            mp = mixpanel.Mixpanel("t")
            def view(customer: Customer):
                mp.track(str(customer.pk), "Viewed", customer.get_analytics_metadata())
                mp.track(str(customer.pk), "Viewed", customer.public_metadata())
        """,
    })
    [finding] = check_files(tmp_path, tmp_path / "views.py")
    assert (finding.code, finding.line) == ("LL001", 5)
    assert "customer.get_analytics_metadata() returns self.email" in finding.message


def test_a_project_method_named_like_a_library_one_is_not_taken_for_it(tmp_path):
    """`Cache.get` returning an email says nothing of `session.get(...)` or `qs.create(...)` on objects of
    unknown class: names every container, queryset and HTTP client has are not looked up by name."""
    write_tree(tmp_path, {
        "pyproject.toml": "",
        "models.py": """
            class Cache:
                def get(self, user):
                    return {"email": user.email}
                def contact_card(self, user):
                    return {"email": user.email}
        """,
        "views.py": """
            import mixpanel
            from models import Cache
            mp = mixpanel.Mixpanel("t")
            def view(request, store: Cache):
                mp.track(str(request.user.pk), "Viewed", request.session.get(cart_key))
                mp.track(str(request.user.pk), "Viewed", store.contact_card(request.user))
        """,
    })
    [finding] = check_files(tmp_path, tmp_path / "views.py")
    assert (finding.code, finding.line) == ("LL001", 6) and "contact_card() returns" in finding.message
