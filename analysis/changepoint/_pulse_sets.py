"""Which periods of a series are pulses, for models that take the pulse set as given.

The rule itself lives in :mod:`analysis.changepoint.pulses` (unit deviance above
``3 log n``); this module supplies what the rule needs when no segmentation exists yet — a
*robust preliminary level* — and turns the user's ``pulses=`` argument (``"auto"``, positions,
periods, or the ``pulses`` frame of a search result) into sorted positions.

Preliminary level
-----------------
For each period ``t`` two local levels are formed from its neighbours, never from ``y_t``
itself: the left level from the ``h`` periods before ``t`` and the right level from the ``h``
periods after it (``h = 6``, fewer at the ends). Each is a trimmed mean: with three values or
more the largest and the smallest are dropped, so one pulse nearby cannot inflate it, and half
an event is added, ``(sum + 0.5) / count``, so a run of zeros gives a small positive level
rather than zero. The level used for ``t`` is the side from which ``y_t`` deviates least (the
smaller unit deviance). A change of level therefore never looks like a pulse — the first month
of a new regime matches the right side, the last month of the old one the left side — while a
one-period burst deviates from both.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ModelError
from .pulses import find_pulses, pulse_penalty, unit_deviance

__all__ = ["HALF_WINDOW", "preliminary_level", "auto_pulses", "resolve_pulses", "pulses_frame"]

#: Periods on each side of ``t`` used by the preliminary level.
HALF_WINDOW = 6


def _side_levels(y: np.ndarray, h: int, side: str) -> np.ndarray:
    """Trimmed-mean level of the ``h`` periods before (``left``) or after (``right``) each period."""
    n = y.size
    pad = np.concatenate([np.full(h, np.nan), y, np.full(h, np.nan)])
    win = np.lib.stride_tricks.sliding_window_view(pad, h)
    # window k of ``pad`` covers y[k - h : k]; left of t is window t, right of t is window t + h + 1
    w = win[np.arange(n)] if side == "left" else win[np.arange(n) + h + 1]
    cnt = np.sum(~np.isnan(w), axis=1)
    tot = np.nansum(w, axis=1)
    with np.errstate(invalid="ignore"):
        hi_ = np.nanmax(np.where(cnt[:, None] > 0, w, 0.0), axis=1)
        lo_ = np.nanmin(np.where(cnt[:, None] > 0, w, 0.0), axis=1)
    trim = cnt >= 3
    tot = np.where(trim, tot - hi_ - lo_, tot)
    k = np.where(trim, cnt - 2, cnt)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(cnt > 0, (tot + 0.5) / np.maximum(k, 1), np.nan)


def preliminary_level(y: np.ndarray, size: float = math.inf, *, half_window: int = HALF_WINDOW) -> np.ndarray:
    """Robust level of each period's regime from its neighbours (see the module docstring).

    Parameters
    ----------
    y : array of non-negative counts
    size : float, default inf
        NB size used to pick the closer side (Poisson when infinite).
    half_window : int, default 6

    Returns
    -------
    ndarray
        Positive level per period.
    """
    y = np.asarray(y, dtype=float)
    h = int(half_window)
    left = _side_levels(y, h, "left")
    right = _side_levels(y, h, "right")
    dl = np.where(np.isnan(left), np.inf, unit_deviance(y, np.nan_to_num(left, nan=1.0), size))
    dr = np.where(np.isnan(right), np.inf, unit_deviance(y, np.nan_to_num(right, nan=1.0), size))
    return np.where(dl <= dr, left, right)


def auto_pulses(y: np.ndarray, size: float = math.inf) -> tuple[np.ndarray, np.ndarray]:
    """Pulses by the one rule against the preliminary level: ``(positions, level)``."""
    y = np.asarray(y, dtype=float)
    if y.size < 2:
        return np.zeros(0, dtype=np.int64), np.full(y.size, float(y.mean()) if y.size else 1.0)
    level = preliminary_level(y, size)
    return find_pulses(y, level, size), level


def resolve_pulses(pulses: Any, n: int, index: pd.Index | None) -> np.ndarray | None:
    """Sorted unique positions from a ``pulses=`` argument; ``None`` for ``"auto"``.

    Accepts ``None``/``False``/``"none"`` (no pulses), ``"auto"``, a sequence of 0-based
    positions, a sequence of index labels (periods), or a DataFrame with a ``position`` column
    (such as :attr:`ChangePointResult.pulses`); a ``period`` column, when present, must match
    the series' index at those positions.
    """
    if pulses is None or pulses is False or (isinstance(pulses, str) and pulses == "none"):
        return np.zeros(0, dtype=np.int64)
    if isinstance(pulses, str):
        if pulses == "auto":
            return None
        raise ModelError(f"pulses must be 'auto', 'none', positions, periods or a pulses frame, not {pulses!r}")
    if isinstance(pulses, pd.DataFrame):
        if "position" not in pulses.columns:
            raise ModelError("a pulses frame needs a 'position' column (as ChangePointResult.pulses has)")
        pos = pulses["position"].to_numpy()
        if "period" in pulses.columns and index is not None and len(pos):
            got = [index[int(p)] if 0 <= int(p) < n else None for p in pos]
            bad = [str(w) for w, g in zip(pulses["period"].tolist(), got) if g is None or str(g) != str(w)]
            if bad:
                raise ModelError(f"pulses frame does not match this series: period {bad[0]} is not at its position")
    else:
        items = list(pulses)
        if all(isinstance(p, (int, np.integer)) and not isinstance(p, bool) for p in items):
            pos = np.asarray(items, dtype=np.int64)
        else:
            if index is None:
                raise ModelError("pulse periods need a series with an index; pass 0-based positions instead")
            pos = []
            for p in items:
                try:
                    loc = index.get_loc(p)
                except KeyError:
                    raise ModelError(f"pulse period {p!r} is not in the series' index") from None
                if not isinstance(loc, (int, np.integer)):
                    raise ModelError(f"pulse period {p!r} is not a single period of the index")
                pos.append(int(loc))
            pos = np.asarray(pos, dtype=np.int64)
    pos = np.unique(np.asarray(pos, dtype=np.int64))
    if pos.size and (pos[0] < 0 or pos[-1] >= n):
        raise ModelError(f"pulse position {int(pos[0] if pos[0] < 0 else pos[-1])} is outside the series (0..{n - 1})")
    if pos.size >= n:
        raise ModelError("every period is a pulse: nothing is left to segment")
    return pos


def pulses_frame(positions: np.ndarray, y: np.ndarray, level: np.ndarray, size: float,
                 index: pd.Index | None) -> pd.DataFrame:
    """The ``pulses`` frame: ``period``, ``position``, ``ratio`` (observed over level), ``evidence``.

    ``evidence`` is the unit deviance from the level, the statistic the rule compares with
    ``3 log n`` (:func:`~analysis.changepoint.pulses.pulse_penalty`).
    """
    positions = np.asarray(positions, dtype=np.int64)
    y = np.asarray(y, dtype=float)
    lev = np.asarray(level, dtype=float)[positions] if positions.size else np.zeros(0)
    ev = unit_deviance(y[positions], lev, size) if positions.size else np.zeros(0)
    period = [index[int(p)] if index is not None else int(p) for p in positions]
    df = pd.DataFrame({"period": period, "position": positions.astype(np.int64),
                       "ratio": y[positions] / lev if positions.size else np.zeros(0),
                       "evidence": ev})
    df.attrs["penalty"] = pulse_penalty(y.size) if y.size >= 2 else math.nan
    return df
