"""Reading a file: its bytes decoded as Python source does (BOM, encoding cookie), the name it is shown
by, and the `Source` that carries it through the pipeline.  Standard library only."""

from __future__ import annotations

import codecs
import io
import os
import re
import tokenize
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .findings import Finding
from .layout import ModuleInfo

TYPE_CHECKING = False
if TYPE_CHECKING:
    import libcst as cst


def printable(name: str) -> str:
    """A file name as shown and keyed: bytes that are not UTF-8 (which the OS decoding keeps as lone
    surrogates, and no output can encode) and control characters (a line break would forge an output
    line, an escape sequence drive the terminal) are written as `\\xff` escapes."""
    try:
        data = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no file name decodes to (a name from an editor)
        data = name.encode("utf-8", "backslashreplace")
    text = data.decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text) if _CONTROL.search(text) else text


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Unreadable(Exception):
    """The file cannot be decoded or parsed; the message is the one-line reason."""

    def __init__(self, reason: str, line: int = 1, col: int = 1):
        super().__init__(reason)
        self.line, self.col = line, col


def decode(data: bytes) -> tuple[str, str]:
    """Source bytes to (text, encoding), honouring a BOM ("utf-8-sig") and an encoding cookie (PEP 263)."""
    try:
        second = data.find(b"\n", data.find(b"\n") + 1)  # a cookie sits on line 1 or 2
        head = data[:second + 1] if second != -1 else data
        if b"coding" not in head and not data.startswith(codecs.BOM_UTF8):  # the common case, fast
            return data.decode("utf-8"), "utf-8"
        # The cookie is looked for on the first two lines, whatever ends them ("\r" alone too).
        first_lines = b"\n".join(re.split(rb"\r\n|\r|\n", data, maxsplit=2)[:2]) + b"\n"
        encoding, _ = tokenize.detect_encoding(io.BytesIO(first_lines).readline)
        return data.decode(encoding), encoding
    except (SyntaxError, LookupError) as err:
        raise Unreadable(f"cannot decode: {err}") from None
    except UnicodeDecodeError as err:
        raise Unreadable(f"cannot decode as {err.encoding}: invalid byte at offset {err.start}") from None


class _Words:
    """`Source.words`, which the cache gives as its stored text ("a b c"): split into a set when first
    read, since a warm run reads the words of few files."""

    def __get__(self, source, owner=None):
        if source is None:
            return None  # the field's default
        words = source.__dict__["_words"]
        if type(words) is str:
            words = source.__dict__["_words"] = frozenset(words.split(" ")) if words else frozenset()
        return words

    def __set__(self, source, words) -> None:
        source.__dict__["_words"] = words


@dataclass
class Source:
    """One file on its way through the pipeline."""

    display: str                      # the name shown: odd characters escaped (see printable)
    text: str = ""
    info: ModuleInfo = field(default_factory=ModuleInfo)
    module: cst.Module | None = None
    error: Finding | None = None      # LL900: could not be read, decoded or parsed
    path: Path | None = None
    encoding: str = "utf-8"           # to write a fixed file back as it was ("utf-8-sig" keeps a BOM)
    digest: str = ""                  # of the bytes read, to notice a file changed before a fix is written
    words: frozenset[str] | None = _Words()  # words of its import statements (from the cache, or computed once)
    literal: bool | None = None          # holds a risky setting's literal
    marked: bool | None = None           # holds a leaklint comment (suppression, skip-file)
    vendor: bool | None = None           # imports an HTTP client and names a vendor's API (host or name)
    loaded: bool = True                  # False: known from the cache only; the text is read on demand
    name: str = ""                       # the name as given, unescaped (what a patch must find)

    @cached_property
    def absolute(self) -> str:
        """The absolute path ("" without one), worked out once: a run looks every file up by it."""
        return os.path.abspath(self.path) if self.path is not None else ""
