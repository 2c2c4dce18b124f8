"""The methods `dataclasses` writes for a class, compiled once per machine, not once per run.

`dataclasses` writes each class's methods (`__init__`, `__eq__`, `__repr__`, ...) as Python text and
compiles it.  libcst's 200 node classes make 600 such texts, over half of the 0.18 s `import libcst`
takes; leaklint's own 65 dataclasses make 335, a third of its own import.  The same text always compiles
to the same code, so the code is kept between runs beside the user's key (signed with it, as `cache_io`
keeps every table there), for this interpreter's build only, and handed to `dataclasses` while a part is
imported: as trusted as the bytecode Python itself keeps in `__pycache__`.  A text not kept is compiled as
before.  Each part (libcst, leaklint) has its own table, so that a run that never imports libcst never
reads its code.
"""

from __future__ import annotations

import hashlib
import sys
from contextlib import contextmanager
from typing import Iterator

from . import cache_io


def import_libcst(remember: bool) -> None:
    """Import libcst (if no one has yet); `remember`: with the code kept by an earlier run, keeping it for
    the next (False with `--no-cache`, which keeps nothing between runs)."""
    if "libcst" in sys.modules:
        return
    with kept_code("libcst", remember):
        import libcst  # noqa: F401


@contextmanager
def kept_code(part: str, remember: bool) -> Iterator[None]:
    """While inside (and `remember`), `dataclasses` takes the code of each text it writes from the table of
    `part`, compiling only what is not there; on the way out the table is kept with what was compiled.
    Inside another part's, this part's classes go to this part's table; someone else's hook on
    `dataclasses.exec` is left alone (their code, not ours)."""
    import dataclasses

    outer = vars(dataclasses).get("exec")
    if not remember or (outer is not None and not getattr(outer, "kept_code", False)):
        yield
        return
    name = f"dataclass-code-{part}-{sys.implementation.cache_tag}-{hashlib.sha256(sys.version.encode()).hexdigest()[:12]}"
    kept = cache_io.read_user_table(name)
    kept = kept if type(kept) is dict else {}
    used: dict[str, object] = {}
    code_type = type(kept_code.__code__)

    def compiled(source, globals=None, locals=None):
        if type(source) is str:
            code = kept.get(source)
            if type(code) is not code_type:
                # (not inheriting this module's `from __future__ import annotations`, which `exec` in
                # `dataclasses` does not have: `__init__`'s annotations stay the objects, not their names)
                code = compile(source, "<string>", "exec", dont_inherit=True)
            used[source] = code
            source = code
        return exec(source, globals, locals)  # noqa: S102 - the text dataclasses wrote, or its code

    compiled.kept_code = True
    dataclasses.exec = compiled   # (`_create_fn` finds `exec` in its module's names before the builtins)
    try:
        yield
    finally:
        if outer is None:
            del dataclasses.exec
        else:
            dataclasses.exec = outer
    if used.keys() - kept.keys():
        # A run imports only what it needs: the texts of other runs stay, unless they outnumber this run's
        # (an upgrade left them behind)
        cache_io.write_user_table(name, {**kept, **used} if len(kept) <= 2 * len(used) else used)
