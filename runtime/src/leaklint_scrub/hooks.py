"""Adapters for the SDKs' own interception points: every event is scrubbed before it leaves."""

from __future__ import annotations

from ._core import _log_once, scrub

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


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
            _log_once("leaklint_scrub: dropped a Mixpanel message that was not JSON")
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

