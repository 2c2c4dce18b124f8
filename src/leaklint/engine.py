"""One file through the pipeline: read -> prefilter -> parse -> walk -> rules -> findings."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from . import suppress
from .config import Settings
from .findings import Finding
from .layout import ModuleInfo
from .prefilter import Prefilter, import_words
from .source import Source, Unreadable, decode, printable  # noqa: F401 - also this module's names
from .rules.unreadable import internal_error, unreadable
from .rules.unused_suppression import UNUSED_SUPPRESSION


def _names_vendor(text: str) -> bool:
    from .catalogue.endpoints import builtin as http_apis

    return http_apis().names_vendor(text)


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
        roots, literals, self.http_clients = stored_catalogue(self._catalogue_file)
        # Every SDK reference starts with an import naming the SDK's top-level module; a configured sink
        # is imported through one of its dotted parts; settings' literals can sit anywhere.
        self.sdk_roots = roots | frozenset(name.split(".", 1)[0] for name in s.sinks)
        self.prefilter = Prefilter({part for name in s.sinks for part in name.split(".")}, literals, self.sdk_roots)

    @functools.cached_property
    def catalogue(self):
        """The SDK sinks (built only when a file is analysed) and the project's own."""
        from .cache import stored_tables, tables_beside
        from .catalogue import builtin, with_project_sinks

        return with_project_sinks(builtin(lambda: stored_tables(tables_beside(self._catalogue_file))),
                                  self.settings.sinks)

    def __reduce__(self):
        # A worker process builds its own (the rule tables hold functions, which do not pickle).
        return Checker, (self.settings, self.cache_dir, self.use_prefilter)

    @functools.cached_property
    def options(self):
        """The dataflow options (importing the analysis, and libcst, only when a file needs it)."""
        self.load_parser()
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

    def leads_to_sink(self, ref: str) -> bool:
        """Whether an SDK object bound under the name `ref` can reach a sink: a sink, an SDK module or class
        that has sinks, an HTTP client object.  Not an SDK's exceptions and constants, nor an HTTP client's
        module itself (`import requests` re-exports nothing another module would reach it through)."""
        if ref.split(".", 1)[0] not in self.sdk_roots:
            return False
        from .catalogue.endpoints import builtin as http_apis

        cat, apis = self.catalogue, http_apis()
        if ref in apis.client_roots:
            return False
        return (cat.instance_class(ref) is not None or ref in cat.sinks or ref in cat.setting_calls
                or ref in apis.clients or apis.is_client(ref))

    def relevant(self, source: Source, prefilter: Prefilter | None = None) -> bool:
        """A file that imports no SDK, configured sink or project module known to lead to one (and holds
        no risky setting) cannot leak."""
        self.facts(source)
        if not self.use_prefilter:
            return True
        from .rules.host_wrapper import imports_host_tracking

        host = imports_host_tracking(source.words, source.info.local_roots)  # LL030
        prefilter = prefilter or self.prefilter
        if not (source.literal or host or self._imports_sink(source, prefilter)
                or prefilter.imports_module(source.words, source.info.name, source.info.is_package,
                                            lambda word: word in self.load(source).text)):
            return False
        return not (source.marked and suppress.skip_file(self.load(source).text))

    def _imports_sink(self, source: Source, prefilter: Prefilter) -> bool:
        """An SDK (or configured sink) imported; an HTTP client alone only where the text names a vendor's
        host or name: most modules importing `requests` or `httpx` talk to anything but an analytics API."""
        matched = prefilter.imported & source.words
        return bool(matched) and (bool(source.vendor) or not matched <= self.http_clients)

    def facts(self, source: Source) -> None:
        """What the prefilter needs of a file's text, computed once (or known from the cache); a file
        not read yet is read now."""
        if source.words is None:
            self.load(source)
            source.words = frozenset(import_words(source.text))
            source.literal = any(literal in source.text for literal in self.prefilter.anywhere)
            source.marked = suppress.mentions_leaklint(source.text)
            source.vendor = bool(self.http_clients & source.words) and _names_vendor(source.text)

    def load(self, source: Source) -> Source:
        """Read the text of a source known only from the cache, or not read yet."""
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

    def parse(self, source: Source, lite: bool = False) -> None:
        """Parse a source that matters; one too large to parse in reasonable time is reported instead
        (libcst needs about 15 s per MB).  `lite`: a tree only for walks (see `analysis.parse_text`)."""
        self.load(source)
        size = len(source.text.encode("utf-8", "surrogatepass")) if source.error is None else 0
        if size > self.settings.max_file_size_kb * 1024:
            source.error = unreadable(source.display, f"not analysed: {size / 1048576:.1f} MB is over the "
                                      f"max-file-size-kb limit of {self.settings.max_file_size_kb} KB")
            return
        self.load_parser()
        from .analysis import parse

        parse(source, lite)

    def load_parser(self) -> None:
        """Import libcst before the analysis does, its node classes' methods compiled once per machine
        (`dataclass_code`; not with `--no-cache`, which keeps nothing between runs)."""
        from .dataclass_code import import_libcst

        import_libcst(remember=self.cache_dir is not None)

    # -- checking --------------------------------------------------------------------------
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
