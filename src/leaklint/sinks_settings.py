"""Risky SDK settings passed along a function's parameters: `def init_sentry(dsn, send_default_pii=False):
sentry_sdk.init(dsn=dsn, send_default_pii=send_default_pii)`.

Inside a function, a settings call (the catalogue's `settings.toml`) whose keyword takes its value from a
parameter becomes a `SinkUse` with one `Role.SETTING` argument per such keyword.  The index then makes the
function a derived sink whose parameter carries that role (`Sink.settings` says which setting), so a call
site passing the risky literal is reported like the SDK call itself, through any depth of wrappers and
across modules.  A parameter whose default is the risky value is one more argument, anchored at that
default: the wrapper is risky for every caller that leaves the argument out.
"""

from __future__ import annotations

import libcst as cst

from .catalogue import Param, ParamKind, Role, Setting, Sink
from .flow import Evaluator, Value
from .rules.sdk_settings import literal
from .sinks import Arg, SinkUse
from .walk import FunctionScope


def setting_use(call: cst.Call, func: Value, arg_values: list[Value], ev: Evaluator,
                scope: FunctionScope | None) -> SinkUse | None:
    """The settings of an SDK call inside `scope` that its parameters decide, or None."""
    if scope is None or not func.ref or func.local:
        return None
    settings = ev.options.catalogue.setting_calls.get(func.ref)
    if not settings:
        return None
    args: list[Arg] = []
    chosen: list[Setting] = []
    for arg, value in zip(call.args, arg_values):
        setting = next((s for s in settings if arg.keyword is not None and arg.keyword.value == s.keyword), None)
        if setting is None or not value.params:
            continue
        chosen.append(setting)
        args.append(Arg(Role.SETTING, setting.keyword, value, arg))
        default = _risky_default(scope, arg.value, setting)
        if default is not None:
            args.append(Arg(Role.SETTING, setting.keyword, Value(clean=True), default))
    if not args:
        return None
    params = tuple(Param(s.keyword, Role.SETTING, ParamKind.KEYWORD_ONLY, False) for s in chosen)
    # The sink's id names the function the setting is decided in, for the message about its default.
    sink = Sink(id=scope.qualname, sdk=chosen[0].sdk, calls=(func.ref,), params=params,
                settings=tuple((s.keyword, s.id) for s in chosen))
    return SinkUse(sink, call, tuple(args))


def _risky_default(scope: FunctionScope, value: cst.BaseExpression, setting: Setting) -> cst.BaseExpression | None:
    """The default of the parameter `value` names, when that default is the setting's risky value."""
    if not isinstance(value, cst.Name):
        return None
    params = scope.node.params
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        if param.name.value == value.value and param.default is not None \
                and literal(param.default) == setting.equals:
            return param.default
    return None

