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
    if index is not None and not isinstance(index, (pd.PeriodIndex, pd.DatetimeIndex)):
        index = None if isinstance(index, pd.RangeIndex) else index
    digest = hashlib.sha256(np.ascontiguousarray(vals, dtype="<f8").tobytes()).hexdigest()
    return Prepared(vals, index, name, head, tail, digest)


def label(index: pd.Index | None, pos: int):
    """Period (or index label) of a position, or the position itself without an index."""
    if index is None:
        return int(pos)
    return index[int(pos)]
