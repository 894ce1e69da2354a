"""Figures of the registry vintages: revision triangle, changes by kind, publication lag, nowcast.

Each ``plot_*`` takes one of the frames of :func:`analysis.vintages.tables.vintage_tables`
(or of the results objects), draws on ``ax`` (or a new standard-size axes) in the style of
:mod:`analysis.plots.style`, and returns the axes.
"""
from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .style import CYCLE, PALETTE, _bar_width_days, _to_timestamps, new_axes, plot_counts, style_context

__all__ = ["plot_revision_triangle", "plot_changes_by_kind", "plot_publication_lag", "plot_nowcast",
           "plot_backtest", "plot_series_with_nowcast"]

_KIND_COLOURS = {"event": PALETTE["blue"], "correction": PALETTE["orange"], "artefact": PALETTE["grey"]}


def plot_revision_triangle(triangle: pd.DataFrame, *, measure: str = "inclusions", registry: str | None = None,
                           ax: plt.Axes | None = None, title: str | None = None) -> plt.Axes:
    """The triangle as a heat map: months (x) by releases (y), colour = count seen.

    A cell is blank where the release did not see the month (later than the release).
    Only the releases of the chain are drawn when the frame has an ``in_chain`` column.
    """
    ax = new_axes(ax)
    with style_context():
        t = triangle[triangle["measure"] == measure]
        if registry is not None:
            t = t[t["registry"] == registry]
        if "in_chain" in t.columns:
            t = t[t["in_chain"]]
        order = t.drop_duplicates("release_id").sort_values(["release_date", "release_id"])
        m = t.pivot(index="release_id", columns="month", values="value").reindex(order["release_id"])
        arr = m.to_numpy(dtype=float)
        im = ax.imshow(np.ma.masked_invalid(arr), aspect="auto", cmap="viridis", interpolation="nearest",
                       origin="lower")
        cols = list(m.columns)
        step = max(1, len(cols) // 8)
        ax.set_xticks(range(0, len(cols), step), [cols[i] for i in range(0, len(cols), step)], rotation=0,
                      fontsize=7)
        dates = order["release_date"].astype(str).tolist()
        rstep = max(1, len(dates) // 8)
        ax.set_yticks(range(0, len(dates), rstep), [dates[i] for i in range(0, len(dates), rstep)], fontsize=7)
        ax.set_xlabel("month of the decision")
        ax.set_ylabel("release")
        ax.grid(False)
        ax.figure.colorbar(im, ax=ax, label=f"{measure} seen in the release", shrink=0.9)
        if title:
            ax.set_title(title, loc="left")
    return ax


def plot_changes_by_kind(changes_by_kind: pd.DataFrame, *, registry: str | None = None,
                         ax: plt.Axes | None = None, title: str | None = None) -> plt.Axes:
    """Horizontal stacked bars: number of entry changes per field, split by kind."""
    ax = new_axes(ax)
    with style_context():
        c = changes_by_kind if registry is None else changes_by_kind[changes_by_kind["registry"] == registry]
        tab = c.pivot_table(index="field", columns="kind", values="n_changes", aggfunc="sum", fill_value=0)
        tab = tab.reindex(columns=[k for k in ("event", "correction", "artefact") if k in tab.columns])
        left = np.zeros(len(tab))
        for kind in tab.columns:
            vals = tab[kind].to_numpy(dtype=float)
            ax.barh(range(len(tab)), vals, left=left, color=_KIND_COLOURS[kind], label=kind, linewidth=0)
            left += vals
        ax.set_yticks(range(len(tab)), [f.replace("_", " ") for f in tab.index])
        ax.set_xlabel("changes between consecutive releases")
        ax.grid(True, axis="x")
        ax.grid(False, axis="y")
        ax.legend(loc="lower right", fontsize=7)
        if title:
            ax.set_title(title, loc="left")
    return ax


def plot_publication_lag(lags: pd.DataFrame, *, ax: plt.Axes | None = None, max_days: int = 60,
                         title: str | None = None) -> plt.Axes:
    """Distribution of publication lags (upper bounds, days) by year of decision, as step histograms.

    ``lags`` is the per-entry frame of :func:`analysis.vintages.lag.publication_lags`.
    """
    ax = new_axes(ax)
    with style_context():
        bins = np.arange(0, max_days + 2) - 0.5
        for i, (year, g) in enumerate(lags.groupby("year", sort=True)):
            vals = np.minimum(g["upper_days"].to_numpy(), max_days)
            ax.hist(vals, bins=bins, histtype="step", color=CYCLE[i % len(CYCLE)], linewidth=1.3,
                    label=f"{year} (n={len(g)})")
        ax.set_xlabel(f"days from decision to first release showing it (≥{max_days} pooled)")
        ax.set_ylabel("entries")
        ax.legend(fontsize=7)
        if title:
            ax.set_title(title, loc="left")
    return ax


def plot_nowcast(nowcast: pd.DataFrame, *, ax: plt.Axes | None = None, title: str | None = None) -> plt.Axes:
    """Observed counts of the nowcast months as bars, the estimate and its interval as error bars."""
    ax = new_axes(ax)
    with style_context():
        idx = pd.PeriodIndex(nowcast["month"], freq="M")
        x = _to_timestamps(idx)
        w = _bar_width_days(idx)
        ax.bar(x, nowcast["observed"].to_numpy(dtype=float), width=w, align="edge", color=PALETTE["blue"],
               label="observed", linewidth=0)
        centre = x + pd.Timedelta(days=w / 2)
        est = nowcast["estimate"].to_numpy(dtype=float)
        ax.errorbar(centre, est, yerr=[est - nowcast["lower"].to_numpy(dtype=float),
                                       nowcast["upper"].to_numpy(dtype=float) - est],
                    fmt="o", color=PALETTE["vermillion"], capsize=3, label="nowcast and interval")
        ax.set_ylabel("inclusions per month")
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=7)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
        if title:
            ax.set_title(title, loc="left")
    return ax


def plot_backtest(backtest: pd.DataFrame, *, ax: plt.Axes | None = None, title: str | None = None) -> plt.Axes:
    """Back-test: truth minus nowcast interval per month-cutoff; covered in blue, missed in vermillion."""
    ax = new_axes(ax)
    with style_context():
        b = backtest.reset_index(drop=True)
        y = np.arange(len(b))
        est = b["estimate"].to_numpy(dtype=float)
        ax.hlines(y, b["lower"] - est, b["upper"] - est, color=PALETTE["grey"], linewidth=1)
        col = np.where(b["covered"], PALETTE["blue"], PALETTE["vermillion"])
        ax.scatter(b["truth"] - est, y, c=col, s=8, zorder=3)
        ax.axvline(0, color="#444444", linewidth=0.8)
        ax.set_xlabel("final count − nowcast (interval in grey)")
        ax.set_ylabel("cutoff × month")
        ax.set_yticks([])
        if title:
            ax.set_title(title, loc="left")
    return ax


def plot_series_with_nowcast(flow: pd.Series, nowcast: pd.DataFrame | None = None, *,
                             ax: plt.Axes | None = None, title: str | None = None,
                             ylabel: str = "inclusions per month") -> plt.Axes:
    """The monthly series as bars (the default view), with the nowcast band on its last months when given."""
    ax = new_axes(ax)
    with style_context():
        plot_counts(flow, ax=ax, kind="bar", label="as published", ylabel=ylabel, title=title,
                    color=PALETTE["blue"])
        if nowcast is not None and len(nowcast):
            idx = pd.PeriodIndex(nowcast["month"], freq="M")
            x = _to_timestamps(idx)
            w = _bar_width_days(idx)
            for xi, lo, hi in zip(x, nowcast["lower"], nowcast["upper"]):
                ax.fill_between([xi, xi + pd.Timedelta(days=w)], [lo, lo], [hi, hi], color=PALETTE["orange"],
                                alpha=0.35, linewidth=0)
            ax.fill_between([], [], [], color=PALETTE["orange"], alpha=0.35, label="nowcast interval")
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=7, loc="upper left")
    return ax
