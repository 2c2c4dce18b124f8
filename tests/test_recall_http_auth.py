"""A vendor's own key in the body field its HTTP API authenticates by is meant for the vendor; any other
credential, or personal data, sent in the same body still is a leak."""

from __future__ import annotations

from harness import assert_project_reports, assert_reports

CLIENT = """
    import requests
    class Client:
        def __init__(self, api_key):
            self.api_key = api_key
            self.url = "https://api2.amplitude.com/2/httpapi"
        def _payload(self, events):
            return {"api_key": self.api_key, "events": [e.__dict__ for e in events]}
        def send(self, event):
            requests.post(self.url, json=self._payload([event]), timeout=5)
    """


def test_the_vendors_key_in_its_auth_field_is_not_a_credential_leak():
    assert_project_reports({"app.analytics": CLIENT}, {})


def test_another_credential_or_personal_data_beside_the_key_is_reported():
    assert_reports("""
        import requests
        def send(api_key, user):
            requests.post("https://api2.amplitude.com/2/httpapi",
                          json={"api_key": api_key, "events": [{"password": user.password}]})
            requests.post("https://api2.amplitude.com/2/httpapi",
                          json={"api_key": api_key, "events": [{"user_id": user.email}]})
        """, ["LL006 credential sent to Amplitude (HTTP API) /2/httpapi in 'json'",
              "LL001 email sent to Amplitude (HTTP API) /2/httpapi in 'json'"])


def test_a_vendor_declaring_no_auth_field_still_reports_a_key_in_the_body():
    assert_reports("""
        import requests
        def send(api_key, user):
            requests.post("https://rest.iad-01.braze.com/users/track", json={"api_key": api_key})
        """, ["LL006 credential sent to Braze (HTTP API) /users/track in 'json'"])
