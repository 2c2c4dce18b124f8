"""The SDKs added to the catalogue, each by a leak it reports and a near miss it leaves quiet: marketing and
CRM clients (Braze, HubSpot, Iterable, Klaviyo), support chat (Crisp, Intercom), error tracking (Rollbar,
Bugsnag), observability (OpenTelemetry, Datadog, New Relic, Logfire) and Hugging Face Hub telemetry."""

from __future__ import annotations

import pytest

from harness import assert_reports

CASES = {
    "edx-braze track_user": (
        """
        from braze.client import BrazeClient
        braze = BrazeClient(api_key="k", api_url="u", app_id="a")
        def f(user):
            braze.track_user(attributes={"external_id": str(user.pk), "email": user.email})
        """,
        """
        from braze.client import BrazeClient
        braze = BrazeClient(api_key="k", api_url="u", app_id="a")
        def f(user):
            braze.track_user(attributes={"external_id": str(user.pk), "plan": user.plan})
        """,
        ["LL001 email sent to Braze track_user (marketing/CRM) in 'attributes'"]),
    "edx-braze send_campaign_message": (
        """
        from braze.client import BrazeClient
        def f(user, course):
            BrazeClient("k", "u", "a").send_campaign_message("c1", emails=user.email,
                                                             trigger_properties={"course": course.title})
        """,
        """
        from braze.client import BrazeClient
        def f(user, course):
            BrazeClient("k", "u", "a").send_campaign_message("c1", recipients={"external_user_id": str(user.pk)},
                                                             trigger_properties={"course": course.title})
        """,
        ["LL001 email sent to Braze send_campaign_message (marketing/CRM) in 'emails'"]),
    "edx-braze create_braze_alias": (
        """
        from braze.client import BrazeClient
        def f(client: BrazeClient, user):
            client = BrazeClient("k", "u", "a")
            client.create_braze_alias(emails=user.email, alias_label="learner")
        """,
        """
        from braze.client import BrazeClient
        def f(user):
            client = BrazeClient("k", "u", "a")
            client.identify_users([{"external_id": str(user.pk)}])
        """,
        ["LL001 email sent to Braze create_braze_alias (marketing/CRM) in 'emails'"]),
    "hubspot crm.objects with an input model": (
        """
        from hubspot import HubSpot
        from hubspot.crm.objects import SimplePublicObjectInputForCreate
        api = HubSpot(access_token="t")
        def f(user):
            body = SimplePublicObjectInputForCreate(properties={"email": user.email, "plan": user.plan})
            api.crm.objects.basic_api.create("contacts", simple_public_object_input_for_create=body)
        """,
        """
        from hubspot import HubSpot
        from hubspot.crm.objects import SimplePublicObjectInputForCreate
        api = HubSpot(access_token="t")
        def f(user):
            body = SimplePublicObjectInputForCreate(properties={"plan": user.plan})
            api.crm.objects.basic_api.create("contacts", simple_public_object_input_for_create=body)
        """,
        ["LL001 email sent to HubSpot create (marketing/CRM) in 'properties'"]),
    "hubspot contacts update with a dict": (
        """
        import hubspot
        api = hubspot.Client.create(access_token="t")
        def f(user):
            api.crm.contacts.basic_api.update(str(user.pk), {"properties": {"firstname": user.first_name}})
        """,
        """
        import hubspot
        api = hubspot.Client.create(access_token="t")
        def f(user):
            api.crm.contacts.basic_api.update(str(user.pk), {"properties": {"lifecyclestage": "customer"}})
        """,
        ["LL002 person name sent to HubSpot update (marketing/CRM) in 'simple_public_object_input'"]),
    "crisp people profile": (
        """
        from crisp_api import Crisp
        crisp = Crisp()
        def f(site, user):
            crisp.website.add_new_people_profile(site, {"email": user.email, "person": {"nickname": user.name}})
        """,
        """
        from crisp_api import Crisp
        crisp = Crisp()
        def f(site, user):
            crisp.website.add_people_event(site, str(user.pk), {"text": "plan_upgraded", "data": {"plan": user.plan}})
        """,
        ["LL001 email sent to Crisp add_new_people_profile (support chat) in 'data'",
         "LL002 person name sent to Crisp add_new_people_profile (support chat) in 'data'"]),
    "iterable users.update": (
        """
        from iterable import Iterable
        it = Iterable("key")
        def f(user):
            it.users.update(user_id=str(user.pk), data_fields={"phone": user.phone_number})
        """,
        """
        from iterable import Iterable
        it = Iterable("key")
        def f(user):
            it.users.update(user_id=str(user.pk), data_fields={"plan": user.plan})
        """,
        ["LL004 phone number sent to Iterable update (marketing/CRM) in 'data_fields'"]),
    "intercom 5.x request model": (
        """
        from intercom import Intercom, CreateContactRequestWithExternalId
        client = Intercom(token="t")
        def f(user):
            client.contacts.create(request=CreateContactRequestWithExternalId(external_id=str(user.pk), name=user.name))
        """,
        """
        from intercom import Intercom, CreateContactRequestWithExternalId
        client = Intercom(token="t")
        def f(user):
            client.contacts.create(request=CreateContactRequestWithExternalId(external_id=str(user.pk)))
        """,
        ["LL002 person name sent to Intercom create (support chat) in 'name'"]),
    "klaviyo profile": (
        """
        from klaviyo_api import KlaviyoAPI
        klaviyo = KlaviyoAPI("key")
        def f(user):
            klaviyo.Profiles.create_profile({"data": {"type": "profile", "attributes": {"email": user.email}}})
        """,
        """
        from klaviyo_api import KlaviyoAPI
        klaviyo = KlaviyoAPI("key")
        def f(user):
            klaviyo.Profiles.create_profile({"data": {"type": "profile", "attributes": {"external_id": str(user.pk)}}})
        """,
        ["LL001 email sent to Klaviyo create_profile (marketing/CRM) in 'profile_create_query'"]),
    "heap track": (
        """
        import heapapi
        heap = heapapi.HeapAPIClient("app")
        def f(user):
            heap.track(str(user.pk), "Signed Up", {"name": user.get_full_name()})
        """,
        """
        import heapapi
        heap = heapapi.HeapAPIClient("app")
        def f(user):
            heap.track(str(user.pk), "Signed Up", {"plan": user.plan})
        """,
        ["LL002 person name sent to Heap track in 'properties'"]),
    "rollbar request carries the client IP": (
        """
        import sys
        import rollbar
        def view(request):
            rollbar.report_exc_info(sys.exc_info(), request)
        """,
        """
        import sys
        import rollbar
        def job():
            rollbar.report_exc_info(sys.exc_info(), None, extra_data={"job": "nightly"})
        """,
        ["LL005 IP address sent to Rollbar report_exc_info (error tracking) in 'request'"]),
    "bugsnag notify user": (
        """
        import bugsnag
        def f(user, exc):
            bugsnag.notify(exc, user={"id": user.pk, "email": user.email})
        """,
        """
        import bugsnag
        def f(user, exc):
            bugsnag.notify(exc, user={"id": user.pk})
        """,
        ["LL001 email sent to Bugsnag notify (error tracking) in 'user'"]),
    "bugsnag send_environment": (
        """
        import bugsnag
        bugsnag.configure(api_key="k", send_environment=True)
        """,
        """
        import bugsnag
        bugsnag.configure(api_key="k", send_environment=False)
        """,
        ["LL020 send_environment=True: Bugsnag attaches the request's WSGI environment (REMOTE_ADDR, "
         "X-Forwarded-For and every header params_filters does not name) to each error"]),
    "opentelemetry current span": (
        """
        from opentelemetry import trace
        def f(user):
            span = trace.get_current_span()
            span.set_attribute("enduser.email", user.email)
        """,
        """
        from opentelemetry import trace
        def f(user):
            span = trace.get_current_span()
            span.set_attribute("enduser.id", str(user.pk))
        """,
        ["LL001 email sent to OpenTelemetry set_attribute (observability) in 'value'"]),
    "opentelemetry span from a tracer": (
        """
        from opentelemetry import trace
        tracer = trace.get_tracer(__name__)
        def f(user):
            with tracer.start_as_current_span("signup", attributes={"plan": user.plan}) as span:
                span.add_event("profile", {"name": user.get_full_name()})
        """,
        """
        from opentelemetry import trace
        tracer = trace.get_tracer(__name__)
        def f(user):
            with tracer.start_as_current_span("signup", attributes={"plan": user.plan}) as span:
                span.add_event("profile", {"fields": 3})
        """,
        ["LL002 person name sent to OpenTelemetry add_event (observability) in 'attributes'"]),
    "datadog current span": (
        """
        from ddtrace import tracer
        def f(user):
            tracer.current_span().set_tag("usr.email", user.email)
        """,
        """
        from ddtrace import tracer
        def f(user):
            tracer.current_span().set_tag("usr.id", str(user.pk))
        """,
        ["LL001 email sent to Datadog set_tag (observability) in 'value'"]),
    "datadog traced block": (
        """
        import ddtrace
        def f(user):
            with ddtrace.tracer.trace("signup") as span:
                span.set_tags({"name": user.name})
        """,
        """
        import ddtrace
        def f(user):
            with ddtrace.tracer.trace("signup") as span:
                span.set_tags({"plan": user.plan})
        """,
        ["LL002 person name sent to Datadog set_tags (observability) in 'tags'"]),
    "new relic custom attribute": (
        """
        import newrelic.agent
        def f(user):
            newrelic.agent.add_custom_attributes([("email", user.email)])
            newrelic.agent.add_custom_attribute("email", user.email)
        """,
        """
        import newrelic.agent
        def f(user):
            newrelic.agent.add_custom_attribute("plan", user.plan)
        """,
        ["LL001 email sent to New Relic add_custom_attributes (observability) in 'items'",
         "LL001 email sent to New Relic add_custom_attribute (observability) in 'value'"]),
    "logfire span object": (
        """
        import logfire
        def f(user):
            with logfire.span("signup {plan}", plan=user.plan) as span:
                span.set_attribute("email", user.email)
        """,
        """
        import logfire
        def f(user):
            with logfire.span("signup {plan}", plan=user.plan) as span:
                span.set_attribute("seats", 3)
        """,
        ["LL001 email sent to Logfire set_attribute (observability) in 'value'"]),
    "hugging face telemetry": (
        """
        from huggingface_hub.utils import send_telemetry
        def f(user):
            send_telemetry("examples/run", library_name="app", user_agent={"user": user.email})
        """,
        """
        from huggingface_hub.utils import send_telemetry
        def f(user):
            send_telemetry("examples/run", library_name="app", user_agent={"version": "1.0"})
        """,
        ["LL001 email sent to Hugging Face Hub send_telemetry in 'user_agent'"]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_new_sdk_leak_and_its_near_miss(name):
    leak, near_miss, expected = CASES[name]
    assert_reports(leak, expected)
    assert_reports(near_miss, [])
