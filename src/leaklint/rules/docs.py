"""Generate docs/rules.md from the rules' own metadata: `python -m leaklint.rules.docs > docs/rules.md`."""

from __future__ import annotations

from . import all_rules


def render() -> str:
    rules = all_rules()
    out = ["# Rules", "", "Generated from the rules' metadata by `python -m leaklint.rules.docs`; do not edit by hand.", "",
           "| code | name | severity | summary |", "|---|---|---|---|"]
    out += [f"| [{r.code}](#{r.code.lower()}) | `{r.name}` | {r.severity.value} | {r.summary} |" for r in rules]
    for r in rules:
        out += ["", f"## {r.code}", "", f"**{r.name}** ({r.severity.value}): {r.summary}.", "",
                "### Why is this bad?", "", r.why, "", f"Message: `{r.message}`", ""]
        if r.config:
            out += ["### Configuration", "", "The examples are checked with:", "", "```toml", "[tool.leaklint]",
                    r.config.rstrip(), "```", ""]
        if r.bad:
            out += ["### Example", "", "```python", r.bad.rstrip(), "```", ""]
        out += ["### Use instead", "", "```python", r.good.rstrip(), "```", "",
                "### Fix", "", f"Suggestion shown with each finding: {r.fix}.", "", r.fix_safety]
        if r.fixed:
            out += ["", "The example, fixed:", "", "```python", r.fixed.rstrip(), "```"]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(render(), end="")
