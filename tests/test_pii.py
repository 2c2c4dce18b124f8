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
