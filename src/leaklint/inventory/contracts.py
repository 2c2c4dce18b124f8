"""Vendor data contracts, `[tool.leaklint.vendors.<vendor>]`: the personal data a vendor may receive
(`allow = ["email"]`) and optionally from which files only (`from = ["billing/**"]`)."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import ConfigError, _below, _strings


@dataclass(frozen=True)
class Contract:
    """The personal data one vendor may receive, and optionally from which files only."""

    key: str                      # the vendor as the configuration names it, for messages
    vendor: str                   # the catalogue's name for it
    allow: tuple[str, ...]        # `PiiKind` values, sorted (the settings' digest keys the cache)
    sources: tuple[str, ...] = ()  # globs of the files it may come from, relative to the configuration; () = any

    def allows(self, kind: str, relpath: str, root: Path | None) -> bool:
        if kind not in self.allow:
            return False
        if not self.sources:
            return True
        names = (relpath, *_below(relpath, root))
        return any(fnmatch.fnmatch(name, pattern) for name in names for pattern in self.sources)


def vendor_key(name: str) -> str:
    """`customer-io` for "Customer.io": how a vendor is written as a TOML key."""
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())


def kind_names() -> dict[str, str]:
    """`phone` and `phone number` -> "phone number": a kind by its `pii-names` name or by its value."""
    from ..pii import PiiKind

    return {**{k.value.lower(): k.value for k in PiiKind}, **{k.name.lower(): k.value for k in PiiKind}}


def read_contracts(value: Any, where: str) -> dict[str, Contract]:
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ConfigError(f"{where}: 'vendors' must hold one table per vendor, e.g. [tool.leaklint.vendors.segment]")
    from ..catalogue import builtin

    vendors = {vendor_key(name): name for name in builtin().vendors}
    kinds = kind_names()
    out = {}
    for key, table in value.items():
        vendor = vendors.get(vendor_key(key))
        if vendor is None:
            raise ConfigError(f"{where}: unknown vendor 'vendors.{key}' (one of {', '.join(sorted(vendors))})")
        unknown = set(table) - {"allow", "from"}
        if unknown:
            raise ConfigError(f"{where}: unknown key '{sorted(unknown)[0]}' in 'vendors.{key}' (allow, from)")
        allow = _strings(table.get("allow", []), f"vendors.{key}.allow", where)
        bad = [k for k in allow if k.lower() not in kinds]
        if bad:
            raise ConfigError(f"{where}: unknown data kind '{bad[0]}' in 'vendors.{key}.allow' "
                              f"(one of {', '.join(sorted(kinds))})")
        sources = tuple(_strings(table.get("from", []), f"vendors.{key}.from", where))
        out[vendor] = Contract(key, vendor, tuple(sorted({kinds[k.lower()] for k in allow})), sources)
    return out


def draft(flows) -> str:
    """`[tool.leaklint.vendors.*]` tables allowing what each vendor receives today (any status), to review
    and adopt: after it, `check` reports only data a contract does not allow."""
    kinds = {value: name for name, value in kind_names().items() if " " not in name}  # "phone number" -> "phone"
    sent: dict[str, set[str]] = {}
    for flow in flows:
        sent.setdefault(flow.vendor, set()).add(flow.kind)
    out = ["# Vendor data contracts drafted by `leaklint inventory --write-contracts` from the data each vendor",
           "# receives today. Keep only what each vendor's data-processing agreement covers; `from = [\"billing/**\"]`",
           "# limits a kind to some files. For pyproject.toml; in leaklint.toml the tables are [vendors.<vendor>]."]
    for vendor, received in sorted(sent.items()):
        allowed = sorted(kinds[k] for k in received if k in kinds)
        out += ["", f"[tool.leaklint.vendors.{vendor_key(vendor)}]",
                "allow = [" + ", ".join(f'"{k}"' for k in allowed) + "]"]
        if received - set(kinds):
            out.append(f"# also sent, which no contract can allow: {', '.join(sorted(received - set(kinds)))}")
    return "\n".join(out) + "\n"
