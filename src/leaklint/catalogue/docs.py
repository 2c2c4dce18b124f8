"""Generate docs/catalogue.md from the catalogue's data: `python -m leaklint.catalogue.docs > docs/catalogue.md`."""

from __future__ import annotations

from . import CATEGORIES, Catalogue, builtin


def call_forms(cat: Catalogue, vendor: str) -> list[str]:
    """The distinct ways code reaches a vendor's sinks, by method name (`.user =` for an attribute)."""
    forms: set[str] = set()
    for call in cat.vendors[vendor].calls:
        for sink in cat.sinks[call]:
            if sink.vendor == vendor and not sink.carrier:
                forms.add(f"`.{sink.method} =`" if sink.attribute else f"`{sink.method}()`")
    return sorted(forms)


def carriers(cat: Catalogue, vendor: str) -> list[str]:
    """SDK objects that carry data to a sink later (`StatsigUser(...)`, `Context.builder(...)`)."""
    names = {c.split(".", 1)[-1] for c in cat.vendors[vendor].calls
             if any(s.carrier and s.vendor == vendor for s in cat.sinks[c])}
    return sorted(f"`{n}`" for n in names if not any(o != n and n.endswith("." + o) for o in names))


def render() -> str:
    cat = builtin()
    out = ["# SDK coverage", "",
           "Generated from `src/leaklint/catalogue/sdks/*.toml` by `python -m leaklint.catalogue.docs`; do not edit "
           "by hand.", "",
           "Each vendor's calls that send data (by method name) and the SDK objects that carry data to them. "
           "The category is shown in findings (for vendors that are not analytics tools) and kept for an "
           "inventory of where data goes.", "",
           "An SDK file names its `sdk`, `package` and `category`, and lists `[[sink]]` tables (`calls`, a "
           "role-annotated `signature`; `carrier = true` for objects sent later; `attribute = true` for an "
           "attribute assignment such as `scope.user = ...`; `implies` for a parameter the SDK reads personal "
           "data from, such as a request's client IP). Its objects are described by `instances` (a call or "
           "attribute and the class it gives), `returns` (the same for calls that are sinks themselves), "
           "`builders` (fluent builders, their `build` and `private` methods), `callbacks` (calls that hand "
           "their callback an SDK object, a lambda or a project function), `private_keys` (where a dict argument "
           "names fields not sent) and `[[private_config]]` (a config naming attributes its clients never send, "
           "known for a client built from it, or installed in the same module).", ""]
    for category in CATEGORIES:
        vendors = sorted((v for v in cat.vendors.values() if v.category == category), key=lambda v: v.name.lower())
        out += [f"## {category}", "", "| vendor | packages | sending calls | carriers |", "|---|---|---|---|"]
        out += [f"| {v.name} | {', '.join(f'`{p}`' for p in v.packages)} | {', '.join(call_forms(cat, v.name))} "
                f"| {', '.join(carriers(cat, v.name)) or '-'} |" for v in vendors]
        out.append("")
    return "\n".join(out + LIMITS)


LIMITS = [
    "## What a reading of the source can know of SDK objects", "",
    "- **Callbacks** (`configure_scope(cb)`, `push_scope(cb)`, Bugsnag's `before_notify(cb)`): a lambda, or a "
    "function of the same module (also `functools.partial(cb, ...)` and `self.method`), is checked with its "
    "parameter bound to the SDK object.  A function imported from another module, or handed over through a "
    "wrapper's own parameter, is not: what it sets on that object is not reported.",
    "- **Private attributes in a client's config** (LaunchDarkly `Config(all_attributes_private=True)`, "
    "`Config(private_attributes=[...])`): the context attributes the SDK redacts are not reported for a client "
    "built from that config, or for `ldclient.get()` after `ldclient.set_config(...)` in the same module (two "
    "configs installed: what both hide).  The config must be written as literals; an attribute reference into "
    "a nested value (`/address/street`) hides no whole attribute; the context key is always sent.  A config "
    "installed in another module (any module may replace it) is not known, so the attributes stay reported there "
    "— a false positive, never a missed leak.  `track(..., data)` is sent as it is.",
    "- **Methods named at run time** (`getattr(client, method)(*args, **kwargs)`, with `method` not written "
    "out): the call is any of that SDK object's sending methods, so every argument is checked as payload and "
    "reported under the vendor alone (\"Segment (method named at run time)\"), without an autofix: which argument "
    "is an id, an event name or a dict of traits is not known.  A name written out, or bound to a literal, is "
    "that method.", ""]


if __name__ == "__main__":
    print(render(), end="")
