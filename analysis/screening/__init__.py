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
from .engine import DEFAULT_EVENT, resolve_event, screen
from .multitest import adjust_bh, adjust_holm, adjust_pvalues
from .results import ScreenResult
from .tasks import MIN_EVENTS

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
