"""LL030 for a shared library named after a vendor (`shared.hubspot_api`), outside the repository: a
function of it that writes a record there (`upsert_object_request`, `create_contact`) sends what it is
given, whatever its name says of tracking.  Reads, ids alone and generic words stay quiet."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import project_index
from test_host_wrappers import NOT_HERE

from leaklint.api import check_paths

HEADER = """\
from shared.hubspot_api.api import upsert_object_request, find_contact, HubspotApi
from shared.tracking import create_label
def sync(user, address):
"""


@pytest.mark.parametrize("body, target, kind", [
    ('upsert_object_request("contacts", object_id=user.id, body={"email": user.email})',
     "shared.hubspot_api.api.upsert_object_request", "email"),
    ('HubspotApi().create_contact({"firstname": user.first_name})',
     "shared.hubspot_api.api.HubspotApi().create_contact", "person name"),
    ('upsert_object_request("contacts", object_id=user.id, body={"plan": user.plan_id})', None, None),  # ids
    ("find_contact(user.email)", None, None),                        # a lookup: nothing written
    ("create_label(address=address, email=user.email)", None, None),  # "tracking": parcels too, no vendor
])
def test_a_vendor_library_writing_personal_data_is_reported_and_reads_ids_and_generic_words_are_not(
        body, target, kind):
    found = project_index({"app.sync": HEADER + f"    {body}\n"})[1]["app.sync"]
    expected = [f"LL030 {kind} sent to {target}, {NOT_HERE}"] if target else []
    assert [r for r in found if r.startswith("LL030")] == expected


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
