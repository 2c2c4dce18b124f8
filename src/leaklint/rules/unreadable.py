"""LL900: a file that could not be read or parsed; LL902: leaklint failed on a file.  Both are reported
by the engine, and the run goes on with the other files."""

from __future__ import annotations

from . import Rule

RULES = [Rule(
    code="LL900", name="unreadable-file", summary="File could not be read or parsed",
    why="A file leaklint cannot parse is a file it cannot vouch for; it is reported so it is not silently skipped. "
        "Files that cannot be read or decoded are always reported; a syntax error is reported in files that "
        "could matter (they name an SDK or a project module leading to one), since other files are never parsed. "
        "A file over `max-file-size-kb`, or one whose syntax the parser would need too much memory for (long "
        "chains of conditional expressions, deeply nested calls repeated many times), is reported and not parsed.",
    bad="import mixpanel\n\ndef broken(:\n", good="import mixpanel\n\ndef fine():\n    return 1\n",
    fix="fix the syntax error or the encoding, or exclude the file",
), Rule(
    code="LL902", name="internal-error", summary="leaklint failed while analysing the file",
    why="A bug in leaklint must not cost the rest of the run, nor pass silently: the file is reported, the "
        "other files are checked, and the exit code is 2 so CI notices.",
    bad="", good="import mixpanel\n",
    fix="please report it with the message (and, if you can, a minimal file that triggers it)",
)]
