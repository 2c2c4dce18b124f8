"""The dataflow (`flow.Evaluator`) by example: what an expression carries, after some module-level setup."""

from __future__ import annotations

import pytest

from harness import carried, kinds

# (expression, setup, PII kinds with their explanations)
CARRIES = [
    ("user.email", "", [("email", "user.email")]),
    ("user.email.lower()", "", [("email", "user.email")]),  # string methods keep what they are called on
    ("f'hi {user.first_name}'", "", [("person name", "user.first_name [first name]")]),
    ("x if c else user.email", "", [("email", "user.email")]),
    ("{'email': x}", "", [("email", 'key "email"')]),  # an unknown value under a PII key
    ("request.META['REMOTE_ADDR']", "", [("IP address", "request.META['REMOTE_ADDR'] [remote addr]")]),
    ("request.POST.get('email')", "", [("email", "request.POST.get('email')")]),
    ("account.api_key", "", [("credential", "account.api_key [api key]")]),
    ("company.name", "", [("organization identifier", "company.name")]),
    ("user.name", "", [("person name", "user.name")]),
    ("e", "e = user.email\ne = e.strip()", [("email", "user.email")]),  # through assignments
    ("props", "props = {}\nprops['phone'] = profile.mobile", [("phone number", "profile.mobile")]),  # entries added later
]


@pytest.mark.parametrize("expression, setup, expected", CARRIES, ids=[c[0] for c in CARRIES])
def test_personal_data_is_carried(expression, setup, expected):
    assert carried(expression, setup)["pii"] == expected


# Near misses: about personal data, or derived from it, but not personal data themselves.
CLEAN = [
    ("len(user.email)", ""),
    ("{'email_verified': True}", ""),
    ("user.pk", ""),
    ("str(user.id)", ""),
    ("hashlib.sha256(user.email.encode()).hexdigest()", "import hashlib"),
    ("scrub(user.email)", "from leaklint.scrub import scrub"),
    ("'user.email'", ""),
]


@pytest.mark.parametrize("expression, setup", CLEAN, ids=[c[0] for c in CLEAN])
def test_near_misses_are_clean(expression, setup):
    value = carried(expression, setup)
    assert value["pii"] == [] and value["wholes"] == [] and value["clean"]


@pytest.mark.parametrize("expression", ["vars(user)", "user.to_dict()"])
def test_whole_objects_are_recognised(expression):
    assert carried(expression) == {"pii": [], "wholes": [expression], "ref": None, "clean": False}


@pytest.mark.parametrize("expression", ["order.notes", "make()", "thing"])
def test_what_nothing_says_anything_about_is_unknown_not_clean(expression):
    assert carried(expression) == {"pii": [], "wholes": [], "ref": None, "clean": False}


def test_a_count_is_clean_by_its_name():
    assert carried("order.total")["clean"]


@pytest.mark.parametrize("expression, setup", [
    ("mixpanel.Mixpanel('t')", "import mixpanel"),
    ("mp", "import mixpanel as mx\nmp = mx.Mixpanel('t')"),
    ("mp", "import mixpanel\nmp = None\nif TOKEN:\n    mp = mixpanel.Mixpanel(TOKEN)"),  # a client on one branch
])
def test_sdk_clients_are_known_by_their_class(expression, setup):
    assert carried(expression, setup)["ref"] == "mixpanel.Mixpanel"


def test_a_rebound_name_forgets_the_client():
    assert carried("mp", "import mixpanel\nmp = mixpanel.Mixpanel('t')\nmp = make_other()")["ref"] is None


def test_kinds_of_a_merged_payload():
    assert kinds("{'who': user.email, 'where': request.META['REMOTE_ADDR'], 'n': len(user.email)}") == [
        "email", "IP address"]


# One case per step of a call's evaluation (flow/calls.py), in the order the steps are tried.
CALLS = [
    ("redact(user.email)", "from leaklint_scrub import redact", {"clean": True}),  # a scrubber
    ("send", "import functools, mixpanel\nmp = mixpanel.Mixpanel('t')\nsend = functools.partial(mp.track, 1)",
     {"ref": "mixpanel.Mixpanel.track"}),  # partial: the function itself
    ("mixpanel.Mixpanel('t')", "import mixpanel", {"ref": "mixpanel.Mixpanel"}),  # an SDK object
    ("vars(customer)", "", {"wholes": ["vars(customer)"]}),  # a whole-object serialiser
    ("customer.to_dict()", "", {"wholes": ["customer.to_dict()"]}),  # ... as a method
    ("user.emails.count()", "", {"clean": True}),  # a method whose result is a count
    ("data.get('$email')", "", {"pii": [("email", "data.get('$email')")]}),  # a key lookup
    ("user.get_email()", "", {"pii": [("email", "user.get_email()")]}),  # a getter
    ("','.join(user.email)", "", {"pii": [("email", "user.email")]}),  # what goes into a method
    ("len(user.email)", "", {"clean": True}),  # a clean call
    ("dict(email=x, n=1)", "", {"pii": [("email", 'key "email"')]}),  # dict(): its keywords are keys
    ("sorted(user.email)", "", {"pii": [("email", "user.email")]}),  # a conversion
    ("frobnicate(user.email)", "", {"pii": [("email", "user.email")]}),  # anything else: what goes in
    ("frobnicate(1)", "", {}),
]


@pytest.mark.parametrize("expression, setup, expected", CALLS, ids=[c[0] for c in CALLS])
def test_each_kind_of_call(expression, setup, expected):
    assert carried(expression, setup) == {"pii": [], "wholes": [], "ref": None, "clean": False, **expected}


@pytest.mark.parametrize("expression, expected", [
    ("user_serializer.data", {"wholes": ["user_serializer.data"]}),
    ("user.__dict__", {"wholes": ["user.__dict__"]}),
    ("plan.name", {"clean": True}),  # a label of something that is not a person
    ("user.uuid", {"clean": True}),  # an id
    ("company.pk", {"pii": [("organization identifier", "company.pk")]}),
    ("profile.wallet_address", {}),  # not a postal address
])
def test_attributes(expression, expected):
    assert carried(expression) == {"pii": [], "wholes": [], "ref": None, "clean": False, **expected}
