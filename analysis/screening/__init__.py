"""Screening many count series: change points, an intervention at one event, multiple testing, severity.

* :func:`screen` — every series of a long frame: the change-point search with its
  defaults (breaks with intervals) and a step at a configured event (rate ratio with
  interval and p-value), Benjamini–Hochberg and Holm adjustments, reasons for series
  that cannot be tested. Runs through joblib (local processes by default, a Dask
  cluster under ``parallel_config(backend="dask")``) with identical results on every
  backend.
* :mod:`.multitest` — adjusted p-values.
* :mod:`.severity` — punishment shares with Wilson intervals and a beta-binomial /
  binomial GLM test of a change in the share of real imprisonment at the event.
* :mod:`.sections` — the frames of the report section "What else changed".
"""
from importlib import import_module
from typing import Any

from .limits import MIN_EVENTS

#: Where each public name lives; the modules load on first use, so that the command line
#: (which only registers the ``screen`` subcommand) does not import the count models.
_LAZY = {
    "DEFAULT_EVENT": ".engine",
    "resolve_event": ".engine",
    "screen": ".engine",
    "adjust_bh": ".multitest",
    "adjust_holm": ".multitest",
    "adjust_pvalues": ".multitest",
    "ScreenResult": ".results",
}

__all__ = [
    "DEFAULT_EVENT",
    "MIN_EVENTS",
    "ScreenResult",
    "adjust_bh",
    "adjust_holm",
    "adjust_pvalues",
    "resolve_event",
    "screen",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
