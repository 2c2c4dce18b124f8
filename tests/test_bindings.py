"""Where a client or personal data is bound, by example: module globals assigned under `global`, instance
and class attributes, properties, project classes (and those extending an SDK class), inner functions,
decorators and async code; each with a near miss that stays quiet."""

from __future__ import annotations

from pathlib import Path

from conftest import check_files
from harness import assert_project_reports, assert_reports, project_index
from test_project import write_tree

TRACK = "LL001 email sent to Mixpanel track in 'properties'"


# -- module globals assigned inside functions -------------------------------------------------------
INIT_GLOBAL = """
    import mixpanel
    _mp = None
    def signup(user):
        _mp.track(user.pk, "Signed up", {"email": user.email})
    def init_analytics(token):
        global _mp
        _mp = mixpanel.Mixpanel(token)
    """


def test_a_global_assigned_in_an_init_function_is_the_client_in_every_function():
    assert_reports(INIT_GLOBAL, [TRACK])


def test_a_global_assigned_in_an_init_function_is_the_client_in_other_modules():
    assert_project_reports({"app.analytics": INIT_GLOBAL, "app.views": """
        from app import analytics
        from app.analytics import _mp
        def signup(user):
            analytics._mp.track(user.pk, "Signed up", {"email": user.email})
        def login(user):
            _mp.track(user.pk, "Logged in", {"email": user.email})
        """}, {"app.analytics": [TRACK], "app.views": [TRACK, TRACK]})


def test_a_local_of_the_same_name_leaves_the_global_alone():
    assert_reports(INIT_GLOBAL.replace("global _mp", "pass"), [])


def test_nonlocal_binds_in_the_enclosing_function():
    assert_reports("""
        import mixpanel
        def run(user):
            client = None
            def connect():
                nonlocal client
                client = mixpanel.Mixpanel("t")
            connect()
            client.track(user.pk, "E", {"email": user.email})
        """, [TRACK])


# -- instance and class attributes ------------------------------------------------------------------
def test_an_attribute_set_in_any_method_after_a_local_import():
    assert_reports("""
        class Tracker:
            def signup(self, user):
                self.mp.track(user.pk, "E", {"email": user.email})
            def setup(self):
                from mixpanel import Mixpanel
                client = Mixpanel("t")
                self.mp = client
                self.people: Mixpanel = Mixpanel("p")
            def profile(self, user):
                self.people.people_set(user.pk, {"$email": user.email})
        """, [TRACK, "LL001 email sent to Mixpanel people_set in 'properties'"])


def test_an_attribute_is_its_own_class_s_only():
    assert_reports("""
        class Tracker:
            def setup(self):
                from mixpanel import Mixpanel
                self.mp = Mixpanel("t")
        class Mailer:
            def signup(self, user):
                self.mp.track(user.pk, "E", {"email": user.email})
        """, [])


def test_a_class_attribute_and_a_none_one():
    assert_reports("""
        import mixpanel
        class Tracker:
            client = mixpanel.Mixpanel("t")
            other = None
            if TOKEN:
                backup = mixpanel.Mixpanel(TOKEN)
            def signup(self, user):
                self.client.track(user.pk, "E", {"email": user.email})
                self.other.track(user.pk, "E", {"email": user.email})
                self.backup.track(user.pk, "E", {"email": user.email})
        """, [TRACK, TRACK])


# -- properties -------------------------------------------------------------------------------------
PROPERTY_CLIENT = """
    import functools
    import mixpanel
    from django.utils.functional import cached_property
    class SiteConfiguration:
        @functools.cached_property
        def mixpanel_client(self):
            return mixpanel.Mixpanel(self.token)
        @cached_property
        def django_client(self):
            return mixpanel.Mixpanel(self.token)
        @property
        def settings_client(self):
            return Settings(self.token)
    """


def test_a_cached_property_returning_a_client_is_the_client_on_self():
    assert_reports(PROPERTY_CLIENT + """
        def signup(self, user):
            self.mixpanel_client.track(user.pk, "E", {"email": user.email})
            self.django_client.track(user.pk, "E", {"email": user.email})
            self.settings_client.track(user.pk, "E", {"email": user.email})
    """, [TRACK, TRACK])


def test_a_property_on_an_owner_of_unknown_class_is_found_by_the_classes_keeping_a_client():
    assert_project_reports({"app.models": PROPERTY_CLIENT, "app.views": """
        def signup(site, user):
            client = site.siteconfiguration.mixpanel_client
            client.track(user.pk, "E", {"email": user.email})
            site.siteconfiguration.settings_client.track(user.pk, "E", {"email": user.email})
            site.siteconfiguration.other_client.track(user.pk, "E", {"email": user.email})
        """}, {"app.views": [TRACK]})


def test_a_property_returning_personal_data():
    assert_reports("""
        import mixpanel
        mp = mixpanel.Mixpanel("t")
        class Account:
            @property
            def contact(self):
                return self.owner.email
            def signup(self):
                mp.track(self.pk, "E", {"who": self.contact})
        """, ["LL001 email sent to Mixpanel track in 'properties'"])


# -- project classes --------------------------------------------------------------------------------
TRACKING = """
    import mixpanel
    class Tracker:
        def __init__(self):
            self.client = mixpanel.Mixpanel("t")
        def send(self, user, props):
            self.client.track(user.pk, "E", props)
    tracker = Tracker()
    """


def test_a_module_level_instance_s_client_and_methods_in_another_module():
    assert_project_reports({"app.tracking": TRACKING, "app.views": """
        from app.tracking import tracker, Tracker
        def signup(user):
            tracker.client.track(user.pk, "E", {"email": user.email})
            tracker.send(user, {"email": user.email})
            Tracker().send(user, {"plan": user.plan})
        """}, {"app.views": [TRACK, "LL001 email sent to Mixpanel track via tracking.Tracker.send(props) in 'props'"]})


def test_a_subclass_inherits_its_parent_s_client():
    assert_project_reports({"app.tracking": TRACKING, "app.views": """
        from app.tracking import Tracker
        class SignupTracker(Tracker):
            def signup(self, user):
                self.client.track(user.pk, "E", {"email": user.email})
        """}, {"app.views": [TRACK]})


BRAZE = "LL001 email sent to Braze user_track (marketing/CRM) in 'attributes'"


def test_a_project_subclass_of_an_sdk_client_is_that_client():
    assert_project_reports({"app.braze": """
        from braze.client import BrazeClient
        class BrazeApiClient(BrazeClient):
            def sync(self, user):
                self.user_track(attributes={"email": user.email})
        """, "app.views": """
        from app.braze import BrazeApiClient
        def signup(user):
            BrazeApiClient("k").user_track(attributes={"email": user.email})
        """}, {"app.braze": [BRAZE], "app.views": [BRAZE]})


def test_a_project_class_with_a_method_of_an_sdk_method_s_name_is_not_the_sdk():
    assert_project_reports({"app.braze": """
        from braze.client import BrazeClient
        class Users:
            def user_track(self, attributes):
                return attributes
        """, "app.views": """
        from app.braze import Users
        def signup(user):
            Users().user_track(attributes={"email": user.email})
        """}, {})


# -- inner functions, decorators, async -------------------------------------------------------------
HELPERS = """
    import functools
    import mixpanel
    mp = mixpanel.Mixpanel("t")
    def later(user, props):
        def send():
            mp.track(user.pk, "E", props)
        send()
    def shadowed(user, props):
        def send(props):
            mp.track(user.pk, "E", props)
        send({"plan": user.plan})
    def mixed(user, props):
        def send(props):
            mp.track(user, "E", props)
        send({"plan": user.plan})
    def logged(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            return fn(*args, **kwargs)
        return wrapper
    @logged
    def decorated(user, props):
        mp.track(user.pk, "E", props)
    async def awaited(user, props, lock, rows):
        async with lock:
            mp.track(user.pk, "E", props)
        async for row in rows:
            mp.track(row.pk, "E", {"count": row.count})
    """


def test_inner_functions_decorators_and_async_functions_in_callers():
    index, found = project_index({"app.helpers": HELPERS, "app.views": """
        from app.helpers import later, shadowed, mixed, decorated, awaited
        async def signup(user):
            later(user, {"email": user.email})
            shadowed(user, {"email": user.email})
            mixed(user.pk, {"email": user.email})
            decorated(user, {"email": user.email})
            await awaited(user, {"email": user.email}, None, [])
        """})
    via = "LL001 email sent to Mixpanel track via helpers.{}(props) in 'props'"
    assert found == {"app.helpers": [], "app.views": [via.format(f) for f in ("later", "decorated", "awaited")]}
    # The inner function uses the outer one's parameter: the flow is the outer function's, not the inner's.
    assert "app.helpers.later" in index.functions and "app.helpers.later.send" not in index.functions
    # `mixed` passes its `user` on (a user id), not its `props`, which the inner `send` shadows.
    assert [p.name for p in index.functions["app.helpers.mixed"].sink.params if p.role] == ["user"]


# -- the project's files that matter ----------------------------------------------------------------
def test_importers_of_a_module_that_leads_to_a_sink_only_after_the_last_rounds_are_checked(tmp_path: Path):
    """`outer` becomes a sink only in the second round (it calls `inner`, defined below it), so `wrap`
    leads to a sink only then; `views`, which imports nothing else that matters, must still be checked."""
    write_tree(tmp_path, {"pyproject.toml": "", "app/__init__.py": "", "app/track.py": """
        import mixpanel
        mp = mixpanel.Mixpanel("t")
        def outer(user, props):
            inner(user, props)
        def inner(user, props):
            mp.track(user.pk, "E", props)
        """, "app/wrap.py": """
        from app.track import outer
        def notify(user, props):
            outer(user, props)
        """, "app/views.py": """
        from app.wrap import notify
        def signup(user):
            notify(user, {"email": user.email})
        """})
    [finding] = check_files(tmp_path, tmp_path / "app" / "views.py")
    assert finding.code == "LL001" and "via wrap.notify(props) -> track.outer(props)" in finding.message


def test_a_property_of_a_project_instance_is_what_it_returns_in_another_module():
    assert_project_reports({"app.models": """
        class Account:
            @property
            def contact(self):
                return self.owner.email
            def label(self):
                return self.owner.email
        """, "app.views": """
        import mixpanel
        from app.models import Account
        mp = mixpanel.Mixpanel("t")
        def signup(pk):
            account = Account()
            mp.track(pk, "E", {"who": account.contact})
            mp.track(pk, "E", {"what": account.label})
        """}, {"app.views": ["LL001 email sent to Mixpanel track in 'properties'"]})


def test_a_module_whose_class_keeps_a_client_leads_its_importers_to_be_checked(tmp_path: Path):
    write_tree(tmp_path, {"pyproject.toml": "", "app/__init__.py": "", "app/models.py": """
        import functools
        import mixpanel
        class Site:
            @functools.cached_property
            def client(self):
                return mixpanel.Mixpanel("t")
        """, "app/views.py": """
        from app.models import Site
        def signup(user):
            Site().client.track(user.pk, "E", {"email": user.email})
        """})
    [finding] = check_files(tmp_path, tmp_path / "app" / "views.py")
    assert finding.code == "LL001" and "Mixpanel track" in finding.message
