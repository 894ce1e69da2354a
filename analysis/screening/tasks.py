"""The work done for one series of a screen: checks, change points, intervention model.

A task carries only what one series needs (its values as an array, the ordinal of its
first period, the frequency, its own random stream), so that shipping it to a worker
costs a few hundred bytes, not the whole frame. :func:`run_task` is a plain
module-level function of the task and the shared options, so any joblib backend
(local processes, threads, a Dask cluster) can run it, and it gives the same answer
wherever it runs.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..errors import AnalysisError
from ..models.design import MIN_OBS
from ..models.interventions import MIN_SIDE
from .limits import MIN_EVENTS

__all__ = ["MIN_EVENTS", "ScreenOptions", "SeriesTask", "run_task", "testability"]



@dataclass(frozen=True)
class ScreenOptions:
    """Options shared by every task of one screen (small: sent once per batch)."""

    event_name: str
    event_date: str  # ISO date of the first day the event acts
    alpha: float
    intervals: bool
    n_boot: int
    min_events: int


@dataclass(frozen=True)
class SeriesTask:
    """One series: values on a regular axis starting at period ordinal ``start``.

    ``values`` is float64 with NaN for missing periods; ``seed`` is the series' own
    :class:`numpy.random.SeedSequence` (a child of the screen's seed).
    """

    position: int
    values: np.ndarray
    start: int
    freq: str
    seed: np.random.SeedSequence


def _index(start: int, freq: str, n: int) -> pd.PeriodIndex:
    return pd.period_range(pd.Period(ordinal=int(start), freq=freq), periods=n, freq=freq)


def _sides(index: pd.PeriodIndex, event: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the periods wholly before the event and wholly from the event on."""
    starts = index.start_time
    ends = (index + 1).start_time  # first instant of the next period
    return np.asarray(ends <= event), np.asarray(starts >= event)


def testability(values: np.ndarray, index: pd.PeriodIndex, event: pd.Timestamp, *,
                min_events: int = MIN_EVENTS) -> tuple[str, str]:
    """Whether a trimmed series can be tested, as ``(level, reason)``.

    ``level`` is ``"none"`` (neither the change-point search nor the model is run),
    ``"changepoints"`` (the search runs, the event effect cannot be estimated) or
    ``"full"``; ``reason`` says why in words (empty when ``"full"``).

    Rules, in order: no missing value inside the series; non-negative whole counts;
    at least ``MIN_OBS`` (8) periods, the fewest a count model with trend accepts; at
    least ``min_events`` events in all; the event at least ``MIN_SIDE`` (3) periods
    from either end (counted as the count model counts them: periods wholly before the
    event, and periods from the one that contains it); at least one event before the
    event and one from it on (otherwise the rate ratio is zero or infinite).
    """
    n = values.size
    if np.isnan(values).any():
        k = int(np.flatnonzero(np.isnan(values))[0])
        return "none", f"gap: missing value inside the series (first at {index[k]})"
    if np.any(values < 0) or np.any(np.abs(values - np.round(values)) > 1e-9):
        return "none", "values are not non-negative whole numbers"
    if n < MIN_OBS:
        return "none", f"too short: {n} period(s), a count model needs at least {MIN_OBS}"
    total = float(values.sum())
    if total < min_events:
        return "none", f"too sparse: {total:.0f} event(s) in all, fewer than {min_events}"
    before, after = _sides(index, event)
    n_before, n_from = int(before.sum()), int(n - before.sum())
    if n_before < MIN_SIDE or n_from < MIN_SIDE:
        return "changepoints", (f"event too close to an end: {n_before} period(s) before it and {n_from} "
                                f"from it on, at least {MIN_SIDE} needed on each side")
    if values[before].sum() == 0:
        return "changepoints", "too sparse: no events before the event (the rate ratio is not bounded)"
    if values[~before].sum() == 0:
        return "changepoints", "too sparse: no events from the event on (the rate ratio is zero)"
    return "full", ""


def _int_seed(seq: np.random.SeedSequence) -> int:
    return int(seq.generate_state(1, dtype=np.uint64)[0])


def _first_warning(caught: list[warnings.WarningMessage]) -> str:
    msgs = list(dict.fromkeys(str(w.message).splitlines()[0] for w in caught))
    return " | ".join(msgs)


def run_task(task: SeriesTask, options: ScreenOptions) -> dict[str, Any]:
    """Screen one series; returns a flat record (plus a list of its breaks).

    The record has the series' span, totals, the side means, testability, the event
    effect (rate ratio, interval, p-value) and the change points (positions are of the
    first period of each new regime, as everywhere in the toolkit).
    """
    from ..changepoint import detect_changepoints
    from ..models import fit_count_model, step

    event = pd.Timestamp(options.event_date)
    vals = np.asarray(task.values, dtype=float)
    full_index = _index(task.start, task.freq, vals.size)
    ok = np.flatnonzero(~np.isnan(vals))
    rec: dict[str, Any] = {
        "position": task.position, "n_periods": 0, "first": None, "last": None, "total": np.nan,
        "mean_before": np.nan, "mean_after": np.nan, "testable": False, "reason": "",
        "effect": np.nan, "lower": np.nan, "upper": np.nan, "p_value": np.nan,
        "n_breaks": np.nan, "breaks": [], "notes": "",
    }
    if ok.size == 0:
        rec["reason"] = "no observed values"
        return rec
    y_vals = vals[ok[0]: ok[-1] + 1]
    index = full_index[ok[0]: ok[-1] + 1]
    rec.update(n_periods=int(y_vals.size), first=str(index[0]), last=str(index[-1]))
    before, after = _sides(index, event)
    if not np.isnan(y_vals).any():
        rec["total"] = float(y_vals.sum())
        if before.any():
            rec["mean_before"] = float(y_vals[before].mean())
        if after.any():
            rec["mean_after"] = float(y_vals[after].mean())
    level, reason = testability(y_vals, index, event, min_events=options.min_events)
    rec["reason"] = reason
    if level == "none":
        return rec
    y = pd.Series(y_vals, index=index)
    cp_seed, _model_seed = task.seed.spawn(2)
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            cp = detect_changepoints(y)
        except AnalysisError as exc:
            cp = None
            notes.append(f"change-point search failed: {exc}")
        if cp is not None:
            rec["n_breaks"] = int(cp.n_breaks)
            ci = None
            if options.intervals and cp.n_breaks:
                try:
                    ci = cp.conf_int(options.alpha, n_boot=options.n_boot, rng=_int_seed(cp_seed))
                except AnalysisError as exc:
                    notes.append(f"break intervals failed: {exc}")
            for j, (pos, brk) in enumerate(zip(cp.positions, cp.breaks)):
                lo = hi = None
                if ci is not None:
                    lo, hi = str(ci["lower"].iloc[j]), str(ci["upper"].iloc[j])
                seg = cp.segments
                rec["breaks"].append({
                    "break": str(brk), "lower": lo, "upper": hi,
                    "level_before": float(seg["estimate"].iloc[j]),
                    "level_after": float(seg["estimate"].iloc[j + 1]),
                })
        if level == "full":
            try:
                fit = fit_count_model(y, interventions={options.event_name: step(event)})
                rr = fit.rate_ratios(options.alpha).loc[options.event_name]
                p = float(fit.pvalues_adjusted[options.event_name])
                rec.update(effect=float(rr["rate_ratio"]), lower=float(rr["lower"]), upper=float(rr["upper"]))
                if np.isfinite(p):
                    rec.update(p_value=p, testable=True)
                else:
                    rec["reason"] = "model failed: no finite p-value for the event effect"
                for w in fit.meta.get("warnings", []):
                    notes.append(str(w))
            except AnalysisError as exc:
                rec["reason"] = f"model failed: {str(exc).splitlines()[0]}"
    if caught:
        notes.append(_first_warning(caught))
    rec["notes"] = " | ".join(n for n in notes if n)
    return rec
