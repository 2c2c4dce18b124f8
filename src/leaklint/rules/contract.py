"""LL040: personal data sent to a vendor whose data contract (`[tool.leaklint.vendors.<vendor>]`) does not
allow that kind of data (or not from that file).

The contract is judged on every report of a sink check that carries personal data to a vendor of the
catalogue: a flow its contract allows is no finding (the inventory lists it as allowed); any other flow
to a vendor with a contract is reported under this rule instead of the rule that found it, naming the
contract.  There is no automatic fix: the scrubber would also remove the data the contract allows.
"""

from __future__ import annotations

import fnmatch
import functools
from dataclasses import dataclass, replace
from textwrap import dedent

from . import Report, Rule

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ..findings import Flow

WHOLE_OBJECT = "whole object"


class ContractError(ValueError):
    """A contract that cannot be read (the configuration reports it as its own error)."""


FIX = "stop sending this data to the vendor, or, once its data-processing agreement covers it, add it to the " \
      "contract's allow list"


# -- vendor data contracts: `[tool.leaklint.vendors.<vendor>] allow = ["email"], from = ["billing/**"]` ----
@dataclass(frozen=True)
class Contract:
    """The personal data one vendor may receive, and optionally from which files only."""

    key: str                      # the vendor as the configuration names it, for messages
    vendor: str                   # the catalogue's name for it
    allow: tuple[str, ...]        # `PiiKind` values, sorted (the settings' digest keys the cache)
    sources: tuple[str, ...] = ()  # globs of the files it may come from, relative to the configuration; () = any

    def allows(self, kind: str, names: tuple[str, ...]) -> bool:
        """Whether the contract allows `kind` from a file known by `names` (`Settings.names_of`)."""
        if kind not in self.allow:
            return False
        return not self.sources or any(fnmatch.fnmatch(n, pattern) for n in names for pattern in self.sources)


def vendor_key(name: str) -> str:
    """`customer-io` for "Customer.io": how a vendor is written as a TOML key."""
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())


def kind_names() -> dict[str, str]:
    """`phone` and `phone number` -> "phone number": a kind by its `pii-names` name or by its value."""
    from ..pii import PiiKind

    return {**{k.value.lower(): k.value for k in PiiKind}, **{k.name.lower(): k.value for k in PiiKind}}


def read_contracts(value: object, where: str) -> dict[str, Contract]:
    """`[tool.leaklint.vendors]`, checked: a vendor the catalogue knows, kinds of personal data it knows."""
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ContractError(f"{where}: 'vendors' must hold one table per vendor, e.g. [tool.leaklint.vendors.segment]")
    from ..catalogue import builtin

    vendors = {vendor_key(name): name for name in builtin().vendors}
    kinds = kind_names()
    out = {}
    for key, table in value.items():
        vendor = vendors.get(vendor_key(key))
        if vendor is None:
            raise ContractError(f"{where}: unknown vendor 'vendors.{key}' (one of {', '.join(sorted(vendors))})")
        unknown = set(table) - {"allow", "from"}
        if unknown:
            raise ContractError(f"{where}: unknown key '{sorted(unknown)[0]}' in 'vendors.{key}' (allow, from)")
        allow = _names(table.get("allow", []), f"vendors.{key}.allow", where)
        bad = [k for k in allow if k.lower() not in kinds]
        if bad:
            raise ContractError(f"{where}: unknown data kind '{bad[0]}' in 'vendors.{key}.allow' "
                                f"(one of {', '.join(sorted(kinds))})")
        sources = tuple(_names(table.get("from", []), f"vendors.{key}.from", where))
        out[vendor] = Contract(key, vendor, tuple(sorted({kinds[k.lower()] for k in allow})), sources)
    return out


def _names(value: object, key: str, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ContractError(f"{where}: '{key}' must be a list of strings")
    return list(value)


# -- judging reports -----------------------------------------------------------------------------
def flow_of(report: Report) -> Flow | None:
    """The personal data a report sends to a vendor of the catalogue; None for anything else (a setting,
    a project sink naming no vendor leaklint knows, a report with no kind of data)."""
    if report.sink is None or not report.evidence:
        return None
    vendor = catalogue_vendor(report.sink.sdk)
    if vendor is None:
        return None
    from ..catalogue import builtin
    from ..findings import Flow

    kinds = dict.fromkeys(e.kind.value if hasattr(e, "kind") else WHOLE_OBJECT for e in report.evidence)
    return Flow(vendor, builtin().vendors[vendor].category, tuple(kinds))


def catalogue_vendor(sdk: str) -> str | None:
    """The catalogue vendor an SDK name starts with: `Segment (analytics-python, legacy)`, `Mixpanel track`
    (a project function's sink is named after the SDK call it reaches), `Braze (HTTP API)`."""
    for name in _vendor_names():
        if sdk == name or sdk.startswith((name + " ", name + " (")):
            return name
    return None


@functools.lru_cache(maxsize=1)
def _vendor_names() -> tuple[str, ...]:
    from ..catalogue import builtin

    return tuple(sorted(builtin().vendors, key=len, reverse=True))  # "Amplitude Experiment" before "Amplitude"


def judge(report: Report, settings, display: str) -> tuple[Report, Flow | None, bool]:
    """The report as it stands under the vendors' contracts (`settings.vendors`, the file's `config.Settings`;
    not imported: the configuration reads its contracts here), its flow, and whether its contract allows it."""
    flow = flow_of(report)
    contract = settings.vendors.get(flow.vendor) if flow is not None and settings.vendors else None
    if contract is None:
        return report, flow, False
    names = settings.names_of(display)
    denied = [k for k in flow.kinds if not contract.allows(k, names)]
    if not denied:
        return report, flow, True
    allows = ", ".join(contract.allow) or "nothing"
    if contract.allow and contract.sources:
        allows += " from " + ", ".join(contract.sources)
    message = RULE.message_for(kind=", ".join(denied), vendor=flow.vendor, contract=contract.key, allows=allows)
    evidence = tuple(e for e in report.evidence if (e.kind.value if hasattr(e, "kind") else WHOLE_OBJECT) in denied)
    return replace(report, code=RULE.code, message=message, evidence=evidence, fix=FIX, autofix=None), flow, False


CONFIG = """
[vendors.segment]
allow = ["email"]
"""

RULE = Rule(
    code="LL040", name="vendor-contract", summary="Personal data a vendor's data contract does not allow",
    message="{kind} sent to {vendor}, which its contract [tool.leaklint.vendors.{contract}] does not allow "
            "(it allows {allows})",
    why="A vendor data contract records what the company agreed to send a vendor (its data-processing "
        "agreement): e-mail addresses to the customer data platform, nothing else. Data outside it is processing "
        "no agreement covers, and the vendor list of the record of processing is no longer true. With a "
        "contract, what it allows is no finding (the inventory lists it as allowed) and anything else sent to "
        "that vendor is reported under this rule instead of the rule that found it.",
    bad=dedent("""
        from segment import analytics
        def signed_up(user):
            analytics.identify(user.pk, {"email": user.email, "phone": user.phone})
    """).lstrip(),
    good=dedent("""
        from segment import analytics
        def signed_up(user):
            analytics.identify(user.pk, {"email": user.email, "plan": user.plan_code})
    """).lstrip(),
    fix=FIX,
    config=CONFIG.lstrip(),
    fix_safety="No automatic fix: the scrubber would also remove the data the contract allows.",
)
RULES = [RULE]
