"""The privacy inventory and the vendor data contracts: flows on the fixtures, contracts silencing exactly
the kinds they allow (LL040 for the rest), statuses, drafted contracts, bad configuration."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from leaklint._toml import tomllib
from leaklint.config import ConfigError, from_table
from test_project import write_tree

SHOP = ROOT / "fixtures" / "demo_shop"

# What fixtures/demo_shop sends, read off fixtures/demo_shop.expected: one flow per kind of data and call.
# (`shop.events.emit` is the project's own sink: no vendor of the catalogue, no flow.)
SHOP_FLOWS = [
    ("Amplitude", "organization identifier", "shop/billing.py", 15, "LL003"),
    ("Mixpanel", "email", "shop/views/accounts.py", 16, "LL001"),
    ("Mixpanel", "IP address", "shop/views/orders.py", 32, "LL005"),
    ("Mixpanel", "organization identifier", "shop/views/orders.py", 32, "LL003"),
    ("Mixpanel", "person name", "shop/views/accounts.py", 16, "LL002"),
    ("Mixpanel", "person name", "shop/views/orders.py", 28, "LL012"),
    ("PostHog", "email", "shop/views/accounts.py", 17, "LL010"),
    ("Segment", "organization identifier", "shop/views/orders.py", 15, "LL003"),
    ("Segment", "phone number", "shop/views/accounts.py", 27, "LL004"),
    ("Segment", "postal address", "shop/views/accounts.py", 27, "LL004"),
    ("Sentry", "person name", "shop/monitoring.py", 9, "LL002"),
]

SIGNUP = """
    from segment import analytics

    def signed_up(user):
        analytics.identify(user.pk, {"email": user.email, "phone": user.phone})
"""


def inventory_json(*args: str, cwd: Path) -> dict:
    result = run_cli("inventory", "--format", "json", "-j", "1", *args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_json_inventory_of_the_demo_shop_lists_its_flows():
    data = inventory_json(cwd=SHOP)
    assert data["tool"] == "leaklint" and data["version"] == 1 and data["files"] == 9
    got = [(f["vendor"], f["kind"], f["path"], f["line"], f["code"]) for f in data["flows"]]
    assert got == SHOP_FLOWS
    assert {f["status"] for f in data["flows"]} == {"reported"}
    assert {v["name"]: v["category"] for v in data["vendors"]} == {
        "Amplitude": "product analytics", "Mixpanel": "product analytics", "PostHog": "product analytics",
        "Segment": "product analytics", "Sentry": "error tracking"}
    assert next(v for v in data["vendors"] if v["name"] == "Segment")["kinds"] == [
        "organization identifier", "phone number", "postal address"]


def test_flows_through_project_wrappers_carry_the_chain():
    data = inventory_json(cwd=ROOT / "fixtures" / "wrapped_app")
    shipped = next(f for f in data["flows"] if f["line"] == 14)
    assert (shipped["vendor"], shipped["kind"]) == ("Mixpanel", "person name")
    assert shipped["via"] == [
        {"function": "acme.telemetry.track_event", "path": "src/acme/telemetry.py", "line": 14},
        {"function": "acme.telemetry.send", "path": "src/acme/telemetry.py", "line": 10}]


def project(tmp_path: Path, config: str, files: dict[str, str] | None = None) -> Path:
    write_tree(tmp_path, {"pyproject.toml": "[tool.leaklint]\n" + config, **(files or {"app/views.py": SIGNUP})})
    return tmp_path


def check_codes(cwd: Path) -> list[tuple[str, int]]:
    result = run_cli("check", "--no-cache", "-q", "--output-format", "json", cwd=cwd)
    assert result.returncode in (0, 1), result.stderr
    return sorted((f["code"], f["location"]["row"]) for f in json.loads(result.stdout))


def test_a_contract_silences_exactly_the_kinds_it_allows(tmp_path):
    without = project(tmp_path / "a", "")
    assert check_codes(without) == [("LL001", 4), ("LL004", 4)]
    allowed = project(tmp_path / "b", '[tool.leaklint.vendors.segment]\nallow = ["email"]\n')
    result = run_cli("check", "--no-cache", "-q", cwd=allowed)
    assert result.returncode == 1
    assert result.stdout == ("app/views.py:4:5: LL040 phone number sent to Segment, which its contract "
                             "[tool.leaklint.vendors.segment] does not allow (it allows email): user.phone\n")
    both = project(tmp_path / "c", '[tool.leaklint.vendors.segment]\nallow = ["email", "phone"]\n')
    assert check_codes(both) == []
    flows = inventory_json(cwd=allowed)["flows"]
    assert [(f["kind"], f["status"], f["code"]) for f in flows] == [
        ("email", "allowed", "LL001"), ("phone number", "reported", "LL040")]


def test_a_contract_of_another_vendor_changes_nothing(tmp_path):
    other = project(tmp_path, '[tool.leaklint.vendors.mixpanel]\nallow = []\n')
    assert check_codes(other) == [("LL001", 4), ("LL004", 4)]


def test_an_empty_contract_makes_every_flow_to_the_vendor_a_contract_finding(tmp_path):
    none = project(tmp_path, "[tool.leaklint.vendors.Segment]\nallow = []\n")
    result = run_cli("check", "--no-cache", "-q", cwd=none)
    assert "(it allows nothing)" in result.stdout
    assert check_codes(none) == [("LL040", 4), ("LL040", 4)]  # one per rule that found data (LL001, LL004)
    assert [line.split(": LL040 ")[1].split(",")[0] for line in result.stdout.splitlines()] == [
        "email sent to Segment", "phone number sent to Segment"]


def test_from_limits_a_contract_to_some_files(tmp_path):
    root = project(tmp_path, '[tool.leaklint.vendors.segment]\nallow = ["email", "phone"]\nfrom = ["billing/**"]\n',
                   {"billing/__init__.py": "", "billing/views.py": SIGNUP, "app/__init__.py": "", "app/views.py": SIGNUP})
    result = run_cli("check", "--no-cache", "-q", cwd=root)
    assert result.stdout.splitlines() == [
        f"app/views.py:4:5: LL040 {kind} sent to Segment, which its contract [tool.leaklint.vendors.segment] "
        f"does not allow (it allows email, phone number from billing/**): {read}"
        for kind, read in (("email", "user.email"), ("phone number", "user.phone"))]
    statuses = {(f["path"], f["status"]) for f in inventory_json(cwd=root)["flows"]}
    assert statuses == {("app/views.py", "reported"), ("billing/views.py", "allowed")}


def test_suppressed_and_baselined_findings_are_flows_with_their_status(tmp_path):
    root = project(tmp_path, "", {"app/views.py": SIGNUP.replace(
        'user.phone})', 'user.phone})  # noqa: LL004'), "app/other.py": SIGNUP})
    baseline = tmp_path / "baseline.json"
    assert run_cli("check", "app/other.py", "--no-cache", "--write-baseline", str(baseline), cwd=root).returncode == 0
    assert check_codes(root) == [("LL001", 4), ("LL001", 4), ("LL004", 4)]  # the noqa hides LL004 in views.py
    flows = inventory_json("--baseline", str(baseline), cwd=root)["flows"]
    assert [(f["path"], f["kind"], f["status"]) for f in flows] == [
        ("app/other.py", "email", "baselined"), ("app/views.py", "email", "reported"),
        ("app/other.py", "phone number", "baselined"), ("app/views.py", "phone number", "suppressed")]


def test_flows_in_test_code_are_left_out_unless_asked_for(tmp_path):
    root = project(tmp_path, "", {"tests/test_signup.py": SIGNUP})
    assert inventory_json(cwd=root)["flows"] == []
    assert len(inventory_json("--include-tests", cwd=root)["flows"]) == 2


def test_drafted_contracts_allow_todays_flows(tmp_path):
    result = run_cli("inventory", "--write-contracts", "-j", "1", cwd=SHOP)
    assert result.returncode == 0, result.stderr
    drafted = tomllib.loads(result.stdout)["tool"]["leaklint"]["vendors"]
    assert drafted["segment"] == {"allow": ["address", "org_id", "phone"]}
    assert set(drafted) == {"amplitude", "mixpanel", "posthog", "segment", "sentry"}
    settings = from_table({"vendors": drafted})  # what it drafts reads back as contracts
    assert settings.vendors["Segment"].allow == ("organization identifier", "phone number", "postal address")


def test_adopted_contracts_leave_check_only_what_is_no_vendor_flow(tmp_path):
    root = tmp_path / "shop"
    shutil.copytree(SHOP, root)
    drafted = run_cli("inventory", "--write-contracts", "-j", "1", cwd=root).stdout
    with open(root / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write("\n" + drafted)
    assert {code for code, _ in check_codes(root)} == {"LL001", "LL020"}  # shop.events.emit; the settings
    statuses = {f["status"] for f in inventory_json(cwd=root)["flows"]}
    assert statuses == {"allowed"}


@pytest.mark.parametrize("config, message", [
    ('[tool.leaklint.vendors.segmnet]\nallow = ["email"]\n', "unknown vendor 'vendors.segmnet' (one of "),
    ('[tool.leaklint.vendors.segment]\nallow = ["emial"]\n', "unknown data kind 'emial' in 'vendors.segment.allow'"),
    ('[tool.leaklint.vendors.segment]\nallow = "email"\n', "'vendors.segment.allow' must be a list of strings"),
    ('[tool.leaklint.vendors.segment]\ndeny = ["email"]\n', "unknown key 'deny' in 'vendors.segment'"),
    ('[tool.leaklint]\nvendors = ["segment"]\n', "'vendors' must hold one table per vendor"),
])
@pytest.mark.parametrize("command", ["check", "inventory"])
def test_a_bad_contract_is_a_one_line_error(tmp_path, config, message, command):
    write_tree(tmp_path, {"pyproject.toml": ("" if config.startswith("[tool.leaklint]") else "[tool.leaklint]\n")
                          + config, "app/views.py": SIGNUP})
    result = run_cli(command, "--no-cache" if command == "check" else "--write-contracts", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == "" and len(result.stderr.splitlines()) == 1, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


def test_contract_keys_and_kinds_are_read_in_their_documented_spellings():
    vendors = from_table({"vendors": {"customer-io": {"allow": ["email"]}, "Amplitude Experiment": {
        "allow": ["phone number", "ip_address"]}}}).vendors
    assert vendors["Customer.io"].allow == ("email",)
    assert vendors["Amplitude Experiment"].allow == ("IP address", "phone number")
    with pytest.raises(ConfigError):
        from_table({"vendors": {"amplitude": {"allow": ["email"], "from": "billing/**"}}})


def test_table_and_markdown_formats(tmp_path):
    root = project(tmp_path, '[tool.leaklint.vendors.segment]\nallow = ["email"]\n')
    table = run_cli("inventory", "-j", "1", cwd=root).stdout.splitlines()
    assert table[0].split() == ["VENDOR", "CATEGORY", "DATA", "STATUS", "WHERE", "VIA"]
    assert table[1].split() == ["Segment", "product", "analytics", "email", "allowed", "app/views.py:4"]
    assert table[-1] == ("2 flows of 2 kinds of personal data to 1 vendors (1 reported, 1 allowed) in 1 files.")
    markdown = run_cli("inventory", "--format", "markdown", "-j", "1", cwd=root).stdout
    assert "| Segment | product analytics | email, phone number | 2 |" in markdown
    assert "| Segment | phone number | `app/views.py:4` | reported (LL040) |  |" in markdown
    out = tmp_path / "inventory.md"
    assert run_cli("inventory", "--format", "markdown", "-o", str(out), "-j", "1", cwd=root).returncode == 0
    assert out.read_text(encoding="utf-8") == markdown
    # as `check -o FORMAT:PATH` takes it
    also = tmp_path / "also.md"
    assert run_cli("inventory", "-o", f"markdown:{also}", "-j", "1", cwd=root).returncode == 0
    assert also.read_text(encoding="utf-8") == markdown
    clash = run_cli("inventory", "--format", "json", "--output-file", f"markdown:{also}", cwd=root)
    assert clash.returncode == 2 and clash.stderr.startswith("leaklint: error: -o markdown:") and "Traceback" not in clash.stderr


def test_an_inventory_with_no_flows_says_so(tmp_path):
    root = project(tmp_path, "", {"app/views.py": "print('hello')\n"})
    assert run_cli("inventory", cwd=root).stdout == "No personal data sent to a vendor leaklint knows (1 files).\n"
    assert inventory_json(cwd=root)["flows"] == []


def test_a_missing_path_is_a_one_line_error(tmp_path):
    result = run_cli("inventory", "nowhere", cwd=tmp_path)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1 and "nowhere" in result.stderr


def test_contracts_with_the_cache_give_what_they_give_without(tmp_path):
    root = project(tmp_path, '[tool.leaklint.vendors.segment]\nallow = ["email"]\n')
    first = run_cli("check", "-q", cwd=root)
    again = run_cli("check", "-q", cwd=root)
    assert first.stdout == again.stdout == run_cli("check", "-q", "--no-cache", cwd=root).stdout
    assert "LL040" in first.stdout and os.path.isdir(root / ".leaklint_cache")


def test_the_inventory_from_the_cache_is_the_inventory_analysed_and_leaves_checks_cache_alone(tmp_path):
    root = project(tmp_path, '[tool.leaklint.vendors.segment]\nallow = ["email"]\n', {
        "app/views.py": SIGNUP, "app/other.py": SIGNUP.replace("user.phone})", "user.phone})  # noqa: LL040")})
    fresh = run_cli("inventory", "--format", "json", "--no-cache", cwd=root).stdout
    assert not (root / ".leaklint_cache").exists()
    first, cached = (run_cli("inventory", "--format", "json", cwd=root).stdout for _ in range(2))
    assert fresh == first == cached
    assert {f["status"] for f in json.loads(cached)["flows"]} == {"allowed", "reported", "suppressed"}
    assert run_cli("check", "-q", cwd=root).stdout == run_cli("check", "-q", "--no-cache", cwd=root).stdout


def test_the_documented_json_schema_is_what_the_inventory_writes():
    doc = (ROOT / "docs" / "inventory.md").read_text(encoding="utf-8")
    example = json.loads(doc.split("```json\n", 1)[1].split("```", 1)[0])
    real = inventory_json(cwd=ROOT / "fixtures" / "wrapped_app")
    assert example.keys() == real.keys() and example["version"] == real["version"]
    assert example["vendors"][0].keys() == real["vendors"][0].keys()
    assert example["flows"][0].keys() == real["flows"][0].keys()
    assert example["flows"][0]["via"][0].keys() == next(f for f in real["flows"] if f["via"])["via"][0].keys()
