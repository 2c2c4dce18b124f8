"""LL030 for a shared library named after a vendor (`shared.hubspot_api`), outside the repository: a
function of it that writes a record there (`upsert_object_request`, `create_contact`) sends what it is
given, whatever its name says of tracking.  Reads, ids alone and generic words stay quiet."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import project_index

from leaklint.api import check_paths

HEADER = """\
from shared.hubspot_api.api import upsert_object_request, find_contact, HubspotApi
from shared.tracking import create_label
def sync(user, address):
"""
NOT_HERE = "which is not in this repository: leaklint cannot see where it sends data"


def _ll030(body: str) -> list[str]:
    _, found = project_index({"app.sync": HEADER + f"    {body}\n"})
    return [r for r in found["app.sync"] if r.startswith("LL030")]


@pytest.mark.parametrize("body, expected", [
    ('upsert_object_request("contacts", object_id=user.id, body={"email": user.email})',
     f"email sent to shared.hubspot_api.api.upsert_object_request, {NOT_HERE}"),
    ('HubspotApi().create_contact({"firstname": user.first_name})',
     f"person name sent to shared.hubspot_api.api.HubspotApi().create_contact, {NOT_HERE}"),
])
def test_a_vendor_library_writing_personal_data_is_reported(body, expected):
    assert _ll030(body) == [f"LL030 {expected}"]


@pytest.mark.parametrize("body", [
    'upsert_object_request("contacts", object_id=user.id, body={"plan": user.plan_id})',  # ids alone
    "find_contact(user.email)",                        # a lookup: nothing written
    "create_label(address=address, email=user.email)",  # "tracking" is parcel tracking too: not a vendor's name
])
def test_ids_reads_and_generic_words_stay_quiet(body):
    assert _ll030(body) == []


def test_a_namespace_package_shared_with_an_installed_library_is_not_the_projects(tmp_path):
    # `shared.docs` is the project's (another source root); `shared.hubspot_api` is an installed library.
    (tmp_path / "plugins" / "shared").mkdir(parents=True)
    (tmp_path / "plugins" / "shared" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "plugins" / "shared" / "docs.py").write_text("def register():\n    return []\n", encoding="utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "app" / "sync.py").write_text(
        "from shared.hubspot_api.api import upsert_object_request\n\n"
        "def sync(user):\n    upsert_object_request('contacts', object_id=user.id, body={'email': user.email})\n\n"
        "def sync_ids(user):\n    upsert_object_request('contacts', object_id=user.id, body={'plan': user.plan_id})\n",
        encoding="utf-8")
    found = check_paths([tmp_path]).findings
    assert [(Path(f.path).name, f.line, f.code) for f in found] == [("sync.py", 4, "LL030")]
