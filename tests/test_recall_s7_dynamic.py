"""An SDK method chosen at run time: `getattr(client, method)` with a name not written out is any of the
client's sink methods, so whatever it is called with is checked as payload, and a project function
forwarding its parameters there is a wrapper whose callers are checked."""

from __future__ import annotations

from harness import assert_project_reports, assert_reports, carried

RUN_TIME = "Segment (method named at run time)"

# The shape of a proxy choosing the Segment method by name: the client is bound in a setup function
# through `global`, the method fetched with `getattr`, and `*args, **kwargs` forwarded to it.
PROXY = """
    from analytics import Client
    default_client = None
    def setup_analytics(write_key):
        global default_client
        if not default_client:
            default_client = Client(write_key=write_key)
    def _proxy(method, user, *args, **kwargs):
        global default_client
        if default_client is None:
            return
        fn = getattr(default_client, method)
        kwargs["context"] = {"system": "app"}
        if user.is_authenticated:
            kwargs["user_id"] = user.id
        fn(*args, **kwargs)
    def identify(user):
        traits = {"username": user.username, "email": user.email, "is_active": user.is_active}
        _proxy("identify", user, traits=traits)
    def track(user, event, properties=None):
        _proxy("track", user, event=event, properties=properties)
    """


def test_a_proxy_calling_a_method_fetched_by_name_reports_its_callers():
    assert_project_reports({"app.analytics_client": PROXY, "app.views": """
        from app.analytics_client import track
        def registered(user, registration):
            track(user, "registration", {"registration_id": registration.id, "pool": registration.pool_id})
            track(user, "registration", {"email": user.email})
        """}, {
        "app.analytics_client": [
            f"LL001 email sent to {RUN_TIME} via analytics_client._proxy(args, **kwargs) in 'traits'",
            f"LL002 person name sent to {RUN_TIME} via analytics_client._proxy(args, **kwargs) in 'traits'"],
        "app.views": [
            f"LL001 email sent to {RUN_TIME} via analytics_client.track(event, properties) -> "
            "analytics_client._proxy(args, **kwargs) in 'properties'"]})
    # The same proxy sending no personal data: neither it nor its callers are reported.
    clean = PROXY.replace('"username": user.username, "email": user.email, ', "")
    assert_project_reports({"app.analytics_client": clean, "app.views": """
        from app.analytics_client import identify, track
        def followed(follower, target):
            track(follower, "follower.follow", {"target_user": target.id})
            identify(follower)
        """}, {})


def test_any_method_of_an_sdk_module_or_client_checks_every_argument():
    assert_reports("""
        import analytics
        from analytics import Client
        client = Client("key")
        def view(user, method, name):
            getattr(analytics, method)(user.pk, "Signed up", {"email": user.email})
            send = getattr(client, method)
            send(user.pk, traits={"name": user.full_name})
            getattr(client, method, None)(user.email)
            getattr(client, method)(user.pk, "Signed up", {"plan": user.plan}, context={"ip": None})
        """, [f"LL001 email sent to {RUN_TIME} in 'args'",
              f"LL002 person name sent to {RUN_TIME} in 'traits'",
              f"LL001 email sent to {RUN_TIME} in 'args'"])


def test_a_name_bound_to_a_literal_is_that_method():
    assert_reports("""
        import analytics
        def view(user, flag):
            method = "identify"
            getattr(analytics, method)(user.pk, {"email": user.email})
            getattr(analytics, "track")(user.pk, "E", {"email": user.email})
        """, ["LL001 email sent to Segment identify in 'traits'",
              "LL001 email sent to Segment track in 'properties'"])


def test_getattr_on_objects_that_are_not_sdk_clients_stays_quiet():
    assert carried("getattr(analytics, method)", "import analytics")["ref"] == "analytics.*"
    assert carried("getattr(settings, name)", "from django.conf import settings")["ref"] is None
    assert_reports("""
        import analytics
        from django.conf import settings
        def view(user, handlers, name, method):
            getattr(handlers, name)(user.pk, {"email": user.email})
            getattr(settings, name)(user.email)
            getattr(analytics, method)
            hook = getattr(analytics, method, None)
            if hook is None:
                print(user.email)
        """, [])

