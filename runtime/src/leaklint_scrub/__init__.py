"""leaklint_scrub: removes personal data from analytics and telemetry payloads at run time.

    from leaklint_scrub import scrub, pseudonymize

    mp.track(str(user.pk), "Signed Up", scrub({"email": user.email, "plan": "pro"}))
    # -> {"email": "[redacted]", "plan": "pro"}
    identify.set("name", scrub(user.full_name, kind="name"))   # -> "[redacted]"

Standard library only, and independent of the leaklint linter (which uses this package's classifier,
`leaklint_scrub.pii`, so that what the linter flags is what the scrubber removes).
"""

from ._core import (KEY_ENV, KINDS, MARKER, PSEUDONYMISED_KINDS, PseudonymKeyError, pseudonymize, redact,
                    scrub)
from .hooks import (MIXPANEL_PROTOCOL_KEYS, AmplitudeScrubPlugin, ScrubbingConsumer, posthog_before_send,
                    sentry_before_send)

__version__ = "0.1.0"
__all__ = [
    "KEY_ENV", "KINDS", "MARKER", "MIXPANEL_PROTOCOL_KEYS", "PSEUDONYMISED_KINDS", "AmplitudeScrubPlugin",
    "PseudonymKeyError", "ScrubbingConsumer", "posthog_before_send", "pseudonymize", "redact", "scrub",
    "sentry_before_send",
]
