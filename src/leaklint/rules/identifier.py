"""LL010: personal data used as the analytics user identifier."""

from __future__ import annotations

from textwrap import dedent

from ..catalogue import Role
from ..pii import PiiKind
from ..findings import Wrapper
from . import Report, Rule, Wrapping

FIX = "identify people by an opaque id (user.pk) or pseudonymize(...) from leaklint_scrub"


def check(use):
    for arg in use.args:
        if arg.role is not Role.USER_ID:
            continue
        found = tuple(e for e in arg.value.pii if e.kind is not PiiKind.ORG_ID)
        fix = Wrapping(arg.expression, Wrapper.PSEUDONYMIZER, safe=False) if arg.expression else None
        if found:
            yield Report(RULE.code, arg.node, RULE.message_for(kind=found[0].kind.value, sink=use.label),
                         found, use.call, FIX, autofix=fix)
        elif not arg.value.clean and _person_as_text(arg.expression):
            kind = f"the text of {_person_as_text(arg.expression)} (a person's username or name)"
            yield Report(RULE.code, arg.node, RULE.message_for(kind=kind, sink=use.label), (), use.call, FIX,
                         autofix=fix)


def _person_as_text(node) -> str | None:
    """`str(request.user)`, `f"{user}"`: a person object turned into text, which is what its class makes
    of it — Django's user is its username, most models show a name or an e-mail address."""
    import libcst as cst

    from ..pii import PERSON_WORDS, words

    inner = None
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "str" \
            and len(node.args) == 1 and not node.args[0].keyword:
        inner = node.args[0].value
    elif isinstance(node, cst.FormattedString) and len(node.parts) == 1 \
            and isinstance(node.parts[0], cst.FormattedStringExpression):
        inner = node.parts[0].expression
    name = inner.attr.value if isinstance(inner, cst.Attribute) else inner.value if isinstance(inner, cst.Name) else ""
    if name and words(name) and words(name)[-1] in PERSON_WORDS:
        where = inner.lpar   # (a lite tree's node keeps its text there: `lite_text.Where`)
        return where.text() if hasattr(where, "text") else cst.Module([]).code_for_node(inner)
    return None


RULE = Rule(
    code="LL010", name="pii-as-user-id", summary="Personal data used as the analytics user identifier",
    message="{kind} used as the user identifier of {sink}",
    why="The user identifier is copied onto every event and every profile; an email or username there "
        "leaks on every call, and cannot be removed by dropping a property.",
    bad=dedent("""
        from posthog import Posthog as PH
        def invite(key, member):
            PH(key).capture("Invited", distinct_id=member.username)
    """).strip() + "\n",
    good=dedent("""
        from posthog import Posthog as PH
        def invite(key, member):
            PH(key).capture("Invited", distinct_id=str(member.pk))
    """).strip() + "\n",
    fixed=dedent("""
        from posthog import Posthog as PH
        from leaklint_scrub import pseudonymize
        def invite(key, member):
            PH(key).capture("Invited", distinct_id=pseudonymize(member.username))
    """).strip() + "\n",
    fix=FIX, check_sink=check,
    fix_safety="Unsafe fix (`--unsafe-fixes`): the identifier is wrapped in `pseudonymize(...)`, a keyed "
               "HMAC; it changes who the person is in the analytics tool, so it is never applied by `--fix` alone.",
)
RULES = [RULE]
