"""Figures of the registry vintages: revision triangle, changes by kind, publication lag, nowcast.

Each ``plot_*`` takes one of the frames of :func:`analysis.vintages.tables.vintage_tables`
(or of the results objects), draws on ``ax`` (or a new standard-size axes) in the style of
:mod:`analysis.plots.style`, and returns the axes.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .drawn import record
from .locale import apply_locale, number_formatter
from .style import (
    CYCLE,
    PALETTE,
    Z_BAND,
    _bar_width_days,
    draw_bars,
    new_axes,
    period_centres,
    plot_counts,
    style_context,
)
from .texts import check_lang, text

__all__ = ["plot_revision_triangle", "plot_changes_by_kind", "plot_publication_lag", "plot_nowcast",
           "plot_backtest", "plot_series_with_nowcast"]

_KIND_COLOURS = {"event": PALETTE["blue"], "correction": PALETTE["orange"], "artefact": PALETTE["grey"]}


def plot_revision_triangle(triangle: pd.DataFrame, *, measure: str = "inclusions", registry: str | None = None,
                           ax: plt.Axes | None = None, title: str | None = None, lang: str = "en") -> plt.Axes:
    """The triangle as a heat map: months (x) by releases (y), colour = count seen.

    A cell is blank where the release did not see the month (later than the release).
    Only the releases of the chain are drawn when the frame has an ``in_chain`` column.
    """
    check_lang(lang)
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
        record(ax, m, name="triangle")
        ax.set_xlabel(text("month_of_decision", lang))
        ax.set_ylabel(text("release", lang))
        ax.grid(False)
        cb = ax.figure.colorbar(im, ax=ax, label=text("seen_in_release", lang, measure=measure), shrink=0.9)
        cb.ax.yaxis.set_major_formatter(number_formatter(lang))
        if title:
            ax.set_title(title, loc="left")
    return ax


def plot_changes_by_kind(changes_by_kind: pd.DataFrame, *, registry: str | None = None,
                         ax: plt.Axes | None = None, title: str | None = None, lang: str = "en") -> plt.Axes:
    """Horizontal stacked bars: number of entry changes per field, split by kind."""
    check_lang(lang)
    ax = new_axes(ax)
    with style_context():
        c = changes_by_kind if registry is None else changes_by_kind[changes_by_kind["registry"] == registry]
        tab = c.pivot_table(index="field", columns="kind", values="n_changes", aggfunc="sum", fill_value=0)
        tab = tab.reindex(columns=[k for k in ("event", "correction", "artefact") if k in tab.columns])
        left = np.zeros(len(tab))
        record(ax, tab, name="changes")
        for kind in tab.columns:
            vals = tab[kind].to_numpy(dtype=float)
            ax.barh(range(len(tab)), vals, left=left, color=_KIND_COLOURS[kind], label=text("kind_" + kind, lang),
                    linewidth=0)
            left += vals
        ax.set_yticks(range(len(tab)), [f.replace("_", " ") for f in tab.index])
        ax.set_xlabel(text("changes_axis", lang))
        ax.xaxis.set_major_formatter(number_formatter(lang))
        ax.grid(True, axis="x")
        ax.grid(False, axis="y")
        ax.legend(loc="lower right", fontsize=7)
        if title:
            ax.set_title(title, loc="left")
    return ax


def plot_publication_lag(lags: pd.DataFrame, *, ax: plt.Axes | None = None, max_days: int = 60,
                         title: str | None = None, lang: str = "en") -> plt.Axes:
    """Distribution of publication lags (upper bounds, days) by year of decision, as step histograms.

    ``lags`` is the per-entry frame of :func:`analysis.vintages.lag.publication_lags`.
    """
    check_lang(lang)
    ax = new_axes(ax)
    with style_context():
        bins = np.arange(0, max_days + 2) - 0.5
        counts = {}
        for i, (year, g) in enumerate(lags.groupby("year", sort=True)):
            vals = np.minimum(g["upper_days"].to_numpy(), max_days)
            n, _, _ = ax.hist(vals, bins=bins, histtype="step", color=CYCLE[i % len(CYCLE)], linewidth=1.3,
                              label=text("lag_year", lang, year=year, n=len(g)))
            counts[str(year)] = n
        record(ax, pd.DataFrame(counts, index=pd.Index(np.arange(0, max_days + 1), name="days")), name="histogram")
        ax.set_xlabel(text("lag_axis", lang, max_days=max_days))
        ax.set_ylabel(text("entries", lang))
        ax.yaxis.set_major_formatter(number_formatter(lang))
        ax.legend(fontsize=7)
        if title:
            ax.set_title(title, loc="left")
    return ax


def plot_nowcast(nowcast: pd.DataFrame, *, ax: plt.Axes | None = None, title: str | None = None, lang: str = "en") -> plt.Axes:
    """Observed counts of the nowcast months as bars, the estimate and its interval as error bars."""
    check_lang(lang)
    ax = new_axes(ax)
    with style_context():
        idx = pd.PeriodIndex(nowcast["month"], freq="M")
        centre = period_centres(idx)
        w = _bar_width_days(idx)
        draw_bars(ax, centre, nowcast["observed"].to_numpy(dtype=float), width=w, color=PALETTE["blue"],
                  label=text("observed", lang))
        est = nowcast["estimate"].to_numpy(dtype=float)
        record(ax, nowcast.set_index(idx)[["observed", "estimate", "lower", "upper"]].astype(float), name="nowcast")
        ax.errorbar(centre, est, yerr=[est - nowcast["lower"].to_numpy(dtype=float),
                                       nowcast["upper"].to_numpy(dtype=float) - est],
                    fmt="o", color=PALETTE["vermillion"], capsize=3, label=text("nowcast_point", lang))
        ax.set_ylabel(text("inclusions_per_month", lang))
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=7)
        apply_locale(ax, lang)
        if title:
            ax.set_title(title, loc="left")
    return ax


def plot_backtest(backtest: pd.DataFrame, *, ax: plt.Axes | None = None, title: str | None = None, lang: str = "en") -> plt.Axes:
    """Back-test: truth minus nowcast interval per month-cutoff; covered in blue, missed in vermillion."""
    check_lang(lang)
    ax = new_axes(ax)
    with style_context():
        b = backtest.reset_index(drop=True)
        y = np.arange(len(b))
        est = b["estimate"].to_numpy(dtype=float)
        ax.hlines(y, b["lower"] - est, b["upper"] - est, color=PALETTE["grey"], linewidth=1)
        col = np.where(b["covered"], PALETTE["blue"], PALETTE["vermillion"])
        ax.scatter(b["truth"] - est, y, c=col, s=8, zorder=3)
        record(ax, pd.DataFrame({"error": b["truth"] - est, "lower": b["lower"] - est, "upper": b["upper"] - est,
                                 "covered": b["covered"]}), name="backtest")
        ax.axvline(0, color="#444444", linewidth=0.8)
        ax.set_xlabel(text("backtest_axis", lang))
        ax.xaxis.set_major_formatter(number_formatter(lang))
        ax.set_ylabel(text("cutoff_month", lang))
        ax.set_yticks([])
        if title:
            ax.set_title(title, loc="left")
    return ax


def plot_series_with_nowcast(flow: pd.Series, nowcast: pd.DataFrame | None = None, *,
                             ax: plt.Axes | None = None, title: str | None = None,
                             ylabel: str | None = None, lang: str = "en") -> plt.Axes:
    """The monthly series as bars (the default view), with the nowcast band on its last months when given."""
    check_lang(lang)
    ax = new_axes(ax)
    with style_context():
        plot_counts(flow, ax=ax, kind="bar", label=text("as_published", lang),
                    ylabel=text("inclusions_per_month", lang) if ylabel is None else ylabel, title=title,
                    color=PALETTE["blue"], lang=lang)
        if nowcast is not None and len(nowcast):
            idx = pd.PeriodIndex(nowcast["month"], freq="M")
            lo = nowcast["lower"].to_numpy(dtype=float)
            hi = nowcast["upper"].to_numpy(dtype=float)
            # one artist for all months: a bar from the lower to the upper bound of each
            draw_bars(ax, period_centres(idx), hi - lo, bottom=lo, width=_bar_width_days(idx),
                      color=PALETTE["orange"], alpha=0.35, zorder=Z_BAND + 1, label=text("nowcast_band", lang))
            record(ax, pd.DataFrame({"lower": lo, "upper": hi}, index=idx), name="nowcast_interval")
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=7, loc="upper left")
    return ax
