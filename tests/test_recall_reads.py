"""A project helper that reads personal data off an object it is given: each caller passing an object
sends that data, so the caller's call is reported too (the helper's own call is reported where it is)."""

from __future__ import annotations

from harness import assert_project_reports, project_index

ANALYTICS = """
    from mixpanel import Mixpanel
    mp = Mixpanel("token")
    def set_user_info(user):
        mp.people_set(user.id, {"$first_name": user.name, "product": user.product_id})
    def log_plan(user):
        mp.people_set(user.id, {"plan": user.plan})
    """
HELPER_REPORT = "LL002 person name sent to Mixpanel people_set in 'properties'"


def test_a_caller_passing_an_object_whose_attribute_a_helper_sends_is_reported():
    assert_project_reports({"app.analytics": ANALYTICS, "app.tutorial": """
        from app import analytics
        def finish(user, account):
            analytics.set_user_info(user)
            analytics.set_user_info(account.owner)
        """}, {"app.analytics": [HELPER_REPORT],
               "app.tutorial": ["LL002 person name sent to Mixpanel people_set via analytics.set_user_info(user) "
                                "in 'user'"] * 2})


def test_a_helper_sending_no_personal_attribute_or_a_clean_argument_keeps_the_callers_quiet():
    assert_project_reports({"app.analytics": ANALYTICS, "app.tutorial": """
        from app import analytics
        def finish(user):
            analytics.log_plan(user)
            analytics.set_user_info(None)
        """}, {"app.analytics": [HELPER_REPORT]})


def test_an_attribute_read_with_getattr_reaching_the_user_identifier():
    assert_project_reports({"app.events": """
        import posthog
        def capture(event, user, properties=None):
            posthog.capture(event, distinct_id=getattr(user, "email", None), properties=properties)
        def capture_by_id(event, user):
            posthog.capture(event, distinct_id=str(user.pk))
        """, "app.views": """
        from app.events import capture, capture_by_id
        class Created:
            def perform_create(self, serializer):
                access = serializer.save()
                capture("created", self.request.user, {"access_id": str(access.id)})
                capture_by_id("created", self.request.user)
        """}, {"app.events": ["LL010 email used as the user identifier of PostHog capture"],
               "app.views": ["LL010 email used as the user identifier of PostHog capture via "
                             "events.capture(properties)"]})


def test_a_hashed_attribute_is_not_read_through_the_helper():
    assert_project_reports({"app.events": """
        import hashlib, posthog
        def capture(event, user):
            posthog.capture(event, distinct_id=hashlib.sha256(user.email.encode()).hexdigest())
        """, "app.views": """
        from app.events import capture
        def view(request):
            capture("viewed", request.user)
        """}, {})


def test_what_a_helper_reads_is_reported_at_its_callers_not_again_above_them():
    assert_project_reports({"app.analytics": ANALYTICS, "app.profile": """
        from app import analytics
        def sync(user):
            analytics.set_user_info(user)
        """, "app.views": """
        from app.profile import sync
        def view(request):
            sync(request.user)
        """}, {"app.analytics": [HELPER_REPORT],
               "app.profile": ["LL002 person name sent to Mixpanel people_set via analytics.set_user_info(user) "
                               "in 'user'"]})


def test_what_an_sdk_reads_from_an_object_carries_through_a_wrapper():
    assert_project_reports({"app.errors": """
        import rollbar
        def report(message, request):
            rollbar.report_message(message, "error", request)
        """, "app.views": """
        from app.errors import report
        def view(request):
            report("failed", request)
            report("failed", None)
        """}, {"app.errors": ["LL005 IP address sent to Rollbar report_message (error tracking) in 'request'"],
               "app.views": ["LL005 IP address sent to Rollbar report_message (error tracking) via "
                             "errors.report(message, request) in 'request'"]})


def test_a_method_reading_its_own_instance_makes_no_sink_of_itself():
    index, found = project_index({"app.profile": """
        from mixpanel import Mixpanel
        mp = Mixpanel("token")
        class Profile:
            def sync(self):
                mp.people_set(self.user.id, {"$email": self.user.email})
        """})
    assert found["app.profile"] == ["LL001 email sent to Mixpanel people_set in 'properties'"]
    assert "app.profile.Profile.sync" not in index.functions or index.functions["app.profile.Profile.sync"].sink is None
