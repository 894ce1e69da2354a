"""Loaders, one per upstream file format, and the registry of loaders by source name.

Every loader has the signature ``load_xxx(path, *, source_id=None,
snapshot_date=None) -> LoadResult`` (see :mod:`analysis.sources.base`) and raises
:class:`analysis.errors.InputError` for a file it cannot use.

:data:`LOADERS` maps the source names used on the command line
(``python -m analysis validate PATH --source NAME``) to loaders. It is a mapping
of dotted names that are imported only when looked up, so a module whose file is
missing breaks only its own entries. To add a loader, add one line to
:data:`LOADER_PATHS`.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .base import LoadResult, RejectLog

#: Source name → ``"module:function"`` (module relative to this package).
LOADER_PATHS: dict[str, str] = {
    "foreign_agents_xlsx": ".foreign_agents:load_foreign_agents_xlsx",
    "foreign_agents_rest_json": ".foreign_agents:load_foreign_agents_rest_json",
    "foreign_agents_pdf_json": ".foreign_agents:load_foreign_agents_pdf_json",
    "foreign_agents_csv": ".foreign_agents:load_foreign_agents_csv",
    "minjust_rest_values": ".minjust_rest:load_minjust_rest_values",
    "undesirable_rest_json": ".undesirable:load_undesirable_rest_json",
    "undesirable_scrape_json": ".undesirable:load_undesirable_scrape_json",
    "cdep_form10a": ".cdep:load_cdep_form10a",
    "cdep_form10_3": ".cdep:load_cdep_form10_3",
    "published_convictions_csv": ".published:load_published_convictions",
    "minjust_pdf": ".minjust_pdf:load_minjust_pdf",
    "fz255_foreign_agents": ".fz255_json:load_fz255_foreign_agents",
    "fz255_undesirable": ".fz255_json:load_fz255_undesirable",
    "minjust_rest_vintage": ".rest_vintage:load_minjust_rest_vintage",
}

#: The source names, in registry order (the choices of ``validate --source``).
LOADER_NAMES: tuple[str, ...] = tuple(LOADER_PATHS)


def resolve_loader(dotted: str) -> Callable[..., LoadResult]:
    """Import and return the function named by ``"module:function"``."""
    module_name, _, func_name = dotted.partition(":")
    module = importlib.import_module(module_name, package=__name__)
    return getattr(module, func_name)


class _LazyLoaders(Mapping[str, Callable[..., LoadResult]]):
    """Read-only mapping that imports a loader the first time it is looked up."""

    def __init__(self, paths: Mapping[str, str]) -> None:
        self._paths = paths
        self._cache: dict[str, Callable[..., LoadResult]] = {}

    def __getitem__(self, name: str) -> Callable[..., LoadResult]:
        if name not in self._cache:
            self._cache[name] = resolve_loader(self._paths[name])
        return self._cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def __repr__(self) -> str:
        return f"LOADERS({', '.join(self._paths)})"


#: Source name → loader function (imported on first access).
LOADERS: Mapping[str, Callable[..., LoadResult]] = _LazyLoaders(LOADER_PATHS)


def get_loader(name: str) -> Callable[..., LoadResult]:
    """The loader registered as ``name``.

    Raises
    ------
    KeyError
        With the list of known source names, when ``name`` is not one of them.
    """
    if name not in LOADER_PATHS:
        raise KeyError(f"unknown source {name!r}; known: {', '.join(LOADER_PATHS)}")
    return LOADERS[name]


def __getattr__(name: str) -> Any:
    # ``from analysis.sources import load_foreign_agents_xlsx`` works without importing
    # every loader module up front.
    for dotted in LOADER_PATHS.values():
        if dotted.endswith(":" + name):
            return resolve_loader(dotted)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["LOADERS", "LOADER_NAMES", "LOADER_PATHS", "LoadResult", "RejectLog", "get_loader", "resolve_loader"]
