"""LL020: an SDK configured to collect personal data by itself (Sentry `send_default_pii=True`, ...)."""

from __future__ import annotations

from textwrap import dedent

from . import Report, Rule


def check(call, func, ev):
    if not func.ref or func.local:
        return
    for setting in ev.options.catalogue.setting_calls.get(func.ref, ()):
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == setting.keyword and _literal(arg.value) == setting.equals:
                yield Report("LL020", arg, f"{setting.keyword}={setting.equals!r}: {setting.effect}",
                             (), call, setting.fix)


def _literal(node) -> object:
    import libcst as cst

    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    return object()


RULES = [Rule(
    code="LL020", name="sdk-collects-pii", summary="SDK configured to collect personal data automatically",
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
    fix="remove the setting; attach an opaque user id explicitly", check_call=check,
)]
