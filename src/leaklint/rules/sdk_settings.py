"""LL020: an SDK configured to collect personal data by itself (Sentry `send_default_pii=True`, ...),
either by a keyword of a settings call or by a literal anywhere (a middleware path in Django settings)."""

from __future__ import annotations

from textwrap import dedent

from . import Report, Rule, Severity


def check_call(call, func, ev):
    if not func.ref or func.local:
        return
    for setting in ev.options.catalogue.setting_calls.get(func.ref, ()):
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == setting.keyword and _literal(arg.value) == setting.equals:
                message = RULE.message_for(setting=f"{setting.keyword}={setting.equals!r}", effect=setting.effect)
                yield Report(RULE.code, arg, message, (), call, setting.fix, at_node=True)


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


def _literal(node) -> object:
    import libcst as cst

    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    return object()


def _strings(module) -> list:
    import libcst as cst

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
        "event by itself, so no call site ever shows the leak.",
    bad=dedent("""
        import sentry_sdk
        sentry_sdk.init(dsn="https://key@example.invalid/1", send_default_pii=True)
    """).strip() + "\n",
    good=dedent("""
        import sentry_sdk
        sentry_sdk.init(dsn="https://key@example.invalid/1")
    """).strip() + "\n",
    fix="remove the setting; attach an opaque user id explicitly", check_call=check_call, check_module=check_module,
)
RULES = [RULE]
