"""LL900: a file that could not be read or parsed; LL902: leaklint failed on a file.  Both are reported
by the engine about a file as a whole, and the run goes on with the other files."""

from __future__ import annotations

from . import Rule, Severity

UNREADABLE = Rule(
    code="LL900", name="unreadable-file", summary="File could not be read or parsed", severity=Severity.INFO,
    message="{reason}",
    why="A file leaklint cannot parse is a file it cannot vouch for; it is reported so it is not silently skipped. "
        "Files that cannot be read or decoded are always reported; a syntax error is reported in files that "
        "could matter (they name an SDK or a project module leading to one), since other files are never parsed. "
        "A file over `max-file-size-kb`, or one whose syntax the parser would need too much memory for (long "
        "chains of conditional expressions, deeply nested calls repeated many times), is reported and not parsed.",
    bad="import mixpanel\n\ndef broken(:\n", good="import mixpanel\n\ndef fine():\n    return 1\n",
    fix="fix the file or exclude it",
)
INTERNAL_ERROR = Rule(
    code="LL902", name="internal-error", summary="leaklint failed while analysing the file", severity=Severity.INFO,
    message="internal error: {error}{where}; please report this bug to leaklint",
    why="A bug in leaklint must not cost the rest of the run, nor pass silently: the file is reported, the "
        "other files are checked, and the exit code is 2 so CI notices.",
    bad="", good="import mixpanel\n",
    fix="report the bug",
)
RULES = [UNREADABLE, INTERNAL_ERROR]


def unreadable(display: str, reason: str, line: int = 1, col: int = 1):
    """LL900 for a file, with the one-line reason it could not be read, decoded or parsed."""
    return UNREADABLE.finding(display, line, col, reason=reason)


def internal_error(display: str, err: BaseException):
    """LL902: leaklint's own failure on one file, with what a bug report needs."""
    import traceback
    from pathlib import Path

    frame = traceback.extract_tb(err.__traceback__)[-1] if err.__traceback__ else None
    where = f" at {Path(frame.filename).name}:{frame.lineno}" if frame else ""
    error = f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
    return INTERNAL_ERROR.finding(display, error=error, where=where)
