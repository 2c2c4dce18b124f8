"""The catalogue of SDK sinks: data files under `sdks/` and `settings.toml`, loaded into lookup tables.

Each SDK file lists its sinks with the qualified names that reach them (`calls`) and a Python-like
`signature` whose annotations are *roles*: what each argument carries to the vendor.  Adding an SDK
means adding a file; nothing here knows any SDK by name.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping, Sequence

from ..reads import note


class Role(enum.Enum):
    USER_ID = "user_id"            # who the event is about (distinct_id, user_id, anonymous_id)
    EVENT = "event"                # event / page name
    PROPERTIES = "properties"      # free-form event properties
    TRAITS = "traits"              # person profile attributes
    GROUP_ID = "group_id"          # organisation / group key
    GROUP_TRAITS = "group_traits"  # organisation attributes
    PII_KWARGS = "pii_kwargs"      # **kwargs, every keyword a field of the payload
    EVENT_OBJECT = "event_object"  # an SDK event object built elsewhere
    CONTEXT = "context"            # Segment-style context (ip, traits, user agent)
    PII_FIELD = "pii_field"        # one parameter that is personal data by its very name
    USER_OBJECT = "user_object"    # an SDK user / context object
    TRAIT_KEY = "trait_key"        # key of a key/value setter (decides whether the value is PII)
    TRAIT_VALUE = "trait_value"    # value of a key/value setter
    FREE_TEXT = "free_text"        # message text, labels, URLs
    SETTING = "setting"            # the value of a risky SDK setting (`send_default_pii`), see `Sink.settings`


class ParamKind(enum.Enum):
    POSITIONAL_ONLY = "positional_only"
    POSITIONAL = "positional_or_keyword"
    KEYWORD_ONLY = "keyword_only"
    VAR_POSITIONAL = "var_positional"
    VAR_KEYWORD = "var_keyword"


# What a vendor is for, one per SDK file: shown in messages and kept for an inventory of vendors.
CATEGORIES = ("product analytics", "error tracking", "feature flags", "marketing/CRM", "observability", "support chat")


class CatalogueError(ValueError):
    """A sink definition that cannot be read (bad signature, unknown role)."""


@dataclass(frozen=True)
class Param:
    name: str
    role: Role | None
    kind: ParamKind
    required: bool
    implies: str = ""   # a PII kind the SDK reads from whatever is passed here (a request: the client IP)
    why: str = ""       # how, and under which setting, for the finding's explanation
    objects: bool = False  # the SDK serialises any object given here (a whole `request.user` is sent)


@dataclass(frozen=True)
class Bound:
    """One call argument bound to a parameter.  `key` is the keyword when it landed in `**kwargs`."""

    param: Param
    node: object
    key: str | None = None
    star: bool = False  # the argument was `**mapping` (or `*seq`), not a single value


@dataclass(frozen=True)
class Sink:
    id: str
    sdk: str
    calls: tuple[str, ...]
    params: tuple[Param, ...]
    carrier: bool = False      # builds an object that is sent later by another sink
    project: bool = False      # declared in the project's configuration, not shipped with leaklint
    via: str = ""              # for a project function that forwards to a sink: the chain, for messages
    chain: tuple[str, ...] = ()  # ... and the qualified names of its functions, outermost first (for locations)
    category: str = ""         # one of CATEGORIES; "" for the project's own sinks or a file naming none
    attribute: bool = False    # reached by assigning an attribute (`scope.user = {...}`), not by a call
    settings: tuple[tuple[str, str], ...] = ()  # (parameter, id of the `Setting` its SETTING value sets)

    @property
    def method(self) -> str:
        return self.calls[0].rsplit(".", 1)[-1]

    @property
    def vendor(self) -> str:
        """`PostHog` for the sdk `PostHog (>=6)`: the vendor, without the package variant."""
        return self.sdk.split(" (", 1)[0]

    def bind(self, args: Sequence[tuple[str | None, str, object]]) -> list[Bound] | None:
        """Bind call arguments `(keyword, star, node)` the way Python would; None when they cannot bind.

        `star` is "" for a plain argument, "*" or "**" for unpacking.  Unpacked arguments bind leniently,
        since their length or keys are unknown.
        """
        positional = [p for p in self.params if p.kind in (ParamKind.POSITIONAL_ONLY, ParamKind.POSITIONAL)]
        var_pos = next((p for p in self.params if p.kind is ParamKind.VAR_POSITIONAL), None)
        var_kw = next((p for p in self.params if p.kind is ParamKind.VAR_KEYWORD), None)
        by_name = {p.name: p for p in self.params
                   if p.kind in (ParamKind.POSITIONAL, ParamKind.KEYWORD_ONLY)}
        bound: list[Bound] = []
        filled: set[str] = set()
        index = 0
        lenient = False
        for keyword, star, node in args:
            if star == "*":
                lenient = True
                continue
            if star == "**":
                lenient = True
                if var_kw is not None:
                    bound.append(Bound(var_kw, node, star=True))
                continue
            if keyword is None:
                if index < len(positional):
                    p = positional[index]
                    index += 1
                    bound.append(Bound(p, node))
                    filled.add(p.name)
                elif var_pos is not None:
                    bound.append(Bound(var_pos, node))
                else:
                    return None
                continue
            p = by_name.get(keyword)
            if p is not None:
                if p.name in filled:
                    return None
                bound.append(Bound(p, node))
                filled.add(p.name)
            elif var_kw is not None:
                bound.append(Bound(var_kw, node, key=keyword))
            else:
                return None
        if not lenient and any(p.required and p.name not in filled for p in self.params
                               if p.kind not in (ParamKind.VAR_POSITIONAL, ParamKind.VAR_KEYWORD)):
            return None
        return bound


@dataclass(frozen=True)
class Setting:
    """An SDK setting that makes the SDK collect personal data by itself."""

    id: str
    sdk: str
    effect: str
    fix: str
    calls: tuple[str, ...] = ()
    keyword: str | None = None
    equals: object = None
    literal: str | None = None


def parse_signature(text: str) -> tuple[Param, ...]:
    """Parse `(a: role, b=None, *, c: role=None, **kw: role)` into parameters."""
    text = text.strip()
    if not (text.startswith("(") and text.endswith(")")):
        raise CatalogueError(f"signature must be parenthesised: {text!r}")
    params: list[Param] = []
    kind = ParamKind.POSITIONAL
    for raw in filter(None, (part.strip() for part in text[1:-1].split(","))):
        if raw == "/":
            params = [Param(p.name, p.role, ParamKind.POSITIONAL_ONLY, p.required) for p in params]
            continue
        if raw == "*":
            kind = ParamKind.KEYWORD_ONLY
            continue
        this_kind = kind
        if raw.startswith("**"):
            this_kind, raw = ParamKind.VAR_KEYWORD, raw[2:]
        elif raw.startswith("*"):
            this_kind, raw, kind = ParamKind.VAR_POSITIONAL, raw[1:], ParamKind.KEYWORD_ONLY
        head, has_default, _ = raw.partition("=")
        name, _, role_text = head.partition(":")
        try:
            role = Role(role_text.strip()) if role_text.strip() else None
        except ValueError:
            raise CatalogueError(f"unknown role {role_text.strip()!r} in {text!r}") from None
        required = not has_default and this_kind in (ParamKind.POSITIONAL, ParamKind.KEYWORD_ONLY)
        params.append(Param(name.strip(), role, this_kind, required))
    return tuple(params)


@dataclass(frozen=True)
class Vendor:
    """One vendor of the catalogue, for the coverage table and an inventory of where data goes."""

    name: str
    category: str
    packages: tuple[str, ...]
    calls: tuple[str, ...]          # every qualified call that reaches one of its sinks


@dataclass(frozen=True)
class Builder:
    """A fluent SDK builder (`Context.builder(key).name(n).set(k, v).build()`): each setter returns the
    builder with one more field; `build` returns the object `builds`; `private` names fields not sent."""

    cls: str
    builds: str
    build: str = "build"
    private: str | None = None


@dataclass(frozen=True)
class PrivateConfig:
    """An SDK config naming context attributes that its clients never send (LaunchDarkly's
    `Config(private_attributes=[...])`, `Config(all_attributes_private=True)`): read where a client is built
    from the config, or where the config is installed for the SDK's shared client."""

    names: str                # the keyword listing private attributes
    every: str                # the keyword that, True, makes every attribute private
    kept: frozenset[str]      # attributes sent all the same (a context's key and kind)


@dataclass
class Catalogue:
    """Lookup tables built from the data files (and from the project's configured sinks)."""

    sinks: dict[str, list[Sink]] = field(default_factory=dict)       # qualified call -> sinks
    instances: dict[str, str] = field(default_factory=dict)          # factory / attribute -> class
    settings: list[Setting] = field(default_factory=list)
    setting_calls: dict[str, list[Setting]] = field(default_factory=dict)
    vendors: dict[str, Vendor] = field(default_factory=dict)         # vendor name -> vendor
    builders: dict[str, Builder] = field(default_factory=dict)       # builder class -> builder
    callbacks: dict[str, str] = field(default_factory=dict)          # call -> class of its callback's argument
    # call -> class of what it returns, for calls that are also sinks (`tracer.start_span(name, attributes=)`):
    # unlike `instances`, the called attribute itself stays the sink's name
    returns: dict[str, str] = field(default_factory=dict)
    # call taking a dict literal -> where in it the dict names fields that are not sent ("_meta.privateAttributes")
    private_keys: dict[str, str] = field(default_factory=dict)
    # call -> (what it is: "config", "client" or "install", the config): see `PrivateConfig`
    private_configs: dict[str, tuple[str, PrivateConfig]] = field(default_factory=dict)
    # Every dotted prefix of a sink's call ("mixpanel.Mixpanel" of "mixpanel.Mixpanel.track"), made on first use:
    # `instance_class` runs on every SDK call evaluated and must not scan the sinks each time.
    # (A sink removed later may leave its prefixes: only project sinks are removed, and their names are never
    # an SDK object's.)
    _prefixes: set[str] | None = field(default=None, init=False, repr=False, compare=False)

    def copy(self) -> "Catalogue":
        """A copy to add sinks to (the project's, or derived ones) without changing this one."""
        return replace(self, sinks={k: list(v) for k, v in self.sinks.items()}, settings=list(self.settings),
                       setting_calls=dict(self.setting_calls))

    def add_sink(self, sink: Sink) -> None:
        for call in sink.calls:
            self.sinks.setdefault(call, []).append(sink)
            if self._prefixes is not None:
                self._prefixes.update(call_prefixes(call))

    def add_setting(self, setting: Setting) -> None:
        self.settings.append(setting)
        for call in setting.calls:
            self.setting_calls.setdefault(call, []).append(setting)

    @property
    def roots(self) -> frozenset[str]:
        """Top-level module names of every SDK, for the import-based prefilter."""
        names = set(self.sinks) | set(self.instances) | set(self.setting_calls) | set(self.returns)
        return frozenset(n.split(".", 1)[0] for n in names)

    def instance_class(self, path: str) -> str | None:
        """The class an object created by calling `path` (or reached as attribute `path`) belongs to."""
        found = self._instance_class(path)
        note(("instance_class", path), found)  # a project function's derived sink makes its class one
        return found

    def _instance_class(self, path: str) -> str | None:
        if path in self.instances or path in self.returns:
            return self.instances.get(path) or self.returns[path]
        if self._prefixes is None:
            self._prefixes = {prefix for call in self.sinks for prefix in call_prefixes(call)}
        return path if path in self._prefixes else None


def call_prefixes(call: str) -> list[str]:
    """`a`, `a.b` of `a.b.c`: the modules and classes a call's name passes through."""
    parts = call.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def sink_from_table(table: Mapping, sdk: str, category: str = "") -> Sink:
    try:
        return Sink(
            id=str(table["id"]),
            sdk=str(table.get("sdk", sdk)),
            calls=tuple(table["calls"]),
            params=_implied(parse_signature(table["signature"]), table.get("implies", {}), table.get("objects", ())),
            carrier=bool(table.get("carrier", False)),
            project=bool(table.get("project", False)),
            category=category,
            attribute=bool(table.get("attribute", False)),
        )
    except KeyError as missing:
        raise CatalogueError(f"sink {table.get('id', '?')!r} lacks {missing}") from None


def _implied(params: tuple[Param, ...], implies: Mapping[str, Mapping], objects: Sequence[str]) -> tuple[Param, ...]:
    """Parameters whose argument the SDK reads personal data from (`implies = {request = {kind, why}}`), and
    those it serialises whatever object they are given (`objects = ["value"]`)."""
    from ..pii import PiiKind

    params = tuple(replace(p, objects=True) if p.name in objects else p for p in params)
    unknown = (set(implies) | set(objects)) - {p.name for p in params}
    if unknown:
        raise CatalogueError(f"implies or objects names no parameter: {', '.join(sorted(unknown))}")
    kinds = {k.value for k in PiiKind}
    if any(str(table.get("kind")) not in kinds for table in implies.values()):
        raise CatalogueError(f"implies a kind that is not one of {', '.join(sorted(kinds))}")
    return tuple(replace(p, role=p.role or Role.PII_FIELD, implies=str(implies[p.name]["kind"]),
                         why=str(implies[p.name].get("why", ""))) if p.name in implies else p for p in params)


DATA = Path(__file__).parent  # the data files sit beside this module


def with_project_sinks(base: Catalogue, tables: Mapping[str, Mapping]) -> Catalogue:
    """A copy of `base` plus sinks declared in the project's config (`[tool.leaklint.sinks]`)."""
    if not tables:
        return base
    cat = base.copy()
    for call, table in tables.items():
        cat.add_sink(sink_from_table({"id": call, "calls": [call], "project": True, **table},
                                     str(table.get("sdk", call))))
    return cat


# The catalogue shipped with leaklint, from the data files (imported last: it builds on the above)
from .data import builtin, prefilter_facts  # noqa: E402, F401
