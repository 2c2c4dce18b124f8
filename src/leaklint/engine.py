"""One file through the pipeline: read -> prefilter -> parse -> walk -> rules -> findings."""

from __future__ import annotations

import codecs
import functools
import hashlib
import io
import re
import tokenize
from dataclasses import dataclass, field
from pathlib import Path

from . import suppress
from .config import Settings
from .findings import Finding
from .layout import ModuleInfo
from .prefilter import Prefilter, import_words
from .rules.unreadable import internal_error, unreadable
from .rules.unused_suppression import UNUSED_SUPPRESSION

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
    words: frozenset[str] | None = None  # words of its import statements (from the cache, or computed once)
    literal: bool | None = None          # holds a risky setting's literal
    marked: bool | None = None           # holds a leaklint comment (suppression, skip-file)
    loaded: bool = True                  # False: known from the cache only; the text is read on demand
    name: str = ""                       # the name as given, unescaped (what a patch must find)


@dataclass
class Checker:
    """Checks files with one configuration; reusable across files (and processes)."""

    settings: Settings
    cache_dir: Path | None = None   # where the parsed catalogue may be kept between runs
    use_prefilter: bool = True      # False parses every file (tests compare both ways)

    def __post_init__(self) -> None:
        s = self.settings
        from .cache import catalogue_path, stored_catalogue

        self._catalogue_file = catalogue_path(self.cache_dir) if self.cache_dir is not None else None
        roots, literals = stored_catalogue(self._catalogue_file)
        # Every SDK reference starts with an import naming the SDK's top-level module; a configured sink
        # is imported through one of its dotted parts; settings' literals can sit anywhere.
        self.sdk_roots = roots | frozenset(name.split(".", 1)[0] for name in s.sinks)
        self.prefilter = Prefilter({part for name in s.sinks for part in name.split(".")}, literals, self.sdk_roots)

    @functools.cached_property
    def catalogue(self):
        """The SDK sinks (built only when a file is analysed) and the project's own."""
        from .catalogue import builtin, with_project_sinks

        return with_project_sinks(builtin(), self.settings.sinks)

    def __reduce__(self):
        # A worker process builds its own (the rule tables hold functions, which do not pickle).
        return Checker, (self.settings, self.cache_dir, self.use_prefilter)

    @functools.cached_property
    def options(self):
        """The dataflow options (importing the analysis, and libcst, only when a file needs it)."""
        from .flow import Options

        s = self.settings
        return Options(catalogue=self.catalogue, scrubbers=frozenset(s.scrubbers), extra_words=s.pii_names,
                       never=s.never_pii)

    @functools.cached_property
    def sink_checks(self) -> list:
        from .rules import all_rules

        return [r.check_sink for r in all_rules() if r.check_sink]

    @functools.cached_property
    def call_checks(self) -> list:
        from .rules import all_rules

        return [r.check_call for r in all_rules() if r.check_call]

    @functools.cached_property
    def module_checks(self) -> list:
        from .rules import all_rules

        return [r.check_module for r in all_rules() if r.check_module]

    def relevant(self, source: Source, prefilter: Prefilter | None = None) -> bool:
        """A file that imports no SDK, configured sink or project module known to lead to one (and holds
        no risky setting) cannot leak."""
        self.facts(source)
        if not self.use_prefilter:
            return True
        prefilter = prefilter or self.prefilter
        if not (source.literal or not prefilter.imported.isdisjoint(source.words)
                or prefilter.imports_module(source.words, source.info.name)):
            return False
        return not (source.marked and suppress.skip_file(self.load(source).text))

    def facts(self, source: Source) -> None:
        """What the prefilter needs of a file's text, computed once (or known from the cache)."""
        if source.words is None:
            source.words = frozenset(import_words(source.text))
            source.literal = any(literal in source.text for literal in self.prefilter.anywhere)
            source.marked = suppress.mentions_leaklint(source.text)

    def load(self, source: Source) -> Source:
        """Read the text of a source known only from the cache."""
        if not source.loaded and source.path is not None:
            fresh = self.read(source.path, source.display, source.info)
            source.text, source.encoding, source.error, source.loaded = fresh.text, fresh.encoding, fresh.error, True
            if fresh.digest != source.digest:
                source.digest = fresh.digest  # changed since it was stat-ed: analyse what is there now
        return source

    # -- reading ---------------------------------------------------------------------------
    def read(self, path: Path, display: str, info: ModuleInfo, data: bytes | None = None) -> Source:
        source = Source(display, info=info, path=path)
        try:
            if data is None:
                data = path.read_bytes()
            source.digest = hashlib.sha256(data).hexdigest()
            source.text, source.encoding = decode(data)
        except IsADirectoryError:
            source.error = unreadable(display, "is a directory")
        except OSError as err:
            source.error = unreadable(display, f"cannot read: {err.strerror or err}")
        except Unreadable as err:
            source.error = unreadable(display, str(err))
        return source

    def parse(self, source: Source) -> None:
        """Parse a source that matters; one too large to parse in reasonable time is reported instead
        (libcst needs about 15 s per MB)."""
        self.load(source)
        size = len(source.text.encode("utf-8", "surrogatepass")) if source.error is None else 0
        if size > self.settings.max_file_size_kb * 1024:
            source.error = unreadable(source.display, f"not analysed: {size / 1048576:.1f} MB is over the "
                                      f"max-file-size-kb limit of {self.settings.max_file_size_kb} KB")
            return
        from .analysis import parse

        parse(source)

    # -- checking --------------------------------------------------------------------------
    def check_text(self, text: str, display: str, info: ModuleInfo | None = None) -> list[Finding]:
        """Findings for one module given as text (tests, stdin), analysed on its own."""
        from .project import Project

        project = Project(self, [Source(display, text, info or ModuleInfo())])
        return project.findings()

    def walk(self, source: Source, options, **hooks):
        """Run the rules over one parsed module.  A failure inside leaklint becomes that file's LL902."""
        from .analysis import walk

        try:
            return walk(self, source, options, **hooks)
        except Exception as err:  # noqa: BLE001 - one file's bug must not lose the run
            source.error = internal_error(source.display, err)
            return [], None

    def findings(self, source: Source, reports: list) -> list[Finding]:
        """Reports to findings: positions, suppressions and rule selection (LL900 for unreadable files)."""
        if source.error is not None:
            return [source.error] if self.settings.enabled(source.error.code, source.display) else []
        unused = UNUSED_SUPPRESSION
        if not reports and not (self.settings.enabled(unused.code, source.display, opt_in=not unused.default)
                                and source.marked):
            return []
        from .analysis import findings

        self.load(source)
        try:
            return findings(self.settings, source, reports)
        except Exception as err:  # noqa: BLE001
            return [internal_error(source.display, err)]
