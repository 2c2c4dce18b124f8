"""LL030: personal data passed to a tracking function of the host application, outside this repository.

A plugin or an app of a larger platform tracks through the platform's own module (`from
common.djangoapps.track import segment; segment.track(...)`), which is not in the repository being
checked, so leaklint cannot follow it to an SDK.  A call is reported when all of these hold:

- its target is imported (a module, or an object a module holds or a function of it returns), from a
  package that is neither the project's own (those are followed precisely) nor a catalogued SDK (other
  rules check those), nor the standard library; a module analysed without its project (no index) is
  never reported, as its imports may be the project's own;
- its method is shaped like tracking (`TRACKING_METHODS`) and a word of its import path or of the
  names before the method says analytics (`ANALYTICS_WORDS`): the path, not the method, is what tells
  `segment.track` from `progress.track`; or its path names a vendor (`VENDOR_WORDS`, a shared library's
  `hubspot_api`) and its method writes a record there (`upsert_object_request`, `create_contact`);
- an argument carries personal data: a payload dict by its keys and values, a keyword by its name, a
  value by its evidence (ids, counts and flags are not personal data).

A project function passing its parameters to such a call becomes a sink of category `HOST`, like a
wrapper of an SDK: its callers are checked by this rule (`check_sink`), not by the payload rules.

What it cannot know: what the host does with the data (it may scrub it, or keep it in-house), nor a
tracker reached through a parameter or an object of unknown class (`client.track(...)` with `client`
a parameter), which is not reported.
"""

from __future__ import annotations

import functools
import re
import sys
from textwrap import dedent

from ..reads import note
from . import Report, Rule

# Methods that send an event, a profile or an identity in the analytics SDKs and the wrappers around them.
TRACKING_METHODS = frozenset({
    "track", "identify", "capture", "alias", "group", "page", "screen", "people_set", "people_set_once",
    "emit", "send_event", "log_event", "track_event", "record_event", "capture_event", "track_user",
    "identify_user", "set_user_properties", "track_action",
})
# Words of a module path or object name that say it tracks: generic words and the vendors' names.
# Not "metrics", "events" or "log": those modules count things or log, they do not profile people.
ANALYTICS_WORDS = frozenset({
    "analytics", "segment", "tracker", "trackers", "tracking", "track", "telemetry", "mixpanel", "posthog",
    "amplitude", "heap", "rudderstack", "snowplow", "braze", "intercom", "customerio", "hubspot", "klaviyo",
    "iterable", "kissmetrics", "keen", "june",
})

# Vendors' own names (not the generic words above, which also name parcel tracking or a heap): a function of
# a package named after one that writes records there (`hubspot_api.upsert_object_request`) sends its data.
VENDOR_WORDS = frozenset({
    "mixpanel", "posthog", "amplitude", "rudderstack", "snowplow", "braze", "intercom", "customerio", "hubspot",
    "klaviyo", "kissmetrics",
})
WRITE_WORDS = frozenset({"create", "update", "upsert", "send", "submit", "push", "sync"})

FIX = "check what the host's tracking call does with the data; send an opaque id, or wrap the payload in scrub(...)"


# (asked again for each file whenever the project's set of leads grows: kept per file's words)
@functools.lru_cache(maxsize=8192)
def imports_host_tracking(words: frozenset[str], local_roots: frozenset[str]) -> bool:
    """From the words of a file's import statements (`prefilter.import_words`, absolute imports' roots
    marked "^"), whether it may import a tracking module from outside the project and the standard
    library: an import names analytics.  Coarse, before parsing; `check_call` decides on the code."""
    def outside(root: str) -> bool:
        return root not in local_roots and root not in sys.stdlib_module_names

    if words.isdisjoint(ANALYTICS_WORDS):
        # Nor a vendor's name inside a snake-case part of an outside module's path (`mitol.hubspot_api`).
        modules = {w[1:].partition(":")[0] for w in words if w.startswith("=") and "_" in w.partition(":")[0]}
        return any(outside(m.split(".", 1)[0]) and not VENDOR_WORDS.isdisjoint(re.split(r"[._]", m.lower()))
                   for m in modules)
    return any(w.startswith("^") and outside(w[1:]) for w in words)


# The category of a host tracking call taken as a sink, and of the project functions forwarding to one: the
# payload rules leave those to this rule, which reports them at the callers of such a wrapper.
HOST = "host tracking"


def host_sink(call, func, ev):
    """A host tracking call as a sink taking anything, so that a project function passing its parameters
    there (`def track_event(user_id, name, properties): segment.track(...)`) is checked at its callers."""
    target = _host_target(call, func, ev)
    return _sink(target) if target is not None else None


@functools.lru_cache(maxsize=256)
def _sink(target: str):
    from ..catalogue import Param, ParamKind, Role, Sink

    params = (Param("args", Role.PROPERTIES, ParamKind.VAR_POSITIONAL, required=False),
              Param("kwargs", Role.PII_KWARGS, ParamKind.VAR_KEYWORD, required=False))
    return Sink(id=target, sdk=target, calls=(target,), params=params, project=True, category=HOST)


def check_sink(use):
    """A call of a project function that forwards its parameters to a host tracking call (the host call
    itself is reported by `check_call`)."""
    if use.sink.category != HOST or not use.sink.via:
        return
    from ..pii import PiiKind

    for arg in use.args:
        found = tuple(e for e in arg.value.pii if e.kind is not PiiKind.ORG_ID) + arg.value.wholes
        if found:
            yield _report(arg.node, found, use.label, use.call)
            return


def _report(node, found: tuple, target: str, call) -> Report:
    """The finding at `node`, named after the first evidence: a kind of data, or a whole object."""
    kind = found[0].kind.value if hasattr(found[0], "kind") else f"whole object {found[0].what}"
    return Report(RULE.code, node, RULE.message_for(kind=kind, target=target), found, call, FIX)


def check_call(call, func, ev):
    target = _host_target(call, func, ev)
    if target is None:
        return
    carrying = _carrying(call, ev)
    if carrying:
        node, found = carrying
        yield _report(node, found, target, call)


def _host_target(call, func, ev) -> str | None:
    """The dotted name of a tracking call on a module or object the project imports from outside."""
    import libcst as cst

    ref = func.ref if func.ref and not func.local else None
    # (exact types: libcst has no subclasses of these, and isinstance costs an abc call)
    if ref is None and type(call.func) is cst.Attribute and type(call.func.value) is cst.Call:
        owner = _quiet(ev).evaluate(call.func.value.func)  # `tracker.get_tracker().emit(...)`
        ref = f"{owner.ref}().{call.func.attr.value}" if owner.ref and not owner.local else None
    # The words first: they rule out almost every call, and `_known` asks the index, which is not cheap.
    return ref if ref is not None and _names_tracking(ref) and not _known(ref, ev) else None


@functools.lru_cache(maxsize=4096)
def _names_tracking(ref: str) -> bool:
    """Whether the dotted name reads as a tracking call (`analytics.track`) or a vendor's write
    (`hubspot_api.upsert_contact`), outside the standard library.  (Cached: every call of every walk
    asks, twice: as a sink and for this rule.)"""
    parts = ref.split(".")
    root, method = parts[0], parts[-1]
    if root in sys.stdlib_module_names:
        return False
    from ..pii import words

    path_words = {w for part in parts[:-1] for w in words(part)}
    tracking = method in TRACKING_METHODS and not path_words.isdisjoint(ANALYTICS_WORDS)
    return tracking or (not path_words.isdisjoint(VENDOR_WORDS) and not WRITE_WORDS.isdisjoint(words(method)))


def _known(ref: str, ev) -> bool:
    """Part of a catalogued SDK (its own rules check it, or know it sends nothing personal), or possibly
    of the project: without the project index (one module analysed on its own) any import may be the
    project's own module, and with it a package the index holds a module of is the project's.  A
    namespace package shared with other distributions (`mitol.docs` here, `mitol.hubspot_api` installed)
    is the project's only as far as the index holds its subpackage."""
    parts = ref.split(".")
    project = ev.options.project
    owner = ".".join(parts[:2]) if len(parts) > 2 else parts[0]
    # The catalogue's roots grow with the project's derived sinks: a read of the project, noted like one
    # (else a module walked before the sink was derived keeps what it concluded then, `reads`).
    catalogued = parts[0] in ev.options.catalogue.roots
    note(("root", parts[0]), catalogued)
    return catalogued or project is None or project.lookup(owner) is not None


def _carrying(call, ev):
    """The first argument carrying personal data (not an organisation id alone), and its evidence."""
    from ..pii import PiiKind

    quiet = _quiet(ev)
    for arg in call.args:
        value = quiet.evaluate(arg.value)
        if arg.keyword is not None:
            value = quiet.classify_key(arg.keyword.value, arg, value)
        found = tuple(e for e in value.pii if e.kind is not PiiKind.ORG_ID) + value.wholes
        if found:
            return arg, found
    return None


def _quiet(ev):
    """An evaluator of the same scope that reports nothing: the arguments were evaluated once already."""
    return type(ev)(ev.options, ev.env, None, ev.self_name, dict(ev.self_attrs))


RULE = Rule(
    code="LL030", name="pii-to-host-tracking", summary="Personal data passed to a tracking call outside the repository",
    message="{kind} sent to {target}, which is not in this repository: leaklint cannot see where it sends data",
    why="A plugin of a larger application often tracks through the host's own module (`segment.track`, "
        "`tracker.emit`), which forwards to an analytics vendor leaklint cannot see.  Reported when the call's "
        "method is shaped like tracking, its import path names analytics (segment, analytics, tracker, "
        "tracking, telemetry, a vendor's name), and an argument carries personal data; a shared library named after "
        "a vendor (`hubspot_api.upsert_object_request`) also when its method creates, updates, upserts, sends or "
        "syncs a record there.  A project function forwarding its parameters to such a call is checked at its "
        "callers.  It cannot know "
        "whether the host scrubs the data or keeps it in-house: switch the rule off (`ignore = [\"LL030\"]`) "
        "where the host is trusted.  A tracker passed in as a parameter, or an object of unknown class, is "
        "not reported.",
    bad=dedent("""
        from common.djangoapps.track import segment
        def enrolled(user, course_id):
            segment.track(user.id, "edx.course.enrolled", {"email": user.email, "course": course_id})
    """).strip() + "\n",
    good=dedent("""
        from common.djangoapps.track import segment
        def enrolled(user, course_id):
            segment.track(user.id, "edx.course.enrolled", {"course": course_id})
    """).strip() + "\n",
    fix=FIX, check_call=check_call, check_sink=check_sink,
)
RULES = [RULE]
