"""Intervention shapes placed on real dates: steps, ramps, slope changes and pulses.

An intervention is described by the date it starts to act, not by a period number, so
that the same law can be put on a monthly and an annual series. The shapes are those of
an interrupted time series as users write them (Lopez Bernal, Cummins & Gasparrini 2017,
*Int. J. Epidemiol.* 46:348):

* :func:`step` — a **level change**: for every period, the fraction of the period it
  covers. A step that starts inside a period acts on that period's aggregated rate
  exactly: with a constant instantaneous rate inside the period, the expected count of a
  period the step covers for a fraction ``f`` is ``mu * ((1 - f) + f * exp(gamma))``.
  Several steps starting inside the same period split it into sub-intervals, each with
  its own set of active steps;
* :func:`ramp` — a **slope change**: the number of years elapsed since the start of the
  period containing its date (0 in that period, ``1/12`` in the next month of a monthly
  series, 1 in the next year of an annual series), log-linear like the trend. With
  ``end=`` it is instead a **phased-in level change** over a stated period: 0 up to the
  period containing ``start``, rising linearly to 1 at the period containing ``end`` and
  1 afterwards, so its coefficient is the full change reached at ``end``;
* :func:`level_and_slope` — a level and a slope change at the same date, the standard
  segmented-regression design;
* :func:`pulse` — an indicator of the period that contains its date (log-linear).

``lag`` (in whole calendar months, whatever the frequency of the series) shifts the start
of any shape; it is an **assumption** the user states, not an estimate (for example, the
months a sentence takes to enter into legal force), and it is printed with the effect.

Dates are handled as day numbers on the periods' own ordinals (:mod:`._days`), so
placement is exact for any period pandas supports (no ``datetime64[ns]`` wrap-around
outside 1677–2262).
"""
from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ModelError
from ._days import add_months, day_number, day_to_timestamp, period_day_bounds

DateLike = str | _dt.date | pd.Timestamp | pd.Period

#: Default minimum number of observations on each side of an intervention.
MIN_SIDE = 3


@dataclass(frozen=True)
class Intervention:
    """Base of the shapes.

    ``start`` is the first day the effect acts before the lag (a day number is kept in
    ``start_day``, so that any year is represented exactly); ``whole_period`` makes the
    effect start at the first day of the period that contains ``start`` on whatever series
    it is placed (used for change points, which name whole periods).
    """

    start_day: int
    lag: int = 0
    source: str = "given"
    whole_period: bool = False

    kind = "intervention"

    @property
    def start(self) -> pd.Timestamp:
        """First day the effect acts, before the lag."""
        return day_to_timestamp(self.start_day)

    @property
    def effective_day(self) -> int:
        """Day number of the first day on which the effect acts, after the lag."""
        return self.start_day if self.lag == 0 else add_months(self.start_day, self.lag)

    @property
    def effective_start(self) -> pd.Timestamp:
        """First day on which the effect acts, after the lag."""
        return day_to_timestamp(self.effective_day)

    @property
    def estimated(self) -> bool:
        """True when the date was estimated from the data (a change point)."""
        return self.source == "changepoint"

    def _when(self) -> str:
        return self.start.date().isoformat()

    def describe(self) -> str:
        lag = f", lag {self.lag} months (assumed)" if self.lag else ""
        origin = " (date estimated by change-point search)" if self.estimated else ""
        whole = " (whole period)" if self.whole_period and not self.estimated else ""
        return f"{self.kind} from {self._when()}{whole}{lag}{origin}"


@dataclass(frozen=True)
class Step(Intervention):
    """Permanent shift of the log rate (a level change) from the effective start on."""

    kind = "step"


@dataclass(frozen=True)
class Pulse(Intervention):
    """Shift of the log rate in the single period containing the effective start."""

    kind = "pulse"


@dataclass(frozen=True)
class Ramp(Intervention):
    """Change of slope (per year, log scale), or with ``end_day`` a linear phase-in of a level change."""

    end_day: int | None = None

    kind = "ramp"

    @property
    def end(self) -> pd.Timestamp | None:
        """Last day of the phase-in (before the lag), or None for a slope change."""
        return None if self.end_day is None else day_to_timestamp(self.end_day)

    @property
    def effective_end_day(self) -> int | None:
        if self.end_day is None:
            return None
        return self.end_day if self.lag == 0 else add_months(self.end_day, self.lag)

    def describe(self) -> str:
        lag = f", lag {self.lag} months (assumed)" if self.lag else ""
        if self.end_day is None:
            return f"ramp (change of slope) from {self._when()}{lag}"
        return (f"ramp (level change phased in linearly) from {self._when()} to "
                f"{self.end.date().isoformat()}{lag}")


def _check_lag(lag: int) -> int:
    if isinstance(lag, bool) or not isinstance(lag, (int, np.integer)) or lag < 0:
        raise ModelError(f"lag must be a non-negative whole number of months, not {lag!r}")
    return int(lag)


def step(start: DateLike, lag: int = 0) -> Step:
    """A level change (step) that acts from ``start`` on.

    Parameters
    ----------
    start : str, date, Timestamp or Period
        First day the effect acts (a law's date of entry into force). A ``Period``
        means its first day.
    lag : int, default 0
        Delay in whole months before the effect reaches the counted events: an
        assumption, recorded with the effect.

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
    return Step(day_number(start), _check_lag(lag))


def pulse(at: DateLike, lag: int = 0) -> Pulse:
    """A one-period shift of the log rate, in the period that contains ``at``."""
    return Pulse(day_number(at), _check_lag(lag))


def ramp(start: DateLike, lag: int = 0, *, end: DateLike | None = None) -> Ramp:
    """A change of slope from the period containing ``start``, or a level change phased in until ``end``.

    Parameters
    ----------
    start : date-like
        Start of the change (the period containing it has value 0).
    lag : int, default 0
        Assumed delay in whole months, applied to ``start`` and ``end``.
    end : date-like, optional
        Without it: a change of the yearly slope of the log rate (the coefficient is
        the change of the log growth per year). With it: a linear phase-in from the
        period containing ``start`` (value 0) to the period containing ``end`` (value
        1), constant afterwards; the coefficient is the full log rate ratio reached at
        ``end``.
    """
    s = day_number(start)
    e = None if end is None else day_number(end)
    if e is not None and e <= s:
        raise ModelError(f"a phased-in ramp must end after it starts ({end!r} is not after {start!r})")
    return Ramp(s, _check_lag(lag), end_day=e)


def level_and_slope(start: DateLike, lag: int = 0, *, name: str = "change") -> dict[str, Intervention]:
    """A level change and a slope change at the same date (segmented regression).

    Returns ``{name: step(start), f"{name}_slope": ramp(start)}``: the step's rate ratio
    is the immediate change of level at ``start``, the ramp's the change of the yearly
    growth factor after it (Wagner et al. 2002; Lopez Bernal et al. 2017).
    """
    return {name: step(start, lag), f"{name}_slope": ramp(start, lag)}


def steps_from_breaks(breaks: Sequence[Any], *, prefix: str = "break") -> dict[str, Step]:
    """Turn break periods found by a change-point search into named steps.

    Parameters
    ----------
    breaks : sequence of Period, Timestamp or str
        First period of each new regime, as change-point results report them. Each is
        read as the **whole period** that contains it: a month-end timestamp and the
        month's ``Period`` give the same step, starting on the first day of that month
        (of that year, on an annual series).
    prefix : str, default "break"
        Names are ``f"{prefix}_{k}"`` numbered from 1 in date order.

    Returns
    -------
    dict
        Name → :class:`Step`, flagged as estimated: the summary of a model that uses
        them warns that the break dates were chosen on the same data, so the intervals
        of their effects are too narrow and their p-values too small.
    """
    days = sorted(day_number(b) for b in breaks)
    return {f"{prefix}_{k}": Step(d, 0, "changepoint", whole_period=True) for k, d in enumerate(days, start=1)}


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
    positions : dict
        Name → 0-based position of the first period the intervention acts on (may be
        outside ``0..n-1`` when placement checks are off).
    """

    step_names: list[str]
    seg_weight: np.ndarray
    seg_active: np.ndarray
    fraction: np.ndarray
    loglinear_names: list[str]
    loglinear: np.ndarray
    positions: dict[str, int]
    kinds: dict[str, str]

    @property
    def is_linear(self) -> bool:
        """True when every step covers whole periods only (the model is then a GLM)."""
        f = self.fraction
        return bool(np.all((f == 0.0) | (f == 1.0)))


def read_interventions(interventions: Any) -> dict[str, Intervention]:
    """Check the ``interventions`` argument of a model and return it as a dict of name to intervention.

    Parameters
    ----------
    interventions : mapping of str to Intervention, sequence of (str, Intervention) pairs, or None
        Each effect needs a name, which labels its coefficient.

    Returns
    -------
    dict
        In the given order; empty for ``None``.

    Raises
    ------
    ModelError
        A single intervention, a list of unnamed interventions, a string or any other
        type; a name that is not a non-empty string or is used twice; a value that is not
        an intervention built with :func:`step`, :func:`pulse` or :func:`ramp`.
    """
    example = "{'law': step('2017-07-01')}"
    expected = f"interventions must be a mapping of name to intervention, such as {example}"
    if interventions is None:
        return {}
    if isinstance(interventions, Intervention):
        raise ModelError(f"{expected}, not a single {type(interventions).__name__}: give it a name")
    if isinstance(interventions, str | bytes):
        raise ModelError(f"{expected}, not the string {interventions!r}")
    if isinstance(interventions, Mapping):
        pairs = list(interventions.items())
    elif isinstance(interventions, Sequence | pd.Index | np.ndarray):
        items = list(interventions)
        if items and all(isinstance(it, Intervention) for it in items):
            raise ModelError(f"{expected}, not a {type(interventions).__name__} of {len(items)} unnamed "
                             f"intervention(s): give each a name")
        bad = [it for it in items if not (isinstance(it, tuple) and len(it) == 2)]
        if bad:
            raise ModelError(f"{expected} (or a list of (name, intervention) pairs), not a "
                             f"{type(interventions).__name__} holding {type(bad[0]).__name__}")
        pairs = items
    else:
        raise ModelError(f"{expected}, not {type(interventions).__name__}")
    out: dict[str, Intervention] = {}
    for name, iv in pairs:
        if not isinstance(name, str) or not name:
            raise ModelError(f"intervention names must be non-empty strings, not {name!r}")
        if name in out:
            raise ModelError(f"the intervention name {name!r} is used twice")
        if not isinstance(iv, Intervention):
            raise ModelError(f"intervention {name!r} must be built with step(), pulse() or ramp(), "
                             f"not {type(iv).__name__}")
        out[name] = iv
    return out


def read_min_side(min_side: Any) -> int:
    """``min_side`` as a non-negative whole number, or :class:`ModelError`."""
    if isinstance(min_side, bool) or not isinstance(min_side, int | np.integer) or min_side < 0:
        raise ModelError(f"min_side must be a non-negative whole number, not {min_side!r}")
    return int(min_side)


def periods_per_year(index: pd.PeriodIndex) -> int:
    """12 for a monthly index, 1 for an annual one."""
    code = index.freqstr.upper()
    if code.startswith("M"):
        return 12
    if code.startswith("Y") or code.startswith("A"):
        return 1
    raise ModelError(f"count models need a monthly or annual PeriodIndex, not freq {index.freqstr!r}")


def period_bounds(index: pd.PeriodIndex) -> tuple[np.ndarray, np.ndarray]:
    """First day and the day after the last day of each period, as day numbers (int64).

    Computed from the periods' ordinals, so that it is exact over the whole range pandas
    supports (see :mod:`analysis.models._days`).
    """
    return period_day_bounds(index)


def _containing(day: int, starts: np.ndarray, ends: np.ndarray, index: pd.PeriodIndex) -> int:
    """0-based position of the period containing ``day`` (extrapolated outside the index)."""
    n = len(starts)
    if n and starts[0] <= day < ends[-1]:
        return int(np.searchsorted(starts, day, side="right") - 1)
    per = pd.Period(day_to_timestamp(day), freq=index.freq)
    return int(per.ordinal - index[0].ordinal)


def encode_interventions(index: pd.PeriodIndex, interventions: Mapping[str, Intervention],
                         *, min_side: int = MIN_SIDE, check: bool = True) -> EncodedInterventions:
    """Place named interventions on ``index``.

    Parameters
    ----------
    index : PeriodIndex
        Periods of the observations used in the likelihood (monthly or annual).
    interventions : mapping of name to Step, Pulse or Ramp
    min_side : int, default 3
        Minimum number of observations on each side of an intervention, and between the
        starts of two interventions of the same shape, for its effect to be estimable.
    check : bool
        Check placement with :func:`check_placement`; off when extending a fitted model
        to future periods.

    Raises
    ------
    ModelError
        See :func:`check_placement`.
    """
    n = len(index)
    starts, ends = period_bounds(index)
    length = (ends - starts).astype(float)
    ppy = periods_per_year(index)

    step_items: list[tuple[str, int]] = []
    ll_names: list[str] = []
    ll_cols: list[np.ndarray] = []
    positions: dict[str, int] = {}
    kinds: dict[str, str] = {}
    t = np.arange(n, dtype=float)
    for name, iv in interventions.items():
        if not isinstance(name, str) or not name:
            raise ModelError(f"intervention names must be non-empty strings, not {name!r}")
        if not isinstance(iv, Intervention):
            raise ModelError(f"intervention {name!r} must be built with step(), pulse() or ramp(), "
                             f"not {type(iv).__name__}")
        s = iv.effective_day
        pos = _containing(s, starts, ends, index)
        if iv.whole_period:
            s = int(starts[pos]) if 0 <= pos < n else int(period_bounds(index[:1] + pos)[0][0])
        kinds[name] = iv.kind
        positions[name] = pos
        if isinstance(iv, Step):
            step_items.append((name, s))
            positions[name] = int(np.sum(ends <= s))       # first period with a covered share
        elif isinstance(iv, Pulse):
            col = np.zeros(n)
            if 0 <= pos < n:
                col[pos] = 1.0
            ll_names.append(name)
            ll_cols.append(col)
        elif isinstance(iv, Ramp):
            if iv.end_day is None:
                col = np.maximum(0.0, t - pos) / ppy
            else:
                pos_end = _containing(iv.effective_end_day, starts, ends, index)
                col = np.clip((t - pos) / max(pos_end - pos, 1), 0.0, 1.0)
            ll_names.append(name)
            ll_cols.append(col)
        else:  # pragma: no cover - the three shapes are the only subclasses
            raise ModelError(f"unknown intervention shape {type(iv).__name__}")

    k = len(step_items)
    eff = np.array([d for _, d in step_items], dtype=np.int64)
    if k:
        fraction = np.clip((ends[:, None] - eff[None, :]) / length[:, None], 0.0, 1.0)
        # sub-intervals: only periods that contain a step start strictly inside need more than one
        inside = (starts[:, None] < eff[None, :]) & (eff[None, :] < ends[:, None])
        n_cut = inside.sum(axis=1)
    else:
        fraction = np.zeros((n, 0))
        inside = np.zeros((n, 0), bool)
        n_cut = np.zeros(n, np.int64)
    n_seg = 1 + (int(n_cut.max()) if n and k else 0)
    seg_weight = np.zeros((n, n_seg))
    seg_weight[:, 0] = 1.0
    seg_active = np.zeros((n, n_seg, k))
    if k:
        seg_active[:, 0, :] = (eff[None, :] <= starts[:, None]).astype(float)
    for r in np.flatnonzero(n_cut):
        cuts = np.unique(eff[inside[r]])
        bounds = np.concatenate([[starts[r]], cuts, [ends[r]]])
        w = np.diff(bounds) / length[r]
        seg_weight[r, :] = 0.0
        seg_weight[r, : len(w)] = w
        seg_active[r, :, :] = 0.0
        seg_active[r, : len(w), :] = (eff[None, :] <= bounds[:-1, None]).astype(float)
    loglinear = np.column_stack(ll_cols) if ll_cols else np.zeros((n, 0))
    enc = EncodedInterventions([nm for nm, _ in step_items], seg_weight, seg_active, fraction,
                               ll_names, loglinear, positions, kinds)
    if check:
        check_placement(index, interventions, enc, min_side=min_side)
    return enc


def check_placement(index: pd.PeriodIndex, interventions: Mapping[str, Intervention], enc: EncodedInterventions,
                    *, min_side: int = MIN_SIDE) -> None:
    """Refuse interventions whose effects the series cannot estimate, saying why.

    Raises
    ------
    ModelError
        * an intervention starts outside the series;
        * a step has fewer than ``min_side`` observations before it or from its start;
        * a ramp has fewer than ``min_side`` observations before its start period or
          after it (a change of slope needs periods on both sides to be seen);
        * two steps (or two ramps) start fewer than ``min_side`` periods apart: their
          effects would rest on fewer than ``min_side`` observations between them.

        A step and a ramp may share a date (a level and a slope change are told apart by
        the periods after it); a design that is truly collinear is refused by the rank
        check of the fit, which names the column.
    """
    n = len(index)
    starts, ends = period_bounds(index)
    first_day, last_day = int(starts[0]), int(ends[-1]) - 1
    for name, iv in interventions.items():
        s = iv.effective_day
        if s < first_day or s > last_day:
            raise ModelError(
                f"intervention {name!r} ({iv.describe()}) starts on {day_to_timestamp(s).date()}, outside the "
                f"series ({index[0]} to {index[-1]})")
        pos = enc.positions[name]
        if isinstance(iv, Step):
            before, after = pos, n - pos
            if before < min_side or after < min_side:
                raise ModelError(
                    f"intervention {name!r} ({iv.describe()}) has {before} observation(s) before and "
                    f"{after} from its start; at least {min_side} on each side are needed to estimate it")
        elif isinstance(iv, Ramp):
            before, after = max(0, min(pos, n)), n - max(0, min(pos, n)) - 1
            what = "a change of slope" if iv.end_day is None else "a phased-in change"
            if before < min_side or after < min_side:
                raise ModelError(
                    f"ramp {name!r} ({iv.describe()}) has {before} observation(s) before its start period "
                    f"and {max(after, 0)} after it; at least {min_side} on each side are needed to "
                    f"estimate {what}")
    for shape in ("step", "ramp"):
        same = sorted((enc.positions[nm], nm) for nm in enc.positions if enc.kinds[nm] == shape)
        for (pa_, a), (pb, b) in zip(same, same[1:]):
            if pb - pa_ < min_side:
                raise ModelError(
                    f"interventions {a!r} and {b!r} (two {shape}s) start {pb - pa_} period(s) apart; their "
                    f"effects are separated by fewer than {min_side} observations and cannot be estimated "
                    f"separately (collinear design): drop one or merge them")
