"""The prefilter by example: from a file's text alone, can it matter (it imports an SDK, a configured sink
or a project module known to lead to one, or holds a risky setting's literal)?"""

from __future__ import annotations

import pytest

from leaklint.config import Settings
from leaklint.prefilter import Prefilter, import_words

from harness import relevant

MATTERS = [
    ("import mixpanel\n", {}),
    ("import segment\n", {}),
    ("from mixpanel import (\n    Mixpanel,\n)\n", {}),
    ("try: import mixpanel\nexcept ImportError: pass\n", {}),
    ("def f():\n    import mixpanel\n", {}),  # a function-local import
    ("MIDDLEWARE = ['posthog.integrations.django.PosthogContextMiddleware']\n", {}),  # a setting's literal
    ("from app.telemetry import track\n", {"project_modules": ("app.telemetry",)}),
    ("from app.core import utils\n", {"project_modules": ("app.core.utils",)}),
    ("from . import utils\n", {"project_modules": ("app.core.utils",), "module": "app.core.views"}),
    ("from app.track import send\n",
     {"settings": Settings(sinks={"app.track.send": {"signature": "(user_id: user_id, **props: pii_kwargs)"}})}),
]


@pytest.mark.parametrize("text, where", MATTERS, ids=[t for t, _ in MATTERS])
def test_files_that_can_matter(text, where):
    assert relevant(text, **where)


CANNOT = [
    ("import os\n", {}),
    ("# mixpanel, in a comment\nimport os\n", {}),
    ("x = 'import mixpanel'\n", {}),  # not an import statement
    ("from .segment import Segment\n", {}),  # a relative import is the project's own module
    ("from app.other import telemetry_x\n", {"project_modules": ("app.telemetry",)}),
    ("from other import utils\n", {"project_modules": ("app.core.utils",)}),  # another package's utils
    ("from . import utils\n", {"project_modules": ("app.core.utils",), "module": "app.other.views"}),
    ("import mixpanel\n# leaklint: skip-file\n", {}),
]


@pytest.mark.parametrize("text, where", CANNOT, ids=[t for t, _ in CANNOT])
def test_files_that_cannot_matter(text, where):
    assert not relevant(text, **where)


def test_import_words():
    text = "import a.b as c\nfrom .x import (y,\n z)\nx = 1  # import q\nfrom m import n; import o\n"
    assert import_words(text) == {"import", "from", "as", "a", "b", "c", "x", "y", "z", "m", "n", "o",
                                  "^a", "^m", "^o", "=a.b:", "=.x:y", "=.x:z", "=m:n", "=o:"}


LEADS = {"app.tel": {"track"}, "app.models.orders": {"_fail"}}
BRINGS = [
    ("from app.tel import track\n", "app.views"),
    ("from app.tel import Event, track as t\n", "app.views"),
    ("from app import tel\n", "app.views"),
    ("from .tel import (\n    track,\n)\n", "app.views"),
    ("from . import tel\n", "app.views"),
    ("from .. import tel\n", "app.sub.views"),
    ("from .orders import _fail\n", "app.models"),  # in the package's __init__.py
    ("import app.tel\n", "other"),
    ("from app.tel import *\n", "other"),
    ("from app.models import orders\n", "other"),
]
DOES_NOT_BRING = [
    ("from app.tel import Event\n", "app.views"),   # the module, but not for its lead
    ("from app.models.orders import Order, Refund\n", "app.views"),
    ("from .orders import Order\n", "app.models"),
    ("from app.telemetry import track\n", "app.views"),
    ("from other.tel import track\n", "app.views"),
]


@pytest.mark.parametrize("text, own", BRINGS + DOES_NOT_BRING, ids=[t for t, _ in BRINGS + DOES_NOT_BRING])
def test_importing_a_lead_by_name(text, own):
    """Importing a module that leads to a sink matters when the import brings the name that does (or the
    module itself): importing a models module for its models does not."""
    prefilter = Prefilter(()).with_leads(LEADS)
    is_package = text.startswith("from .orders")
    assert prefilter.imports_module(import_words(text), own, is_package) is ((text, own) in BRINGS)


from hypothesis import given, strategies as st  # noqa: E402

from leaklint.prefilter import LeadPrefilter  # noqa: E402

_PART = st.sampled_from(["a", "b", "ab", "app", "tel", "c"])
_MODULE = st.lists(_PART, min_size=1, max_size=4).map(".".join)


@given(_MODULE, st.lists(_MODULE, max_size=4))
def test_a_bare_import_brings_a_lead_of_any_module_above_it(imported, lead_modules):
    """`import a.b.c` reaches what `a.b` holds: the module imported is a lead or sits inside one,
    `a.bc` being no module above `a.b` (nor `a.b` above `a.bc.d`)."""
    prefilter = LeadPrefilter({m: {"track"} for m in lead_modules})
    words = frozenset({f"={imported}:"})
    inside = any(imported == m or imported.startswith(m + ".") for m in lead_modules)
    above = any(m.startswith(imported + ".") for m in lead_modules)  # a package holding a lead
    assert prefilter.imports_module(words, "other.module") == (inside or above)
