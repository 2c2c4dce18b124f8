"""leaklint: find personal data flowing into analytics and telemetry SDK calls.

Importing the package is cheap on purpose: the runtime scrubber (`leaklint.scrub`) is imported by
applications, so nothing here may pull in libcst or the linter.
"""

__version__ = "0.2.0"
