"""The catalogue shipped with leaklint: its data files (`sdks/*.toml`, `http_clients.toml`, `settings.toml`),
parsed (`tables`) and built into one `Catalogue` per process (`builtin`)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Mapping

from .._toml import tomllib
from . import (CATEGORIES, DATA, Builder, Catalogue, CatalogueError, PrivateConfig, Setting, Sink, Vendor,
               sink_from_table)


def _data_files() -> Iterable[tuple[str, str]]:
    for path in _data_paths():
        yield path.name, path.read_text(encoding="utf-8")


def _data_paths() -> list[Path]:
    # The HTTP clients' objects (`requests.Session()`); their calls are sinks only to a vendor endpoint.
    return [*sorted((DATA / "sdks").glob("*.toml")), DATA / "http_clients.toml"]


SETTINGS = "settings.toml"


def table_names() -> set[str]:
    """The names `tables` gives the data files by."""
    return {path.name for path in _data_paths()} | {SETTINGS}


def tables() -> dict[str, dict]:
    """The data files, parsed: each SDK's (and the HTTP clients') by its file name, and `settings.toml`."""
    found = {name: tomllib.loads(text) for name, text in _data_files()}
    found[SETTINGS] = tomllib.loads((DATA / SETTINGS).read_text(encoding="utf-8"))
    return found


_BUILT: list[Catalogue] = []


def builtin(stored: Callable[[], dict] | None = None) -> Catalogue:
    """The catalogue shipped with leaklint, built once per process from its data files (or from the copy
    of their `tables` that `stored()` gives: the cache keeps one, since parsing the TOML was a tenth of a
    one-file run), and only when a file is analysed: a run that parses nothing needs only
    `prefilter_facts`, which the cache keeps too."""
    if not _BUILT:
        found = stored() if stored is not None else None
        try:
            _BUILT.append(_build(found))
        except CatalogueError:
            raise
        except Exception:   # noqa: BLE001 - a stored copy that does not fit: the data files themselves
            if found is None:
                raise
            _BUILT.append(_build())
    return _BUILT[0]


def prefilter_facts(stored: Callable[[], dict] | None = None) -> tuple[frozenset[str], tuple[str, ...], frozenset[str]]:
    """(SDK roots, settings' literals, the HTTP clients' import words): what the prefilter needs of the
    catalogue (`stored`: see `builtin`)."""
    from .endpoints import builtin as http_apis

    cat = builtin(stored)
    return (cat.roots, tuple(sorted({st.literal for st in cat.settings if st.literal})),
            http_apis().client_roots_imported)


def _build(found: dict[str, dict] | None = None) -> Catalogue:
    """The catalogue from the data files' `tables` (parsed now when not given)."""
    found = tables() if found is None else found
    cat = Catalogue()
    for name, data in found.items():
        if name == SETTINGS:
            continue
        category = data.get("category", "")
        if category and category not in CATEGORIES:
            raise CatalogueError(f"{name}: category {category!r} is not one of {', '.join(CATEGORIES)}")
        cat.instances.update(data.get("instances", {}))
        cat.callbacks.update(data.get("callbacks", {}))
        cat.returns.update(data.get("returns", {}))
        cat.private_keys.update(data.get("private_keys", {}))
        for table in data.get("private_config", []):
            _add_private_config(cat.private_configs, table)
        for cls, table in data.get("builders", {}).items():
            cat.builders[cls] = Builder(cls, str(table["builds"]), str(table.get("build", "build")), table.get("private"))
        for table in data.get("sink", []):
            sink = sink_from_table(table, data["sdk"], category)
            cat.add_sink(sink)
            _add_vendor(cat.vendors, sink, str(data.get("package", name.removesuffix(".toml"))))
    settings = found[SETTINGS]
    for table in settings.get("setting", []):
        cat.add_setting(Setting(
            id=table["id"], sdk=table["sdk"], effect=table["effect"], fix=table["fix"],
            calls=tuple(table.get("calls", ())), keyword=table.get("keyword"),
            equals=table.get("equals"), literal=table.get("literal"),
        ))
    return cat


def _add_private_config(configs: dict[str, tuple[str, PrivateConfig]], table: Mapping) -> None:
    try:
        config = PrivateConfig(str(table["names"]), str(table["every"]), frozenset(table.get("kept", ())))
        for role in ("config", "client", "install"):
            configs.update((call, (role, config)) for call in table[f"{role}s"])
    except KeyError as missing:
        raise CatalogueError(f"private_config lacks {missing}") from None


def _add_vendor(vendors: dict[str, Vendor], sink: Sink, package: str) -> None:
    known = vendors.get(sink.vendor) or Vendor(sink.vendor, sink.category, (), ())
    if known.category != sink.category:
        raise CatalogueError(f"vendor {sink.vendor!r} is in two categories: {known.category}, {sink.category}")
    packages = known.packages if package in known.packages else known.packages + (package,)
    vendors[sink.vendor] = Vendor(known.name, known.category, packages, known.calls + sink.calls)
