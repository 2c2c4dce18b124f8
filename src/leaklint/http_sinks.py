"""Requests to a vendor's HTTP API as sinks: `requests.post(f"{settings.BRAZE_URL}/users/track", json=...)`.

A call of an HTTP client (`catalogue/http_clients.toml`) whose URL text (`Value.text`, unknown parts as
`{NAME}`) reaches a vendor endpoint (`catalogue/http/*.toml`, matched by `catalogue.endpoints`) is a
`SinkUse` of that endpoint, its body bound to roles like an SDK call's arguments: the rules check it as
they check an SDK call, and a project function whose parameter reaches it becomes a derived sink.
A request to any other address is not a sink.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import libcst as cst

from .catalogue import endpoints
from .flow import Evaluator, Value, call_args
from .flow.text import part, pure
from .pii import PiiKind
from .sinks import Arg, SinkUse, _args


@dataclass(frozen=True)
class HttpSinkUse(SinkUse):
    endpoint: str = ""  # the path the request goes to, as the code writes it

    @property
    def label(self) -> str:
        """`Braze (HTTP API) /users/track`."""
        return f"{self.sink.sdk} {self.endpoint}"


def http_sink_use(call: cst.Call, func: Value, arg_values: list[Value], ev: Evaluator) -> SinkUse | None:
    if not func.ref or func.local:
        return None
    apis = endpoints.builtin()
    client = apis.clients.get(func.ref)
    bound = client.bind(call_args(call)) if client is not None else None
    url = next((b for b in bound or () if b.param.name == "url" and not b.star), None)
    if url is None:
        return None
    by_node = {id(a.value): v for a, v in zip(call.args, arg_values)}
    found = apis.match(_address(call, part(url.node, by_node[id(url.node)]), ev))
    if found is None:
        return None
    endpoint, path = found
    args = tuple(_unwrappable(_without_key(a, endpoint.auth)) for a in _args(bound, by_node, ev, call))
    return HttpSinkUse(endpoints.endpoint_sink(endpoint, client), call, args, endpoint=path)


def _address(call: cst.Call, url: str, ev: Evaluator) -> str:
    """The URL a client sends to: a path joins the `base_url` its client was made with."""
    if "://" in url or url.startswith("{") or not isinstance(call.func, cst.Attribute) or not pure(call.func.value):
        return url
    base = ev.evaluate(call.func.value).text
    return base.rstrip("/") + "/" + url.lstrip("/") if base else url


def _without_key(arg: Arg, auth: frozenset[str]) -> Arg:
    """The vendor's own key, in the body field the vendor authenticates by (Amplitude's `api_key`), is
    meant for the vendor as much as an `Authorization` header is: not a credential leaking to it."""
    if not auth or not any(e.kind is PiiKind.CREDENTIAL and e.matched in auth for e in arg.value.pii):
        return arg
    kept = tuple(e for e in arg.value.pii if not (e.kind is PiiKind.CREDENTIAL and e.matched in auth))
    return replace(arg, value=arg.value.but(pii=kept))


def _unwrappable(arg: Arg) -> Arg:
    """A body built by a call (`json.dumps(payload)`) is text: the scrubber, which keeps a dict's shape,
    is not a fix for it."""
    return replace(arg, expression=None) if isinstance(arg.expression, cst.Call) else arg
