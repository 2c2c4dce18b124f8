"""Configuration: `[tool.leaklint]` in pyproject.toml, or leaklint.toml, found by walking up from each
checked file (`Configs`), with the command line's overrides (`Overrides`) laid over it."""

from __future__ import annotations

import fnmatch
import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

from .layout import project_root, root_of  # noqa: F401 - decided in layout; kept importable from here
TYPE_CHECKING = False  # start-up: a run that parses nothing imports as little as it can
if TYPE_CHECKING:
    from typing import Any

    from .rules.contract import Contract
    from .pii import PiiKind

DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".bzr", ".venv", "venv", ".tox", ".nox", ".eggs", "*.egg-info", "node_modules",
    "build", "dist", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".leaklint_cache",
    "site-packages", "_build", "buck-out", ".direnv", "__pypackages__", ".ipynb_checkpoints",
)
# The runtime scrubber is its own distribution, `leaklint-scrub` (runtime/): fixed code imports it, not the
# linter.  `leaklint.scrub` is the same code under its former name.
DEFAULT_SCRUBBERS = ("leaklint_scrub.scrub", "leaklint_scrub.pseudonymize", "leaklint_scrub.redact",
                     "leaklint.scrub.scrub", "leaklint.scrub.pseudonymize", "leaklint.scrub.redact")
DEFAULT_SCRUBBER = "leaklint_scrub:scrub"
DEFAULT_PSEUDONYMIZER = "leaklint_scrub:pseudonymize"
CONFIG_FILES = ("leaklint.toml", ".leaklint.toml", "pyproject.toml")
# pytest's and unittest's (Django's) conventions: test modules, their folders and pytest's conftest.py.
# Not `*_test.py`: pytest collects it, but `ab_test.py` and `split_test.py` are where experiments send their
# analytics; a project using the suffix adds it with `extend-test-patterns`.
DEFAULT_TEST_PATTERNS = ("tests", "test", "test_*.py", "tests.py", "conftest.py")


class ConfigError(Exception):
    """Bad configuration: reported as one line, exit code 2."""


@dataclass
class Settings:
    select: list[str] = field(default_factory=lambda: ["LL"])
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDE))
    extend_exclude: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    sinks: dict[str, dict] = field(default_factory=dict)
    pii_names: dict[PiiKind, frozenset[str]] = field(default_factory=dict)
    never_pii: frozenset[str] = frozenset()
    scrubbers: list[str] = field(default_factory=lambda: list(DEFAULT_SCRUBBERS))
    scrubber: str = DEFAULT_SCRUBBER            # what `--fix` wraps payloads in
    pseudonymizer: str = DEFAULT_PSEUDONYMIZER  # what `--unsafe-fixes` wraps user ids in
    respect_gitignore: bool = True
    force_exclude: bool = False      # apply exclusions to paths named explicitly too
    max_file_size_kb: int = 1024     # larger files that would need parsing are reported (LL900), not parsed
    include_tests: bool = False      # report findings in test code too (else they are counted, not shown)
    test_patterns: list[str] = field(default_factory=lambda: list(DEFAULT_TEST_PATTERNS))
    extend_test_patterns: list[str] = field(default_factory=list)
    vendors: dict[str, Contract] = field(default_factory=dict)  # catalogue vendor name -> its data contract
    keep_suppressed: bool = False  # the inventory: suppressed and allowed flows kept, with their status
    paths: list[str] = field(default_factory=list)  # what `leaklint check` without a PATH checks (else ".")
    path: Path | None = None   # the file the settings came from

    @property
    def root(self) -> Path | None:
        return self.path.parent if self.path else None

    def enabled(self, code: str, relpath: str | None = None, *, opt_in: bool = False) -> bool:
        """Whether a rule runs for a file.  An opt-in rule runs only when its code is selected by name."""
        chosen = _longest(code, self.select + self.extend_select)
        if opt_in and chosen < len(code):
            return False
        dropped = _longest(code, self.ignore)
        if relpath is not None and self.per_file_ignores:
            names = self.names_of(relpath)
            for pattern, codes in self.per_file_ignores.items():
                if any(fnmatch.fnmatch(name, pattern) for name in names):
                    dropped = max(dropped, _longest(code, codes))
        return chosen > dropped  # the more specific prefix wins; on a tie, ignore wins

    def names_of(self, relpath: str) -> tuple[str, ...]:
        """What a file's glob (per-file-ignores, a contract's `from`) is matched against: the path as shown,
        its name, and (as Ruff does) the path relative to the configuration's folder, so that the same file
        is matched alike from any folder and any door."""
        return (relpath, Path(relpath).name, *_below(relpath, self.root))


@functools.lru_cache(maxsize=4096)
def _below(path: str, root: Path | None) -> tuple[str, ...]:
    """`path` relative to `root` with "/" separators, when it lies below it."""
    if root is None:
        return ()
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    return () if rel.startswith("..") else (rel.replace(os.sep, "/"),)


def _longest(code: str, prefixes: list[str]) -> int:
    """Length of the longest prefix that selects `code` ("ALL" selects everything): Ruff's precedence."""
    best = 0
    for p in prefixes:
        if p == "ALL" or code.startswith(p):
            best = max(best, 1 if p == "ALL" else len(p))
    return best


def find_config(start: Path) -> Path | None:
    """The nearest leaklint.toml, or pyproject.toml with a [tool.leaklint] table, from `start` upwards."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        found = config_in(candidate)
        if found is not None:
            return found
    return None


def config_in(folder: Path | str) -> Path | None:
    """The configuration file in `folder` itself, if any."""
    for name in CONFIG_FILES:
        where = os.path.join(folder, name)  # a walk asks for every folder: no Path until one is there
        if os.path.isfile(where):
            path = Path(where)
            if name != "pyproject.toml" or (_mentions_leaklint(path) and _table(_read(path), path) is not None):
                return path
    return None


def _mentions_leaklint(path: Path) -> bool:
    """Most pyproject.toml files have no [tool.leaklint]: a look at the bytes spares parsing them."""
    try:
        return b"leaklint" in path.read_bytes()
    except OSError:
        return True  # let _read report it


def _read(path: Path) -> dict:
    from ._toml import tomllib

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot read: {err}") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: invalid TOML: {err}") from None


def load(path: Path | None) -> Settings:
    if path is None:
        return Settings()
    data = _read(path)
    table = (_table(data, path) or {}) if path.name == "pyproject.toml" else data
    settings = from_table(table, str(path))
    settings.path = path
    return settings


def _table(data: dict, path: Path) -> dict | None:
    """`[tool.leaklint]` of a pyproject.toml, None when there is none; `tool` or `tool.leaklint` of another
    type is an error, not a crash later."""
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: 'tool' must be a table, not {_kind(tool)}")
    table = tool.get("leaklint")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: 'tool.leaklint' must be a table ([tool.leaklint]), not {_kind(table)}")
    return table


def _kind(value: Any) -> str:
    """A TOML value's type as the TOML spec names it, for error messages."""
    names = {bool: "a boolean", int: "an integer", float: "a float", str: "a string", list: "an array", dict: "a table"}
    return names.get(type(value), "a date or time")


def _strings(value: Any, key: str, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        got = _kind(value) if not isinstance(value, list) else "an array holding " + _kind(
            next(v for v in value if not isinstance(v, str)))
        raise ConfigError(f"{where}: '{key}' must be a list of strings, not {got}")
    return list(value)


def from_table(table: dict, where: str = "config") -> Settings:
    s = Settings()
    for key, value in table.items():
        if key in ("select", "ignore", "extend-select", "extend-exclude", "scrubbers", "test-patterns",
                   "extend-test-patterns", "paths"):
            setattr(s, key.replace("-", "_"), _strings(value, key, where))
        elif key == "exclude":
            s.exclude = _strings(value, key, where)
        elif key == "never-pii":
            s.never_pii = frozenset(v.lower() for v in _strings(value, key, where))
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: 'per-file-ignores' must be a table of glob = [codes]")
            s.per_file_ignores = {k: _strings(v, f"per-file-ignores.{k}", where) for k, v in value.items()}
        elif key == "pii-names":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: 'pii-names' must be a table of kind = [names]")
            from .pii import PiiKind, words

            kinds = {k.name.lower(): k for k in PiiKind}
            for kind, names in value.items():
                if kind not in kinds:
                    raise ConfigError(f"{where}: unknown PII kind 'pii-names.{kind}' (one of {', '.join(kinds)})")
                names = _strings(value[kind], f"pii-names.{kind}", where)
                # Stored as the classifier's phrases: `contactHandle` and `contact_handle` -> "contact handle".
                s.pii_names[kinds[kind]] = frozenset(" ".join(words(n)) for n in names)
        elif key == "sinks":
            s.sinks = _sinks(value, where)
        elif key in ("scrubber", "pseudonymizer"):
            if not isinstance(value, str) or value.count(":") != 1 or not all(value.split(":")):
                raise ConfigError(f"{where}: '{key}' must be \"module:function\", e.g. \"myapp.privacy:clean\"")
            setattr(s, key, value)
        elif key == "max-file-size-kb":
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ConfigError(f"{where}: 'max-file-size-kb' must be a positive whole number")
            s.max_file_size_kb = value
        elif key == "vendors":
            from .rules.contract import ContractError, read_contracts

            try:
                s.vendors = read_contracts(value, where)
            except ContractError as err:
                raise ConfigError(str(err)) from None
        elif key in ("respect-gitignore", "force-exclude", "include-tests"):
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: '{key}' must be true or false")
            setattr(s, key.replace("-", "_"), value)
        else:
            raise ConfigError(f"{where}: unknown key '{key}' in [tool.leaklint]{_did_you_mean(key)}")
    for spec in (s.scrubber, s.pseudonymizer):  # what the fixes call is, of course, clean
        dotted = spec.replace(":", ".")
        if dotted not in s.scrubbers:
            s.scrubbers.append(dotted)
    return s


KEYS = ("select", "extend-select", "ignore", "exclude", "extend-exclude", "per-file-ignores", "pii-names",
        "never-pii", "scrubbers", "scrubber", "pseudonymizer", "sinks", "max-file-size-kb", "respect-gitignore",
        "force-exclude", "include-tests", "test-patterns", "extend-test-patterns", "vendors", "paths")
# Ruff's keys of the same name mean something else here: a hint instead of a guess.
RUFF_KEYS = {"include": " (the folders to check are 'paths'; file patterns are not configurable)",
             "src": " (the folders to check are 'paths'; first-party modules are found without it)"}


def _did_you_mean(key: str) -> str:
    import difflib

    if key in RUFF_KEYS:
        return RUFF_KEYS[key]
    close = difflib.get_close_matches(key, KEYS, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


@dataclass(frozen=True)
class Overrides:
    """The command line's settings, laid over those of every configuration file."""

    config: Path | None = None           # `--config`: this file's settings for every checked file
    select: list[str] | None = None      # replaces the configuration's
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    force_exclude: bool = False
    include_tests: bool = False          # `--include-tests`
    keep_suppressed: bool = False        # `leaklint inventory`
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] | None = None  # replaces the configuration's
    extend_per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def apply(self, settings: Settings) -> Settings:
        if self.select is not None:
            settings.select = list(self.select)
        if self.per_file_ignores is not None:
            settings.per_file_ignores = {}
        for pattern, codes in (*(self.per_file_ignores or ()), *self.extend_per_file_ignores):
            settings.per_file_ignores[pattern] = [*settings.per_file_ignores.get(pattern, ()), *codes]
        settings.extend_select += self.extend_select
        settings.ignore += self.ignore
        settings.force_exclude = settings.force_exclude or self.force_exclude
        settings.include_tests = settings.include_tests or self.include_tests
        settings.keep_suppressed = settings.keep_suppressed or self.keep_suppressed
        check_selectors(settings)
        return settings


class Configs:
    """The settings each file is checked under: those of the configuration nearest to it (as Ruff finds
    it: leaklint.toml, .leaklint.toml or a pyproject.toml with [tool.leaklint], from the file's folder
    upwards), or the `--config` file's for every file; the command line's overrides laid over either."""

    def __init__(self, overrides: Overrides | None = None, settings: Settings | None = None):
        self.overrides = overrides or Overrides()
        self.fixed = settings   # given: used as it is, for every file
        if settings is None and self.overrides.config is not None:
            if not self.overrides.config.is_file():
                raise ConfigError(f"{self.overrides.config}: config file not found")
            self.fixed = self.overrides.apply(load(self.overrides.config))
        self._files: dict[str, Path | None] = {}       # folder -> its configuration file
        self._settings: dict[Path | None, Settings] = {}

    def file_of(self, path: Path) -> Path | None:
        """The configuration file that governs `path` (None: the defaults, or `--config`)."""
        if self.fixed is not None:
            return None
        folder = os.path.abspath(path)
        return self.file_in(folder if os.path.isdir(folder) else os.path.dirname(folder))

    def file_in(self, folder: str) -> Path | None:
        """file_of() for the files of an absolute folder (a walk asks once per file: no lookup on disk)."""
        if self.fixed is not None:
            return None
        if folder not in self._files:  # each folder looked at once, however many files and subfolders ask
            parent = os.path.dirname(folder)
            found = config_in(folder)
            self._files[folder] = found if found is not None or parent == folder else self.file_in(parent)
        return self._files[folder]

    def for_path(self, path: Path) -> Settings:
        if self.fixed is not None:
            return self.fixed
        config = self.file_of(path)
        if config not in self._settings:
            self._settings[config] = self.overrides.apply(load(config))
        return self._settings[config]


def check_selectors(settings: Settings) -> None:
    """Every rule code or prefix named, after the command line's are added, selects some rule."""
    if settings.select == ["LL"] and not (settings.extend_select or settings.ignore or settings.per_file_ignores):
        return  # the defaults: nothing to check, and the rules need not be imported
    from .rules import all_rules

    codes = [r.code for r in all_rules()]
    lists = {"select": settings.select, "extend-select": settings.extend_select, "ignore": settings.ignore}
    lists.update({"per-file-ignores": [c for v in settings.per_file_ignores.values() for c in v]})
    for name, values in lists.items():
        for value in values:
            if value != "ALL" and not any(code.startswith(value) for code in codes):
                raise ConfigError(f"unknown rule selector '{value}' in {name}")


def _sinks(value: Any, where: str) -> dict[str, dict]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: 'sinks' must be a table of \"module.function\" = {{ signature = \"(...)\" }}")
    from .catalogue import CatalogueError, parse_signature

    out = {}
    for name, spec in value.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("signature"), str):
            raise ConfigError(f"{where}: sink '{name}' needs a signature string, e.g. \"(user_id: user_id, **props: pii_kwargs)\"")
        unknown = set(spec) - {"signature", "sdk"}
        if unknown:
            raise ConfigError(f"{where}: unknown key '{sorted(unknown)[0]}' in sink '{name}'")
        if not isinstance(spec.get("sdk", ""), str):
            raise ConfigError(f"{where}: sink '{name}': 'sdk' must be a string (the name shown in messages)")
        try:
            parse_signature(spec["signature"])
        except CatalogueError as err:
            raise ConfigError(f"{where}: sink '{name}': {err}") from None
        out[name] = dict(spec)
    return out

