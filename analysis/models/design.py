"""Design of a count model: checks on the counts, and the columns of the mean.

Column conventions (the names that appear in ``params``):

* ``const``; ``trend`` in years since the first modelled period (so its rate ratio is
  the yearly growth factor, on monthly and annual series alike);
* ``seasonality="month"``: dummies ``month_02`` … ``month_12`` (January the reference);
  ``"fourier"``: ``sin_1``, ``cos_1``, … up to ``fourier_order`` harmonics of the year;
  on annual series seasonality does not apply and is left out (recorded in ``meta``);
* exogenous columns under their own names; ``exposure`` enters as ``log(exposure)``
  offset;
* ``ar_1`` … ``ar_p``: ``log(1 + y_{t-k})``, an observation-driven autoregression on
  the log scale (as in the log-linear Poisson autoregressions of Fokianos & Tjøstheim,
  2011); the first ``p`` observations are conditioned on, not modelled. The lag of a
  period that has a pulse term is the period's pulse-free mean, not its count (the pulse
  is an *additive outlier*: it does not propagate through the lags);
* pulses, ramps and steps under the names given to them; outlier pulses (``pulses=``)
  as ``pulse_YYYY-MM`` (``pulse_YYYY`` on annual series).

Index rule: a ``PeriodIndex`` is used as it is; a ``DatetimeIndex`` whose timestamps
fall one per month (or one per year) is read as the periods that contain them, so that
month-start and month-end timestamps give the same periods and the same fit.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import ModelError
from .interventions import (
    MIN_SIDE,
    EncodedInterventions,
    Intervention,
    check_placement,
    encode_interventions,
    periods_per_year,
)

#: A series needs at least this many modelled observations, and this many more than parameters.
MIN_OBS = 8
MIN_RESIDUAL_DF = 4

MONTH_NAMES = [f"month_{m:02d}" for m in range(2, 13)]


def as_period_index(index: pd.Index) -> pd.PeriodIndex:
    """The periods of a series index (see the module docstring for the rule).

    Raises
    ------
    ModelError
        An index that is neither a ``PeriodIndex`` nor a ``DatetimeIndex`` with one
        timestamp per month or per year.
    """
    if isinstance(index, pd.PeriodIndex):
        return index
    if isinstance(index, pd.DatetimeIndex):
        if index.tz is not None:
            index = index.tz_localize(None)
        code = (index.freqstr or "").upper()
        if code.startswith(("Y", "A", "BY", "BA")):
            return index.to_period("Y")
        months = index.to_period("M")
        if len(index) < 2 or code.startswith(("M", "BM", "SM")) or np.all(np.diff(months.asi8) == 1):
            return months
        years = index.to_period("Y")
        if np.all(np.diff(years.asi8) == 1):
            return years
        raise ModelError("y has a DatetimeIndex that is neither monthly nor annual (one timestamp per month or "
                         "per year); give it a PeriodIndex")
    raise ModelError("y must have a PeriodIndex (monthly or annual) or a monthly or annual DatetimeIndex, not "
                     f"{type(index).__name__}")


def _count_values(y: pd.Series) -> np.ndarray:
    """The values of ``y`` as floats, if they are real numbers (missing values become NaN).

    Integer, float and pandas' nullable numeric dtypes are read; an object column is read
    when every non-missing element is an int or a float. Booleans, strings (even of
    digits), dates, durations and complex numbers are refused: a count series that holds
    them was built wrongly, and reading them as numbers would hide that.
    """
    dt = y.dtype
    what = f"y must hold numbers (counts), not values of dtype {dt}"
    if pd.api.types.is_bool_dtype(dt) or pd.api.types.is_complex_dtype(dt):
        raise ModelError(what)
    if pd.api.types.is_integer_dtype(dt) or pd.api.types.is_float_dtype(dt):
        if isinstance(dt, np.dtype):            # numpy storage: NaN is already the missing value
            return y.to_numpy(dtype=float)
        return y.to_numpy(dtype=float, na_value=np.nan)
    if pd.api.types.is_object_dtype(dt):
        items = [v for v in y.tolist() if not (v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)))]
        bad = [v for v in items if isinstance(v, bool | np.bool_) or not isinstance(v, int | float | np.integer |
                                                                                     np.floating)]
        if bad:
            raise ModelError(f"y must hold numbers (counts), not {type(bad[0]).__name__} values such as {bad[0]!r}")
        return np.array([np.nan if (v is None or v is pd.NA) else float(v) for v in y.tolist()], dtype=float)
    raise ModelError(what)


def check_counts(y: pd.Series) -> tuple[pd.PeriodIndex, np.ndarray]:
    """Validate a count series and return its periods and values as floats.

    Raises
    ------
    ModelError
        Not a Series with a monthly/annual ``PeriodIndex`` (or a DatetimeIndex read as
        one, see :func:`as_period_index`); gaps or duplicated periods; missing, negative
        or non-integer values.
    """
    if not isinstance(y, pd.Series):
        raise ModelError(f"y must be a pandas Series of counts, not {type(y).__name__}")
    idx = as_period_index(y.index)
    periods_per_year(idx)
    if len(idx) > 1:
        if idx.has_duplicates:
            raise ModelError("y has duplicated periods")
        gaps = np.diff(idx.asi8)
        if np.any(gaps != 1):
            k = int(np.argmax(gaps != 1))
            raise ModelError(f"y is not a regular series: {idx[k]} is followed by {idx[k + 1]}; "
                             f"fill periods without events with 0 and cut uncovered periods")
    vals = _count_values(y)
    inf = np.isinf(vals)
    if inf.any():
        raise ModelError(f"y has {int(inf.sum())} infinite value(s) (first at {idx[int(np.argmax(inf))]})")
    miss = np.isnan(vals)
    if miss.any():
        where = ", ".join(str(p) for p in idx[miss][:5])
        raise ModelError(f"y has {int(miss.sum())} missing value(s) (first: {where}); a missing month is "
                         f"outside coverage and must be cut or filled on purpose before modelling")
    if np.any(vals < 0):
        k = int(np.argmax(vals < 0))
        raise ModelError(f"y has negative counts (first at {idx[k]}: {vals[k]:g})")
    frac = np.abs(vals - np.round(vals)) > 1e-9
    if np.any(frac):
        k = int(np.argmax(frac))
        raise ModelError(f"y has non-integer counts (first at {idx[k]}: {vals[k]:g})")
    return idx, np.round(vals)


@dataclass(frozen=True)
class DesignSpec:
    """Options that define the deterministic columns; reused to extend a fit to new periods."""

    origin: pd.Period
    ppy: int
    trend: str | None
    seasonality: str | None
    fourier_order: int
    exog_names: tuple[str, ...]
    ar: int
    interventions: Mapping[str, Intervention]
    pulses: Mapping[str, Intervention] = field(default_factory=dict)

    @property
    def terms(self) -> dict[str, Intervention]:
        """Interventions followed by outlier pulses: every dated term of the design."""
        return {**self.interventions, **self.pulses}


def _months(index: pd.PeriodIndex) -> np.ndarray:
    """Calendar month (1-12) of each period; monthly ordinals count months from 1970-01."""
    if index.freqstr == "M":
        return np.mod(index.asi8, 12) + 1
    return index.month.to_numpy()


def deterministic_columns(spec: DesignSpec, index: pd.PeriodIndex,
                          exog: pd.DataFrame | None) -> tuple[np.ndarray, list[str]]:
    """Intercept, trend, seasonality and exogenous columns on ``index``."""
    n = len(index)
    pos = (index.asi8 - spec.origin.ordinal).astype(float)
    cols = [np.ones(n)]
    names = ["const"]
    if spec.trend == "linear":
        cols.append(pos / spec.ppy)
        names.append("trend")
    if spec.ppy == 12 and spec.seasonality == "month":
        month = _months(index)
        for m in range(2, 13):
            cols.append((month == m).astype(float))
        names.extend(MONTH_NAMES)
    elif spec.ppy == 12 and spec.seasonality == "fourier":
        month = _months(index).astype(float) - 1.0
        for k in range(1, spec.fourier_order + 1):
            cols.append(np.sin(2 * np.pi * k * month / 12))
            cols.append(np.cos(2 * np.pi * k * month / 12))
            names.extend([f"sin_{k}", f"cos_{k}"])
        if spec.fourier_order == 6:  # sin_6 is identically zero on whole months
            drop = names.index("sin_6")
            cols.pop(drop)
            names.pop(drop)
    if spec.exog_names:
        assert exog is not None
        for c in spec.exog_names:
            cols.append(exog[c].to_numpy(dtype=float))
            names.append(c)
    return np.column_stack(cols), names


def ar_columns(values: np.ndarray, ar: int, clean: Mapping[int, float] | None = None) -> np.ndarray:
    """``log(1 + y_{t-k})`` for k = 1..ar, NaN where the lag is not available.

    ``clean`` maps positions of outlier periods to the value their lag should carry
    (their pulse-free mean) instead of the count.
    """
    n = len(values)
    v = np.asarray(values, dtype=float)
    if clean:
        v = v.copy()
        for pos, val in clean.items():
            if 0 <= pos < n:
                v[pos] = val
    out = np.full((n, ar), np.nan)
    for k in range(1, ar + 1):
        out[k:, k - 1] = np.log1p(v[:-k])
    return out


def align_exog(exog: pd.DataFrame | pd.Series | None, index: pd.PeriodIndex,
               what: str = "exog") -> pd.DataFrame | None:
    """Return ``exog`` as a frame on ``index``; refuse missing periods or values."""
    if exog is None:
        return None
    if isinstance(exog, pd.Series):
        exog = exog.to_frame(name=exog.name if exog.name is not None else what)
    if not isinstance(exog, pd.DataFrame):
        raise ModelError(f"{what} must be a pandas Series or DataFrame with the series' PeriodIndex")
    if not isinstance(exog.index, pd.PeriodIndex) or exog.index.freqstr != index.freqstr:
        raise ModelError(f"{what} must have a PeriodIndex of the same frequency as y")
    missing = index.difference(exog.index)
    if len(missing):
        raise ModelError(f"{what} has no rows for {len(missing)} period(s) of the series (first: {missing[0]})")
    out = exog.loc[index].apply(pd.to_numeric, errors="coerce").astype(float)
    if out.isna().any().any():
        raise ModelError(f"{what} has missing or non-numeric values inside the series")
    return out


@dataclass(frozen=True)
class Design:
    """Everything the likelihood needs, on the modelled periods."""

    index: pd.PeriodIndex
    y: np.ndarray
    X: np.ndarray
    x_names: list[str]
    enc: EncodedInterventions
    offset: np.ndarray

    @property
    def names(self) -> list[str]:
        return [*self.x_names, *self.enc.step_names]


def build_design(spec: DesignSpec, index: pd.PeriodIndex, values: np.ndarray,
                 exog: pd.DataFrame | None, exposure: np.ndarray | None, *,
                 min_side: int = MIN_SIDE, check: bool = True,
                 clean: Mapping[int, float] | None = None) -> Design:
    """Assemble the design on the modelled rows (after the first ``ar`` periods).

    ``clean`` (position in ``index`` → value) replaces the counts of outlier periods in
    the autoregressive lags. Placement is checked for the interventions, not for the
    outlier pulses (which are placed on observed periods by construction).
    """
    det, names = deterministic_columns(spec, index, exog)
    cols = [det]
    if spec.ar:
        cols.append(ar_columns(values, spec.ar, clean))
        names = [*names, *[f"ar_{k}" for k in range(1, spec.ar + 1)]]
    keep = slice(spec.ar, None)
    idx = index[keep] if spec.ar else index
    enc = encode_interventions(idx, spec.terms, min_side=min_side, check=False)
    if check:
        check_placement(idx, spec.interventions, enc, min_side=min_side)
    cols.append(np.zeros((len(index), 0)))
    X = np.hstack(cols)[keep]
    if enc.loglinear.shape[1]:
        X = np.hstack([X, enc.loglinear])
        names = [*names, *enc.loglinear_names]
    offset = np.log(exposure[keep]) if exposure is not None else np.zeros(len(idx))
    return Design(idx, values[keep], X, names, enc, offset)


def check_rank(design: Design) -> None:
    """Refuse collinear designs, naming the first column explained by the others.

    The check uses the derivative of ``log mu`` at zero step effects, where a step's
    column is the share of each period it covers.
    """
    d = np.hstack([design.X, design.enc.fraction])
    names = design.names
    scale = np.sqrt(np.sum(d ** 2, axis=0))
    if np.any(scale == 0):
        bad = names[int(np.argmin(scale))]
        raise ModelError(f"column {bad!r} is zero on every modelled period (collinear design)")
    z = d / scale
    sv = np.linalg.svd(z, compute_uv=False)
    if sv[-1] / sv[0] >= 1e-9:
        return
    kept: list[int] = []
    for j in range(z.shape[1]):
        trial = z[:, [*kept, j]]
        sv = np.linalg.svd(trial, compute_uv=False)
        if sv[-1] / sv[0] < 1e-9:
            others = ", ".join(repr(names[i]) for i in kept[-4:])
            raise ModelError(f"column {names[j]!r} is a linear combination of the other columns "
                             f"(collinear design; e.g. with {others}); drop it or an overlapping term")
        kept.append(j)
