"""Sinks and object models checked against the real packages: the code leaklint flags really sends the person's
email or name when run with the SDK's transport captured, and the near miss it leaves quiet sends neither.
Nothing reaches the network: each SDK's HTTP layer (or its delivery, or its collector client) is replaced.
Klaviyo, Heap (the unofficial `heapapi`; Heap has no official Python package), New Relic, Bugsnag, Sentry
scope callbacks given a project function, and LaunchDarkly clients whose config keeps attributes private."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest

from conftest import codes
from test_real_sdks import User
from test_real_sdks_models import launchdarkly_options, load, sentry_sends

SECRETS = ("jane.doe@example.com", "Jane Doe")


# -- Klaviyo: urllib3's pool manager answers each request instead of the network -----------------------------
KLAVIYO = {
    "leak": """
        from klaviyo_api import KlaviyoAPI

        klaviyo = KlaviyoAPI("pk_test", max_delay=0, max_retries=0)

        def run(user):
            klaviyo.Profiles.create_profile_import({"data": {"type": "profile", "attributes": {
                "email": user.email, "properties": {"plan": user.plan}}}})
            klaviyo.Profiles.subscribe_profiles({"data": {
                "type": "profile-subscription-bulk-create-job",
                "attributes": {"profiles": {"data": [{"type": "profile", "attributes": {
                    "email": user.email, "subscriptions": {"email": {"marketing": {"consent": "SUBSCRIBED"}}}}}]}},
                "relationships": {"list": {"data": {"type": "list", "id": "Y6nRLr"}}}}})
    """,
    "quiet": """
        from klaviyo_api import KlaviyoAPI

        klaviyo = KlaviyoAPI("pk_test", max_delay=0, max_retries=0)

        def run(user):
            klaviyo.Profiles.create_profile_import({"data": {"type": "profile", "attributes": {
                "external_id": str(user.pk), "properties": {"plan": user.plan}}}})
            klaviyo.Events.create_event({"data": {"type": "event", "attributes": {
                "properties": {"plan": user.plan},
                "metric": {"data": {"type": "metric", "attributes": {"name": "Signed Up"}}},
                "profile": {"data": {"type": "profile", "attributes": {"external_id": str(user.pk)}}}}}})
    """,
}


def klaviyo_sends(module, monkeypatch) -> str:
    import urllib3

    sent: list[str] = []

    class Answer:  # what Klaviyo answers: a created profile, or 202 with no body for an event
        reason, headers = "OK", {"content-type": "application/vnd.api+json"}

        def __init__(self, url: str):
            profile = {"type": "profile", "id": "01H", "attributes": {}, "links": {"self": url}}
            self.status, self.data = (201, json.dumps({"data": profile}).encode()) if url.endswith("/profile-import") \
                else (202, b"")

        def getheaders(self):
            return self.headers

        def getheader(self, name, default=None):
            return self.headers.get(name.lower(), default)

    def request(self, method, url, **kwargs):
        sent.append(f"{method} {url} {kwargs.get('body')}")
        return Answer(url)

    monkeypatch.setattr(urllib3.PoolManager, "request", request)
    module.run(User())
    return "\n".join(sent)


# -- Heap (heapapi): a requests transport adapter records each request ---------------------------------------
HEAP = {
    "leak": """
        from heapapi import HeapAPIClient

        heap = HeapAPIClient("app-id")

        def run(user):
            heap.track(user.email, "Signed Up", {"plan": user.plan})
            heap.add_user_properties(str(user.pk), {"name": user.name, "plan": user.plan})
    """,
    "quiet": """
        from heapapi import HeapAPIClient

        heap = HeapAPIClient("app-id")

        def run(user):
            heap.track(str(user.pk), "Signed Up", {"plan": user.plan})
            heap.add_user_properties(str(user.pk), {"plan": user.plan})
    """,
}


def heap_sends(module, monkeypatch) -> str:
    import requests

    sent: list[str] = []

    class Recording(requests.adapters.HTTPAdapter):
        def send(self, request, **kwargs):
            sent.append(f"{request.method} {request.url} {request.body}")
            response = requests.Response()
            response.status_code, response.request, response._content = 200, request, b""
            return response

    monkeypatch.setattr(requests.sessions, "HTTPAdapter", Recording)
    module.run(User())
    assert all("heapanalytics.com/api/" in line for line in sent), sent
    return "\n".join(sent)


# -- Bugsnag: a delivery keeps each payload ------------------------------------------------------------------
BUGSNAG = {
    "leak": """
        import bugsnag

        def run(user):
            def tag(event):
                event.add_tab("account", {"name": user.name, "plan": user.plan})
            bugsnag.before_notify(tag)
            try:
                raise RuntimeError("checkout failed")
            except RuntimeError as exc:
                bugsnag.notify(exc, user={"id": str(user.pk), "email": user.email})
    """,
    "quiet": """
        import bugsnag

        def run(user):
            def tag(event):
                event.add_tab("account", {"plan": user.plan})
            bugsnag.before_notify(tag)
            try:
                raise RuntimeError("checkout failed")
            except RuntimeError as exc:
                bugsnag.notify(exc, user={"id": str(user.pk)})
    """,
}

BUGSNAG_CALLBACK_APP = """
    import bugsnag

    SIGNED_IN = {{}}

    def tag(event):
        user = SIGNED_IN["user"]
        event.user = {user_sent}

    bugsnag.before_notify(tag)

    def run(user):
        SIGNED_IN["user"] = user
        try:
            raise RuntimeError("checkout failed")
        except RuntimeError as exc:
            bugsnag.notify(exc, metadata={{"account": {{"plan": user.plan}}}})
"""
BUGSNAG_CALLBACK = {  # the person is set on the event by a callback only
    "leak": BUGSNAG_CALLBACK_APP.format(user_sent='{"id": str(user.pk), "email": user.email}'),
    "quiet": BUGSNAG_CALLBACK_APP.format(user_sent='{"id": str(user.pk)}'),
}


def bugsnag_sends(module, monkeypatch) -> str:
    import bugsnag
    from bugsnag.delivery import Delivery
    from bugsnag.middleware import SimpleMiddleware

    sent: list[str] = []

    class Capturing(Delivery):
        def deliver(self, config, payload, options=None):
            sent.append(payload if isinstance(payload, str) else json.dumps(payload))

    middleware = bugsnag.legacy.configuration.middleware
    # The callbacks the other apps of these tests registered (on import, or in an earlier run) are taken out.
    kept = [m for m in middleware.stack if not isinstance(m, SimpleMiddleware) or m.before is None
            or not m.before.__module__.startswith(("leak_", "quiet_")) or m.before.__module__ == module.__name__]
    monkeypatch.setattr(middleware, "stack", kept)
    bugsnag.configure(api_key="0" * 32, delivery=Capturing(), asynchronous=False, auto_capture_sessions=False)
    module.run(User())
    return "\n".join(sent)


# -- Sentry: a project function handed to configure_scope --------------------------------------------------
SENTRY_CALLBACK = {
    "leak": """
        import sentry_sdk

        def run(user):
            def tag(scope):
                scope.set_user({"id": str(user.pk), "email": user.email})
                scope.set_tag("plan", user.plan)
            sentry_sdk.configure_scope(tag)
            sentry_sdk.capture_message("checkout failed")
    """,
    "quiet": """
        import sentry_sdk

        def run(user):
            def tag(scope):
                scope.set_user({"id": str(user.pk)})
                scope.set_tag("plan", user.plan)
            sentry_sdk.configure_scope(tag)
            sentry_sdk.capture_message("checkout failed")
    """,
}


# -- LaunchDarkly: the client's own config decides what its event formatter leaves out ----------------------
CONTEXT = 'Context.builder(str(user.pk)).name(user.name).set("email", user.email).set("plan", user.plan).build()'
LD_SHARED = {
    "leak": f"""
        import ldclient
        from ldclient import Config, Context

        def setup(**test_options):
            ldclient.set_config(Config("sdk-key", **test_options))

        def run(user):
            ldclient.get().variation("new-checkout", {CONTEXT}, False)
    """,
    "quiet": f"""
        import ldclient
        from ldclient import Config, Context

        def setup(**test_options):
            ldclient.set_config(Config("sdk-key", all_attributes_private=True, **test_options))

        def run(user):
            ldclient.get().variation("new-checkout", {CONTEXT}, False)
    """,
}
LD_CLIENT = {
    "leak": f"""
        from ldclient import Config, Context, LDClient

        def run(user, **test_options):
            client = LDClient(Config("sdk-key", private_attributes=["plan"], **test_options))
            client.identify({CONTEXT})
            client.close()
    """,
    "quiet": f"""
        from ldclient import Config, Context, LDClient

        def run(user, **test_options):
            client = LDClient(Config("sdk-key", private_attributes=["email", "/name"], **test_options))
            client.identify({CONTEXT})
            client.close()
    """,
}


def ld_shared_sends(module, monkeypatch) -> str:
    sent: list = []
    module.setup(**launchdarkly_options(sent))
    module.run(User())
    return json.dumps(sent)


def ld_client_sends(module, monkeypatch) -> str:
    sent: list = []
    module.run(User(), **launchdarkly_options(sent))
    return json.dumps(sent)


SDKS = {"klaviyo": (KLAVIYO, klaviyo_sends), "heap": (HEAP, heap_sends), "bugsnag": (BUGSNAG, bugsnag_sends),
        "bugsnag callback": (BUGSNAG_CALLBACK, bugsnag_sends),
        "sentry callback": (SENTRY_CALLBACK, lambda module, _: sentry_sends(module)),
        "launchdarkly shared client": (LD_SHARED, ld_shared_sends),
        "launchdarkly client": (LD_CLIENT, ld_client_sends)}


@pytest.mark.parametrize("sdk", sorted(SDKS))
def test_what_is_flagged_is_sent_and_the_near_miss_sends_nothing(tmp_path, monkeypatch, sdk):
    apps, sends = SDKS[sdk]
    name = sdk.replace(" ", "_")
    assert codes(dedent(apps["leak"])), f"leaklint must flag the {sdk} leak"
    sent = sends(load(tmp_path, f"leak_{name}", apps["leak"], monkeypatch), monkeypatch)
    assert any(secret in sent for secret in SECRETS), f"the flagged {sdk} code must really send PII: {sent}"

    assert codes(dedent(apps["quiet"])) == []
    sent = sends(load(tmp_path, f"quiet_{name}", apps["quiet"], monkeypatch), monkeypatch)
    assert "pro" in sent or "42" in sent, f"the near miss must still send something, or this proves nothing: {sent}"
    for secret in SECRETS:
        assert secret not in sent, f"{secret!r} reaches {sdk}: {sent}"


# -- New Relic: the agent in developer mode, its collector client recording each payload --------------------
# Run in a child process: the agent, once initialised, instruments what the process imports after it.
NEW_RELIC = {
    "leak": """
        import newrelic.agent

        def run(user):
            newrelic.agent.add_custom_span_attribute("customer_email", user.email)
            newrelic.agent.current_transaction().record_custom_event("SignUp", {"name": user.name, "plan": user.plan})
    """,
    "quiet": """
        import newrelic.agent

        def run(user):
            newrelic.agent.add_custom_attribute("customer_id", user.pk)
            newrelic.agent.record_custom_event("SignUp", {"plan": user.plan})
            newrelic.agent.set_user_id(str(user.pk))
    """,
}

NEW_RELIC_RUNNER = """
import gzip, json, sys, zlib
from newrelic.common import agent_http

sent = []
answer = agent_http.DeveloperModeClient.send_request

def record(self, method="POST", path="", params=None, headers=None, payload=None):
    if payload:
        for unpack in (gzip.decompress, zlib.decompress, bytes):
            try:
                sent.append(unpack(payload).decode("utf-8"))
                break
            except Exception:
                continue
    return answer(self, method, path, params, headers, payload)

agent_http.DeveloperModeClient.send_request = record
import newrelic.agent
newrelic.agent.initialize()
application = newrelic.agent.register_application(timeout=10)
sys.path.insert(0, ".")
from test_real_sdks import User
app = __import__(sys.argv[1])
newrelic.agent.background_task(application=application, name="signup")(app.run)(User())
newrelic.agent.shutdown_agent(timeout=10)
print(json.dumps(sent))
"""


def new_relic_sends(tmp_path, name: str, source: str) -> str:
    (tmp_path / f"{name}.py").write_text(dedent(source).lstrip(), encoding="utf-8")
    (tmp_path / "runner.py").write_text(NEW_RELIC_RUNNER, encoding="utf-8")
    env = {"NEW_RELIC_DEVELOPER_MODE": "true", "NEW_RELIC_LICENSE_KEY": "0" * 40, "NEW_RELIC_APP_NAME": "leak-test",
           "NEW_RELIC_LOG": "stderr", "NEW_RELIC_LOG_LEVEL": "error", "PYTHONPATH": str(Path(__file__).parent)}
    done = subprocess.run([sys.executable, "runner.py", name], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, env={**_environment(), **env})
    assert done.returncode == 0, done.stderr
    return "\n".join(json.loads(done.stdout.splitlines()[-1]))


def _environment() -> dict:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("NEW_RELIC_")}


def test_new_relic_sends_what_is_flagged_and_the_near_miss_sends_nothing(tmp_path):
    assert codes(dedent(NEW_RELIC["leak"])) == ["LL001", "LL002"]
    sent = new_relic_sends(tmp_path, "leak_newrelic", NEW_RELIC["leak"])
    assert "jane.doe@example.com" in sent and "Jane Doe" in sent, sent

    assert codes(dedent(NEW_RELIC["quiet"])) == []
    sent = new_relic_sends(tmp_path, "quiet_newrelic", NEW_RELIC["quiet"])
    assert '"plan":"pro"' in sent and '"enduser.id":"42"' in sent, sent
    for secret in SECRETS:
        assert secret not in sent
