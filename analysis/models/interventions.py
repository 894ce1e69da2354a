"""Intervention shapes: steps, pulses and ramps placed on real dates.

An intervention is described by the date it starts to act, not by a period number, so
that the same law can be put on a monthly and an annual series. Placing it on a series
(:func:`encode_interventions`) turns the date into what the likelihood needs:

* a **step** becomes, for every period, the fraction of the period it covers. A step
  that starts inside a period acts on that period's aggregated rate exactly: with a
  constant instantaneous rate inside the period, the expected count of a period that
  the step covers for a fraction ``f`` is ``mu * ((1 - f) + f * exp(gamma))``. Several
  steps starting inside the same period split it into sub-intervals, each with its own
  set of active steps;
* a **pulse** is an indicator of the period that contains its date (log-linear);
* a **ramp** is a change of slope: the number of years elapsed since the start of the
  period containing its date (0 in that period, ``1/12`` in the next month of a
  monthly series, 1 in the next year of an annual series), log-linear like the trend.

``lag`` (in months, whatever the frequency of the series) shifts the start; it is meant
for series that count events entering into force some months after the decision, such
as sentences counted when they become final.
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ModelError

DateLike = str | _dt.date | pd.Timestamp | pd.Period

#: Default minimum number of observations on each side of an intervention.
MIN_SIDE = 3


def _to_timestamp(x: Any) -> pd.Timestamp:
    if isinstance(x, pd.Period):
        return x.start_time
    try:
        ts = pd.Timestamp(x)
    except (TypeError, ValueError) as exc:
        raise ModelError(f"cannot read {x!r} as a date") from exc
    if ts is pd.NaT or pd.isna(ts):
        raise ModelError(f"cannot read {x!r} as a date")
    return ts.normalize() if ts.tz is None else ts.tz_localize(None).normalize()


@dataclass(frozen=True)
class Intervention:
    """Base of the three shapes; ``start`` is the first day the effect acts (before lag)."""

    start: pd.Timestamp
    lag: int = 0
    source: str = "given"

    kind = "intervention"

    @property
    def effective_start(self) -> pd.Timestamp:
        """First day on which the effect acts, after the lag."""
        if self.lag == 0:
            return self.start
        return self.start + pd.DateOffset(months=self.lag)

    @property
    def estimated(self) -> bool:
        """True when the date was estimated from the data (a change point)."""
        return self.source == "changepoint"

    def describe(self) -> str:
        lag = f", lag {self.lag} months" if self.lag else ""
        origin = " (date estimated by change-point search)" if self.estimated else ""
        return f"{self.kind} from {self.start.date().isoformat()}{lag}{origin}"


@dataclass(frozen=True)
class Step(Intervention):
    """Permanent shift of the log rate from ``effective_start`` on."""

    kind = "step"


@dataclass(frozen=True)
class Pulse(Intervention):
    """Shift of the log rate in the single period containing ``effective_start``."""

    kind = "pulse"


@dataclass(frozen=True)
class Ramp(Intervention):
    """Change of the yearly slope of the log rate from the period containing the start."""

    kind = "ramp"


def _check_lag(lag: int) -> int:
    if isinstance(lag, bool) or not isinstance(lag, (int, np.integer)) or lag < 0:
        raise ModelError(f"lag must be a non-negative whole number of months, not {lag!r}")
    return int(lag)


def step(start: DateLike, lag: int = 0) -> Step:
    """A level shift (step) that acts from ``start`` on.

    Parameters
    ----------
    start : str, date, Timestamp or Period
        First day the effect acts (a law's date of entry into force). A ``Period``
        means its first day.
    lag : int, default 0
        Delay in months before the effect reaches the counted events.

    Returns
    -------
    Step
        Its coefficient is the log rate ratio after versus before; on a period that
        the step covers only in part, the expected count is
        ``mu * ((1 - f) + f * exp(gamma))``.

    Examples
    --------
    >>> step("2022-12-01").describe()
    'step from 2022-12-01'
    """
    return Step(_to_timestamp(start), _check_lag(lag))


def pulse(at: DateLike, lag: int = 0) -> Pulse:
    """A one-period shift of the log rate, in the period that contains ``at``."""
    return Pulse(_to_timestamp(at), _check_lag(lag))


def ramp(start: DateLike, lag: int = 0) -> Ramp:
    """A change of slope (per year, on the log scale) from the period containing ``start``."""
    return Ramp(_to_timestamp(start), _check_lag(lag))


def steps_from_breaks(breaks: Sequence[Any], *, prefix: str = "break") -> dict[str, Step]:
    """Turn break periods found by a change-point search into named steps.

    Parameters
    ----------
    breaks : sequence of Period, Timestamp or str
        First period (or day) of each new regime, as change-point results report them.
    prefix : str, default "break"
        Names are ``f"{prefix}_{k}"`` numbered from 1 in date order.

    Returns
    -------
    dict
        Name → :class:`Step`, flagged as estimated: the summary of a model that uses
        them warns that the break dates were chosen on the same data, so the intervals
        of their effects are too narrow and their p-values too small.
    """
    stamps = sorted(_to_timestamp(b) for b in breaks)
    return {f"{prefix}_{k}": Step(ts, 0, "changepoint") for k, ts in enumerate(stamps, start=1)}


# ---------------------------------------------------------------------------------------
# placing interventions on a series


@dataclass(frozen=True)
class EncodedInterventions:
    """Interventions placed on a period index.

    Attributes
    ----------
    step_names : list of str
        Names of the steps, in the order of the last axis of ``seg_active``.
    seg_weight : ndarray (n, J)
        Share of each period covered by sub-interval ``j`` (rows sum to 1).
    seg_active : ndarray (n, J, K)
        1 where step ``k`` is active in sub-interval ``j`` of period ``t``.
    fraction : ndarray (n, K)
        Share of each period covered by each step.
    loglinear_names : list of str
        Names of pulses and ramps, columns of ``loglinear``.
    loglinear : ndarray (n, L)
    """

    step_names: list[str]
    seg_weight: np.ndarray
    seg_active: np.ndarray
    fraction: np.ndarray
    loglinear_names: list[str]
    loglinear: np.ndarray

    @property
    def is_linear(self) -> bool:
        """True when every step covers whole periods only (the model is then a GLM)."""
        f = self.fraction
        return bool(np.all((f == 0.0) | (f == 1.0)))


def periods_per_year(index: pd.PeriodIndex) -> int:
    """12 for a monthly index, 1 for an annual one."""
    code = index.freqstr.upper()
    if code.startswith("M"):
        return 12
    if code.startswith("Y") or code.startswith("A"):
        return 1
    raise ModelError(f"count models need a monthly or annual PeriodIndex, not freq {index.freqstr!r}")


def period_bounds(index: pd.PeriodIndex) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) of each period as datetime64[ns]."""
    starts = index.start_time.to_numpy(dtype="datetime64[ns]")
    ends = (index + 1).start_time.to_numpy(dtype="datetime64[ns]")
    return starts, ends


def encode_interventions(index: pd.PeriodIndex, interventions: Mapping[str, Intervention],
                         *, min_side: int = MIN_SIDE, check: bool = True) -> EncodedInterventions:
    """Place named interventions on ``index``.

    Parameters
    ----------
    index : PeriodIndex
        Periods of the observations used in the likelihood (monthly or annual).
    interventions : mapping of name to Step, Pulse or Ramp
    min_side : int, default 3
        Minimum number of observations on each side of an intervention, and between
        the starts of two steps or ramps, for its effect to be estimable.
    check : bool
        Check placement (inside the series, enough room); off when extending a
        fitted model to future periods.

    Raises
    ------
    ModelError
        When an intervention starts outside the series, has fewer than ``min_side``
        observations on one side, or two steps/ramps start fewer than ``min_side``
        periods apart (their effects cannot be told apart).
    """
    n = len(index)
    starts, ends = period_bounds(index)
    length = (ends - starts).astype("int64").astype(float)
    ppy = periods_per_year(index)
    first_day, last_day = index[0].start_time, index[-1].end_time

    step_items: list[tuple[str, Step]] = []
    ll_names: list[str] = []
    ll_cols: list[np.ndarray] = []
    positions: dict[str, int] = {}
    for name, iv in interventions.items():
        if not isinstance(name, str) or not name:
            raise ModelError(f"intervention names must be non-empty strings, not {name!r}")
        if not isinstance(iv, Intervention):
            raise ModelError(f"intervention {name!r} must be built with step(), pulse() or ramp(), "
                             f"not {type(iv).__name__}")
        s = iv.effective_start
        if check and (s < first_day or s > last_day):
            raise ModelError(
                f"intervention {name!r} ({iv.describe()}) starts on {s.date()}, outside the series "
                f"({index[0]} to {index[-1]})")
        s64 = np.datetime64(s.to_datetime64(), "ns")
        # position of the period containing the start (may be outside when check=False)
        pos = int(np.searchsorted(starts, s64, side="right") - 1)
        if isinstance(iv, Step):
            step_items.append((name, iv))
            covered = np.clip((ends - s64).astype("int64") / length, 0.0, 1.0)
            before = int(np.sum(covered == 0.0))
            after = int(np.sum(covered > 0.0))
            pos_first = n - after
            positions[name] = pos_first
            if check and (before < min_side or after < min_side):
                raise ModelError(
                    f"intervention {name!r} ({iv.describe()}) has {before} observation(s) before and "
                    f"{after} from its start; at least {min_side} on each side are needed to estimate it")
        elif isinstance(iv, Pulse):
            col = np.zeros(n)
            if 0 <= pos < n and s64 < ends[pos]:
                col[pos] = 1.0
            if check and col.sum() == 0:
                raise ModelError(f"pulse {name!r} falls outside the series")
            ll_names.append(name)
            ll_cols.append(col)
        elif isinstance(iv, Ramp):
            t = np.arange(n, dtype=float)
            col = np.maximum(0.0, t - pos) / ppy
            before = max(0, min(pos, n))
            after = n - before
            positions[name] = pos
            if check and (before < min_side or after - 1 < min_side):
                raise ModelError(
                    f"ramp {name!r} ({iv.describe()}) has {before} observation(s) before its start period "
                    f"and {max(after - 1, 0)} after it; at least {min_side} on each side are needed to "
                    f"estimate a change of slope")
            ll_names.append(name)
            ll_cols.append(col)
        else:  # pragma: no cover - the three shapes are the only subclasses
            raise ModelError(f"unknown intervention shape {type(iv).__name__}")

    if check:
        ordered = sorted(positions.items(), key=lambda kv: (kv[1], kv[0]))
        for (a, pa_), (b, pb) in zip(ordered, ordered[1:]):
            if pb - pa_ < min_side:
                raise ModelError(
                    f"interventions {a!r} and {b!r} start {pb - pa_} period(s) apart; their effects are "
                    f"separated by fewer than {min_side} observations and cannot be estimated separately "
                    f"(collinear design): drop one or merge them")

    k = len(step_items)
    fraction = np.zeros((n, k))
    # sub-interval cut points per period
    seg_lists: list[list[tuple[float, np.ndarray]]] = []
    eff = [np.datetime64(iv.effective_start.to_datetime64(), "ns") for _, iv in step_items]
    for t in range(n):
        cuts = sorted({e for e in eff if starts[t] < e < ends[t]})
        bounds = [starts[t], *cuts, ends[t]]
        segs = []
        for a, b in zip(bounds[:-1], bounds[1:]):
            w = float((b - a).astype("int64")) / length[t]
            active = np.array([1.0 if e <= a else 0.0 for e in eff])
            segs.append((w, active))
        seg_lists.append(segs)
        for j, e in enumerate(eff):
            fraction[t, j] = min(1.0, max(0.0, float((ends[t] - e).astype("int64")) / length[t]))
    n_seg = max((len(s) for s in seg_lists), default=1)
    seg_weight = np.zeros((n, n_seg))
    seg_active = np.zeros((n, n_seg, k))
    for t, segs in enumerate(seg_lists):
        for j, (w, active) in enumerate(segs):
            seg_weight[t, j] = w
            seg_active[t, j, :] = active
    loglinear = np.column_stack(ll_cols) if ll_cols else np.zeros((n, 0))
    return EncodedInterventions([nm for nm, _ in step_items], seg_weight, seg_active, fraction,
                                ll_names, loglinear)
