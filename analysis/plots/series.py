"""Figures of the series themselves: registry flows and stocks, breakdowns, annual convictions.

Each ``plot_*`` function draws on ``ax`` (or a new standard-size axes) with the shared
style of :mod:`analysis.plots.style` and returns the axes. Counts are bars on real
dates; a stock is a step line; missing periods (outside coverage) are left blank.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .style import (
    CYCLE,
    DPI,
    FIGSIZE,
    PALETTE,
    _bar_width_days,
    _to_timestamps,
    add_breaks,
    add_events,
    new_axes,
    plot_counts,
    style_context,
)

__all__ = [
    "new_panel_figure",
    "plot_break_probability",
    "plot_breakdown",
    "plot_convictions",
    "plot_flow_and_stock",
]


def _legend_below(ax: plt.Axes, handles: list, labels: list, *, ncols: int) -> None:
    """Legend under the axes, clear of the law annotations at the top of the plot area."""
    if not handles:
        return
    ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(0.0, -0.09), fontsize=7,
              ncols=max(1, min(ncols, len(labels))), borderaxespad=0.0, handlelength=1.5)


def new_panel_figure(n: int = 2, *, height_ratios: Sequence[float] | None = None,
                     figsize: tuple[float, float] | None = None) -> tuple[plt.Figure, list[plt.Axes]]:
    """A figure with ``n`` stacked panels sharing the date axis, in the toolkit style."""
    figsize = figsize or (FIGSIZE[0], FIGSIZE[1] * (1.0 + 0.45 * (n - 1)))
    with style_context():
        fig, axes = plt.subplots(n, 1, figsize=figsize, dpi=DPI, sharex=True, layout="constrained",
                                 gridspec_kw={"height_ratios": list(height_ratios or [3] + [1] * (n - 1))})
    return fig, list(np.atleast_1d(axes))


def plot_flow_and_stock(flow: pd.Series, stock: pd.Series | None = None, *, ax: plt.Axes | None = None,
                        flow_label: str = "inclusions per month", stock_label: str = "active at month end",
                        ylabel: str = "inclusions per month", stock_ylabel: str = "active (stock)",
                        title: str | None = None,
                        breaks: Sequence[Any] | None = None,
                        intervals: Sequence[tuple[Any, Any] | None] | None = None,
                        events: Iterable[tuple[Any, str]] | None = None,
                        incomplete: Sequence[str] = ()) -> plt.Axes:
    """Monthly flow as bars, the stock as a step line on a right-hand axis.

    Parameters
    ----------
    flow : Series
        Counts per period (``PeriodIndex``); NaN periods are not drawn.
    stock : Series, optional
        Stock at the end of each period, drawn on a twin axis.
    breaks, intervals : optional
        Break periods (first period of each new regime) and their interval bounds.
    events : iterable of (date, label), optional
        Calendar annotations (laws in force).
    incomplete : sequence of str
        Periods (``YYYY-MM``) that are incomplete; their bars are hatched.
    """
    ax = new_axes(ax)
    with style_context():
        plot_counts(flow, ax=ax, kind="bar", label=flow_label, ylabel=ylabel, title=title,
                    color=PALETTE["blue"])
        if incomplete:
            inc = [p for p in flow.index if str(p) in set(incomplete) and not np.isnan(flow[p])]
            if inc:
                sub = flow.loc[inc]
                ax.bar(_to_timestamps(sub.index), sub.to_numpy(dtype=float),
                       width=_bar_width_days(flow.index), align="edge", color="white",
                       edgecolor=PALETTE["blue"], hatch="////", linewidth=0.6,
                       label="incomplete month")
        handles, labels = ax.get_legend_handles_labels()
        if stock is not None:
            ax2 = ax.twinx()
            x = _to_timestamps(stock.index)
            vals = pd.to_numeric(stock, errors="coerce").to_numpy(dtype=float)
            ax2.step(x, vals, where="post", color=PALETTE["orange"], linewidth=1.4, label=stock_label)
            ax2.set_ylabel(stock_ylabel, color="#8a5a00")
            ax2.grid(False)
            ax2.spines["right"].set_visible(True)
            ax2.set_ylim(bottom=0)
            h2, l2 = ax2.get_legend_handles_labels()
            handles, labels = handles + h2, labels + l2
        ax.set_ylim(bottom=0)
        if breaks:
            add_breaks(ax, list(breaks), intervals=list(intervals) if intervals is not None else None)
            handles, labels = ax.get_legend_handles_labels()
            if stock is not None:
                handles, labels = handles + h2, labels + l2
        if events:
            add_events(ax, events)
        _legend_below(ax, handles, labels, ncols=4)
    return ax


def plot_breakdown(frame: pd.DataFrame, *, ax: plt.Axes | None = None, ylabel: str = "count",
                   title: str | None = None, labels: dict[str, str] | None = None,
                   events: Iterable[tuple[Any, str]] | None = None) -> plt.Axes:
    """Stacked bars of one count measure split into groups (columns of ``frame``).

    ``frame`` has a ``PeriodIndex`` and one column per group, in the order to stack.
    Periods where every group is missing are left blank; a missing group counts as 0
    in a period where another group has a value.
    """
    ax = new_axes(ax)
    with style_context():
        x = _to_timestamps(frame.index)
        width = _bar_width_days(frame.index)
        allnan = frame.isna().all(axis=1).to_numpy()
        bottom = np.zeros(len(frame))
        for i, col in enumerate(frame.columns):
            v = pd.to_numeric(frame[col], errors="coerce").fillna(0.0).to_numpy(dtype=float)
            ok = ~allnan
            ax.bar(x[ok], v[ok], bottom=bottom[ok], width=width, align="edge",
                   color=CYCLE[i % len(CYCLE)], linewidth=0,
                   label=(labels or {}).get(col, str(col)))
            bottom = bottom + v
        ax.set_ylabel(ylabel)
        ax.set_ylim(bottom=0)
        if title:
            ax.set_title(title, loc="left")
        if events:
            add_events(ax, events)
        _legend_below(ax, *ax.get_legend_handles_labels(), ncols=2 if len(frame.columns) > 3 else 3)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    return ax


def plot_convictions(main: pd.Series, additional: pd.Series | None = None, *, ax: plt.Axes | None = None,
                     title: str | None = None, ylabel: str = "persons convicted per year",
                     main_label: str = "main charge", additional_label: str = "additional charge",
                     breaks: Sequence[Any] | None = None,
                     intervals: Sequence[tuple[Any, Any] | None] | None = None,
                     events: Iterable[tuple[Any, str]] | None = None) -> plt.Axes:
    """Annual convictions: main-charge bars with additional-charge persons stacked on top.

    The top of each stack is "all persons" (main + additional). Years in which the
    article did not exist (missing) are left blank.
    """
    ax = new_axes(ax)
    with style_context():
        plot_counts(main, ax=ax, kind="bar", label=main_label, ylabel=ylabel, title=title,
                    color=PALETTE["blue"])
        if additional is not None:
            add = additional.reindex(main.index)
            ok = ~(np.isnan(main.to_numpy(dtype=float)) | np.isnan(add.to_numpy(dtype=float)))
            x = _to_timestamps(main.index)
            ax.bar(x[ok], add.to_numpy(dtype=float)[ok], bottom=main.to_numpy(dtype=float)[ok],
                   width=_bar_width_days(main.index), align="edge", color=PALETTE["sky"],
                   linewidth=0, label=additional_label)
        ax.set_ylim(bottom=0)
        if breaks:
            add_breaks(ax, list(breaks), intervals=list(intervals) if intervals is not None else None)
        if events:
            add_events(ax, events)
        _legend_below(ax, *ax.get_legend_handles_labels(), ncols=3)
    return ax


def plot_break_probability(prob: pd.Series, *, ax: plt.Axes | None = None,
                           ylabel: str = "P(new regime starts)", title: str | None = None) -> plt.Axes:
    """Posterior probability that a new regime starts in each period, as bars on [0, 1]."""
    ax = new_axes(ax)
    with style_context():
        plot_counts(prob, ax=ax, kind="bar", ylabel=ylabel, title=title, color=PALETTE["vermillion"])
        ax.set_ylim(0, 1)
        ax.set_yticks([0, 0.5, 1])
    return ax
