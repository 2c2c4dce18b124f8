"""Runtime scrubbing of analytics payloads (standard library only; imported by applications).

    from leaklint.scrub import scrub, pseudonymize

    mp.track(str(user.pk), "Signed Up", scrub({"email": user.email, "plan": "pro"}))
    # -> {"email": "[redacted]", "plan": "pro"}

`scrub` decides what is personal data with the same classifier the linter uses (`leaklint.pii`), so
what the linter flags is what the scrubber removes.  It never raises into the caller: on an internal
error it fails closed, returning an empty payload, and logs the error.
"""

from __future__ import annotations

import os

from . import pii

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any
# hashlib, hmac, json and logging are imported where used: importing this module must stay cheap.


def _log_error(message: str) -> None:
    import logging

    logging.getLogger("leaklint.scrub").error(message, exc_info=True)

MARKER = "[redacted]"
KEY_ENV = "LEAKLINT_PSEUDONYM_KEY"
_IN_PROGRESS = object()  # a tuple or set whose items are still being copied
_DEFERRED = object()     # its copy is put in place when built


class PseudonymKeyError(RuntimeError):
    """No key for pseudonymize(): an unkeyed hash of an email can be reversed by hashing guesses."""


def scrub(payload: Any, *, drop: bool = False, marker: str = MARKER, keep: Iterable[str] = ()) -> Any:
    """A scrubbed copy of `payload` (dicts, lists, tuples, sets, strings, nested to any depth).

    Values under personal-data keys are replaced by `marker` (or removed with `drop=True`); email
    addresses, phone numbers and IP addresses inside any string are replaced by `marker`.  Keys in
    `keep` are left alone (SDK protocol fields such as a project token).  The input is never changed.
    """
    try:
        return _Scrubber(drop, marker, frozenset(keep)).run(payload)
    except Exception:  # noqa: BLE001 - fail closed, never break the caller's request
        _log_error("leaklint.scrub failed; the payload was replaced by an empty one")
        return _empty_like(payload)


def _empty_like(payload: Any) -> Any:
    for kind in (dict, list, tuple, set, frozenset, str, bytes):
        if isinstance(payload, kind):
            return kind()
    return None


class _Scrubber:
    """Copies a structure with an explicit stack (nesting depth is unlimited); shared and cyclic
    containers are copied once, so the copy has the same shape as the input."""

    def __init__(self, drop: bool, marker: str, keep: frozenset[str]):
        self.drop, self.marker, self.keep = drop, marker, keep
        self.copies: dict[int, Any] = {}
        self.key_verdicts: dict[str, bool] = {}

    def is_pii_key(self, key: Any) -> bool:
        if not isinstance(key, str) or key in self.keep:
            return False
        if key not in self.key_verdicts:
            self.key_verdicts[key] = pii.classify_key(key) is not None
        return self.key_verdicts[key]

    def text(self, value: str) -> str:
        for pattern in (pii.EMAIL_RE, pii.IPV4_RE):
            value = pattern.sub(self.marker, value)
        return pii.PHONE_RE.sub(lambda m: self.marker if sum(c.isdigit() for c in m.group()) >= 9 else m.group(),
                                value)

    def run(self, payload: Any) -> Any:
        result: list[Any] = [None]
        # ("visit", value, container, slot) copies `value` into container[slot];
        # ("build", value, container, slot, items) makes a tuple or set once its items are copied.
        stack: list[tuple] = [("visit", payload, result, 0)]
        while stack:
            job = stack.pop()
            if job[0] == "build":
                _, value, into, slot, items = job
                built = type(value)(items)
                self.copies[id(value)] = built
                into[slot] = built
            else:
                _, value, into, slot = job
                copy = self.visit(value, stack, into, slot)
                if copy is not _DEFERRED:
                    into[slot] = copy
        return result[0]

    def visit(self, value: Any, stack: list[tuple], into: Any, slot: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if not isinstance(value, (dict, list, tuple, set, frozenset)):
            return value  # numbers, booleans, None and other objects pass through
        if id(value) in self.copies:
            copy = self.copies[id(value)]
            return self.marker if copy is _IN_PROGRESS else copy  # a tuple inside itself: cut the cycle
        if isinstance(value, dict):
            out: dict = {}
            self.copies[id(value)] = out
            for key, item in value.items():
                pii_key = self.is_pii_key(key)
                if isinstance(key, str) and key not in self.keep:
                    key = self.text(key)  # keys can hold an address too: {"jane@example.com": 3}
                if pii_key:
                    if not self.drop:
                        out[key] = self.marker
                    continue
                out[key] = None
                stack.append(("visit", item, out, key))
            return out
        items: list = [None] * len(value)
        if isinstance(value, list):
            self.copies[id(value)] = items
        else:
            self.copies[id(value)] = _IN_PROGRESS
            stack.append(("build", value, into, slot, items))
        for i, item in enumerate(value):
            stack.append(("visit", item, items, i))
        return items if isinstance(value, list) else _DEFERRED


def pseudonymize(value: Any, key: str | bytes | None = None) -> str:
    """A stable keyed pseudonym (HMAC-SHA256, hex) for an identifier such as an email or username.

    The key comes from `key` or the LEAKLINT_PSEUDONYM_KEY environment variable; without one this
    raises PseudonymKeyError rather than fall back to an unkeyed hash, which is reversible for emails.
    """
    import hashlib
    import hmac

    secret = key if key is not None else os.environ.get(KEY_ENV)
    if not secret:
        raise PseudonymKeyError(f"pseudonymize() needs a key: pass key=... or set {KEY_ENV}")
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    return hmac.new(secret, str(value).encode("utf-8"), hashlib.sha256).hexdigest()


# -- adapters for the SDKs' own hooks ----------------------------------------------------------

def sentry_before_send(event: dict, hint: Any = None) -> dict:
    """`sentry_sdk.init(before_send=sentry_before_send)`: scrub every event before it leaves."""
    return scrub(event)


def posthog_before_send(message: dict) -> dict:
    """`Posthog(key, before_send=posthog_before_send)`: scrub every event before it is queued."""
    return scrub(message, keep=("distinct_id", "event", "uuid", "timestamp", "$lib", "api_key", "token"))


MIXPANEL_PROTOCOL_KEYS = ("token", "$token", "distinct_id", "$distinct_id", "time", "$time", "$insert_id",
                          "mp_lib", "$lib_version", "event", "$group_key", "$group_id")


class ScrubbingConsumer:
    """Wraps a Mixpanel consumer: `Mixpanel(token, consumer=ScrubbingConsumer(Consumer()))`.

    Note: Mixpanel.alias() always uses a fresh default consumer, so it bypasses this wrapper.
    """

    def __init__(self, consumer: Any):
        self.consumer = consumer

    def send(self, endpoint: str, json_message: str, *args: Any, **kwargs: Any) -> Any:
        import json

        try:
            message = json.loads(json_message)
        except ValueError:
            _log_error("leaklint.scrub: dropped a Mixpanel message that was not JSON")
            return None
        cleaned = scrub(message, keep=MIXPANEL_PROTOCOL_KEYS)
        return self.consumer.send(endpoint, json.dumps(cleaned), *args, **kwargs)

    def __getattr__(self, name: str) -> Any:  # flush() and friends of buffered consumers
        return getattr(self.consumer, name)


class AmplitudeScrubPlugin:
    """An Amplitude enrichment plugin: `client.add(AmplitudeScrubPlugin())` scrubs every event."""

    def __init__(self) -> None:
        try:  # Amplitude dispatches plugins by type; without the SDK installed the plugin is inert.
            from amplitude.constants import PluginType
            self.plugin_type = PluginType.ENRICHMENT
        except ImportError:  # pragma: no cover - only without amplitude installed
            self.plugin_type = "enrichment"

    def setup(self, client: Any) -> None:
        self.client = client

    def execute(self, event: Any) -> Any:
        for field in ("event_properties", "user_properties", "group_properties"):
            value = getattr(event, field, None)
            if value:
                setattr(event, field, scrub(value))
        for field in ("ip", "city", "region", "country", "location_lat", "location_lng"):
            if getattr(event, field, None) is not None:
                setattr(event, field, None)
        return event

