"""Compilation of the change-point kernels: numba, cached in a user-writable folder.

Every compiled function of the engine goes through :func:`kernel` (a plain function) or
:func:`specialize` (a search template bound to one cost's primitives). Both compile
with numba's ``nopython`` mode and cache the machine code on disk, so that a new
process does not compile again:

* in ``$NUMBA_CACHE_DIR`` when that variable is set (numba's own convention wins);
* otherwise in :func:`analysis._cache.cache_dir` ``("numba")``: the platform's user
  cache folder, one sub-folder per package version, never inside the installed package
  (which may be read-only).

A cached kernel is reused only while the sources of the engine are unchanged: the
freshness stamp is a hash of the files that define compiled code (the search templates,
this module and every cost file), so that a kernel bound to a cost's primitives is
recompiled when the cost's file changes (numba's own stamp covers only the file of the
top-level function), together with a hash of the function's own file, so that a kernel
defined elsewhere (the count models' filters and Newton iteration) is recompiled when
its file changes.

Why templates and not function arguments: numba cannot cache a function that takes
another compiled function as an argument, and it inlines only what it sees at compile
time. A search template is a plain Python function whose cost primitives are global
names; :func:`specialize` makes a copy of it whose globals are the cost's primitives and
compiles that copy, so every cost gets fully inlined, cached kernels with one search
code.
"""
from __future__ import annotations

import functools
import hashlib
import os
import types
from pathlib import Path
from typing import Any, Callable

__all__ = ["kernel", "njit", "specialize", "cache_folder"]

_PKG = Path(__file__).resolve().parent


#: Modules that compile with :func:`njit` (their sources are part of the freshness stamp).
_NJIT_MODULES = ("_bayes_kernels.py", "_smuce_kernels.py", "_posterior_band.py")


@functools.lru_cache(maxsize=1)
def _sources_stamp() -> str:
    h = hashlib.sha256()
    files = [_PKG / "_kernels.py", _PKG / "_jit.py", *sorted((_PKG / "costs").glob("*.py")),
             *(_PKG / name for name in _NJIT_MODULES)]
    for p in files:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


@functools.lru_cache(maxsize=None)
def _file_stamp(path: str) -> str:
    """Hash of the file that defines a compiled function and of the ``_*kernel.py`` modules beside it.

    A compiled function that calls compiled code of another module of its folder finds it in
    a ``_*kernel.py`` module (e.g. the count models' Newton iteration calls their log mean),
    so a change to that module recompiles its callers too.
    """
    h = hashlib.sha256()
    try:
        own = Path(path)
        for p in [own, *sorted(q for q in own.parent.glob("_*kernel.py") if q != own)]:
            h.update(p.name.encode())
            h.update(p.read_bytes())
    except OSError:  # pragma: no cover - source not readable: fall back to the engine stamp alone
        return ""
    return h.hexdigest()


def cache_folder() -> Path | None:
    """Folder where the compiled kernels are cached (``None`` if none is writable)."""
    env = os.environ.get("NUMBA_CACHE_DIR")
    if env:
        return Path(env)
    try:
        from .._cache import cache_dir

        return cache_dir("numba")
    except OSError:  # pragma: no cover - read-only home
        return None


@functools.lru_cache(maxsize=1)
def _cache_class():
    from numba.core import caching

    folder = cache_folder()

    class Locator(caching._CacheLocator):
        def __init__(self, py_func, py_file):
            self._lineno = py_func.__code__.co_firstlineno
            self._path = str(folder / "changepoint")
            self._file = py_file

        def get_cache_path(self):
            return self._path

        def get_source_stamp(self):
            return _sources_stamp() + _file_stamp(self._file)

        def get_disambiguator(self):
            return str(self._lineno)

        @classmethod
        def from_function(cls, py_func, py_file):
            if folder is None:
                return None
            self = cls(py_func, py_file)
            try:
                self.ensure_cache_path()
            except OSError:  # pragma: no cover
                return None
            return self

    class Impl(caching.CompileResultCacheImpl):
        _locator_classes = [Locator]

    class FunctionCache(caching.FunctionCache):
        _impl_class = Impl

    return FunctionCache


def _compile(py_func: Callable, inline: bool = False) -> Any:
    from numba import njit

    disp = njit(cache=False, nogil=True, inline="always" if inline else "never")(py_func)
    try:
        disp._cache = _cache_class()(py_func)
    except RuntimeError:  # pragma: no cover - no locator: compile in memory only
        pass
    return disp


def kernel(py_func: Callable | None = None, *, inline: bool = False) -> Any:
    """Compile ``py_func`` with numba (nopython, no GIL), cached as described above.

    ``inline=True`` inlines it into its callers (numba IR inlining): for the small
    primitives called in the searches' inner loops, where a call costs more than the work.
    """
    if py_func is None:
        return lambda f: _compile(f, inline)
    return _compile(py_func, inline)


def njit(py_func: Callable | None = None, *, cache: bool = True, **options: Any) -> Any:
    """Drop-in for ``numba.njit(cache=True, ...)`` that caches in the folder described above.

    numba's own ``cache=True`` writes into the package's ``__pycache__`` when it can,
    i.e. into an installed package (site-packages) whenever that is writable; this
    keeps every compiled kernel in the user's cache folder instead.
    """
    def wrap(f: Callable) -> Any:
        from numba import njit as numba_njit

        disp = numba_njit(cache=False, **options)(f)
        if cache:
            try:
                disp._cache = _cache_class()(f)
            except RuntimeError:  # pragma: no cover - no locator: compile in memory only
                pass
        return disp

    return wrap if py_func is None else wrap(py_func)


def specialize(template: Callable, tag: str, bindings: dict[str, Any], *, inline: bool = False) -> Any:
    """Compiled copy of ``template`` whose global names ``bindings`` are bound to a cost.

    Parameters
    ----------
    template : function
        A plain (uncompiled) search function that calls cost primitives by global name.
    tag : str
        Name of the cost; part of the cached kernel's name.
    bindings : dict
        Global name → compiled primitive (or compiled helper) for this cost.
    """
    g = dict(template.__globals__)
    g.update(bindings)
    f = types.FunctionType(template.__code__, g, f"{template.__name__}__{tag}", template.__defaults__,
                           template.__closure__)
    f.__qualname__ = f"{template.__qualname__}__{tag}"
    f.__module__ = template.__module__
    f.__doc__ = template.__doc__
    return _compile(f, inline)
