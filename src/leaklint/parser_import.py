"""Importing libcst with the methods of its node classes compiled once per machine, not once per run.

libcst defines about 200 node classes as dataclasses, and `dataclasses` writes each class's methods
(`__init__`, `__eq__`, `__repr__`, ...) as Python text and compiles it: 600 texts, over half of the 0.18 s
`import libcst` takes, which is a third of a changed-file run.  The same text always compiles to the same
code, so the code is kept between runs beside the user's key (signed with it, as `cache_io` keeps every
table there), for this interpreter's build only, and handed to `dataclasses` while libcst is imported:
as trusted as the bytecode Python itself keeps in `__pycache__`.  A text not kept is compiled as before,
and the texts of this import are kept for the next (a new libcst replaces the old texts).
"""

from __future__ import annotations

import hashlib
import sys

from . import cache_io


def import_libcst(remember: bool) -> None:
    """Import libcst (if no one has yet); `remember`: with the code kept by an earlier run, keeping it for
    the next (False with `--no-cache`, which keeps nothing between runs)."""
    if "libcst" in sys.modules:
        return
    import dataclasses

    if not remember or "exec" in vars(dataclasses):   # (someone else's hook there: theirs alone)
        import libcst  # noqa: F401
        return
    name = f"dataclass-code-{sys.implementation.cache_tag}-{hashlib.sha256(sys.version.encode()).hexdigest()[:12]}"
    kept = cache_io.read_user_table(name)
    kept = kept if type(kept) is dict else {}
    used: dict[str, object] = {}
    code_type = type(import_libcst.__code__)

    def compiled(source, globals=None, locals=None):
        if type(source) is str:
            code = kept.get(source)
            if type(code) is not code_type:
                code = compile(source, "<string>", "exec")
            used[source] = code
            source = code
        return exec(source, globals, locals)  # noqa: S102 - the text dataclasses wrote, or its code

    dataclasses.exec = compiled   # (`_create_fn` finds `exec` in its module's names before the builtins)
    try:
        import libcst  # noqa: F401
    finally:
        del dataclasses.exec
    if used.keys() - kept.keys():
        cache_io.write_user_table(name, used)
