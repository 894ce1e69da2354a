"""Figures for change-point results: breaks on the series, the CROPS elbow, the Bayesian posterior.

Each function draws on an existing axes or a new one of the standard size, inside the
toolkit style, and returns the axes. Series with a ``PeriodIndex`` are drawn on real
dates; plain arrays on their positions.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .style import PALETTE, add_breaks, new_axes, plot_counts, style_context

if TYPE_CHECKING:  # pragma: no cover
    import matplotlib.pyplot as plt

    from ..changepoint.results import BayesianChangePointResult, ChangePointResult, CropsPath

__all__ = ["plot_changepoints", "plot_crops", "plot_bayesian_changepoints"]


def _has_dates(index: pd.Index | None) -> bool:
    return isinstance(index, (pd.PeriodIndex, pd.DatetimeIndex))


def _x_edges(index: pd.Index | None, n: int) -> np.ndarray:
    """Left edges of the n periods plus the right edge of the last, as x coordinates."""
    if _has_dates(index):
        if isinstance(index, pd.PeriodIndex):
            starts = index.to_timestamp(how="start")
            end = (index[-1] + 1).to_timestamp(how="start")
        else:
            starts = index
            end = index[-1] + (index[-1] - index[-2] if n > 1 else pd.Timedelta(days=1))
        return np.array(list(starts) + [end], dtype="datetime64[ns]")
    return np.arange(n + 1, dtype=float)


def _draw_series(values: np.ndarray, index: pd.Index | None, ax: "plt.Axes", ylabel: str) -> "plt.Axes":
    if _has_dates(index):
        return plot_counts(pd.Series(values, index=index), ax=ax, kind="bar", ylabel=ylabel,
                           color=PALETTE["sky"], label="observed")
    with style_context():
        ax.bar(np.arange(values.size), values, width=0.85, align="edge", color=PALETTE["sky"],
               linewidth=0, label="observed")
        ax.set_xlabel("position")
        ax.set_ylabel(ylabel)
    return ax


def _step(ax: "plt.Axes", edges: np.ndarray, starts: list[int], ends: list[int], vals: list[float],
          **kw: Any) -> None:
    xs: list[Any] = []
    ys: list[float] = []
    for s, e, v in zip(starts, ends, vals):
        xs += [edges[s], edges[e]]
        ys += [v, v]
    ax.plot(xs, ys, **kw)


def plot_changepoints(result: "ChangePointResult", *, ax: "plt.Axes | None" = None,
                      intervals: bool | None = None, ylabel: str = "count",
                      title: str | None = None) -> "plt.Axes":
    """Series as bars, fitted segment levels as steps with their intervals, breaks as dashed lines, pulses as rings.

    Parameters
    ----------
    result : ChangePointResult
    ax : Axes, optional
    intervals : bool, optional
        Draw the break-date bands: ``True`` computes :meth:`conf_int` with its defaults,
        ``None`` draws them only if they were computed already, ``False`` never.
    ylabel, title : str
    """
    ax = new_axes(ax)
    idx = result.index
    vals = result.values
    _draw_series(vals, idx, ax, ylabel)
    edges = _x_edges(idx, vals.size)
    seg = result.segments
    with style_context():
        _step(ax, edges, list(seg["start"]), list(seg["end"]), list(seg["estimate"]),
              color=PALETTE["blue"], linewidth=1.6, label=f"segment level ({result.cost})")
        for s, e, lo, hi in zip(seg["start"], seg["end"], seg["lower"], seg["upper"]):
            ax.fill_between([edges[s], edges[e]], [lo, lo], [hi, hi], color=PALETTE["blue"], alpha=0.12,
                            linewidth=0)
        ci = None
        if intervals is True:
            ci = result.conf_int()
        elif intervals is None:
            ci = result._cache.get("latest")
        bands = None
        if ci is not None and len(ci):
            if _has_dates(idx):
                bands = list(zip(ci["lower"], ci["upper"]))
            else:
                bands = list(zip(ci["lower_position"], ci["upper_position"] + 1))
        if _has_dates(idx):
            add_breaks(ax, list(result.breaks), intervals=bands)
        else:
            for i, p in enumerate(result.positions):
                ax.axvline(p, color=PALETTE["vermillion"], linewidth=1.2, linestyle="--",
                           label="break" if i == 0 else None)
                if bands is not None:
                    ax.axvspan(bands[i][0], bands[i][1], color=PALETTE["vermillion"], alpha=0.15, linewidth=0)
        _draw_pulses(ax, result, edges)
        if title:
            ax.set_title(title, loc="left")
        ax.legend(loc="upper right", fontsize=7)
    return ax


def _draw_pulses(ax: "plt.Axes", result: "ChangePointResult", edges: np.ndarray) -> None:
    """One-period pulses as open markers at their value, in the middle of their period (one artist)."""
    p = getattr(result, "pulses", None)
    if p is None or not len(p):
        return
    pos = p["position"].to_numpy(dtype=int)
    left = edges[pos]
    right = edges[pos + 1]
    if np.issubdtype(np.asarray(edges).dtype, np.datetime64):
        mid = left + (right - left) / 2
    else:
        mid = (left + right) / 2.0
    ax.plot(mid, p["value"].to_numpy(dtype=float), linestyle="none", marker="o", markersize=5,
            markerfacecolor="none", markeredgecolor=PALETTE["vermillion"], markeredgewidth=1.2,
            label="pulse (one period)")


def plot_crops(path: "CropsPath", *, ax: "plt.Axes | None" = None) -> "plt.Axes":
    """Unpenalised cost against number of breaks along the CROPS path (pick the elbow)."""
    ax = new_axes(ax)
    df = path.path.sort_values("n_breaks", kind="stable")
    with style_context():
        ax.plot(df["n_breaks"], df["cost"], marker="o", color=PALETTE["blue"], linewidth=1.3)
        for _, r in df.iterrows():
            ax.annotate(f"[{r['penalty_lower']:.3g}, {r['penalty_upper']:.3g}]", (r["n_breaks"], r["cost"]),
                        textcoords="offset points", xytext=(4, 4), fontsize=6, color="#444444")
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("number of breaks")
        ax.set_ylabel("cost (-2 log L + const)")
        ax.set_title(f"Optimal segmentations, penalty {path.penalty_range[0]:.3g} to {path.penalty_range[1]:.3g}",
                     loc="left")
    return ax


def plot_bayesian_changepoints(result: "BayesianChangePointResult", *, ax: "plt.Axes | None" = None,
                               ylabel: str = "count") -> "plt.Axes":
    """Counts as bars, posterior mean rate (step) with its credible band, break probability on a right axis."""
    ax = new_axes(ax)
    idx = result.index
    vals = result.values
    _draw_series(vals, idx, ax, ylabel)
    edges = _x_edges(idx, vals.size)
    r = result.rate
    with style_context():
        ax.stairs(r["mean"].to_numpy(), edges, color=PALETTE["blue"], linewidth=1.5, baseline=None,
                  label="posterior mean rate")
        ax.stairs(r["upper"].to_numpy(), edges, baseline=r["lower"].to_numpy(), fill=True,
                  color=PALETTE["blue"], alpha=0.15, label=f"{int(round(result.level * 100))}% credible band")
        ax2 = ax.twinx()
        ax2.stairs(result.break_probability.to_numpy(), edges, color=PALETTE["vermillion"], linewidth=1.0,
                   baseline=0, label="P(new regime starts)")
        ax2.set_ylim(0, 1)
        ax2.set_ylabel("break probability", color=PALETTE["vermillion"])
        ax2.spines["right"].set_visible(True)
        ax2.grid(False)
        h1, l1 = ax.get_legend_handles_labels()
        h2, l2 = ax2.get_legend_handles_labels()
        ax.legend(h1 + h2, l1 + l2, loc="upper right", fontsize=7)
    return ax
