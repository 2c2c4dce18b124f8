"""Vendor HTTP APIs as data: the HTTP clients (`http_clients.toml`) and each vendor's endpoints (`http/*.toml`).

A client entry lists calls that send a request (`requests.post`, `httpx.AsyncClient.post`) with a
signature whose annotations are the roles of the body (`json`, `data`, `params`...); its parameter
named `url` is the address.  A vendor file names the vendor, its API `hosts` (a domain covers its
subdomains), the words that name it in a setting or a host (`names`), the body fields its own key
travels in (`auth`: a credential under that name is meant for the vendor), and one `[[endpoint]]` per
path (`{x}` stands for one segment, a final `**` for any rest; an endpoint may have hosts of its own).

How a URL is matched (`HttpApis.match`), on what is known of its text (`{NAME}` for an unknown part):
- `https://<host>/<path>`: the host is one of the endpoint's domains and the path is the endpoint's;
- `{NAME}/<path>`: a base URL held by a setting or constant whose name names the vendor (`{BRAZE_URL}`,
  `{HUBSPOT_API_BASE}`), or `https://<host>/<path>` where the host's own words do (a proxy or a
  self-hosted instance, `posthog.example.com`): the path is the end of the endpoint's, from one of its
  named segments on, since the base may hold a prefix (`/v1`, `/api`).
- `{NAME}` alone: a whole URL held by a setting whose name says the vendor and that data goes in there
  (`{HUBSPOT_TRACKING_URL}`): one of the vendor's endpoints, which is not known.
A path segment unknown in the code (`{user_id}`) matches a `{x}` or `**` of the pattern; only when no
endpoint matches so does it stand for any segments (`{BRAZE_URL}/{endpoint}`: some endpoint of Braze's).
The application's own API, an unknown host, a base whose name says nothing, or a path the vendor's
endpoints do not have (`/oauth/v1/token`) are not vendor endpoints.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterable, Mapping

from .._toml import tomllib
from . import DATA, CatalogueError, Sink, call_prefixes, parse_signature
from ..pii import words

_URL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//([^/?#]*)(.*)$")
_HOST_THEN_PATH = re.compile(r"^([^{}]*[^{}.])(\{.*)$")  # `api.hubapi.com{path}`: a path unknown in the code


@dataclass(frozen=True)
class Endpoint:
    vendor: str
    path: str
    segments: tuple[str, ...]
    hosts: tuple[str, ...]
    names: tuple[tuple[str, ...], ...]
    auth: frozenset[str] = frozenset()  # the words of the body fields the vendor's own key travels in

    @property
    def sdk(self) -> str:
        return f"{self.vendor} (HTTP API)"

    def reached(self, host: str | None, base: list[str], path: tuple[str, ...], loose: bool = False) -> bool:
        """Whether a request to `host` (None for a base URL held by a name) with the words `base`
        (the base's name, or the host's labels) and the `path` segments reaches this endpoint; `loose`
        lets a segment unknown in the code stand for one or more of the pattern's."""
        if host is not None and any(host == h or host.endswith("." + h) for h in self.hosts):
            return _fits(self.segments, path, loose)
        if not any(_contains(base, name) for name in self.names):
            return False
        return any(_fits(self.segments[k:], path, loose) for k, segment in enumerate(self.segments)
                   if not _wildcard(segment))


@dataclass(frozen=True)
class HttpApis:
    clients: Mapping[str, Sink]      # client call -> its signature, as a sink of no vendor yet
    endpoints: tuple[Endpoint, ...]

    @functools.cached_property
    def client_roots(self) -> frozenset[str]:
        """Top-level modules of the HTTP clients (`requests`, `httpx`)."""
        return frozenset(call.split(".", 1)[0] for call in self.clients)

    @functools.cached_property
    def client_roots_imported(self) -> frozenset[str]:
        """`client_roots` as the prefilter's words for an absolute import of them (`^requests`)."""
        from ..prefilter import ROOT_PREFIX

        return frozenset(ROOT_PREFIX + root for root in self.client_roots)

    @functools.cached_property
    def markers(self) -> tuple[str, ...]:
        """Texts one of which a module sending to a vendor's API holds: a host, or a vendor's name as a setting
        or a name's first word spells it (`BRAZE_URL`, `posthog_host`).  Not the name alone: `iterable`,
        `heap` and `segment` are ordinary words in code."""
        names = {"_".join(n) for e in self.endpoints for n in e.names}
        return tuple(sorted({h for e in self.endpoints for h in e.hosts} | {n.upper() for n in names} |
                            {n + "_" for n in names}))

    def names_vendor(self, text: str) -> bool:
        return any(marker in text for marker in self.markers)

    @functools.cached_property
    def _client_classes(self) -> frozenset[str]:
        return frozenset(prefix for call in self.clients for prefix in call_prefixes(call))

    def is_client(self, cls: str) -> bool:
        """Whether objects of class `cls` send requests (`httpx.Client`)."""
        return cls in self._client_classes

    def match(self, url: str) -> tuple[Endpoint, str] | None:
        """The endpoint a URL text reaches, and its path as written; None for any other address."""
        split = _split(url)
        if split is None:
            return None
        host, base, path = split
        segments = tuple(s for s in path.split("/") if s)
        if not segments:
            return self._whole_setting(url, host, base)
        # A path the code builds from unknown parts (`f"{BRAZE_URL}/{endpoint}"`) reaches the vendor
        # all the same, when no endpoint matches it as written.
        found = next((e for loose in (False, True) for e in self.endpoints if e.reached(host, base, segments, loose)),
                     None)
        return (found, "/" + "/".join(segments)) if found is not None else None

    def _whole_setting(self, url: str, host: str | None, base: list[str]) -> tuple[Endpoint, str] | None:
        """A URL held whole by a setting whose name says both the vendor and that data is sent there
        (`HUBSPOT_TRACKING_URL`, `SEGMENT_EVENTS_ENDPOINT`): some endpoint of the vendor's, path unknown."""
        whole = url.startswith("{") and url.endswith("}") and url.count("{") == 1
        if host is not None or not whole or not INGEST_WORDS.intersection(base):
            return None
        found = next((e for e in self.endpoints if any(_contains(base, name) for name in e.names)), None)
        return (found, url) if found is not None else None


# Words of a setting's name saying it is where data goes in, not an authorisation or a settings address.
INGEST_WORDS = frozenset({"track", "tracking", "event", "events", "capture", "identify", "ingest", "submit",
                          "submission", "submissions", "form", "forms", "collect"})


@functools.lru_cache(maxsize=None)
def endpoint_sink(endpoint: Endpoint, client: Sink) -> Sink:
    """A client call sending to a vendor endpoint: the client's signature, the vendor's name."""
    return Sink(id=f"{endpoint.vendor} {endpoint.path}", sdk=endpoint.sdk, calls=client.calls, params=client.params)


def _split(url: str) -> tuple[str | None, list[str], str] | None:
    """(host or None, the words naming the base, the path) of a URL text; None when it has no base."""
    url = url.split("#", 1)[0].split("?", 1)[0]
    found = _URL.match(url)
    if found:
        host, path = found.group(1), found.group(2)
        glued = _HOST_THEN_PATH.match(host)
        if glued:
            host, path = glued.group(1), "/" + glued.group(2) + path
        host = host.rsplit("@", 1)[-1].split(":", 1)[0].lower()
        return host, words(host), path
    if url.startswith("{") and "}" in url:
        end = url.index("}")
        return None, words(url[1:end]), url[end + 1:]
    return None


def _wildcard(segment: str) -> bool:
    return segment == "**" or segment.startswith("{")


def _fits(pattern: tuple[str, ...], path: tuple[str, ...], loose: bool = False) -> bool:
    if not pattern:
        return not path
    head = pattern[0]
    if head == "**":
        return True
    if not path:
        return False
    if loose and _wildcard(path[0]):
        return any(_fits(pattern[n:], path[1:], loose) for n in range(1, len(pattern) + 1))
    if not (head.startswith("{") or path[0] == head):
        return False
    return _fits(pattern[1:], path[1:], loose)


def _contains(ws: list[str], name: tuple[str, ...]) -> bool:
    return any(tuple(ws[i:i + len(name)]) == name for i in range(len(ws) - len(name) + 1))


def _endpoints(vendor: Mapping) -> Iterable[Endpoint]:
    try:
        names = tuple(tuple(words(n)) for n in vendor["names"])
        auth = frozenset(" ".join(words(str(k))) for k in vendor.get("auth", ()))
        for table in vendor["endpoint"]:
            path = str(table["path"])
            yield Endpoint(str(vendor["vendor"]), path, tuple(s for s in path.split("/") if s),
                           tuple(table.get("hosts", vendor["hosts"])), names, auth)
    except KeyError as missing:
        raise CatalogueError(f"HTTP API of {vendor.get('vendor', '?')!r} lacks {missing}") from None


def _clients(data: Mapping) -> dict[str, Sink]:
    out: dict[str, Sink] = {}
    for table in data.get("client", []):
        params = parse_signature(table["signature"])
        if not any(p.name == "url" for p in params):
            raise CatalogueError(f"HTTP client {table['calls']!r} has no parameter named 'url'")
        for call in table["calls"]:
            out[call] = Sink(id=call, sdk="HTTP", calls=(call,), params=params)
    return out


@functools.lru_cache(maxsize=1)
def builtin() -> HttpApis:
    """The HTTP clients and vendor endpoints shipped with leaklint (read once per process)."""
    clients = _clients(tomllib.loads((DATA / "http_clients.toml").read_text(encoding="utf-8")))
    endpoints = tuple(e for entry in sorted((DATA / "http").glob("*.toml"))
                      for e in _endpoints(tomllib.loads(entry.read_text(encoding="utf-8"))))
    return HttpApis(clients, endpoints)
