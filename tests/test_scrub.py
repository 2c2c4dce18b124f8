"""The runtime scrubber: what it removes, what it keeps, and that it never raises or mutates."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leaklint.pii import EMAIL_RE
from leaklint.scrub import (MARKER, AmplitudeScrubPlugin, PseudonymKeyError, ScrubbingConsumer, posthog_before_send,
                            pseudonymize, scrub, sentry_before_send)


def test_pii_keys_are_redacted_and_the_rest_kept():
    payload = {"email": "jane@example.com", "$first_name": "Jane", "plan": "pro", "seats": 3, "verified": True,
               "nested": {"company_name": "Acme", "rows": [1, 2]}, "note": "call +44 20 7946 0958 from 10.0.0.1"}
    out = scrub(payload)
    assert out == {"email": MARKER, "$first_name": MARKER, "plan": "pro", "seats": 3, "verified": True,
                   "nested": {"company_name": MARKER, "rows": [1, 2]}, "note": f"call {MARKER} from {MARKER}"}


def test_drop_and_custom_marker():
    assert scrub({"email": "a@b.co", "plan": "x"}, drop=True) == {"plan": "x"}
    assert scrub({"email": "a@b.co"}, marker="<pii>") == {"email": "<pii>"}


def test_descriptors_are_not_pii():
    payload = {"email_verified": True, "email_count": 2, "file_name": "export.csv", "event_name": "x"}
    assert scrub(payload) == payload


def test_cycles_and_shared_containers_keep_their_shape():
    inner = {"email": "a@b.co"}
    payload = {"a": inner, "b": inner}
    payload["self"] = payload
    out = scrub(payload)
    assert out["a"] is out["b"] and out["self"] is out and out["a"] == {"email": MARKER}


def test_deep_nesting_does_not_overflow():
    deep: list = []
    node = deep
    for _ in range(100_000):
        node.append([])
        node = node[0]
    node.append("jane@example.com")
    out = scrub(deep)
    for _ in range(100_000):
        out = out[0]
    assert out == [MARKER]


def test_tuples_sets_and_other_objects():
    marker_obj = object()
    out = scrub({"t": ("a@b.co", 1), "s": frozenset({"x@y.io"}), "o": marker_obj, "n": None})
    assert out == {"t": (MARKER, 1), "s": frozenset({MARKER}), "o": marker_obj, "n": None}


def test_fails_closed_without_raising(caplog):
    class Exploding(dict):
        def items(self):
            raise RuntimeError("boom")

    assert scrub(Exploding(a=1)) == {}
    assert "leaklint.scrub failed" in caplog.text


def test_pseudonymize_is_keyed_and_stable(monkeypatch):
    monkeypatch.delenv("LEAKLINT_PSEUDONYM_KEY", raising=False)
    with pytest.raises(PseudonymKeyError, match="LEAKLINT_PSEUDONYM_KEY"):
        pseudonymize("jane@example.com")
    monkeypatch.setenv("LEAKLINT_PSEUDONYM_KEY", "k1")
    first = pseudonymize("jane@example.com")
    assert first == pseudonymize("jane@example.com") and len(first) == 64
    assert first != pseudonymize("jane@example.com", key="k2")
    assert "jane" not in first


def test_importing_the_scrubber_does_not_import_the_linter():
    code = "import sys, leaklint.scrub; print(sorted(m for m in sys.modules if m.startswith(('libcst', 'leaklint'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['leaklint', 'leaklint.pii', 'leaklint.scrub']"


def test_sentry_and_posthog_hooks():
    event = {"user": {"id": "42", "email": "a@b.co", "ip_address": "1.2.3.4"}, "message": "hi a@b.co"}
    assert sentry_before_send(event, {}) == {"user": {"id": "42", "email": MARKER, "ip_address": MARKER},
                                             "message": f"hi {MARKER}"}
    message = {"event": "Signed Up", "distinct_id": "42", "properties": {"email": "a@b.co", "plan": "pro"}}
    assert posthog_before_send(message)["properties"] == {"email": MARKER, "plan": "pro"}
    assert posthog_before_send(message)["distinct_id"] == "42"


def test_mixpanel_consumer_wrapper_with_the_real_sdk():
    from mixpanel import Mixpanel

    sent = []

    class Capture:
        def send(self, endpoint, json_message, api_key=None, api_secret=None):
            sent.append((endpoint, json.loads(json_message)))

    mp = Mixpanel("project-token", consumer=ScrubbingConsumer(Capture()))
    mp.track("42", "Signed Up", {"email": "a@b.co", "plan": "pro"})
    mp.people_set("42", {"$email": "a@b.co", "$name": "Jane Doe", "seats": 3})
    (track_endpoint, track), (engage_endpoint, engage) = sent
    assert track_endpoint == "events" and track["properties"]["token"] == "project-token"
    assert track["properties"]["email"] == MARKER and track["properties"]["plan"] == "pro"
    assert engage_endpoint == "people" and engage["$set"] == {"$email": MARKER, "$name": MARKER, "seats": 3}


def test_amplitude_plugin_with_the_real_sdk(monkeypatch):
    from amplitude import Amplitude, BaseEvent
    from amplitude.http_client import HttpStatus, Response

    sent = []

    def capture(url, payload, header=None):  # the SDK's transport, captured: nothing leaves the process
        sent.append(json.loads(payload))
        response = Response()
        response.code, response.status = 200, HttpStatus.SUCCESS
        return response

    monkeypatch.setattr("amplitude.worker.HttpClient.post", staticmethod(capture))
    client = Amplitude("api-key")
    client.add(AmplitudeScrubPlugin())
    client.track(BaseEvent(event_type="x", user_id="42", ip="1.2.3.4",
                           user_properties={"email": "a@b.co", "plan": "pro"}))
    for future in client.flush():
        if future is not None:
            future.result(timeout=10)
    client.shutdown()
    [event] = [e for batch in sent for e in batch["events"]]
    assert event["user_properties"] == {"email": MARKER, "plan": "pro"} and "ip" not in event


emails = st.from_regex(r"[a-z]{1,8}(\.[a-z]{1,5})?@[a-z]{1,8}\.(com|org|io|co\.uk)", fullmatch=True)
leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20),
                   emails, st.builds(lambda a, e, b: f"{a} {e} {b}", st.text(max_size=8), emails, st.text(max_size=8)))
keys = st.one_of(st.text(max_size=10), st.sampled_from(["email", "name", "plan", "ip", "count", "user"]), emails)
payloads = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.tuples(inner, inner), st.dictionaries(keys, inner, max_size=4)), max_leaves=25)


def _strings(value, seen=None):
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k, seen)
            yield from _strings(v, seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            yield from _strings(v, seen)


@given(payloads)
def test_property_never_raises_never_mutates_and_removes_emails(payload):
    before = copy.deepcopy(payload)
    out = scrub(payload)
    assert payload == before or (payload != payload)  # float NaN never generated; equality is exact
    for text in _strings(out):
        assert not EMAIL_RE.search(text), text
