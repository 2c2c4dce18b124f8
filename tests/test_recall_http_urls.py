"""A vendor's URL held whole by a setting: a request to it is a sink when the setting's name says both the
vendor and that data goes in there; a vendor's other addresses (a token URL) and other settings are not."""

from __future__ import annotations

from harness import assert_reports

SIGNUP = """
    import os
    import httpx
    HUBSPOT_TRACKING_URL = os.environ.get("HUBSPOT_TRACKING_URL")
    HUBSPOT_TOKEN_URL = os.environ.get("HUBSPOT_TOKEN_URL")
    SIGNUP_WEBHOOK_URL = os.environ.get("SIGNUP_WEBHOOK_URL")
    async def submit(email, request):
        data = {"fields": [{"name": "email", "value": email}], "context": {"pageName": "Registration"}}
        async with httpx.AsyncClient() as client:
            await client.post({url}, json=data)
    """


def test_a_whole_url_setting_naming_the_vendor_and_an_ingest_is_its_endpoint():
    assert_reports(SIGNUP.replace("{url}", "HUBSPOT_TRACKING_URL"),
                   ["LL001 email sent to HubSpot (HTTP API) {HUBSPOT_TRACKING_URL} in 'json'"])


def test_a_vendors_token_url_or_an_unnamed_webhook_is_not_a_sink():
    assert_reports(SIGNUP.replace("{url}", "HUBSPOT_TOKEN_URL"), [])
    assert_reports(SIGNUP.replace("{url}", "SIGNUP_WEBHOOK_URL"), [])
