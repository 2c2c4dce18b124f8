"""Name resolution (`resolve`) by example: what each import statement binds, and to which qualified name."""

from __future__ import annotations

import libcst as cst
import pytest

from leaklint.resolve import dotted, last_name

from harness import bindings

IMPORTS = [
    ("import mixpanel", {}, [("mixpanel", "mixpanel", False)]),
    ("import mixpanel as mxp", {}, [("mxp", "mixpanel", False)]),
    ("import segment.analytics", {}, [("segment", "segment", False)]),  # binds the top-level name only
    ("import segment.analytics as sa", {}, [("sa", "segment.analytics", False)]),
    ("from posthog import Posthog as PH", {}, [("PH", "posthog.Posthog", False)]),
    ("from app.telemetry import track", {}, [("track", "app.telemetry.track", True)]),
    ("from . import telemetry", {}, [("telemetry", "app.telemetry", True)]),
    ("from .telemetry import mp", {}, [("mp", "app.telemetry.mp", True)]),
    ("from ..core.utils import helper", {"module": "app.web.views"}, [("helper", "app.core.utils.helper", True)]),
    ("from . import utils", {"module": "app", "package": True}, [("utils", "app.utils", True)]),  # in app/__init__.py
    ("import app.telemetry, mixpanel", {}, [("app", "app", True), ("mixpanel", "mixpanel", False)]),
    # A project module that shares an SDK's name is the project's, not the SDK's.
    ("from analytics import track", {}, [("track", "analytics.track", False)]),
    ("from analytics import track", {"roots": ("app", "analytics")}, [("track", "analytics.track", True)]),
    ("from x import *", {}, []),
]


@pytest.mark.parametrize("statement, where, expected", IMPORTS, ids=[f"{s} {w}" for s, w, _ in IMPORTS])
def test_import_bindings(statement, where, expected):
    assert bindings(statement, **where) == expected


@pytest.mark.parametrize("expression, name, last", [
    ("a.b.c", "a.b.c", "c"),
    ("request.user", "request.user", "user"),
    ("a().b", None, "b"),
    ("get_user()", None, "get_user"),
    ("x[0].y", None, "y"),
    ("users[0]", None, "users"),
    ("await f()", None, "f"),
    ("'text'", None, None),
])
def test_dotted_and_last_names(expression, name, last):
    node = cst.parse_expression(expression)
    assert (dotted(node), last_name(node)) == (name, last)
