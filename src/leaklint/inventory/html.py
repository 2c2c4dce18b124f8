"""The inventory as one self-contained HTML page: a Sankey chart of vendors and the kinds of data they
receive, drawn as inline SVG, and a table of every flow with a text filter.  No network: no CDN, no
font, no image; a Content-Security-Policy forbids loading anything."""

from __future__ import annotations

from collections import Counter
from html import escape

from . import Inventory
from .formats import summary, via_text

WIDTH, NODE, TOP = 760, 14, 10   # chart width, node bar width, top margin
LEFT, RIGHT = 190, 570           # x of the vendor bars and of the kind bars
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f")
STATUS_COLOURS = {"reported": "#c0392b", "suppressed": "#7f8c8d", "baselined": "#8e6c3a", "allowed": "#27ae60"}

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222;background:#fff}
h1{font-size:20px;margin:0 0 4px}p.sum{color:#555;margin:0 0 16px}
svg text{font-size:12px;fill:#222}svg .link{fill:none;stroke-opacity:.35}svg .link:hover{stroke-opacity:.7}
svg .node{cursor:pointer}svg .node rect{stroke:#333;stroke-width:.5}
.bar{margin:18px 0 8px}input{font:inherit;padding:4px 8px;width:320px}#shown{color:#555;margin-left:8px}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;
vertical-align:top}th{background:#f4f4f4}td.call{font-family:ui-monospace,Menlo,monospace;font-size:12px;color:#444}
.st{font-weight:600}svg text.cat{font-size:10px;fill:#666}
"""

# The filter keeps the rows holding every word typed; a click on a chart node keeps the rows of exactly
# that vendor or kind (typing again returns to words).
SCRIPT = """
const box=document.getElementById('filter'),rows=[...document.querySelectorAll('#flows tbody tr')];
const shown=document.getElementById('shown');let exact=null;
function apply(){const terms=box.value.toLowerCase().split(/\\s+/).filter(Boolean);let n=0;
for(const r of rows){const t=r.textContent.toLowerCase();
const ok=exact?r.dataset[exact.role]===exact.name:terms.every(w=>t.includes(w));r.hidden=!ok;if(ok)n++}
shown.textContent=n+' of '+rows.length+' flows';}
box.addEventListener('input',()=>{exact=null;apply();});
for(const g of document.querySelectorAll('svg .node')){g.addEventListener('click',()=>{
exact={role:g.classList.contains('vendor')?'vendor':'kind',name:g.dataset.name};box.value=g.dataset.name;apply();});}
apply();
"""


def as_html(inv: Inventory) -> str:
    rows = "\n".join(
        f"<tr data-vendor=\"{escape(f.vendor)}\" data-kind=\"{escape(f.kind)}\"><td>{escape(f.vendor)}</td><td>{escape(f.category)}</td><td>{escape(f.kind)}</td>"
        f"<td class=st style=\"color:{STATUS_COLOURS[f.status]}\">{f.status}</td><td>{escape(f.code)}</td>"
        f"<td>{escape(f.where)}</td><td>{escape(via_text(f))}</td><td class=call>{escape(f.call)}</td></tr>"
        for f in inv.flows)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>Privacy inventory</title><style>{STYLE}</style></head><body>
<h1>Personal data sent to vendors</h1>
<p class="sum">{escape(summary(inv))}</p>
{chart(inv)}
<div class="bar"><input id="filter" type="search" placeholder="Filter: vendor, data kind, file, status..."
 aria-label="Filter the flows"><span id="shown"></span></div>
<table id="flows"><thead><tr><th>Vendor</th><th>Category</th><th>Data</th><th>Status</th><th>Rule</th>
<th>Where</th><th>Via</th><th>Call</th></tr></thead>
<tbody>
{rows}
</tbody></table>
<script>{SCRIPT}</script>
</body></html>
"""


def _stack(counts: dict[str, int], unit: float, gap: float) -> dict[str, float]:
    """Each node's top y, stacked in order with `gap` between them."""
    out, y = {}, float(TOP)
    for name, n in counts.items():
        out[name] = y
        y += n * unit + gap
    return out


def chart(inv: Inventory) -> str:
    """A Sankey chart: one bar per vendor (left), one per kind of data (right), a band per pair whose width
    is the number of flows."""
    if not inv.flows:
        return '<svg class="chart" width="0" height="0"></svg>'
    links = Counter((f.vendor, f.kind) for f in inv.flows)
    vendors = Counter(f.vendor for f in inv.flows)
    kinds = Counter(f.kind for f in inv.flows)
    vendors = dict(sorted(vendors.items(), key=lambda kv: (-kv[1], kv[0].lower())))
    kinds = dict(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0].lower())))
    unit = max(4.0, min(22.0, 420 / len(inv.flows)))
    gap = 12
    top_v, top_k = _stack(vendors, unit, gap), _stack(kinds, unit, gap)
    height = TOP * 2 + max(sum(vendors.values()), sum(kinds.values())) * unit + gap * max(len(vendors), len(kinds))
    category = inv.vendors()
    colour = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(vendors)}
    out_y, in_y = dict(top_v), dict(top_k)   # where the next band leaves a vendor / enters a kind
    bands = []
    for vendor in vendors:
        for kind in sorted((k for v, k in links if v == vendor), key=lambda k: list(kinds).index(k)):
            w = links[vendor, kind] * unit
            y0, y1 = out_y[vendor] + w / 2, in_y[kind] + w / 2
            out_y[vendor] += w
            in_y[kind] += w
            x0, x1, mid = LEFT + NODE, RIGHT, (LEFT + NODE + RIGHT) / 2
            bands.append(f'<path class="link" d="M{x0},{y0:.1f} C{mid},{y0:.1f} {mid},{y1:.1f} {x1},{y1:.1f}" '
                         f'stroke="{colour[vendor]}" stroke-width="{w:.1f}">'
                         f'<title>{escape(vendor)} → {escape(kind)}: {links[vendor, kind]}</title></path>')
    nodes = [_node("vendor", name, LEFT, top_v[name], n * unit, colour[name], n, category[name])
             for name, n in vendors.items()]
    nodes += [_node("kind", name, RIGHT, top_k[name], n * unit, "#555", n) for name, n in kinds.items()]
    return (f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0f}" '
            f'viewBox="0 0 {WIDTH} {height:.0f}" role="img" aria-label="Vendors and the kinds of personal data '
            f'they receive">{"".join(bands)}{"".join(nodes)}</svg>')


def _node(role: str, name: str, x: float, y: float, h: float, colour: str, n: int, category: str = "") -> str:
    """A bar and its label: a vendor's on its left, with its category below, a kind's on its right."""
    mid = y + h / 2 + 4
    label = f'<text x="{x - 6}" y="{mid - 6 if category else mid:.1f}" text-anchor="end">{escape(name)} ({n})</text>' + (
        f'<text class="cat" x="{x - 6}" y="{mid + 7:.1f}" text-anchor="end">{escape(category)}</text>') \
        if role == "vendor" else f'<text x="{x + NODE + 6}" y="{mid:.1f}">{escape(name)} ({n})</text>'
    return (f'<g class="node {role}" data-name="{escape(name)}"><rect x="{x}" y="{y:.1f}" width="{NODE}" '
            f'height="{h:.1f}" fill="{colour}"/>{label}</g>')
