"""Validated event frames → monthly and weekly series, with coverage.

Conventions (every function here keeps them):

* A period with no events inside a source's coverage is **0**.
* A period outside coverage is **missing** (``<NA>``), never 0.
* The period that contains the coverage end date is **incomplete** (``complete=False``)
  unless coverage ends on its last day; periods outside coverage are also
  ``complete=False``. Extra periods can be marked incomplete with ``lag_days`` (for a
  date basis whose events are only observed with a delay).
* Inclusions count events (rows), so a re-inclusion is a second inclusion.
* Active stock is the number of entries listed at the end of the period (or at the
  coverage end for the incomplete period): included on or before that day and not
  excluded on or before it.
* Where exclusions are not observable, exclusions, net flow and active stock are missing.

Series categories are encoded as text: ``all``, ``kind:<individual|organisation>``,
``category:<…>``, ``basis:<normalised legal basis>``.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from .errors import AnalysisError

DIMENSIONS = {"kind": "kind", "category": "category", "basis": "legal_basis"}
MEASURES = ("inclusions", "exclusions", "net", "active")


@dataclass(frozen=True)
class Coverage:
    """The span of days a source observes.

    Attributes
    ----------
    start : date
        First day on which an event could be observed (e.g. the day the registry's law
        entered into force).
    end : date
        Last day observed (the snapshot date).
    lag_days : int
        Events dated within ``lag_days`` before ``end`` may not be observed yet; periods
        overlapping that window are marked incomplete.
    """

    start: date
    end: date
    lag_days: int = 0

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise AnalysisError(f"coverage ends ({self.end}) before it starts ({self.start})")


def _period_axis(start: date, end: date, freq: str) -> pd.PeriodIndex:
    return pd.period_range(pd.Period(start, freq=freq), pd.Period(end, freq=freq), freq=freq)


def _dates(col: pd.Series) -> pd.Series:
    return pd.to_datetime(col).dt.normalize()


def period_flags(axis: pd.PeriodIndex, coverage: Coverage) -> tuple[np.ndarray, np.ndarray]:
    """Per period: is it inside coverage, and is it complete.

    A period is inside coverage when it overlaps ``[start, end]``. It is complete when
    it ends on or before ``end - lag_days``. The first period counts as complete even
    if it begins before ``start``: the registry had no events before its law existed.
    """
    p_start = axis.start_time.normalize()
    p_end = axis.end_time.normalize()
    cov_start = pd.Timestamp(coverage.start)
    cov_end = pd.Timestamp(coverage.end)
    inside = (p_end >= cov_start) & (p_start <= cov_end)
    observed_through = cov_end - pd.Timedelta(days=coverage.lag_days)
    complete = inside & (p_end <= observed_through)
    # the registry did not exist before coverage start: the first period is complete
    # as to events even if it starts earlier.
    return np.asarray(inside), np.asarray(complete)


def count_by_period(dates: pd.Series, axis: pd.PeriodIndex) -> np.ndarray:
    """Number of dates falling in each period of ``axis`` (dates outside are ignored)."""
    if len(dates) == 0:
        return np.zeros(len(axis), dtype=np.int64)
    periods = pd.PeriodIndex(pd.DatetimeIndex(dates), freq=axis.freq)
    counts = pd.Series(1, index=periods).groupby(level=0).sum()
    return counts.reindex(axis, fill_value=0).to_numpy(dtype=np.int64)


def active_at(included: pd.Series, excluded: pd.Series, when: pd.DatetimeIndex) -> np.ndarray:
    """Number of entries listed at the end of each day in ``when``."""
    inc = np.sort(_dates(included).to_numpy(dtype="datetime64[ns]"))
    exc_dates = _dates(excluded.dropna())
    exc = np.sort(exc_dates.to_numpy(dtype="datetime64[ns]"))
    w = when.to_numpy(dtype="datetime64[ns]")
    return (np.searchsorted(inc, w, side="right") - np.searchsorted(exc, w, side="right")).astype(np.int64)


def registry_series(events: pd.DataFrame, coverage: Coverage, *, freq: str = "M",
                    date_column: str = "included_on", axis_start: date | None = None,
                    axis_end: date | None = None, exclusions_observed: bool = True,
                    dimensions: Sequence[str] = ("kind", "category", "basis")) -> pd.DataFrame:
    """Inclusions, exclusions, net flow and active stock per period and category.

    Parameters
    ----------
    events : DataFrame
        A validated event frame of one registry (``EventSchema``), on one date basis.
    coverage : Coverage
        Days the source observes.
    freq : str
        ``"M"`` (months) or ``"W-SUN"`` (weeks starting on Monday).
    date_column : str
        Which date counts as the inclusion (``included_on`` = ministry listing, or
        ``decision_on`` = Prosecutor-General decision for undesirable organizations).
        Events without that date are not allowed inside coverage.
    axis_start, axis_end : date, optional
        Extend the period axis beyond coverage (those periods are missing).
    exclusions_observed : bool
        False where the source cannot show exclusions: exclusions, net and active are
        then missing.
    dimensions : sequence of str
        Breakdowns besides ``all``: any of ``kind``, ``category``, ``basis``.

    Returns
    -------
    DataFrame
        Long format: ``measure, category, period, value, complete`` with ``value`` as
        nullable ``Int64``; one row per (measure, category, period), sorted.

    Raises
    ------
    AnalysisError
        If an event inside coverage lacks the chosen date, or an event is dated outside
        coverage (that would be silently lost).
    """
    axis = _period_axis(axis_start or coverage.start, axis_end or coverage.end, freq)
    inside, complete = period_flags(axis, coverage)
    ev = events.copy()
    if ev[date_column].isna().any():
        n = int(ev[date_column].isna().sum())
        raise AnalysisError(f"{n} events have no {date_column}; choose another date basis or coverage")
    d = _dates(ev[date_column])
    cov_lo, cov_hi = pd.Timestamp(coverage.start), pd.Timestamp(coverage.end)
    outside = (d < cov_lo) | (d > cov_hi)
    if outside.any():
        raise AnalysisError(f"{int(outside.sum())} events are dated outside coverage "
                            f"{coverage.start}..{coverage.end} on {date_column}")
    ev["_in"] = d
    ev["_out"] = _dates(ev["excluded_on"]) if "excluded_on" in ev else pd.NaT
    groups: list[tuple[str, pd.DataFrame]] = [("all", ev)]
    for dim in dimensions:
        col = DIMENSIONS[dim]
        for value in sorted(ev[col].dropna().unique()):
            groups.append((f"{dim}:{value}", ev[ev[col] == value]))
    # the stock is measured at each period end, or at coverage end for the last one
    stock_days = pd.DatetimeIndex(np.minimum(axis.end_time.normalize().to_numpy(dtype="datetime64[ns]"),
                                             np.datetime64(cov_hi, "ns")))
    out = []
    for name, g in groups:
        inc = count_by_period(g["_in"], axis)
        exc = count_by_period(g["_out"].dropna(), axis)
        act = active_at(g["_in"], g["_out"], stock_days)
        values = {
            "inclusions": inc,
            "exclusions": exc,
            "net": inc - exc,
            "active": act,
        }
        for measure in MEASURES:
            v = pd.array(values[measure], dtype="Int64")
            v[~inside] = pd.NA
            if not exclusions_observed and measure != "inclusions":
                v[:] = pd.NA
            out.append(pd.DataFrame({"measure": measure, "category": name, "period": axis,
                                     "value": v, "complete": complete}))
    df = pd.concat(out, ignore_index=True)
    order = {m: i for i, m in enumerate(MEASURES)}
    df["_m"] = df["measure"].map(order)
    df = df.sort_values(["_m", "category", "period"], kind="stable").drop(columns="_m")
    return df.reset_index(drop=True)


def fridays_per_month(axis: pd.PeriodIndex) -> pd.DataFrame:
    """Calendar columns per month: number of days and of Fridays (the registry's update day)."""
    rows = []
    for p in axis:
        days = pd.date_range(p.start_time, p.end_time.normalize(), freq="D")
        rows.append({"month": str(p), "days": len(days), "fridays": int((days.day_of_week == 4).sum())})
    return pd.DataFrame(rows, columns=["month", "days", "fridays"])


def to_series(long: pd.DataFrame, *, measure: str, category: str = "all", freq: str = "M") -> pd.Series:
    """One series from a long frame, as a ``PeriodIndex``-ed nullable integer Series."""
    sel = long[(long["measure"] == measure) & (long["category"] == category)]
    if sel.empty:
        raise AnalysisError(f"no series with measure={measure!r}, category={category!r}")
    col = "period" if "period" in sel else "month"
    idx = pd.PeriodIndex(sel[col].astype(str), freq=freq)
    return pd.Series(sel["value"].to_numpy(), index=idx, name=f"{measure}:{category}")
