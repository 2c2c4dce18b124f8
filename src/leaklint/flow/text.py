"""What is known of a string's text: literal parts as written, each unknown part as a `{NAME}` placeholder.

`f"{settings.BRAZE_URL}/users/{user.id}"` is known as `{BRAZE_URL}/users/{id}`: enough to tell which
vendor endpoint a request goes to (`http_sinks`), while the placeholder keeps the name the code gives the
unknown part.  Texts are built from literals, f-strings, `+`, `%`, `str.format` and `urljoin`.
"""

from __future__ import annotations

import re

import libcst as cst

from ..catalogue import endpoints
from ..pii import vocabulary as vocab
from ..resolve import dotted, last_name
from .syntax import string_key, string_value
from .values import Value, merge_all, strip_ref

MAX_TEXT = 2000  # longer texts are not URLs; dropping them keeps `s += ...` loops linear

_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
_BRACES = re.compile(r"\{\{|\}\}|\{[^{}]*\}")
_SCHEME_HOST = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*")


def part(node: cst.CSTNode | None, value: Value) -> str:
    """The text of one part of a string: its known text, else a placeholder named after it."""
    if value.text is not None:
        return value.text
    name = value.ref.rsplit(".", 1)[-1] if value.ref else _name(node)
    return "{" + (name or "") + "}"


def pure(node: cst.BaseExpression) -> bool:
    """An expression evaluated again without running a call twice: a literal or a dotted name."""
    return isinstance(node, (cst.SimpleString, cst.ConcatenatedString)) or dotted(node) is not None


def written(node: cst.BaseExpression) -> str:
    """The text of a part read from its syntax alone (a literal, else a placeholder), not evaluated twice."""
    known = literal(node) if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)) else None
    return part(node, Value(text=known))


def _name(node: cst.CSTNode | None) -> str | None:
    """The name an unknown part goes by: `settings.BRAZE_URL.rstrip("/")` is `BRAZE_URL`, and so are
    `os.environ["BRAZE_URL"]`, `os.getenv("BRAZE_URL")` and `getattr(settings, "BRAZE_URL")`."""
    while isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) \
            and node.func.attr.value in vocab.STRING_METHODS and node.func.attr.value not in _LOOKUPS:
        node = node.func.value
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        return string_key(node.slice[0].slice) or last_name(node)
    if isinstance(node, cst.Call):
        index = _LOOKUPS.get(last_name(node.func) or "")
        if index is not None and len(node.args) > index:
            return string_key(node.args[index].value) or last_name(node)
    return last_name(node) if isinstance(node, cst.BaseExpression) else None


_LOOKUPS = {"get": 0, "getenv": 0, "getattr": 1}  # a lookup by name: which argument is the name


def joined(*texts: str | None) -> str | None:
    if any(t is None for t in texts):
        return None
    out = "".join(texts)  # type: ignore[arg-type]
    return out if len(out) <= MAX_TEXT else None


def literal(node: cst.SimpleString | cst.ConcatenatedString) -> str | None:
    value = string_value(node)
    return value if isinstance(value, str) and len(value) <= MAX_TEXT else None


def percent(template: str, args: list[str]) -> str | None:
    """`template % args`: conversions filled in order (a mapping's keys are not followed)."""
    remaining = iter(args)

    def fill(match: re.Match) -> str:
        return "%" if match.group() == "%%" else next(remaining, "{}")
    return joined(_PERCENT.sub(fill, template))


def formatted(template: str, args: list[str], keywords: dict[str, str]) -> str | None:
    """`template.format(*args, **keywords)`: fields filled by position, index or keyword."""
    position = iter(args)

    def fill(match: re.Match) -> str:
        field = match.group()
        if field == "{{" or field == "}}":  # an escaped brace
            return field[0]
        name = re.split(r"[.\[!:]", field[1:-1], maxsplit=1)[0]
        if name == "":
            return next(position, "{}")
        if name.isdecimal():
            return args[int(name)] if int(name) < len(args) else "{}"
        return keywords.get(name, "{" + name + "}")
    return joined(_BRACES.sub(fill, template))


def url_joined(base: str, path: str) -> str:
    """`urljoin(base, path)` for texts that may hold placeholders: a base that is a placeholder (a
    setting holding the vendor's base URL) is kept whole, as a base URL is usually given."""
    if _SCHEME_HOST.match(path):
        return path
    host = _SCHEME_HOST.match(base)
    if path.startswith("/"):
        return (host.group() if host else base.rstrip("/")) + path
    if host and "/" not in base[host.end():]:
        return base + "/" + path
    if not host and not base.endswith("/"):
        return base + "/" + path
    return base[: base.rfind("/") + 1] + path


def text_call(ev, call) -> Value | None:
    """`urljoin(base, path)` and `"...".format(...)`: the string they return, when its parts are known;
    an HTTP client made with a `base_url`: the client, knowing the base its requests' paths join."""
    for kind in (_client_with_base, _url_join, _format):
        value = kind(ev, call)
        if value is not None:
            return value
    return None


def _client_with_base(ev, call) -> Value | None:
    node = call.node
    base_url = next((a for a in node.args if a.keyword is not None and a.keyword.value == "base_url"), None)
    if base_url is None or not call.func.ref or call.func.local:
        return None
    cls = ev.options.catalogue.instance_class(call.func.ref)
    if cls is None or not endpoints.builtin().is_client(cls):
        return None
    return Value(ref=cls, text=part(base_url.value, call.args[node.args.index(base_url)]))


def _url_join(ev, call) -> Value | None:
    node = call.node
    if not (call.short == "urljoin" or (call.func.ref or "").endswith(".urljoin")) or len(node.args) < 2:
        return None
    base, path = (part(a.value, v) for a, v in zip(node.args[:2], call.args[:2]))
    return string(url_joined(base, path), call.args)


def _format(ev, call) -> Value | None:
    node = call.node
    if call.short != "format" or not isinstance(node.func, cst.Attribute) or not pure(node.func.value):
        return None
    receiver = ev.evaluate(node.func.value)
    if receiver.text is None:
        return None
    positional = [part(a.value, v) for a, v in zip(node.args, call.args) if a.keyword is None and not a.star]
    keywords = {a.keyword.value: part(a.value, v) for a, v in zip(node.args, call.args) if a.keyword}
    return string(formatted(receiver.text, positional, keywords), [receiver, *call.args])


def string(text: str | None, parts: list[Value]) -> Value:
    """A string built from `parts`: it carries what they carry, and `text`."""
    return strip_ref(merge_all(parts)).but(text=text)
