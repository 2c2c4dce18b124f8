"""LL001-LL006: a kind of personal data sent in an analytics payload (properties, traits, context...)."""

from __future__ import annotations

from textwrap import dedent

from ..catalogue import Role
from ..pii import PiiKind
from ..findings import Wrapper
from . import Report, Rule, Wrapping
from .host_wrapper import HOST

PAYLOAD_ROLES = frozenset({
    Role.PROPERTIES, Role.TRAITS, Role.CONTEXT, Role.GROUP_TRAITS, Role.PII_KWARGS, Role.PII_FIELD,
    Role.TRAIT_VALUE, Role.FREE_TEXT, Role.GROUP_ID,
})
FIX = "send an opaque id instead, or wrap the payload in scrub(...) from leaklint_scrub"
MESSAGE = "{kind} sent to {sink} in '{param}'"


def scrub_fix(arg) -> Wrapping | None:
    """A dict payload can be wrapped in the scrubber: the call keeps working, minus the personal data."""
    return Wrapping(arg.expression, Wrapper.SCRUBBER) if arg.is_payload_dict else None


def _checker(kinds: frozenset[PiiKind], code: str):
    def check(use):
        if use.sink.category == HOST:  # LL030's
            return
        for arg in use.args:
            if arg.role not in PAYLOAD_ROLES:
                continue
            # A group key is meant to identify an organisation; only other PII is a leak there.
            found = tuple(e for e in arg.value.pii if e.kind in kinds
                          and not (arg.role is Role.GROUP_ID and e.kind is PiiKind.ORG_ID))
            if found:
                message = MESSAGE.format(kind=found[0].kind.value, sink=use.label, param=arg.param)
                yield Report(code, arg.node, message, found, use.call, FIX, autofix=scrub_fix(arg))
    return check


def _rule(code, name, kinds, summary, why, bad, good, fixed):
    return Rule(code=code, name=name, summary=summary, why=why, message=MESSAGE, bad=dedent(bad).strip() + "\n",
                good=dedent(good).strip() + "\n", fixed=dedent(fixed).strip() + "\n", fix=FIX,
                check_sink=_checker(frozenset(kinds), code),
                fix_safety="Safe fix (`--fix`) when the data is a properties / traits / context dict: it is "
                           "wrapped in the configured scrubber (default `leaklint_scrub.scrub`) and the import is "
                           "added. Data passed as single keyword fields or settings gets no automatic fix.")


RULES = [
    _rule("LL001", "email-to-analytics", [PiiKind.EMAIL], "Email address sent to an analytics SDK",
          "Email addresses identify a person directly. Once in an analytics vendor they are copied to every "
          "downstream destination and exposed in any breach of that vendor.",
          """
          import mixpanel
          mp = mixpanel.Mixpanel("token")
          def signup(user):
              mp.people_set(user.id, {"$email": user.email})
          """,
          """
          import mixpanel
          mp = mixpanel.Mixpanel("token")
          def signup(user):
              mp.people_set(user.id, {"plan": user.plan_code, "email_verified": True})
          """,
          """
          import mixpanel
          from leaklint_scrub import scrub
          mp = mixpanel.Mixpanel("token")
          def signup(user):
              mp.people_set(user.id, scrub({"$email": user.email}))
          """),
    _rule("LL002", "person-name-to-analytics", [PiiKind.PERSON_NAME], "Person name or username sent to an analytics SDK",
          "Names and usernames identify people; analytics needs an opaque, stable id, not who the person is.",
          """
          from segment import analytics
          def login(user):
              analytics.identify(user.pk, {"name": user.get_full_name(), "username": user.username})
          """,
          """
          from segment import analytics
          def login(user):
              analytics.identify(user.pk, {"plan": "pro", "seats": 3})
          """,
          """
          from segment import analytics
          from leaklint_scrub import scrub
          def login(user):
              analytics.identify(user.pk, scrub({"name": user.get_full_name(), "username": user.username}))
          """),
    _rule("LL003", "organization-to-analytics", [PiiKind.ORG_ID], "Organization identifier or name sent to an analytics SDK",
          "Organization ids and names tie events to a customer account; leaked together with user data they "
          "reveal who uses the product and how.",
          """
          from segment import analytics as segment_analytics
          def upgraded(u, co):
              segment_analytics.track(user_id=u.pk, event="Upgraded", properties={"company_name": co.name})
          """,
          """
          from segment import analytics as segment_analytics
          def upgraded(u, co):
              segment_analytics.track(user_id=u.pk, event="Upgraded", properties={"seats": co.seat_count})
          """,
          """
          from segment import analytics as segment_analytics
          from leaklint_scrub import scrub
          def upgraded(u, co):
              segment_analytics.track(user_id=u.pk, event="Upgraded", properties=scrub({"company_name": co.name}))
          """),
    _rule("LL004", "contact-details-to-analytics", [PiiKind.PHONE, PiiKind.ADDRESS],
          "Phone number or postal address sent to an analytics SDK",
          "Phone numbers and postal addresses locate and identify a person and are regulated personal data.",
          """
          import analytics
          def save_profile(u, profile):
              traits = {}
              traits["phone"] = profile.mobile
              analytics.identify(u.pk, traits)
          """,
          """
          import analytics
          def save_profile(u, profile):
              traits = {"has_phone": bool(profile.mobile)}
              analytics.identify(u.pk, traits)
          """,
          """
          import analytics
          from leaklint_scrub import scrub
          def save_profile(u, profile):
              traits = {}
              traits["phone"] = profile.mobile
              analytics.identify(u.pk, scrub(traits))
          """),
    _rule("LL005", "ip-address-to-analytics", [PiiKind.IP_ADDRESS], "IP address sent to an analytics SDK",
          "IP addresses are personal data under GDPR and locate the person; vendors geolocate them.",
          """
          from posthog import Posthog
          ph = Posthog("key")
          def view(request):
              ph.capture("Viewed", distinct_id="anon", properties={"$ip": request.META["REMOTE_ADDR"]})
          """,
          """
          from posthog import Posthog
          ph = Posthog("key")
          def view(request):
              ph.capture("Viewed", distinct_id="anon", properties={"path": request.path})
          """,
          """
          from posthog import Posthog
          from leaklint_scrub import scrub
          ph = Posthog("key")
          def view(request):
              ph.capture("Viewed", distinct_id="anon", properties=scrub({"$ip": request.META["REMOTE_ADDR"]}))
          """),
    _rule("LL006", "credential-to-analytics", [PiiKind.CREDENTIAL], "Credential or secret sent to an analytics SDK",
          "Tokens, passwords and API keys sent to a third party can be replayed by anyone who reads the data.",
          """
          import sentry_sdk
          def connect(account):
              sentry_sdk.set_context("integration", {"api_key": account.api_key})
          """,
          """
          import sentry_sdk
          def connect(account):
              sentry_sdk.set_context("integration", {"provider": account.provider_name})
          """,
          """
          import sentry_sdk
          from leaklint_scrub import scrub
          def connect(account):
              sentry_sdk.set_context("integration", scrub({"api_key": account.api_key}))
          """),
]
