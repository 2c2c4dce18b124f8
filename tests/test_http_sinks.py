"""Vendors' HTTP APIs as sinks: a request whose URL reaches a vendor endpoint has its body checked as a
payload; requests to any other address, or carrying ids only, stay quiet.  The last tests send the
flagged code's requests through the real `requests` and `httpx` with capturing transports."""

from __future__ import annotations

import json
import sys
import types
from textwrap import dedent

import libcst as cst
import pytest

from conftest import run_cli
from harness import _CHECKER, _source, assert_project_reports, assert_reports, relevant, reports
from leaklint.catalogue.endpoints import builtin
from leaklint.flow import Evaluator
from leaklint.resolve import Imports
from leaklint.walk import Walker

EMAIL_TO = "LL001 email sent to {} in '{}'"


def text_of(expression: str, setup: str = "") -> str | None:
    source = _source(setup)
    walker = Walker(_CHECKER.options, Imports(source.info), lambda *call: None)
    walker.run(source.module)
    return Evaluator(_CHECKER.options, walker.module_env).evaluate(cst.parse_expression(expression)).text


# -- what a value knows of its text --------------------------------------------------------------
@pytest.mark.parametrize("expression, setup, expected", [
    ('"https://api.mixpanel.com" "/track"', "", "https://api.mixpanel.com/track"),
    ('f"{settings.BRAZE_URL}/users/{user.pk}"', "from django.conf import settings", "{BRAZE_URL}/users/{pk}"),
    ('BASE + "/v1/track"', "BASE = 'https://api.segment.io'", "https://api.segment.io/v1/track"),
    ('"%s/api/%s" % (KLAVIYO, "profiles")', "", "{KLAVIYO}/api/profiles"),
    ('"{}/users/{uid}".format(BASE, uid=user_id)', "BASE = 'https://x.io'", "https://x.io/users/{user_id}"),
    ('urljoin(BASE, "users/track")', "from urllib.parse import urljoin\nBASE = 'https://rest.braze.com/'",
     "https://rest.braze.com/users/track"),
    ('urljoin(settings.HUBSPOT_API, "/crm/v3/objects/contacts")', "from django.conf import settings",
     "{HUBSPOT_API}/crm/v3/objects/contacts"),
    ('os.environ["HEAP_URL"].rstrip("/") + "/api/track"', "import os", "{HEAP_URL}/api/track"),
    ('url', "url = 'https://a.io'\nif flag:\n    url = 'https://b.io'", None),  # either: unknown
])
def test_text_of_strings(expression, setup, expected):
    assert text_of(expression, setup) == expected


def test_text_keeps_the_data_it_is_built_from():
    assert text_of('f"{BASE}/u/{user.email}"') == "{BASE}/u/{email}"
    assert reports('''
        import requests
        def send(user):
            requests.get(f"https://api.mixpanel.com/engage?email={user.email}")
    ''') == []  # the URL itself is not a body; what a query string carries is left to the body's params


# -- which URLs reach a vendor endpoint ----------------------------------------------------------
@pytest.mark.parametrize("url, vendor, path", [
    ("https://api.mixpanel.com/track?ip=1", "Mixpanel", "/track"),
    ("https://api-eu.mixpanel.com/engage/", "Mixpanel", "/engage"),
    ("https://api.segment.io/v1/batch", "Segment", "/v1/batch"),
    ("https://api2.amplitude.com/2/httpapi", "Amplitude", "/2/httpapi"),
    ("https://us.i.posthog.com/i/v0/e/", "PostHog", "/i/v0/e"),
    ("https://rest.fra-01.braze.eu/users/alias/new", "Braze", "/users/alias/new"),
    ("https://{REGION}.braze.com/canvas/trigger/send", "Braze", "/canvas/trigger/send"),
    ("https://api.hubapi.com/crm/v3/objects/contacts/{id}", "HubSpot", "/crm/v3/objects/contacts/{id}"),
    ("https://api.hsforms.com/submissions/v3/integration/submit/{portal}/{form}", "HubSpot",
     "/submissions/v3/integration/submit/{portal}/{form}"),
    ("https://api.intercom.io/contacts", "Intercom", "/contacts"),
    ("https://track.customer.io/api/v1/customers/{pk}/events", "Customer.io", "/api/v1/customers/{pk}/events"),
    ("https://a.klaviyo.com/api/profiles/", "Klaviyo", "/api/profiles"),
    ("https://api.iterable.com/api/events/track", "Iterable", "/api/events/track"),
    ("https://heapanalytics.com/api/add_user_properties", "Heap", "/api/add_user_properties"),
    # a base URL held by a name that names the vendor; the base may hold a prefix of the path
    ("{BRAZE_URL}/users/track", "Braze", "/users/track"),
    ("{SEGMENT_API_BASE}/track", "Segment", "/track"),
    ("{posthog_host}/capture/", "PostHog", "/capture"),
    ("https://posthog.example.org/batch", "PostHog", "/batch"),  # a self-hosted instance, named by its host
    ("{CUSTOMER_IO_TRACK_URL}/api/v2/entity", "Customer.io", "/api/v2/entity"),
    # a path built from parts unknown in the code: some endpoint of the vendor named by the base
    ("{BRAZE_URL}/{endpoint}", "Braze", "/{endpoint}"),
    ("https://api.intercom.io/{resource}/{id}", "Intercom", "/{resource}/{id}"),
    ("{MIXPANEL_API}/{kind}/", "Mixpanel", "/{kind}"),
    ("https://api.hubapi.com{path}", "HubSpot", "/{path}"),
])
def test_vendor_endpoints(url, vendor, path):
    found = builtin().match(url)
    assert found is not None and (found[0].vendor, found[1]) == (vendor, path)


@pytest.mark.parametrize("url", [
    "https://api.myapp.com/track",               # the application's own API
    "https://example.com/users/track",           # an unknown host
    "{API_URL}/users/track",                     # a base whose name says nothing
    "{BRAZE_URL}",                               # no path
    "https://rest.iad-01.braze.com/users/export/ids",  # the vendor, not an endpoint that takes data
    "https://api.segment.io/track",              # a known host wants the whole path
    "{HUBSPOT_URL}/oauth/v1/token",              # the vendor's sign-in, not its CRM
    "{API_URL}/{endpoint}",                      # a path unknown in the code, to an address that says nothing
    "/users/track",                              # no base at all
])
def test_other_addresses(url):
    assert builtin().match(url) is None


# -- the clients, and what a request carries -----------------------------------------------------
BRAZE = "Braze (HTTP API) /users/track"


@pytest.mark.parametrize("call", [
    'requests.post(f"{settings.BRAZE_URL}/users/track", json={"external_id": user.pk, "email": user.email})',
    'requests.request("POST", settings.BRAZE_URL + "/users/track", json={"email": user.email})',
    'requests.Session().post(urljoin(settings.BRAZE_URL, "/users/track"), json={"email": user.email})',
    'httpx.post("%s/users/track" % settings.BRAZE_URL, json={"email": user.email})',
    'httpx.Client().post("{}/users/track".format(settings.BRAZE_URL), json={"email": user.email})',
    'urllib3.PoolManager().request("POST", f"{settings.BRAZE_URL}/users/track", json={"email": user.email})',
])
def test_clients_sending_to_a_vendor(call):
    source = f'''
        import httpx, requests, urllib3
        from urllib.parse import urljoin
        from django.conf import settings
        def signup(user):
            {call}
    '''
    assert reports(source) == [EMAIL_TO.format(BRAZE, "json")]


def test_session_objects_and_async_clients():
    assert_reports('''
        import aiohttp, httpx, requests
        SEGMENT = "https://api.segment.io/v1"
        session = requests.session()
        def identify(user):
            session.post(SEGMENT + "/identify", data={"userId": user.pk, "traits": {"email": user.email}})
        async def capture(user):
            async with httpx.AsyncClient() as client:
                await client.post("https://eu.i.posthog.com/capture/", json={"properties": {"email": user.email}})
        async def track(user):
            async with aiohttp.ClientSession() as http:
                async with http.post("https://api.mixpanel.com/track", json={"email": user.email}):
                    pass
    ''', [EMAIL_TO.format("Segment (HTTP API) /v1/identify", "data"),
          EMAIL_TO.format("PostHog (HTTP API) /capture", "json"),
          EMAIL_TO.format("Mixpanel (HTTP API) /track", "json")])



def test_clients_made_with_a_base_url():
    assert_reports('''
        import httpx
        from django.conf import settings
        client = httpx.Client(base_url="https://api.segment.io/v1", headers={"Authorization": "Basic a2V5Og=="})
        def identify(user):
            client.post("/identify", json={"userId": user.pk, "traits": {"email": user.email}})
        async def contact(user):
            async with httpx.AsyncClient(base_url=settings.HUBSPOT_API_BASE) as hub:
                await hub.post("crm/v3/objects/contacts", json={"properties": {"email": user.email}})
        async def own(user):
            async with httpx.AsyncClient(base_url=settings.API_BASE) as api:
                await api.post("/v1/identify", json={"traits": {"email": user.email}})
    ''', [EMAIL_TO.format("Segment (HTTP API) /v1/identify", "json"),
          EMAIL_TO.format("HubSpot (HTTP API) /crm/v3/objects/contacts", "json")])


def test_urllib_requests_and_encoded_bodies():
    assert_reports('''
        import json
        import urllib.request
        from urllib.parse import urlencode
        def profile(user):
            body = json.dumps({"data": {"attributes": {"email": user.email}}}).encode()
            urllib.request.urlopen(urllib.request.Request("https://a.klaviyo.com/api/profiles/", data=body))
        def submit(user):
            urllib.request.urlopen("https://api.iterable.com/api/users/update", urlencode({"email": user.email}).encode())
    ''', [EMAIL_TO.format("Klaviyo (HTTP API) /api/profiles", "data"),
          EMAIL_TO.format("Iterable (HTTP API) /api/users/update", "data")])


def test_query_parameters_and_other_kinds():
    assert_reports('''
        import requests
        HEAP = "https://heapanalytics.com"
        def track(user, request):
            requests.get(HEAP + "/api/track", params={"identity": user.pk, "name": user.get_full_name()})
            requests.post(HEAP + "/api/add_user_properties", json={"properties": {"ip": request.META["REMOTE_ADDR"]}})
    ''', ["LL002 person name sent to Heap (HTTP API) /api/track in 'params'",
          "LL005 IP address sent to Heap (HTTP API) /api/add_user_properties in 'json'"])



def test_files_importing_an_http_client_and_naming_a_vendor_are_analysed():
    assert relevant("import requests\nURL = 'https://api.segment.io/v1/track'\n")
    assert relevant("from httpx import AsyncClient\nbase = settings.BRAZE_URL\n")
    assert relevant("import aiohttp\nhost = posthog_host\n")
    # Most modules importing an HTTP client talk to anything but a vendor's API.
    assert not relevant("import requests\nrequests.get('https://example.com/status')\n")
    assert not relevant("from typing import Iterable\nimport httpx\n")
    assert not relevant("from urllib.parse import urlencode\n")  # nearly every module: left to other imports


def test_near_misses_stay_quiet():
    assert_reports('''
        import httpx, requests
        from django.conf import settings
        def ids_only(user):
            requests.post(f"{settings.BRAZE_URL}/users/track", json={"external_id": user.pk, "plan": user.plan})
        def own_api(user):
            requests.post(f"{settings.API_URL}/users/track", json={"email": user.email})
            httpx.post("https://api.myapp.com/v1/identify", json={"email": user.email})
        def vendor_sign_in(account):
            requests.post(f"{settings.HUBSPOT_URL}/oauth/v1/token", data={"client_secret": account.secret})
        def headers_are_for_the_vendor(user):
            requests.post("https://api.intercom.io/events", headers={"Authorization": f"Bearer {settings.INTERCOM_TOKEN}"},
                          json={"user_id": user.pk, "event_name": "signed-up"})
    ''', [])


def test_a_body_built_as_text_is_reported_without_an_automatic_fix():
    from leaklint.api import check_text

    findings = check_text(dedent('''
        import json, requests
        def track(user):
            requests.post("https://api.segment.io/v1/track", data=json.dumps({"email": user.email}))
            requests.post("https://api.segment.io/v1/track", json={"email": user.email})
    ''').lstrip())
    assert [(f.line, f.code, f.fixable) for f in findings] == [(3, "LL001", ""), (4, "LL001", "safe")]


def test_a_helper_posting_to_a_vendor_is_a_derived_sink():
    assert_project_reports({
        "app.braze": '''
            import requests
            from django.conf import settings
            def track(attributes):
                requests.post(f"{settings.BRAZE_REST_ENDPOINT}/users/track", json={"attributes": attributes})
        ''',
        "app.views": '''
            from app.braze import track
            def signup(user):
                track({"external_id": user.pk, "email": user.email})
            def upgraded(user):
                track({"external_id": user.pk, "plan": user.plan})
        ''',
    }, {"app.views": [EMAIL_TO.format(f"{BRAZE} via braze.track(attributes)", "attributes")]})



def test_a_client_class_with_its_base_url_and_a_generic_request_method():
    assert_project_reports({
        "app.vendors": '''
            import requests
            from django.conf import settings

            class Braze:
                def __init__(self):
                    self.base = settings.BRAZE_URL

                def request(self, endpoint, payload):
                    return requests.post(f"{self.base}/{endpoint}", json=payload)

            class HubSpot:
                api = "https://api.hubapi.com"

                def send(self, path, data):
                    return requests.post(self.api + path, json=data)

                def contact(self, user):
                    self.send("/crm/v3/objects/contacts", {"properties": {"email": user.email}})
        ''',
        "app.views": '''
            from app.vendors import Braze
            def signup(user):
                Braze().request("users/track", {"attributes": {"email": user.email}, "external_id": user.pk})
            def upgraded(user):
                Braze().request("users/track", {"external_id": user.pk, "plan": user.plan})
        ''',
    }, {"app.vendors": [EMAIL_TO.format("HubSpot (HTTP API) /{path} via vendors.HubSpot.send(data)", "data")],
        "app.views": [EMAIL_TO.format("Braze (HTTP API) /{endpoint} via vendors.Braze.request(payload)", "payload")]})



def test_a_base_url_constant_of_another_module():
    assert_project_reports({
        "app.constants": '''
            EVENTS_API = "https://api.segment.io/v1"
            OWN_API = "https://api.myapp.com/v1"
        ''',
        "app.views": '''
            import requests
            from app.constants import EVENTS_API, OWN_API
            def signup(user):
                requests.post(EVENTS_API + "/identify", json={"userId": user.pk, "traits": {"email": user.email}})
                requests.post(OWN_API + "/identify", json={"userId": user.pk, "traits": {"email": user.email}})
        ''',
    }, {"app.views": [EMAIL_TO.format("Segment (HTTP API) /v1/identify", "json")]})


# -- the model is true: the real clients send what was flagged, and the near miss sends none -----
USER = types.SimpleNamespace(pk=42, email="jane.doe@example.com", plan="pro")
BRAZE_BASE = "https://rest.iad-01.braze.com"

REQUESTS_APP = '''
    import requests
    from appconf import conf

    def signup(user):
        requests.post(f"{conf.BRAZE_URL}/users/track", json={"external_id": user.pk, "email": user.email})

    def upgraded(user):
        requests.post(f"{conf.BRAZE_URL}/users/track", json={"external_id": user.pk, "plan": user.plan})
'''

HTTPX_APP = '''
    import httpx
    from appconf import conf

    def signup(user):
        with httpx.Client() as client:
            client.post(conf.SEGMENT_URL + "/v1/identify", json={"userId": user.pk, "traits": {"email": user.email}})

    def upgraded(user):
        with httpx.Client() as client:
            client.post(conf.SEGMENT_URL + "/v1/identify", json={"userId": user.pk, "traits": {"plan": user.plan}})
'''


@pytest.fixture
def app(tmp_path, monkeypatch):
    """Write an app, and import it fresh (with its settings) each time it is asked for."""
    monkeypatch.setitem(sys.modules, "appconf", types.SimpleNamespace(conf=types.SimpleNamespace(
        BRAZE_URL=BRAZE_BASE, SEGMENT_URL="https://api.segment.io")))
    monkeypatch.syspath_prepend(str(tmp_path))
    path = tmp_path / "app_http.py"

    def load(text: str | None = None):
        if text is not None:
            path.write_text(dedent(text).lstrip(), encoding="utf-8")
        sys.modules.pop("app_http", None)
        return __import__("app_http")
    yield path, load
    sys.modules.pop("app_http", None)


@pytest.fixture
def sent_by_requests(monkeypatch):
    """Every request `requests` would send, recorded by a transport adapter instead of the network."""
    import requests

    sent: list = []

    class Recording(requests.adapters.HTTPAdapter):
        def send(self, request, **kwargs):
            sent.append(request)
            response = requests.Response()
            response.status_code, response.request, response._content = 201, request, b"{}"
            return response
    monkeypatch.setattr(requests.sessions, "HTTPAdapter", Recording)
    return sent


@pytest.fixture
def sent_by_httpx(monkeypatch):
    """Every request an `httpx.Client` would send, answered by `httpx.MockTransport`."""
    import httpx

    sent: list = []
    transport = httpx.MockTransport(lambda request: (sent.append(request), httpx.Response(200, json={}))[1])
    original = httpx.Client.__init__
    monkeypatch.setattr(httpx.Client, "__init__", lambda self, *a, **kw: original(self, *a, transport=transport, **kw))
    return sent


def test_requests_really_sends_the_flagged_email_to_the_vendor(app, sent_by_requests):
    path, load = app
    module = load(REQUESTS_APP)
    assert reports(REQUESTS_APP) == [EMAIL_TO.format(BRAZE, "json")]
    module.signup(USER)
    module.upgraded(USER)
    leak, near_miss = sent_by_requests
    assert leak.url == f"{BRAZE_BASE}/users/track" and USER.email in leak.body.decode()
    assert near_miss.url == f"{BRAZE_BASE}/users/track" and USER.email not in near_miss.body.decode()

    fixed = run_cli("check", path.name, "--fix", cwd=path.parent)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    load().signup(USER)
    after = json.loads(sent_by_requests[-1].body)
    assert USER.email not in json.dumps(after) and after["external_id"] == USER.pk


def test_httpx_really_sends_the_flagged_email_to_the_vendor(app, sent_by_httpx):
    path, load = app
    module = load(HTTPX_APP)
    assert reports(HTTPX_APP) == [EMAIL_TO.format("Segment (HTTP API) /v1/identify", "json")]
    module.signup(USER)
    module.upgraded(USER)
    leak, near_miss = sent_by_httpx
    assert (leak.url.host, leak.url.path) == ("api.segment.io", "/v1/identify")
    assert USER.email in leak.content.decode() and USER.email not in near_miss.content.decode()

    fixed = run_cli("check", path.name, "--fix", cwd=path.parent)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    load().signup(USER)
    after = json.loads(sent_by_httpx[-1].content)
    assert USER.email not in json.dumps(after) and after["userId"] == USER.pk


def test_a_changed_base_url_constant_is_seen_by_a_run_reusing_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    root = tmp_path / "proj"
    (root / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text("")
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "consts.py").write_text('SEGMENT_API = "https://api.segment.io/v1"\n')
    (root / "app" / "views.py").write_text(
        "import requests\n\nfrom app.consts import SEGMENT_API\n\n\ndef view(user):\n"
        "    requests.post(f'{SEGMENT_API}/identify', json={'traits': {'email': user.email}})\n")
    assert "Segment (HTTP API)" in run_cli("check", ".", cwd=root).stdout
    (root / "app" / "consts.py").write_text('SEGMENT_API = "https://internal.example.com/v1"\n')
    again = run_cli("check", "app/consts.py", "app/views.py", cwd=root)
    assert again.returncode == 0 and "Segment" not in again.stdout, again.stdout


def test_a_format_field_written_with_a_non_ascii_digit_is_no_crash():
    assert_reports("""
        import requests
        def f(user, base):
            requests.post("https://api.segment.io/{\u00b2}/track".format(base), json={"traits": {"plan": user.plan}})
        """, [])
