"""A record of the data each figure draws, and the caption notes it needs.

Every plot function calls :func:`record` once per layer it draws (bars, a line, a band,
break dates, event dates) with a frame of exactly the values given to matplotlib.
:func:`drawn_data` returns the records of a figure as one tidy frame, and
:func:`drawn_csv` writes it in machine format whatever the language of the figure:
ASCII minus, ``.`` for decimals, ISO dates (``2022-03`` for a month, ``2022`` for a year,
``2022-02-24`` for a day), no thousands separator.

:func:`add_note` keeps a sentence a caption must carry (what a shorthand means, why a
category is unknown); :func:`figure_notes` returns them in the order they were added,
each once.
"""
from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["add_note", "drawn_csv", "drawn_data", "figure_notes", "record"]

_ATTR = "_analysis_drawn"
_NOTES = "_analysis_notes"
#: Leading columns of :func:`drawn_data`.
KEY_COLUMNS = ["panel", "layer", "x"]


def _iso(v: Any) -> Any:
    if isinstance(v, pd.Period):
        return str(v)
    if isinstance(v, (pd.Timestamp, np.datetime64)):
        ts = pd.Timestamp(v)
        return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.isoformat()
    return v


def record(ax: Any, frame: pd.DataFrame | pd.Series, *, name: str) -> None:
    """Remember that ``ax`` draws ``frame`` as the layer ``name``.

    Parameters
    ----------
    ax : Axes
    frame : DataFrame or Series
        Index: the x values (periods, dates or positions); columns: the values drawn.
        A Series is recorded as one column ``value``.
    name : str
        Layer name (``bars``, ``stock``, ``fitted``, ...), unique within the axes; a
        second record under the same name replaces the first.
    """
    if isinstance(frame, pd.Series):
        frame = frame.to_frame("value")
    frame = frame.copy()
    frame.index = pd.Index([_iso(v) for v in frame.index], name="x")
    store = getattr(ax, _ATTR, None)
    if store is None:
        store = {}
        setattr(ax, _ATTR, store)
    store[name] = frame


def _panels(fig: Any) -> list:
    """Axes of ``fig`` in order, twins folded into the panel of their host."""
    out: list = []
    for ax in fig.axes:
        if getattr(ax, _ATTR, None) is not None and ax not in out:
            out.append(ax)
    return out


def _panel_number(fig: Any, ax: Any) -> int:
    hosts = [a for a in fig.axes if not getattr(a, "_analysis_twin_of", None)]
    host = getattr(ax, "_analysis_twin_of", None) or ax
    return hosts.index(host) + 1 if host in hosts else 1


def drawn_data(fig: Any) -> pd.DataFrame:
    """All layers recorded on ``fig``: columns ``panel``, ``layer``, ``x`` and the value columns.

    Panels are numbered from 1 in the figure's axes order (a twin axis belongs to the
    panel of its host); layers keep the order in which they were drawn. Value columns
    are the union over layers, empty where a layer has no such column.
    """
    parts = []
    for ax in _panels(fig):
        for name, frame in getattr(ax, _ATTR).items():
            f = frame.reset_index()
            f.insert(0, "layer", name)
            f.insert(0, "panel", _panel_number(fig, ax))
            parts.append(f)
    if not parts:
        return pd.DataFrame(columns=KEY_COLUMNS)
    out = pd.concat(parts, ignore_index=True, sort=False)
    return out[KEY_COLUMNS + [c for c in out.columns if c not in KEY_COLUMNS]]


def drawn_csv(fig: Any) -> bytes:
    """:func:`drawn_data` as CSV bytes in machine format (UTF-8, ``\\n`` line ends)."""
    frame = drawn_data(fig)
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n", float_format="%.10g")
    return buf.getvalue().encode("utf-8")


def add_note(ax_or_fig: Any, note: str, *, key: str | None = None) -> None:
    """Keep ``note`` for the caption of the figure that holds ``ax_or_fig`` (once).

    A note given with a ``key`` replaces the earlier note of that key in its place (the
    one note that explains every event shorthand of a figure grows this way).
    """
    fig = getattr(ax_or_fig, "figure", None) or ax_or_fig
    notes = getattr(fig, _NOTES, None)
    if notes is None:
        notes = {}
        setattr(fig, _NOTES, notes)
    if not note:
        return
    k = key if key is not None else note
    notes[k] = note


def figure_notes(fig: Any) -> list[str]:
    """Caption notes of ``fig`` (shorthands explained, unknown categories), in order, each once."""
    fig = getattr(fig, "figure", None) or fig
    return list(dict.fromkeys(getattr(fig, _NOTES, {}).values()))
