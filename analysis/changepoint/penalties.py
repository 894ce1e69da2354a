"""Penalties per change for the penalised searches.

All costs are on the ``-2 log L`` scale. With ``p`` free parameters per segment a new
change adds ``p`` parameters and one location, so:

* ``"bic"``  (Schwarz 1978; the SIC of R changepoint): ``(p + 1) log n``;
* ``"mbic"`` (Zhang & Siegmund 2007): ``(p + 2) log n``, the per-change part of the
  modified BIC. The segment-length term of the full criterion is left out so that the
  criterion stays additive over segments, which exact pruning needs; the default,
  because it is the most conservative of the three and keeps false alarms on
  stationary series at or below 5% for the lengths the toolkit meets (60–240 months);
* ``"aic"``: ``2 (p + 1)``;
* a number: used as is.
"""
from __future__ import annotations

import math

from ..errors import ModelError

__all__ = ["penalty_value", "PENALTIES"]

PENALTIES = ("bic", "mbic", "aic")


def penalty_value(penalty: str | float, *, n: int, n_params: int) -> float:
    """Penalty per change for a series of length ``n`` and ``n_params`` parameters per segment."""
    if isinstance(penalty, str):
        key = penalty.lower()
        if key == "bic":
            return (n_params + 1) * math.log(n)
        if key == "mbic":
            return (n_params + 2) * math.log(n)
        if key == "aic":
            return 2.0 * (n_params + 1)
        raise ModelError(f"unknown penalty {penalty!r}; choose one of {PENALTIES} or give a number")
    try:
        val = float(penalty)
    except (TypeError, ValueError) as exc:
        raise ModelError(f"penalty must be a name or a number, not {penalty!r}") from exc
    if not (val >= 0 and math.isfinite(val)):
        raise ModelError("a manual penalty must be a finite non-negative number")
    return val
