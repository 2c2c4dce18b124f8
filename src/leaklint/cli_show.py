"""`check --show-files` (the files a run would check) and `check --show-settings` (what the first PATH is
checked under), as Ruff shows them: nothing is parsed or analysed."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from .cli_report import EXIT_CLEAN
from .deep_stack import EXIT_ERROR

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .config import Configs, Settings
    from .discover import Discovery


def show(args: argparse.Namespace, paths: list[Path], configs: Configs, found: Discovery, stdin: dict) -> int:
    from .api import display_path
    from .source import printable

    for error in found.errors:
        print(f"leaklint: error: {error}", file=sys.stderr)
    if args.show_files:
        sys.stdout.write("".join(f"{name}\n" for name in sorted(printable(display_path(f)) for f in found.files)))
    else:
        sys.stdout.write(settings_text(paths[0], configs))
    return EXIT_ERROR if found.errors else EXIT_CLEAN


def settings_text(path: Path, configs: Configs) -> str:
    """The settings as `key = value` lines (TOML's spelling), after the configuration file and the rules
    they enable for `path`."""
    from .api import display_path
    from .discover import is_test_code

    settings = configs.for_path(path)
    config = configs.overrides.config or configs.file_of(path)
    lines = [f"Settings for: {display_path(path)}",
             f"Configuration file: {config if config is not None else 'none (the defaults)'}",
             f"Rules enabled: {', '.join(enabled_rules(settings, display_path(path))) or 'none'}",
             f"Test code: {'yes' if is_test_code(path, settings) else 'no'}", ""]
    for field in dataclasses.fields(settings):
        if field.name != "path":
            lines.append(f"{field.name.replace('_', '-')} = {_value(getattr(settings, field.name))}")
    return "\n".join(lines) + "\n"


def enabled_rules(settings: Settings, relpath: str) -> list[str]:
    from .rules import all_rules

    return [r.code for r in all_rules() if settings.enabled(r.code, relpath, opt_in=not r.default)]


def _value(value: object) -> str:
    """A setting as TOML would write it (sets sorted, enum keys by their names)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, frozenset, set)):
        items = sorted(value) if isinstance(value, (frozenset, set)) else value
        return "[" + ", ".join(_value(v) for v in items) + "]"
    if isinstance(value, dict):
        pairs = sorted((getattr(k, "name", k).lower() if not isinstance(k, str) else k, v) for k, v in value.items())
        return "{ " + ", ".join(f'"{k}" = {_value(v)}' for k, v in pairs) + " }" if pairs else "{}"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)
