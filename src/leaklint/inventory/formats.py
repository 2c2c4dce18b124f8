"""The inventory as a terminal table, JSON (schema in docs/inventory.md) and Markdown."""

from __future__ import annotations

import json

from . import Inventory, Record

VERSION = 1  # of the JSON document


def as_json(inv: Inventory) -> str:
    vendors = [{"name": name, "category": category, "kinds": sorted({f.kind for f in inv.flows if f.vendor == name}),
                "flows": sum(f.vendor == name for f in inv.flows)} for name, category in sorted(inv.vendors().items())]
    flows = [{"vendor": f.vendor, "category": f.category, "kind": f.kind, "status": f.status, "code": f.code,
              "path": f.path, "line": f.line, "column": f.col, "call": f.call,
              "via": [{"function": h.function, "path": h.path or None, "line": h.line or None} for h in f.via]}
             for f in inv.flows]
    return json.dumps({"tool": "leaklint", "version": VERSION, "files": inv.files, "vendors": vendors,
                       "flows": flows}, indent=2) + "\n"


def via_text(flow: Record) -> str:
    return " -> ".join(h.function for h in flow.via)


def as_table(inv: Inventory) -> str:
    if not inv.flows:
        return summary(inv) + "\n"
    head = ("VENDOR", "CATEGORY", "DATA", "STATUS", "WHERE", "VIA")
    rows = [(f.vendor, f.category, f.kind, f.status, f.where, via_text(f)) for f in inv.flows]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head) - 1)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1] for row in [head, *rows]]
    return "\n".join(line.rstrip() for line in lines) + "\n" + summary(inv) + "\n"


def summary(inv: Inventory) -> str:
    if not inv.flows:
        return f"No personal data sent to a vendor leaklint knows ({inv.files} files)."
    counts = {s: sum(f.status == s for f in inv.flows) for s in ("reported", "suppressed", "baselined", "allowed")}
    shown = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    return (f"{len(inv.flows)} flows of {len(inv.kinds())} kinds of personal data to {len(inv.vendors())} vendors "
            f"({shown}) in {inv.files} files.")


def md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell: pipes escaped, no line breaks, no HTML."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")


def as_markdown(inv: Inventory) -> str:
    out = ["## Personal data sent to vendors", ""]
    if not inv.flows:
        return "\n".join(out + [summary(inv)]) + "\n"
    out += ["| Vendor | Category | Data kinds | Flows |", "|---|---|---|---|"]
    for name, category in sorted(inv.vendors().items()):
        kinds = sorted({f.kind for f in inv.flows if f.vendor == name})
        out.append(f"| {md_cell(name)} | {md_cell(category)} | {md_cell(', '.join(kinds))} | "
                   f"{sum(f.vendor == name for f in inv.flows)} |")
    out += ["", "| Vendor | Data | Where | Status | Via |", "|---|---|---|---|---|"]
    out += [f"| {md_cell(f.vendor)} | {md_cell(f.kind)} | `{md_cell(f.where)}` | {f.status} ({f.code}) | "
            f"{md_cell(via_text(f))} |" for f in inv.flows]
    return "\n".join(out + ["", summary(inv)]) + "\n"
