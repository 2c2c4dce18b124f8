"""The classifier: names that are personal data, and the known noise that must stay quiet."""

from __future__ import annotations

import pytest

from leaklint.pii import PiiKind, classify_attribute, classify_key, classify_text, words

KEYS = {
    "email": PiiKind.EMAIL, "$email": PiiKind.EMAIL, "userEmail": PiiKind.EMAIL, "email_address": PiiKind.EMAIL,
    "first_name": PiiKind.PERSON_NAME, "$first_name": PiiKind.PERSON_NAME, "lastName": PiiKind.PERSON_NAME,
    "username": PiiKind.PERSON_NAME, "display_name": PiiKind.PERSON_NAME, "name": PiiKind.PERSON_NAME,
    "org_id": PiiKind.ORG_ID, "organisation_name": PiiKind.ORG_ID, "company": PiiKind.ORG_ID,
    "tenant_id": PiiKind.ORG_ID, "workspaceId": PiiKind.ORG_ID,
    "phone": PiiKind.PHONE, "phone_number": PiiKind.PHONE, "mobile": PiiKind.PHONE,
    "street": PiiKind.ADDRESS, "zip_code": PiiKind.ADDRESS, "postalCode": PiiKind.ADDRESS, "address": PiiKind.ADDRESS,
    "ip": PiiKind.IP_ADDRESS, "$ip": PiiKind.IP_ADDRESS, "ip_address": PiiKind.IP_ADDRESS,
    "REMOTE_ADDR": PiiKind.IP_ADDRESS, "HTTP_X_FORWARDED_FOR": PiiKind.IP_ADDRESS,
    "password": PiiKind.CREDENTIAL, "api_key": PiiKind.CREDENTIAL, "access_token": PiiKind.CREDENTIAL,
    "client_secret": PiiKind.CREDENTIAL,
}
NOT_PII = [
    "is_email_verified", "email_verified", "email_count", "has_phone", "file_name", "email_template", "event_name",
    "template_name", "plan_name", "org_plan", "company_size", "tokens_used", "last_login", "mac_address",
    "email_domain", "num_emails", "phone_verified_at", "rows", "format", "url", "path",
]


@pytest.mark.parametrize("key", KEYS)
def test_pii_keys(key):
    match = classify_key(key)
    assert match is not None and match.kind is KEYS[key]


@pytest.mark.parametrize("key", NOT_PII)
def test_noise_is_not_pii(key):
    assert classify_key(key) is None


@pytest.mark.parametrize("owner, attr, kind", [
    ("user", "name", PiiKind.PERSON_NAME), ("customer", "name", PiiKind.PERSON_NAME),
    ("member", "display_name", PiiKind.PERSON_NAME), ("user", "get_full_name", PiiKind.PERSON_NAME),
    ("acct", "email", PiiKind.EMAIL), ("org", "name", PiiKind.ORG_ID), ("company", "id", PiiKind.ORG_ID),
    ("upload", "name", None), ("plan", "name", None), ("export", "name", None), ("user", "is_active", None),
])
def test_attributes(owner, attr, kind):
    match = classify_attribute(owner, attr)
    assert (match.kind if match else None) is kind


def test_words_split_snake_camel_and_dollar():
    assert words("$first_name") == ["first", "name"]
    assert words("userEmailAddress") == ["user", "email", "address"]
    assert words("HTTPRequestIP") == ["http", "request", "ip"]


def test_matched_words_are_reported():
    assert classify_key("company_name").matched == "company"
    assert classify_key("ip_address").matched == "ip address"


@pytest.mark.parametrize("text, kind", [
    ("write to jane.doe@example.com", PiiKind.EMAIL), ("from 10.1.2.3", PiiKind.IP_ADDRESS),
    ("call +44 20 7946 0958", PiiKind.PHONE), ("version 1.2.3", None), ("plain words", None),
])
def test_text_shapes(text, kind):
    assert classify_text(text) is kind


# -- owners that decide: message addressees, card holders, logins, and names that are not people's ------
@pytest.mark.parametrize("owner, attr, kind", [
    ("msg", "to", PiiKind.EMAIL), ("email_message", "bcc", PiiKind.EMAIL), ("message", "cc", PiiKind.EMAIL),
    ("message", "reply_to", PiiKind.EMAIL), ("card", "name", PiiKind.PERSON_NAME),
    ("sender", "login", PiiKind.PERSON_NAME), ("user", "login", PiiKind.PERSON_NAME),
    ("sys", "argv", PiiKind.CREDENTIAL), ("os", "environ", PiiKind.CREDENTIAL),
    ("request", "headers", PiiKind.CREDENTIAL), ("request", "COOKIES", PiiKind.CREDENTIAL),
    ("request", "META", PiiKind.CREDENTIAL),
    # near misses: the same attributes on owners that are not messages, cards, people or requests
    ("task", "to", None), ("range", "to", None), ("card", "brand", None), ("card", "last4", None),
    ("repo", "login", None), ("response", "headers", None), ("parser", "argv", None), ("actor", "email", PiiKind.EMAIL),
    # an organisation's customer or account is the organisation; a company's contact is still a person
    ("enterprise_customer", "name", PiiKind.ORG_ID), ("business_account", "name", PiiKind.ORG_ID),
    ("enterprise_customer", "uuid", PiiKind.ORG_ID), ("company_contact", "name", PiiKind.PERSON_NAME),
    ("customer", "name", PiiKind.PERSON_NAME), ("enterprise_customer", "contact_email", PiiKind.EMAIL),
    # the operator's configuration is not a person's data; its secrets are still credentials
    ("settings", "SUPPORT_EMAIL", None), ("settings", "POLAR_ORGANIZATION_ID", None),
    ("settings", "SECRET_KEY", PiiKind.CREDENTIAL), ("app.config", "ADMIN_EMAIL", None),
    ("settings", "email", PiiKind.EMAIL),
    # a thing's full or display name is not a person's; its owner's email still is an email
    ("repo", "full_name", None), ("project", "display_name", None), ("repo", "owner_email", PiiKind.EMAIL),
    ("author", "full_name", PiiKind.PERSON_NAME),
])
def test_attributes_whose_owner_decides(owner, attr, kind):
    match = classify_attribute(owner, attr)
    assert (match.kind if match else None) is kind


@pytest.mark.parametrize("key, kind", [
    ("recipient_to", PiiKind.EMAIL), ("recipient_cc", PiiKind.EMAIL), ("message_bcc", PiiKind.EMAIL),
    ("billing_name", PiiKind.PERSON_NAME), ("cardholder_name", PiiKind.PERSON_NAME),
    ("author_login", PiiKind.PERSON_NAME), ("login", PiiKind.PERSON_NAME), ("csrftoken", PiiKind.CREDENTIAL),
    ("cookies", PiiKind.CREDENTIAL), ("sessionId", None),  # an analytics session, not a login session
    # near misses: a task queue's actor, locks, caches, discounts; the last login's time; addressee words alone
    ("actor_name", None), ("lock_name", None), ("cache_key", None), ("discount_name", None), ("coupon_name", None),
    ("last_login", None), ("to", None), ("cc", None), ("redirect_to", None), ("product_name", None),
    ("enterprise_customer_name", PiiKind.ORG_ID), ("corporate_account_name", PiiKind.ORG_ID),
    ("customer_name", PiiKind.PERSON_NAME), ("account_name", PiiKind.PERSON_NAME),
    ("repo_full_name", None), ("project_display_name", None), ("full_name", PiiKind.PERSON_NAME),
    ("author_full_name", PiiKind.PERSON_NAME), ("repo_owner_name", PiiKind.PERSON_NAME),
])
def test_keys_whose_words_decide(key, kind):
    match = classify_key(key)
    assert (match.kind if match else None) is kind


def test_a_login_is_pseudonymised_as_a_handle_not_redacted_as_a_name():
    from leaklint.fix_kinds import USERNAME_WORDS

    assert classify_key("login").matched in USERNAME_WORDS
    assert classify_attribute("card", "name").matched not in USERNAME_WORDS


# -- identifiers and process / request data reaching an SDK (walk + rules) --------------------------------
MP = "import os, sys\nfrom mixpanel import Mixpanel\nmp = Mixpanel('token')\ndef send(request, payload, user, order):\n"


def _reports(body: str) -> list[str]:
    from harness import reports

    return reports(MP + "".join(f"    {line}\n" for line in body.splitlines()))


@pytest.mark.parametrize("body, expected", [
    ('mp.track(payload["sender"]["login"], "Pushed")', "LL010 person name used as the user identifier of Mixpanel track"),
    ("mp.track(user.login, 'Pushed')", "LL010 person name used as the user identifier of Mixpanel track"),
    ("mp.track(str(request.user), 'Paid')", "LL010 the text of request.user (a person's username or name) used as "
                                            "the user identifier of Mixpanel track"),
    ("mp.track(f'{user}', 'Paid')", "LL010 the text of user (a person's username or name) used as the user "
                                    "identifier of Mixpanel track"),
])
def test_logins_and_a_persons_text_as_the_user_id_are_reported(body, expected):
    assert _reports(body) == [expected]


@pytest.mark.parametrize("body", [
    'mp.track(payload["repository"]["login"], "Pushed")', "mp.track(str(request.user.pk), 'Paid')",
    "mp.track(str(order), 'Paid')", "mp.track(f'{user.pk}', 'Paid')", "mp.track(user.pk, 'Login', {'at': user.last_login})",
])
def test_ids_and_non_person_text_as_the_user_id_stay_quiet(body):
    assert _reports(body) == []


@pytest.mark.parametrize("props", [
    '{"argv": sys.argv}', '{"cmd": " ".join(sys.argv)}', '{"env": dict(os.environ)}',
    '{"token": os.getenv("GITHUB_TOKEN")}', '{"h": request.headers}', '{"c": request.COOKIES}',
    '{"auth": request.META["HTTP_AUTHORIZATION"]}', '{"auth": request.headers.get("Authorization")}',
])
def test_process_arguments_environment_and_request_headers_are_credentials(props):
    assert _reports(f"mp.track(user.pk, 'Ran', {props})") == [
        "LL006 credential sent to Mixpanel track in 'properties'"]


@pytest.mark.parametrize("props", [
    '{"home": os.getenv("HOME")}', '{"debug": os.environ.get("DEBUG")}', '{"agent": request.headers.get("User-Agent")}',
    '{"n": len(sys.argv)}', '{"name": lock_name}', '{"name": cache_key}', '{"name": discount.name}',
    '{"actor": message.actor_name}', '{"ctype": response.headers["Content-Type"]}',
])
def test_harmless_environment_names_and_labels_stay_quiet(props):
    assert _reports(f"mp.track(user.pk, 'Ran', {props})") == []


@pytest.mark.parametrize("props, kind", [
    ('{"to": msg.to}', "email"), ('{"cc": email_message.cc}', "email"), ('{"holder": card.name}', "person name"),
    ('{"name": customer_name}', "person name"),
])
def test_message_addressees_and_card_holders_are_reported(props, kind):
    assert _reports(f"mp.track(user.pk, 'Sent', {props})") == [
        f"LL00{1 if kind == 'email' else 2} {kind} sent to Mixpanel track in 'properties'"]


@pytest.mark.parametrize("value, reported", [
    ("lock_name", False), ("cache_key", False), ("template_name", False), ("customer_name", True), ("who", True),
])
def test_a_parameter_keeps_what_its_name_says_under_a_name_key(value, reported):
    from harness import reports

    found = reports("import logfire\ndef send(lock_name, cache_key, template_name, customer_name, who):\n"
                    f"    logfire.info('Locked', name={value})\n")
    assert found == (["LL002 person name sent to Logfire info (observability) in 'name'"] if reported else [])


def test_kept_answers_depend_on_every_argument():
    """Answers are kept per name; the project's words, its never-PII names and the person context are
    part of what they are kept by (asked in turn, each still gets its own answer)."""
    from leaklint.pii import classify_name
    extra = {PiiKind.PERSON_NAME: frozenset({"moniker"})}
    for _ in range(2):
        assert classify_name("moniker") is None
        assert classify_name("moniker", extra=extra).kind is PiiKind.PERSON_NAME
        assert classify_name("moniker", extra={PiiKind.PERSON_NAME: {"moniker"}}).kind is PiiKind.PERSON_NAME
        assert classify_name("user_email").kind is PiiKind.EMAIL
        assert classify_name("user_email", never=frozenset({"user_email"})) is None
        assert classify_name("user_email", never={"user_email"}) is None
        assert classify_name("name") is None
        assert classify_name("name", person_context=True).kind is PiiKind.PERSON_NAME
        assert classify_attribute("user", "moniker") is None
        assert classify_attribute("user", "moniker", extra=extra).kind is PiiKind.PERSON_NAME
        assert classify_attribute("user", "email", never=frozenset({"email"})) is None
        assert classify_attribute("user", "email").kind is PiiKind.EMAIL


def test_words_gives_a_list_of_its_own():
    first = words("userEmail")
    first.append("changed")
    assert words("userEmail") == ["user", "email"]
