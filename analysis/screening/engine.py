"""``screen``: the change-point search and an intervention model on every series of a long frame.

The frame is cut into one small task per series (its values as an array, not the
frame), each task gets its own random stream spawned from one
:class:`numpy.random.SeedSequence`, and the tasks run through joblib. So the result
depends on the data, the options and the seed only: serially, with ``n_jobs=2`` local
processes, or on a Dask cluster (``parallel_config(backend="dask")``), the same frame
gives the same numbers to the last bit.
"""
from __future__ import annotations

import hashlib
import sys
import time as _time
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ModelError
from .multitest import adjust_bh, adjust_holm
from .results import ScreenResult
from .tasks import MIN_EVENTS, ScreenOptions, SeriesTask, run_task

__all__ = ["DEFAULT_EVENT", "resolve_event", "screen", "series_tasks"]

#: Calendar id of the default event (``analysis/data/events.csv``).
DEFAULT_EVENT = "invasion_2022"


def resolve_event(event: Any) -> tuple[str, pd.Timestamp, str]:
    """``(name, first day, title)`` of an event given by calendar id or as a date.

    Parameters
    ----------
    event : str, date or Timestamp
        An ``id`` of the law and event calendar (its ``date_in_force`` is used), or
        a date (named ``"event"``).

    Raises
    ------
    ModelError
        When ``event`` is neither a calendar id with a date nor a readable date.
    """
    from ..events import load_events

    if isinstance(event, str):
        cal = load_events()
        hit = cal[cal["id"] == event]
        if len(hit):
            row = hit.iloc[0]
            if pd.isna(row["date_in_force"]):
                raise ModelError(f"event {event!r} has no date in force in the calendar")
            return event, pd.Timestamp(row["date_in_force"]).normalize(), str(row["title_en"])
    try:
        ts = pd.Timestamp(event)
    except (TypeError, ValueError):
        raise ModelError(f"event {event!r} is neither an id of the event calendar nor a date") from None
    if pd.isna(ts):
        raise ModelError(f"event {event!r} is neither an id of the event calendar nor a date")
    return "event", ts.normalize(), f"event of {ts.date().isoformat()}"


def _time_ordinals(col: pd.Series, time: str) -> tuple[np.ndarray, str]:
    """Period ordinals and the frequency string of the time column (int years or Periods)."""
    if isinstance(col.dtype, pd.PeriodDtype):
        if col.isna().any():
            raise ModelError(f"time column {time!r} has missing periods")
        return col.array.asi8.astype(np.int64), col.array.freqstr
    if pd.api.types.is_integer_dtype(col.dtype):
        years = col.to_numpy(dtype=np.int64)
        uniq, inv = np.unique(years, return_inverse=True)
        ords = np.array([pd.Period(year=int(y), freq="Y").ordinal for y in uniq], dtype=np.int64)
        return ords[inv], pd.Period(year=int(uniq[0]) if uniq.size else 2000, freq="Y").freqstr
    raise ModelError(f"time column {time!r} must hold integer years or pandas Periods, not {col.dtype}")


def series_tasks(frame: pd.DataFrame, by: Sequence[str], *, time: str = "year", value: str = "value",
                 seed: Any = None) -> tuple[pd.DataFrame, list[SeriesTask], np.random.SeedSequence, str]:
    """Cut a long frame into one task per series.

    Returns the key frame (one row per series, in order of first appearance), the
    tasks, the root seed sequence and the sha256 of the input (keys, periods, values).
    Periods between a series' first and last row that have no row are missing.
    """
    by = list(by)
    missing = [c for c in [*by, time, value] if c not in frame.columns]
    if missing:
        raise ModelError(f"frame has no column(s) {missing}")
    if not by:
        raise ModelError("by must name at least one column")
    ords, freq = _time_ordinals(frame[time], time)
    vals = pd.to_numeric(frame[value], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    codes = frame.groupby(by, sort=False, dropna=False).ngroup().to_numpy()
    order = np.lexsort((ords, codes))
    codes_s, ords_s, vals_s = codes[order], ords[order], vals[order]
    cuts = np.flatnonzero(np.diff(codes_s)) + 1
    starts = np.concatenate([[0], cuts])
    ends = np.concatenate([cuts, [codes_s.size]])
    keys = frame.iloc[order[starts]][by].reset_index(drop=True)
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    children = root.spawn(len(starts))
    h = hashlib.sha256()
    h.update(repr((by, time, value, freq)).encode())
    tasks = []
    for i, (a, b) in enumerate(zip(starts, ends)):
        o, v = ords_s[a:b], vals_s[a:b]
        if np.any(np.diff(o) == 0):
            dup = pd.Period(ordinal=int(o[np.flatnonzero(np.diff(o) == 0)[0]]), freq=freq)
            raise ModelError(f"series {tuple(keys.iloc[i])} has two rows for {dup}; add them up first")
        axis = np.full(int(o[-1] - o[0] + 1), np.nan)
        axis[o - o[0]] = v
        tasks.append(SeriesTask(i, axis, int(o[0]), freq, children[i]))
        h.update(repr(tuple(keys.iloc[i])).encode())
        h.update(np.int64(o[0]).tobytes())
        h.update(np.ascontiguousarray(axis, dtype="<f8").tobytes())
    return keys, tasks, root, h.hexdigest()


class _Progress:
    """Progress lines on stderr: at most one per ``every`` seconds, and at the end."""

    def __init__(self, total: int, enabled: bool, every: float = 5.0) -> None:
        self.total, self.enabled, self.every = total, enabled, every
        self.t0 = self.last = _time.perf_counter()

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        now = _time.perf_counter()
        if done == self.total or now - self.last >= self.every:
            self.last = now
            rate = done / max(now - self.t0, 1e-9)
            print(f"screen: {done}/{self.total} series ({100 * done / self.total:.0f}%), "
                  f"{now - self.t0:.1f} s, {rate:.1f} series/s", file=sys.stderr, flush=True)


def screen(
    frame: pd.DataFrame,
    by: Sequence[str],
    *,
    time: str = "year",
    value: str = "value",
    event: Any = DEFAULT_EVENT,
    n_jobs: int | None = 1,
    seed: int | Sequence[int] | np.random.SeedSequence | None = None,
    alpha: float = 0.05,
    intervals: bool = True,
    n_boot: int | None = None,
    min_events: int = MIN_EVENTS,
    progress: bool | None = None,
) -> ScreenResult:
    """Search every series for change points and test an intervention at one event.

    Parameters
    ----------
    frame : DataFrame
        Long frame: the ``by`` columns, a time column and a count column.
    by : sequence of str
        Columns that identify a series (e.g. ``["article", "part", "charge"]``).
    time : str, default "year"
        Integer years or pandas Periods (monthly or annual for the model).
    value : str, default "value"
        Counts; missing values mark periods outside a series' coverage.
    event : str or date, default "invasion_2022"
        An ``id`` of the law and event calendar (``analysis/data/events.csv``; its
        ``date_in_force`` is used) or a date: the start of the step tested.
    n_jobs : int or None, default 1
        Workers for :class:`joblib.Parallel`; ``None`` takes the value of an enclosing
        :func:`joblib.parallel_config`. Under ``parallel_config(backend="dask")`` (with a
        ``dask.distributed.Client``) pass ``n_jobs=-1`` to use the cluster; with
        ``n_jobs=1`` joblib always runs serially.
    seed : int or SeedSequence, optional
        Root of the random streams: series ``i`` (in order of first appearance) gets
        ``SeedSequence(seed).spawn(n)[i]``. ``None`` draws fresh entropy, recorded in
        ``meta["seed"]``.
    alpha : float, default 0.05
        One minus the level of the intervals (effects and break dates).
    intervals : bool, default True
        Compute break-date intervals (parametric bootstrap); the slow part.
    n_boot : int, optional
        Bootstrap replicates per break; default that of
        :meth:`~analysis.changepoint.ChangePointResult.conf_int`.
    min_events : int, default 10
        Fewest events a series needs to be tested (see Notes).
    progress : bool, optional
        Progress lines on stderr; default on for more than 500 series.

    Returns
    -------
    ScreenResult
        ``to_frame()``: one row per series with its span, totals, mean counts per
        period wholly before and wholly after the event, ``testable`` and ``reason``,
        the event effect (``rate_ratio`` with ``lower``/``upper``, ``p_value``,
        ``p_bh``, ``p_holm``), the number of breaks, all breaks as text and the first
        break from the event's period on with its interval. ``breaks``: one row per
        break (the first period of the new regime).

    Raises
    ------
    ModelError
        Missing columns, a time column that is neither integer years nor Periods, a
        series with two rows for one period, an unknown event.

    Notes
    -----
    *Change points*: :func:`analysis.detect_changepoints` with its defaults, on the
    series from its first to its last observed period; intervals from
    :meth:`~analysis.changepoint.ChangePointResult.conf_int` with the series' stream.

    *Event effect*: :func:`analysis.fit_count_model` with its defaults (NB2, linear
    trend, month dummies for monthly series) and a step at the event; the effect is
    the rate ratio after/before with its interval and the p-value that matches it
    (t on the residual degrees of freedom with the Cox–Reid adjusted dispersion).
    The p-value assumes the counts are independent given trend, season and the step.

    *Not testable* series stay in the table with the reason: a gap inside the series,
    counts that are not whole numbers, fewer than 8 periods, fewer than
    ``min_events`` events, the event fewer than 3 periods from an end, or no events
    on one side of it. Only tested series count in the Benjamini–Hochberg and Holm
    adjustments; the rules look at length and totals, not at the test, so leaving the
    untested out keeps the error control (independent filtering).

    Examples
    --------
    >>> from analysis.processed import read_convictions_all  # doctest: +SKIP
    >>> res = screen(read_convictions_all(), ["article", "part", "charge"], seed=1)  # doctest: +SKIP
    >>> res.top(15)  # doctest: +SKIP
    """
    from joblib import Parallel, delayed

    from ..changepoint import DEFAULT_N_BOOT

    if not 0 < alpha < 1:
        raise ModelError("alpha must be in (0, 1)")
    if int(min_events) != min_events or min_events < 1:
        raise ModelError("min_events must be a positive whole number")
    n_boot = DEFAULT_N_BOOT if n_boot is None else int(n_boot)
    name, date, title = resolve_event(event)
    keys, tasks, root, digest = series_tasks(frame, by, time=time, value=value, seed=seed)
    opts = ScreenOptions(event_name=name, event_date=date.date().isoformat(), alpha=float(alpha),
                         intervals=bool(intervals), n_boot=n_boot, min_events=int(min_events))
    show = len(tasks) > 500 if progress is None else bool(progress)
    bar = _Progress(len(tasks), show)
    records: list[dict[str, Any]] = []
    if tasks:
        run = Parallel(n_jobs=n_jobs, return_as="generator", batch_size="auto")
        for rec in run(delayed(run_task)(t, opts) for t in tasks):
            records.append(rec)
            bar.update(len(records))
    records.sort(key=lambda r: r["position"])
    table, breaks = _assemble(keys, records, date)
    options = {"by": list(by), "time": time, "value": value, "event": name,
               "event_date": opts.event_date, "alpha": opts.alpha, "intervals": opts.intervals,
               "n_boot": n_boot, "min_events": opts.min_events,
               "changepoints": "detect_changepoints(y) with its defaults",
               "model": f"fit_count_model(y, interventions={{{name!r}: step({opts.event_date!r})}}) with its defaults"}
    from ..results import result_meta

    meta = result_meta(options=options, input_sha256=digest, seed=root if seed is None else seed, event_title=title,
                       n_series=len(tasks), n_tested=int(table["testable"].sum()))
    arrays = {t.position: (t.start, t.freq, t.values) for t in tasks}
    return ScreenResult(table=table, breaks=breaks, by=tuple(by), event=name, event_date=date, meta=meta,
                        arrays=arrays)


def _break_text(b: dict[str, Any]) -> str:
    if b["lower"] is None:
        return b["break"]
    return f"{b['break']} [{b['lower']}, {b['upper']}]"


def _assemble(keys: pd.DataFrame, records: list[dict[str, Any]], event: pd.Timestamp
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    body = pd.DataFrame.from_records(
        [{k: v for k, v in r.items() if k != "breaks"} for r in records],
        columns=["position", "n_periods", "first", "last", "total", "mean_before", "mean_after", "testable",
                 "reason", "effect", "lower", "upper", "p_value", "n_breaks", "notes"])
    body = body.rename(columns={"effect": "rate_ratio"})
    body["testable"] = body["testable"].astype(bool)
    body["n_periods"] = body["n_periods"].astype("int64")
    body["n_breaks"] = pd.array([None if pd.isna(v) else int(v) for v in body["n_breaks"]], dtype="Int64")
    p = body["p_value"].to_numpy(dtype=float)
    body.insert(body.columns.get_loc("p_value") + 1, "p_bh", adjust_bh(p))
    body.insert(body.columns.get_loc("p_bh") + 1, "p_holm", adjust_holm(p))
    texts, eb, elo, ehi = [], [], [], []
    brows = []
    for r in records:
        bl = r["breaks"]
        texts.append("; ".join(_break_text(b) for b in bl))
        pick = None
        for b in bl:
            if pd.Period(b["break"]).end_time >= event:
                pick = b
                break
        eb.append(None if pick is None else pick["break"])
        elo.append(None if pick is None else pick["lower"])
        ehi.append(None if pick is None else pick["upper"])
        for j, b in enumerate(bl):
            brows.append({"position": r["position"], "number": j + 1, **b})
    body["breaks"] = texts
    body["event_break"] = eb
    body["event_break_lower"] = elo
    body["event_break_upper"] = ehi
    notes = body.pop("notes")
    body["notes"] = notes
    table = pd.concat([keys, body.drop(columns="position")], axis=1)
    bcols = ["number", "break", "lower", "upper", "level_before", "level_after"]
    bf = pd.DataFrame.from_records(brows, columns=["position", *bcols])
    if len(bf):
        bf = pd.concat([keys.iloc[bf["position"].to_numpy()].reset_index(drop=True),
                        bf.drop(columns="position")], axis=1)
    else:
        bf = pd.DataFrame(columns=[*keys.columns, *bcols])
    bf["ratio"] = bf["level_after"].astype(float) / bf["level_before"].astype(float)
    return table, bf
