"""`leaklint inventory --write-contracts`: vendor data contracts drafted from today's flows, to review and
adopt (the contracts themselves: `rules.contract`)."""

from __future__ import annotations

from ..rules.contract import kind_names, vendor_key


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
