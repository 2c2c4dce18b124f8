"""A command line or an environment holds credentials as a whole: `sys.argv` sent whole is reported, one
argument read from it by position or in a loop is not known to be one (a key naming a token still is)."""

from __future__ import annotations

import pytest

from leaklint.api import check_text

HEAD = "import os\nimport sys\nimport posthog\n\n\n"


def codes(body: str) -> list[str]:
    return sorted(f.code for f in check_text(HEAD + body))


@pytest.mark.parametrize("body, expected", [
    ("def f(uid):\n    posthog.capture(uid, 'run', {'argv': sys.argv})\n", ["LL006"]),
    ("def f(uid):\n    posthog.capture(uid, 'run', {'args': sys.argv[1:]})\n", ["LL006"]),
    ("def f(uid):\n    posthog.capture(uid, 'run', {'env': dict(os.environ)})\n", ["LL006"]),
    ("def f(uid):\n    posthog.capture(uid, 'run', {'token': os.environ['API_TOKEN']})\n", ["LL006"]),
    # near misses: one argument of the command line, by position or in a loop
    ("def f(uid):\n    posthog.capture(uid, sys.argv[1], {})\n", []),
    ("def f(uid):\n    props = {}\n    for arg in sys.argv[2:]:\n"
     "        if arg.startswith('--tool='):\n            props['tool'] = arg.split('=', 1)[1]\n"
     "    posthog.capture(uid, 'run', props)\n", []),
    ("def f(uid, i):\n    posthog.capture(uid, 'run', {'arg': sys.argv[i]})\n", []),
])
def test_a_command_line_holds_credentials_only_as_a_whole(body, expected):
    assert codes(body) == expected
