"""scrub(), redact() and pseudonymize(): what the application calls before data leaves it.

Everything here fails closed: a value the scrubber does not understand is replaced by the marker, an
internal error returns an empty payload, and nothing raises into the caller's request.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from . import pii

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any
# dataclasses, hashlib, hmac and logging are imported where used: importing this module must stay cheap.

MARKER = "[redacted]"
KEY_ENV = "LEAKLINT_PSEUDONYM_KEY"

# What `kind=` accepts: the kinds of personal data the linter reports, as a fix names them.
KINDS: dict[str, pii.PiiKind] = {
    "email": pii.PiiKind.EMAIL,
    "name": pii.PiiKind.PERSON_NAME,
    "username": pii.PiiKind.PERSON_NAME,
    "org": pii.PiiKind.ORG_ID,
    "phone": pii.PiiKind.PHONE,
    "address": pii.PiiKind.ADDRESS,
    "ip": pii.PiiKind.IP_ADDRESS,
    "credential": pii.PiiKind.CREDENTIAL,
}
# Identifiers analytics still counts and groups by: a keyed pseudonym keeps them apart without naming them.
PSEUDONYMISED_KINDS = frozenset({"username", "org"})

# Scalars that cannot hold text, kept as they are (by name: importing their modules would slow start-up).
SAFE_SCALARS = frozenset({
    "decimal.Decimal", "fractions.Fraction", "uuid.UUID",
    "datetime.datetime", "datetime.date", "datetime.time", "datetime.timedelta",
})
MAX_KEY_LENGTH = 256
_DIGIT_RE = re.compile(r"[0-9]")
_IN_PROGRESS = object()  # a tuple or set whose items are still being copied
_DEFERRED = object()     # its copy is put in place when built
_logged: set[str] = set()


class PseudonymKeyError(RuntimeError):
    """Kept for code written against older versions: pseudonymize() no longer raises it."""


def _log_once(message: str, *, error: bool = False) -> None:
    if message in _logged:
        return
    _logged.add(message)
    import logging

    logger = logging.getLogger("leaklint_scrub")
    if error:
        logger.error(message, exc_info=True)
    else:
        logger.warning(message)


def scrub(payload: Any, *, kind: str | None = None, keys: Iterable[str] = (), drop: bool = False,
          marker: str = MARKER, keep: Iterable[str] = ()) -> Any:
    """A scrubbed copy of `payload`; the input is never changed.

    Containers (dicts and other mappings, lists, tuples including named tuples, sets, dataclasses) are
    copied to any depth.  Values under personal-data keys, and under the keys named in `keys`, are
    replaced by `marker` (or removed with `drop=True`); email addresses, phone numbers and IP addresses
    in any text, bytes or key are replaced.  Keys in `keep` are left alone (SDK protocol fields).
    Anything else (iterators, generators, other objects) is replaced by `marker`.

    `kind` says the value itself is personal data of that kind ("email", "name", "username", "org",
    "phone", "address", "ip", "credential"): every value in it is replaced as `redact()` does.
    """
    try:
        return _Scrubber(kind, frozenset(keys), drop, marker, frozenset(keep)).run(payload)
    except Exception:  # noqa: BLE001 - fail closed, never break the caller's request
        _log_once("leaklint_scrub: scrubbing failed; the payload was replaced by an empty one", error=True)
        return marker if kind is not None else _empty_like(payload)


def redact(value: Any, kind: str, *, marker: str = MARKER) -> Any:
    """What to send instead of one value that is personal data of `kind` (see `KINDS`).

    Usernames and organisation ids become keyed pseudonyms, so analytics can still tell them apart;
    everything else becomes `marker`.  None and booleans carry nothing and are kept.
    """
    if value is None or isinstance(value, bool):
        return value
    if kind not in KINDS:
        _log_once(f"leaklint_scrub: unknown kind {kind!r}; the value was redacted")
    elif kind in PSEUDONYMISED_KINDS:
        return pseudonymize(value, marker=marker)
    return marker


def pseudonymize(value: Any, key: str | bytes | None = None, *, marker: str = MARKER) -> str:
    """A stable keyed pseudonym (HMAC-SHA256, hex) for an identifier such as an email or username.

    The key comes from `key` or the LEAKLINT_PSEUDONYM_KEY environment variable.  Without one this
    returns `marker` and logs a warning once: an unkeyed hash of an email can be reversed by hashing
    guesses, so there is no unkeyed fallback.
    """
    try:
        import hashlib
        import hmac

        secret = key if key is not None else os.environ.get(KEY_ENV)
        if not secret:
            _log_once(f"leaklint_scrub: pseudonymize() has no key (set {KEY_ENV}); values are redacted")
            return marker
        if isinstance(secret, str):
            secret = secret.encode("utf-8")
        data = bytes(value) if isinstance(value, (bytes, bytearray)) else str(value).encode("utf-8", "surrogatepass")
        return hmac.new(secret, data, hashlib.sha256).hexdigest()
    except Exception:  # noqa: BLE001 - a bad key or value must not break the request
        _log_once("leaklint_scrub: pseudonymize() failed; values are redacted", error=True)
        return marker


def _empty_like(payload: Any) -> Any:
    for container in (dict, list, tuple, set, frozenset, str, bytes, bytearray):
        if isinstance(payload, container):
            return container()
    return None


def _is_named_tuple(value: Any) -> bool:
    return isinstance(value, tuple) and hasattr(type(value), "_make") and isinstance(getattr(value, "_fields", None), tuple)


def _dataclass_fields(value: Any) -> dict | None:
    """A dataclass instance's fields as a dict (the instance itself is not copied: its __init__ may
    have side effects), or None for anything else."""
    if isinstance(value, type) or not hasattr(type(value), "__dataclass_fields__"):
        return None
    import dataclasses

    return {f.name: getattr(value, f.name, None) for f in dataclasses.fields(value)}


class _Scrubber:
    """Copies a structure with an explicit stack (nesting depth is unlimited); shared and cyclic
    containers are copied once, so the copy has the same shape as the input."""

    def __init__(self, kind: str | None, keys: frozenset[str], drop: bool, marker: str, keep: frozenset[str]):
        self.kind, self.keys, self.drop, self.marker, self.keep = kind, keys, drop, marker, keep
        self.copies: dict[int, Any] = {}
        self.key_verdicts: dict[str, bool] = {}

    def is_pii_key(self, key: Any) -> bool:
        if not isinstance(key, str) or key in self.keep:
            return False
        if key in self.keys or len(key) > MAX_KEY_LENGTH:
            return True  # a key that long is data, not a field name: its value is redacted
        if key not in self.key_verdicts:
            self.key_verdicts[key] = pii.classify_key(key) is not None
        return self.key_verdicts[key]

    def text(self, value: str) -> str:
        # Each shape needs a character a C-speed scan finds first; most text has no "@" and no digit.
        if "@" in value:
            value = pii.EMAIL_RE.sub(self.marker, value)
        if _DIGIT_RE.search(value) is None:
            return value
        if "." in value:
            value = pii.IPV4_RE.sub(self.marker, value)
        return pii.PHONE_RE.sub(lambda m: self.marker if pii.is_phone(m.group()) else m.group(), value)

    def binary(self, value: bytes | bytearray) -> bytes | bytearray:
        """Bytes are scrubbed as UTF-8 text; bytes that are not UTF-8 cannot be checked and are replaced."""
        try:
            scrubbed = self.text(bytes(value).decode("utf-8")).encode("utf-8")
        except UnicodeError:
            scrubbed = self.marker.encode("utf-8")
        return type(value)(scrubbed) if isinstance(value, bytearray) else scrubbed

    def leaf(self, value: Any) -> Any:
        if value is None or isinstance(value, bool):
            return value
        if self.kind is not None:
            return redact(value, self.kind, marker=self.marker)
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, (bytes, bytearray)):
            return self.binary(value)
        if isinstance(value, (int, float, complex)):
            return value
        cls = type(value)
        if f"{cls.__module__}.{cls.__qualname__}" in SAFE_SCALARS:
            return value
        return self.marker  # iterators, generators, map objects, files, other objects: unknown, so dropped

    def key(self, key: Any) -> Any:
        """A dict key, scrubbed like any value but never redacted whole by `kind`; it must stay hashable."""
        if key in self.keep:
            return key
        if isinstance(key, str):
            return self.text(key)
        copy = _Scrubber(None, self.keys, self.drop, self.marker, self.keep).run(key)
        try:
            hash(copy)
        except TypeError:
            return self.marker
        return copy

    def run(self, payload: Any) -> Any:
        result: list[Any] = [None]
        # ("visit", value, container, slot) copies `value` into container[slot];
        # ("build", value, container, slot, items) makes a tuple or set once its items are copied.
        stack: list[tuple] = [("visit", payload, result, 0)]
        while stack:
            job = stack.pop()
            if job[0] == "build":
                _, value, into, slot, items = job
                built = self.build(value, items)
                self.copies[id(value)] = built
                into[slot] = built
            else:
                _, value, into, slot = job
                copy = self.visit(value, stack, into, slot)
                if copy is not _DEFERRED:
                    into[slot] = copy
        return result[0]

    @staticmethod
    def build(value: Any, items: list) -> Any:
        if _is_named_tuple(value):
            return type(value)._make(items)
        if isinstance(value, tuple):
            return tuple(items)
        return frozenset(items) if isinstance(value, frozenset) else set(items)

    def visit(self, value: Any, stack: list[tuple], into: Any, slot: Any) -> Any:
        if isinstance(value, str) and self.kind is None:
            return self.text(value)
        fields = None if isinstance(value, (str, bytes, bytearray)) else _dataclass_fields(value)
        if fields is None and not isinstance(value, (Mapping, list, tuple, set, frozenset)):
            return self.leaf(value)
        if id(value) in self.copies:
            copy = self.copies[id(value)]
            return self.marker if copy is _IN_PROGRESS else copy  # a tuple inside itself: cut the cycle
        if fields is not None or isinstance(value, Mapping):
            out: dict = {}
            self.copies[id(value)] = out
            self.visit_items(fields if fields is not None else value, out, stack, self.drop)
            return out
        items: list = [None] * len(value)
        if isinstance(value, list):
            self.copies[id(value)] = items
        else:
            self.copies[id(value)] = _IN_PROGRESS
            stack.append(("build", value, into, slot, items))
        if _is_named_tuple(value):  # its fields are keys: `User(email=..., plan=...)`
            self.visit_items(dict(enumerate(value)), items, stack, False, names=value._fields)
        else:
            for i, item in enumerate(value):
                stack.append(("visit", item, items, i))
        return items if isinstance(value, list) else _DEFERRED

    def visit_items(self, mapping: Mapping, out: Any, stack: list[tuple], drop: bool,
                    names: tuple[str, ...] = ()) -> None:
        """Copy `mapping`'s entries into `out`, redacting those under personal-data keys.  With `names`,
        `mapping` is a named tuple's positions and `names` its field names (which are not rewritten)."""
        for key, item in mapping.items():
            name = names[key] if names else key
            slot = key if names else self.key(key)
            if self.is_pii_key(name):
                if not drop:
                    out[slot] = self.marker
                continue
            out[slot] = None
            stack.append(("visit", item, out, slot))
