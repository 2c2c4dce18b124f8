"""Generate docs/rules.md from the rules' own metadata: `python -m leaklint.rules.docs > docs/rules.md`;
and where each rule's page is on the web (SARIF's `helpUri`, the language server, `leaklint rules`)."""

from __future__ import annotations

from . import all_rules

# The project's one canonical address; pyproject.toml's [project.urls] say the same (a test checks it).
REPOSITORY = "https://github.com/leaklint/leaklint"
DOCS = f"{REPOSITORY}/blob/main/docs/"


def anchor(code: str) -> str:
    """The fragment of a rule's section in docs/rules.md: its `## LL001` heading, as GitHub slugs it."""
    return code.lower()


def rule_url(code: str) -> str:
    return f"{DOCS}rules.md#{anchor(code)}"


def render() -> str:
    rules = all_rules()
    out = ["# Rules", "", "Generated from the rules' metadata by `python -m leaklint.rules.docs`; do not edit by hand.", "",
           "| code | name | severity | summary |", "|---|---|---|---|"]
    out += [f"| [{r.code}](#{anchor(r.code)}) | `{r.name}` | {r.severity.value} | {r.summary} |" for r in rules]
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
