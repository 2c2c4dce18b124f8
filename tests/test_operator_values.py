"""What is not a person's: a company that is a customer, a repository's full name, the application's own
configuration.  `enterprise_customer.name` names a company (an organisation identifier, LL003, not a person
name); `settings.SUPPORT_EMAIL` is the operator's mailbox.  A person's data next to them is still reported."""

from __future__ import annotations

import pytest

from leaklint.api import check_text

HEAD = "import analytics\nfrom django.conf import settings\n\n\n"


def codes(body: str) -> list[str]:
    return sorted(f.code for f in check_text(HEAD + body))


@pytest.mark.parametrize("body, expected", [
    # an organisation's customer: its name identifies the organisation
    ("def f(user, enterprise_customer):\n"
     "    analytics.track(user.id, 'e', {'enterprise_customer_name': enterprise_customer.get('name')})\n", ["LL003"]),
    ("def f(user, customer_agreement):\n"
     "    analytics.track(user.id, 'e', {'n': customer_agreement.enterprise_customer_name})\n", ["LL003"]),
    # near miss: a customer of a shop is a person
    ("def f(user, customer):\n    analytics.track(user.id, 'e', {'n': customer.get('name')})\n", ["LL002"]),
])
def test_an_organisations_customer_is_the_organisation(body, expected):
    assert codes(body) == expected


@pytest.mark.parametrize("body, expected", [
    ("def f(user):\n    analytics.identify(user.id, {'email': settings.SUPPORT_EMAIL})\n", []),
    ("def f(user):\n    analytics.track(user.id, 'e', {'org': settings.POLAR_ORGANIZATION_ID})\n", []),
    # near misses: the configuration's secret, a person's address beside the operator's, a lower-case attribute
    ("def f(user):\n    analytics.identify(user.id, {'secret': settings.SECRET_KEY})\n", ["LL006"]),
    ("def f(user):\n    analytics.identify(user.id, {'to': settings.SUPPORT_EMAIL, 'email': user.email})\n", ["LL001"]),
    ("def f(user, settings):\n    analytics.identify(user.id, {'email': settings.email})\n", ["LL001"]),
])
def test_the_operators_configuration_is_not_personal_data(body, expected):
    assert codes(body) == expected


@pytest.mark.parametrize("body, expected", [
    ("def f(user, repo):\n    analytics.track(user.id, 'e', {'repo': repo.full_name})\n", []),
    ("def f(user, repo_full_name):\n    analytics.track(user.id, 'e', {'repo': repo_full_name})\n", []),
    # near miss: a person's full name
    ("def f(user, author):\n    analytics.track(user.id, 'e', {'by': author.full_name})\n", ["LL002"]),
])
def test_a_things_full_name_is_not_a_persons(body, expected):
    assert codes(body) == expected


@pytest.mark.parametrize("body, expected", [
    # a UUID built from the operator's setting is that setting, whatever the variable holding it is called
    ("import uuid\n\ndef f(user):\n    organization_id = uuid.UUID(settings.POLAR_ORGANIZATION_ID)\n"
     "    analytics.track(user.id, 'e', {'org': organization_id})\n", []),
    # near misses: a UUID built from a person's id, and one built from a value of unknown origin
    ("import uuid\n\ndef f(user):\n    analytics.track(user.id, 'e', {'by': uuid.UUID(user.email)})\n", ["LL001"]),
    ("import uuid\n\ndef f(user, raw):\n    organization_id = uuid.UUID(raw)\n"
     "    analytics.track(user.id, 'e', {'org': organization_id})\n", ["LL003"]),
])
def test_a_uuid_carries_what_it_was_built_from(body, expected):
    assert codes(body) == expected


def test_a_value_changed_in_some_fields_is_the_value_built_with_them():
    from leaklint.flow.values import Value

    base = Value(ref="app.mp", params=("user",), text="x")
    assert base.but(text=None, clean=True) == Value(ref="app.mp", params=("user",), clean=True)
    assert base == Value(ref="app.mp", params=("user",), text="x")   # (unchanged itself)
    with pytest.raises(TypeError, match="nope"):
        base.but(nope=1)
