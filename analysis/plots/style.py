"""Palette, style context and axis helpers shared by every figure.

Determinism: figures have a fixed size and DPI, are drawn inside :func:`style_context`
(which fixes the SVG hash salt and font settings) and are written by :func:`save_figure`,
which strips creation dates and software stamps so that two runs give the same bytes.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

#: Okabe–Ito colour-blind-safe palette.
PALETTE: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#999999",
}
CYCLE = [PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "yellow", "black")]

FIGSIZE = (8.0, 3.6)
DPI = 110

RC: dict[str, Any] = {
    "figure.figsize": FIGSIZE,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=CYCLE),
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "svg.hashsalt": "analysis-toolkit",
    "svg.fonttype": "path",
    "path.simplify": True,
}


@contextlib.contextmanager
def style_context() -> Iterator[None]:
    """Context in which every toolkit figure is drawn."""
    with plt.rc_context(RC):
        yield


def new_axes(ax: plt.Axes | None = None, *, figsize: tuple[float, float] = FIGSIZE) -> plt.Axes:
    """Return ``ax`` or a fresh axes on a new figure of the standard size."""
    if ax is not None:
        return ax
    with style_context():
        fig, ax = plt.subplots(figsize=figsize, dpi=DPI, layout="constrained")
    return ax


def _to_timestamps(index: pd.Index) -> pd.DatetimeIndex:
    if isinstance(index, pd.PeriodIndex):
        return index.to_timestamp(how="start")
    if isinstance(index, pd.DatetimeIndex):
        return index
    return pd.DatetimeIndex(pd.to_datetime(index))


def _bar_width_days(index: pd.Index) -> float:
    if isinstance(index, pd.PeriodIndex):
        f = index.freqstr.upper()
        if f.startswith("Y") or f.startswith("A"):
            return 300.0
        if f.startswith("W"):
            return 5.5
        if f.startswith("Q"):
            return 80.0
    return 25.0


def plot_counts(y: pd.Series, *, ax: plt.Axes | None = None, kind: str = "bar",
                label: str | None = None, color: str | None = None,
                ylabel: str = "count", title: str | None = None) -> plt.Axes:
    """Draw a count series on real dates, as bars (default) or steps.

    Missing values (outside coverage) are left blank, never drawn as zero.
    """
    ax = new_axes(ax)
    with style_context():
        x = _to_timestamps(y.index)
        vals = pd.to_numeric(y, errors="coerce").to_numpy(dtype=float)
        color = color or PALETTE["blue"]
        if kind == "bar":
            ok = ~np.isnan(vals)
            ax.bar(x[ok], vals[ok], width=_bar_width_days(y.index), align="edge",
                   color=color, label=label, linewidth=0)
        elif kind == "step":
            ax.step(x, vals, where="post", color=color, label=label, linewidth=1.3)
        elif kind == "line":
            ax.plot(x, vals, color=color, label=label, linewidth=1.3)
        else:
            raise ValueError(f"kind must be 'bar', 'step' or 'line', not {kind!r}")
        ax.set_ylabel(ylabel)
        if title:
            ax.set_title(title, loc="left")
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    return ax


def add_breaks(ax: plt.Axes, breaks: Sequence[Any], *,
               intervals: Sequence[tuple[Any, Any]] | None = None,
               color: str = PALETTE["vermillion"], label: str | None = "break") -> plt.Axes:
    """Mark breaks (first period of each new regime) as vertical lines with interval bands."""
    with style_context():
        for i, b in enumerate(breaks):
            x = _one_timestamp(b)
            ax.axvline(x, color=color, linewidth=1.2, linestyle="--",
                       label=label if i == 0 else None)
            if intervals is not None and intervals[i] is not None:
                lo, hi = intervals[i]
                if lo is not None and hi is not None:
                    ax.axvspan(_one_timestamp(lo), _one_timestamp(hi, end=True), color=color,
                               alpha=0.15, linewidth=0)
    return ax


def add_events(ax: plt.Axes, events: Iterable[tuple[Any, str]], *,
               color: str = PALETTE["grey"]) -> plt.Axes:
    """Annotate dated events (e.g. laws in force) with thin lines and short labels."""
    with style_context():
        lo, hi = ax.get_xlim()
        ymax = ax.get_ylim()[1]
        for k, (when, text) in enumerate(events):
            x = _one_timestamp(when)
            xn = mdates.date2num(x)
            if not (lo <= xn <= hi):
                continue
            ax.axvline(x, color=color, linewidth=0.8, linestyle=":")
            ax.text(x, ymax * (0.97 - 0.08 * (k % 3)), " " + text, fontsize=7,
                    color="#444444", va="top", ha="left")
    return ax


def add_source_line(fig: plt.Figure, text: str) -> None:
    """Write the source line under a figure."""
    fig.text(0.01, 0.005, "Source: " + text, fontsize=7, color="#555555", ha="left", va="bottom")


def save_figure(fig: plt.Figure, path: str | Path) -> Path:
    """Save ``fig`` deterministically (no dates or software stamps); format from the suffix."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fmt = path.suffix.lstrip(".").lower()
    meta: dict[str, Any]
    if fmt == "svg":
        meta = {"Date": None, "Creator": None}
    elif fmt == "pdf":
        meta = {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None}
    elif fmt == "png":
        meta = {"Software": None}
    else:
        meta = {}
    with style_context():
        fig.savefig(path, format=fmt, metadata=meta, dpi=DPI)
    return path


def _one_timestamp(x: Any, end: bool = False) -> pd.Timestamp:
    if isinstance(x, pd.Period):
        return x.to_timestamp(how="end" if end else "start")
    return pd.Timestamp(x)
