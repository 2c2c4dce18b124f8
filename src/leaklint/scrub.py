"""The runtime scrubber under its former name: code fixed by earlier versions imports it from here.

New fixes import `leaklint_scrub`, the standalone distribution (runtime/ in the repository), so that a
fixed application does not need the linter installed.
"""

from leaklint_scrub import *  # noqa: F401,F403
from leaklint_scrub import __all__  # noqa: F401
