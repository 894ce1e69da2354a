"""Input handling shared by the public functions: series or array in, values and index out."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ModelError

MISSING_POLICIES = ("raise", "drop-edges")


@dataclass(frozen=True)
class Prepared:
    values: np.ndarray
    index: pd.Index | None
    name: str | None
    dropped_head: int
    dropped_tail: int
    sha256: str


def prepare(y, *, missing: str = "raise") -> Prepared:
    """Validate ``y`` (Series or 1-D array) and apply the missing-value policy.

    ``missing="raise"`` (default) refuses any missing value. ``missing="drop-edges"``
    removes leading and trailing missing values (periods outside a source's coverage)
    and still refuses gaps inside the series, because a change-point model on a series
    with holes has no defined segment length.
    """
    if missing not in MISSING_POLICIES:
        raise ModelError(f"missing must be one of {MISSING_POLICIES}, not {missing!r}")
    index = None
    name = None
    if isinstance(y, pd.Series):
        index = y.index
        name = None if y.name is None else str(y.name)
        try:
            vals = pd.to_numeric(y, errors="raise").to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError) as exc:
            raise ModelError(f"series {name!r} is not numeric") from exc
    else:
        try:
            vals = np.asarray(y, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ModelError("y must be a numeric 1-D array or pandas Series") from exc
    if vals.ndim != 1:
        raise ModelError(f"y must be one-dimensional, got shape {vals.shape}")
    if np.any(np.isinf(vals)):
        raise ModelError("y contains infinite values")
    nan = np.isnan(vals)
    head = tail = 0
    if nan.any():
        if missing == "raise":
            where = np.flatnonzero(nan)
            lab = [str(index[i]) for i in where[:3]] if index is not None else [str(i) for i in where[:3]]
            raise ModelError(
                f"y has {int(nan.sum())} missing value(s) (first at {', '.join(lab)}); pass "
                "missing='drop-edges' to drop leading/trailing missing periods")
        ok = np.flatnonzero(~nan)
        if ok.size == 0:
            raise ModelError("y has no observed values")
        head, stop = int(ok[0]), int(ok[-1]) + 1
        tail = vals.size - stop
        if np.isnan(vals[head:stop]).any():
            raise ModelError("y has missing values inside the series; the change-point models need a gap-free series")
        vals = vals[head:stop]
        if index is not None:
            index = index[head:stop]
    if vals.size < 2:
        raise ModelError("y needs at least two observations")
    if index is not None:
        check_index(index)
    if index is not None and not isinstance(index, (pd.PeriodIndex, pd.DatetimeIndex)):
        index = None if isinstance(index, pd.RangeIndex) else index
    digest = hashlib.sha256(np.ascontiguousarray(vals, dtype="<f8").tobytes()).hexdigest()
    return Prepared(vals, index, name, head, tail, digest)


def check_index(index: pd.Index) -> None:
    """Refuse an index that is not one contiguous, strictly increasing run of periods.

    A change-point model reads position ``t + 1`` as the period after ``t``: duplicated,
    unordered or gapped periods would silently change the segment lengths (a reversed
    series, for example, puts every break one period early). Raises
    :class:`~analysis.errors.ModelError` naming the first offending period.
    """
    if isinstance(index, pd.DatetimeIndex):
        if index.freq is None and index.size > 2:
            freq = pd.infer_freq(index) if index.is_monotonic_increasing and index.is_unique else None
            if freq is None:
                _first_problem(index, None)
                return
        return
    if not isinstance(index, pd.PeriodIndex):
        if not (index.is_monotonic_increasing and index.is_unique):
            _first_problem(index, None)
        return
    _first_problem(index, index.asi8)


def _first_problem(index: pd.Index, ordinals) -> None:
    if ordinals is not None:
        d = np.diff(np.asarray(ordinals, dtype=np.int64))
        bad = np.flatnonzero(d != 1)
        if bad.size == 0:
            return
        i = int(bad[0]) + 1
        a, b = index[i - 1], index[i]
        if d[i - 1] == 0:
            raise ModelError(f"the index has a duplicated period: {b} (position {i})")
        if d[i - 1] < 0:
            raise ModelError(f"the index is not in increasing order: {b} (position {i}) comes after {a}")
        raise ModelError(f"the index has a gap: {a} is followed by {b} (position {i}); the change-point "
                         "models need one value per period (a month with no events is 0, a month outside "
                         "coverage is missing)")
    for i in range(1, len(index)):
        a, b = index[i - 1], index[i]
        if b == a:
            raise ModelError(f"the index has a duplicated period: {b} (position {i})")
        if b < a:
            raise ModelError(f"the index is not in increasing order: {b} (position {i}) comes after {a}")


def season_codes(index: pd.Index | None) -> tuple[np.ndarray | None, int | None]:
    """Season of every period (0-based month of year or quarter) and the period, if known."""
    if not isinstance(index, pd.PeriodIndex):
        return None, None
    base = index.freqstr.split("-")[0].upper()
    if base in ("M", "ME"):
        return (index.month.to_numpy() - 1).astype(np.int64), 12
    if base in ("Q", "QE") or base.startswith("Q"):
        return (index.quarter.to_numpy() - 1).astype(np.int64), 4
    return None, None


def label(index: pd.Index | None, pos: int):
    """Period (or index label) of a position, or the position itself without an index."""
    if index is None:
        return int(pos)
    return index[int(pos)]
