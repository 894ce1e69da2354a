"""Public names of a package, imported from their defining module on first use (PEP 562)."""
from __future__ import annotations

import importlib
from typing import Any, Callable, Mapping


def lazy_exports(package: str, exports: Mapping[str, str], namespace: dict[str, Any],
                 computed: Mapping[str, Callable[[], Any]] | None = None
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Module-level ``__getattr__`` and ``__dir__`` of ``package``.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    exports : mapping
        Public name -> module that defines it, relative to ``package`` (``".errors"``).
    namespace : dict
        The package's ``globals()``: a resolved name is stored there, so the next lookup
        does not come back here.
    computed : mapping, optional
        Names whose value a function computes on first use (e.g. ``__version__``).
    """
    computed = dict(computed or {})

    def __getattr__(name: str) -> Any:
        if name in computed:
            value = computed[name]()
        else:
            module = exports.get(name)
            if module is None:
                raise AttributeError(f"module {package!r} has no attribute {name!r}")
            value = getattr(importlib.import_module(module, package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(exports) | set(computed))

    return __getattr__, __dir__
