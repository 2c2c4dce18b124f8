"""LL020: an SDK configured to collect personal data by itself (Sentry `send_default_pii=True`, ...),
either by a keyword of a settings call, through a project function's parameter forwarded to one
(`sinks_settings`), or by a literal anywhere (a middleware path in Django settings)."""

from __future__ import annotations

from textwrap import dedent

from ..catalogue import Role
from . import Report, Rule, Severity


def check_call(call, func, ev):
    if not func.ref or func.local:
        return
    for setting in ev.options.catalogue.setting_calls.get(func.ref, ()):
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == setting.keyword and literal(arg.value) == setting.equals:
                message = RULE.message_for(setting=f"{setting.keyword}={setting.equals!r}", effect=setting.effect)
                yield Report(RULE.code, arg, message, (), call, setting.fix, at_node=True)


def check_sink(use):
    """A risky value reaching a setting through a project function's parameter: a caller's literal
    (`init_sentry(DSN, send_default_pii=True)`, also spread from a dict literal), or the default of the
    parameter the function forwards (reported at that default)."""
    if not use.sink.settings:
        return
    by_param = dict(use.sink.settings)
    given = [(arg.param, _written(arg.node), arg.node) for arg in use.args if arg.role is Role.SETTING]
    for param, value, node in given + list(_spread(use.call)):
        setting = _setting(by_param.get(param, ""))
        if setting is None or literal(value) != setting.equals:
            continue
        risky = f"{setting.keyword}={setting.equals!r}"
        shown = f"{risky} by default in {use.sink.id}()" if not use.sink.project else \
            f"{use.sink.id}({param}={setting.equals!r}) sets {setting.sdk}'s {risky}"
        yield Report(RULE.code, node, RULE.message_for(setting=shown, effect=setting.effect), (), use.call, setting.fix)


def _written(node):
    """The value of an argument as written: `True` of `send_default_pii=True`."""
    import libcst as cst

    return node.value if isinstance(node, cst.Arg) else node


def _spread(call):
    """`**{"send_default_pii": True}`: the entries of a dict literal unpacked into the call."""
    import libcst as cst

    for arg in call.args:
        if arg.star == "**" and isinstance(arg.value, cst.Dict):
            for element in arg.value.elements:
                key = element.key.evaluated_value if isinstance(getattr(element, "key", None), cst.SimpleString) else None
                if isinstance(key, str):
                    yield key, element.value, element


def _setting(setting_id: str):
    from ..catalogue import builtin

    return next((s for s in builtin().settings if s.id == setting_id), None)


def check_module(module, text, options):
    """Strings naming a risky setting (the catalogue's literals), looked for only when the text holds one."""
    wanted = {s.literal: s for s in options.catalogue.settings if s.literal and s.literal in text}
    if not wanted:
        return
    for node in _strings(module):
        setting = wanted.get(node.evaluated_value) if isinstance(node.evaluated_value, str) else None
        if setting:
            message = RULE.message_for(setting=setting.literal, effect=setting.effect)
            yield Report(RULE.code, node, message, (), node, setting.fix)


def literal(node) -> object:
    """`True`, `False` or `None` written as such; anything else equals no setting's value."""
    import libcst as cst

    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    return object()


def _strings(module) -> list:
    import libcst as cst

    if hasattr(module, "strings"):  # a lite tree lists them (libcst's visitors rebuild each node they pass)
        return list(module.strings)

    class Collect(cst.CSTVisitor):
        def __init__(self) -> None:
            self.found: list[cst.SimpleString] = []

        def visit_SimpleString(self, node: cst.SimpleString) -> None:
            self.found.append(node)

    collector = Collect()
    module.visit(collector)
    return collector.found


RULE = Rule(
    code="LL020", name="sdk-collects-pii", summary="SDK configured to collect personal data automatically",
    severity=Severity.MEDIUM, message="{setting}: {effect}",
    why="Some SDK settings make the SDK attach the logged-in user, client IP, cookies and headers to every "
        "event by itself, so no call site ever shows the leak.  A project function that forwards its parameter "
        "to such a setting (`def init_sentry(dsn, send_default_pii=False)`) is a setting too: a caller passing the "
        "risky value is reported at its call, a risky default at the function.",
    bad=dedent("""
        import sentry_sdk
        sentry_sdk.init(dsn="https://key@example.invalid/1", send_default_pii=True)
    """).strip() + "\n",
    good=dedent("""
        import sentry_sdk
        sentry_sdk.init(dsn="https://key@example.invalid/1")
    """).strip() + "\n",
    fix="remove the setting; attach an opaque user id explicitly", check_call=check_call, check_sink=check_sink,
    check_module=check_module,
)
RULES = [RULE]
