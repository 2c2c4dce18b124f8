"""SDK methods recognised by the attribute path they are called through, on an object of unknown class.

Some SDKs namespace their API deeply (`client.crm.contacts.basic_api.create(...)`).  A project often
holds such a client through a subclass or a factory from another package (a shared library wrapping the
vendor's client), which leaklint cannot see, so the object's class is unknown.  A path of three or more
attributes after the SDK class is the vendor's alone, so a call ending in it is checked as that SDK method.
Shorter paths (`client.track`, `api.send`) say nothing of the vendor and are never matched this way.
"""

from __future__ import annotations

import libcst as cst

from .env import per_catalogue

MIN_ATTRIBUTES = 3  # after the SDK class: `crm.contacts.basic_api.create` is four


def sdk_method_by_path(func: cst.BaseExpression, catalogue) -> str | None:
    """The catalogued SDK call whose attributes after its class are the ones `func` ends in, when
    there are at least `MIN_ATTRIBUTES` of them (`x.crm.objects.basic_api.create` ->
    `hubspot.HubSpot.crm.objects.basic_api.create`)."""
    attributes: list[str] = []
    while isinstance(func, cst.Attribute):
        attributes.append(func.attr.value)
        func = func.value
    if len(attributes) < MIN_ATTRIBUTES:
        return None
    attributes.reverse()
    tails = per_catalogue(catalogue, _tails)
    for start in range(len(attributes) - MIN_ATTRIBUTES + 1):
        found = tails.get(tuple(attributes[start:]))
        if found is not None:
            return found
    return None


def _tails(catalogue) -> dict[tuple[str, ...], str]:
    """Attributes after the last class in each SDK call's path (a capitalised part) -> that call (a path
    shared by two SDKs names neither)."""
    tails: dict[tuple[str, ...], str | None] = {}
    for call, sinks in catalogue.sinks.items():
        if all(s.project or s.carrier for s in sinks):
            continue
        parts = call.split(".")
        classes = [i for i, part in enumerate(parts) if part[:1].isupper()]
        if classes and len(parts) - classes[-1] - 1 >= MIN_ATTRIBUTES:
            tail = tuple(parts[classes[-1] + 1:])
            tails[tail] = call if tails.get(tail, call) == call else None
    return {tail: call for tail, call in tails.items() if call is not None}
