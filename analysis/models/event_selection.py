"""Which events of the law calendar act on a series, and the interventions they become.

The calendar itself (:mod:`analysis.events`) is data; the choice of which of its events a
model can estimate is a modelling question and lives here:

* :func:`events_for_series` — for each candidate event, whether a step at its date in
  force is estimable on the series (enough periods on each side, far enough from the
  previous selected event) and, if not, why;
* :func:`interventions_for_series` — the usable ones as steps named by event id;
* :func:`interventions_from_events` — interventions named by event id from an explicit
  list, each at the calendar's date in force or at an override date that must carry its
  reason (for events whose date the calendar leaves empty for want of a citation).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..errors import InputError, ModelError
from ..events import get_event, list_events
from .design import as_period_index
from .interventions import MIN_SIDE, Intervention, Step, encode_interventions, pulse, ramp, step

__all__ = ["EventIntervention", "events_for_series", "interventions_for_series", "interventions_from_events"]


def events_for_series(index: pd.PeriodIndex | pd.Series, *, applies_to: str | list[str] | None = None,
                      min_side: int = MIN_SIDE, min_gap: int | None = None, lag: int = 0,
                      events: pd.DataFrame | None = None) -> pd.DataFrame:
    """Which calendar events can serve as step interventions on a series, and why not.

    Parameters
    ----------
    index : PeriodIndex or Series
        The series (or its index), monthly or annual.
    applies_to : str or list of str, optional
        Keep events about these series (``"all"`` events are always kept).
    min_side : int, default 3
        Observations needed on each side of a step (as in :func:`fit_count_model`).
    min_gap : int, optional
        Minimum number of periods between the starts of two selected steps (default
        ``min_side``). Events are taken in date order; an event too close to the
        previous selected one is left out, with the reason.
    lag : int, default 0
        Delay in months applied to every step (an assumption).
    events : DataFrame, optional
        A calendar as returned by :func:`analysis.events.load_events` (default: the
        shipped one).

    Returns
    -------
    DataFrame
        The candidate events with ``period`` (the period containing the start),
        ``usable`` (bool) and ``reason`` (empty when usable).
    """
    idx = index.index if isinstance(index, pd.Series) else index
    if not isinstance(idx, (pd.PeriodIndex, pd.DatetimeIndex)):
        raise ModelError("events_for_series needs a series with a PeriodIndex")
    idx = as_period_index(idx)
    gap = min_side if min_gap is None else min_gap
    ev = list_events(applies_to=applies_to, events=events).copy()
    usable, reasons, periods = [], [], []
    last_pos: int | None = None
    last_id = ""
    for _, row in ev.iterrows():
        if pd.isna(row["date_in_force"]):
            usable.append(False)
            note = f" ({row['date_note']})" if row.get("date_note") else ""
            reasons.append("no date in force recorded" + note)
            periods.append(None)
            continue
        st = step(row["date_in_force"], lag=lag)
        per = pd.Period(st.effective_start, freq=idx.freq)
        periods.append(per)
        try:
            encode_interventions(idx, {row["id"]: st}, min_side=min_side)
        except ModelError as exc:
            usable.append(False)
            reasons.append(str(exc))
            continue
        pos = int(per.ordinal - idx[0].ordinal)
        if last_pos is not None and pos - last_pos < gap:
            usable.append(False)
            reasons.append(f"starts {pos - last_pos} period(s) after {last_id} (minimum {gap})")
            continue
        usable.append(True)
        reasons.append("")
        last_pos, last_id = pos, row["id"]
    ev["period"] = periods
    ev["usable"] = usable
    ev["reason"] = reasons
    return ev.reset_index(drop=True)


def interventions_for_series(index: pd.PeriodIndex | pd.Series, *, applies_to: str | list[str] | None = None,
                             min_side: int = MIN_SIDE, min_gap: int | None = None, lag: int = 0,
                             events: pd.DataFrame | None = None) -> dict[str, Step]:
    """Steps (named by event id) for the events usable on a series; see :func:`events_for_series`."""
    ev = events_for_series(index, applies_to=applies_to, min_side=min_side, min_gap=min_gap, lag=lag,
                           events=events)
    return {r["id"]: step(r["date_in_force"], lag=lag) for _, r in ev[ev["usable"]].iterrows()}


@dataclass(frozen=True)
class EventIntervention:
    """An intervention taken from the calendar: its event id, date, shape, lag and where the date comes from."""

    event: str
    name: str
    date: pd.Timestamp
    shape: str
    lag: int
    date_source: str          # "calendar (date in force)" or "override: <reason>"
    intervention: Intervention


_SHAPES = {"step": step, "pulse": pulse, "ramp": ramp}


def interventions_from_events(items: Sequence[str | Mapping[str, Any]], *,
                              events: pd.DataFrame | None = None) -> dict[str, EventIntervention]:
    """Interventions named by event id, dated by the calendar or by an override that carries its reason.

    Parameters
    ----------
    items : sequence of str or mapping
        An event id, or a mapping with ``event`` (id) and optionally ``shape``
        (``"step"``, ``"pulse"``, ``"ramp"``), ``lag`` (months, an assumption),
        ``name`` (display name; default the calendar's English title), and ``date`` with
        ``reason`` (an override of the date in force, e.g. for an event whose in-force
        date the calendar leaves empty).

    Returns
    -------
    dict
        Event id → :class:`EventIntervention`, in the order given.

    Raises
    ------
    InputError
        An unknown id; an event without a date in force and no override; an override
        without a reason.
    """
    out: dict[str, EventIntervention] = {}
    for i, it in enumerate(items):
        spec = {"event": it} if isinstance(it, str) else dict(it)
        eid = str(spec.get("event", ""))
        row = get_event(eid, events=events)
        shape = str(spec.get("shape", "step"))
        if shape not in _SHAPES:
            raise InputError("interventions", f"item {i + 1} ({eid}): shape must be one of {tuple(_SHAPES)}")
        lag = int(spec.get("lag", 0))
        if spec.get("date"):
            reason = str(spec.get("reason", "")).strip()
            if not reason:
                raise InputError("interventions", f"item {i + 1} ({eid}): a date override needs a reason")
            date = pd.Timestamp(spec["date"])
            source = f"override: {reason}"
        else:
            if pd.isna(row["date_in_force"]):
                note = f" ({row['date_note']})" if row.get("date_note") else ""
                raise InputError("interventions", f"item {i + 1}: event {eid!r} has no date in force in the "
                                                  f"calendar{note}; give a date with its reason")
            date = pd.Timestamp(row["date_in_force"])
            source = "calendar (date in force)"
        name = str(spec.get("name") or row["title_en"] or eid)
        out[eid] = EventIntervention(eid, name, date, shape, lag, source, _SHAPES[shape](date, lag))
    return out
