"""End to end with the real SDKs: leaky apps are fixed by `leaklint check --fix`, then run with each SDK's
transport captured; what would have left the process must carry no email, name or org id."""

from __future__ import annotations

import importlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from textwrap import dedent

import pytest

from conftest import run_cli


@dataclass
class User:
    pk: int = 42
    email: str = "jane.doe@example.com"
    name: str = "Jane Doe"
    first_name: str = "Jane"
    company: str = "Acme Corp"
    org_id: str = "org_8812"
    plan: str = "pro"


SECRETS = ("jane.doe@example.com", "Jane Doe", "Jane", "Acme Corp", "org_8812")

APPS = {
    "mixpanel": """
        from mixpanel import Mixpanel

        CAPTURED = []


        class CapturingConsumer:
            def send(self, endpoint, json_message, api_key=None, api_secret=None):
                CAPTURED.append(json_message)


        mp = Mixpanel("project-token", consumer=CapturingConsumer())


        def signup(user):
            mp.track(str(user.pk), "Signed Up", {"email": user.email, "name": user.name,
                                                  "company_name": user.company, "plan": user.plan})
            mp.people_set(str(user.pk), {"$email": user.email, "$first_name": user.first_name, "seats": 3})
    """,
    "segment": """
        from segment import analytics

        analytics.write_key = "write-key"
        analytics.send = False  # the client returns each message instead of queueing it


        def signup(user):
            traits = {"plan": user.plan}
            traits["email"] = user.email
            analytics.identify(str(user.pk), traits)
            analytics.track(str(user.pk), "Signed Up", properties={"org_id": user.org_id, "rows": 3})
    """,
    "posthog": """
        from posthog import Posthog

        CAPTURED = []


        def capture(message):  # the SDK's last hook before queueing: what would be sent
            CAPTURED.append(dict(message))
            return message


        ph = Posthog("phc_project", send=False, before_send=capture)


        def signup(user):
            ph.capture("Signed Up", distinct_id=str(user.pk),
                       properties={"name": user.name, "company_name": user.company, "plan": user.plan})
            ph.set(distinct_id=str(user.pk), properties={"email": user.email, "seats": 3})
    """,
}


def run_app(folder: Path, sdk: str, monkeypatch) -> str:
    """Import the app fresh, run signup(), and return everything its SDK would have sent, as text."""
    name = f"app_{sdk}"
    sys.modules.pop(name, None)
    monkeypatch.syspath_prepend(str(folder))
    sent: list = []
    if sdk == "segment":
        from segment.analytics.client import Client

        original = Client._enqueue

        def capture(self, msg):
            ok, message = original(self, msg)
            sent.append(message)
            return ok, message

        monkeypatch.setattr(Client, "_enqueue", capture)
    module = importlib.import_module(name)
    try:
        module.signup(User())
        if sdk != "segment":
            sent = [json.loads(m) if isinstance(m, str) else m for m in module.CAPTURED]
        return json.dumps(sent, default=str)
    finally:
        sys.modules.pop(name, None)
        if sdk == "posthog":
            module.ph.shutdown()


@pytest.mark.parametrize("sdk", sorted(APPS))
def test_fixed_app_sends_no_pii(tmp_path, monkeypatch, sdk):
    path = tmp_path / f"app_{sdk}.py"
    path.write_text(dedent(APPS[sdk]).lstrip(), encoding="utf-8")

    before = run_app(tmp_path, sdk, monkeypatch)
    assert any(secret in before for secret in SECRETS), "the unfixed app must leak, or this test proves nothing"

    fixed = run_cli("check", path.name, "--fix", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "from leaklint_scrub import scrub" in path.read_text(encoding="utf-8")

    after = run_app(tmp_path, sdk, monkeypatch)
    for secret in SECRETS:
        assert secret not in after, f"{secret!r} still reaches {sdk}: {after}"
    for kept in ('"plan"', '"pro"') if sdk != "mixpanel" else ('"plan"', '"pro"', '"seats"'):
        assert kept in after, f"non-PII {kept} lost: {after}"
    assert run_cli("check", path.name, cwd=tmp_path).returncode == 0
