"""Figures for change-point results: breaks on the series, the CROPS elbow, the Bayesian posterior.

Each function draws on an existing axes or a new one of the standard size, inside the
toolkit style, and returns the axes. Series with a ``PeriodIndex`` are drawn on real
dates; plain arrays on their positions.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .drawn import record
from .locale import apply_locale, format_number
from .style import PALETTE, Z_BAND, Z_LINES, add_breaks, draw_bars, new_axes, plot_counts, style_context
from .texts import check_lang, cost_label, text

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


def _draw_series(values: np.ndarray, index: pd.Index | None, ax: "plt.Axes", ylabel: str | None,
                 lang: str = "en") -> "plt.Axes":
    ylabel = text("count", lang) if ylabel is None else ylabel
    if _has_dates(index):
        return plot_counts(pd.Series(values, index=index), ax=ax, kind="bar", ylabel=ylabel,
                           color=PALETTE["sky"], label=text("observed", lang), lang=lang)
    with style_context():
        draw_bars(ax, np.arange(values.size) + 0.5, values, width=0.85, color=PALETTE["sky"],
                  label=text("observed", lang))
        record(ax, pd.Series(np.asarray(values, dtype=float)), name="bars")
        ax.set_xlabel(text("position", lang))
        ax.set_ylabel(ylabel)
        apply_locale(ax, lang, dates=False)
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
                      intervals: bool | None = None, ylabel: str | None = None,
                      title: str | None = None, lang: str = "en") -> "plt.Axes":
    """Series as bars, fitted segment levels as steps with their intervals, breaks as dashed lines, pulses as rings.

    Parameters
    ----------
    result : ChangePointResult
    ax : Axes, optional
    intervals : bool, optional
        Draw the break-date bands: ``True`` computes :meth:`conf_int` with its defaults,
        ``None`` draws them only if they were computed already, ``False`` never.
    ylabel, title : str, optional
    lang : str, default "en"
    """
    check_lang(lang)
    ax = new_axes(ax)
    idx = result.index
    vals = result.values
    _draw_series(vals, idx, ax, ylabel, lang)
    edges = _x_edges(idx, vals.size)
    seg = result.segments
    with style_context():
        level = np.full(vals.size, np.nan)
        lower, upper = level.copy(), level.copy()
        for s0, e0, v, lo, hi in zip(seg["start"], seg["end"], seg["estimate"], seg["lower"], seg["upper"]):
            level[s0:e0], lower[s0:e0], upper[s0:e0] = v, lo, hi
        ax.stairs(upper, edges, baseline=lower, fill=True, color=PALETTE["blue"], alpha=0.12, linewidth=0,
                  zorder=Z_BAND)
        ax.stairs(level, edges, baseline=None, color=PALETTE["blue"], linewidth=1.6, zorder=Z_LINES,
                  label=text("segment_level", lang, cost=cost_label(result.cost, lang)))
        record(ax, pd.DataFrame({"level": level, "lower": lower, "upper": upper},
                                index=idx if _has_dates(idx) else None), name="segment_levels")
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
            add_breaks(ax, list(result.breaks), intervals=bands, lang=lang)
        else:
            for i, p in enumerate(result.positions):
                ax.axvline(p, color=PALETTE["vermillion"], linewidth=1.2, linestyle="--", zorder=Z_LINES,
                           label=text("break", lang) if i == 0 else None)
                if bands is not None:
                    ax.axvspan(bands[i][0], bands[i][1], color=PALETTE["vermillion"], alpha=0.15, linewidth=0,
                               zorder=Z_BAND)
            record(ax, pd.DataFrame({"position": list(result.positions)}), name="breaks")
        _draw_pulses(ax, result, edges, lang)
        if title:
            ax.set_title(title, loc="left")
        ax.legend(loc="upper right", fontsize=7)
    return ax


def _draw_pulses(ax: "plt.Axes", result: "ChangePointResult", edges: np.ndarray, lang: str = "en") -> None:
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
            label=text("pulse", lang), zorder=Z_LINES)
    record(ax, pd.DataFrame({"position": pos, "value": p["value"].to_numpy(dtype=float)}), name="pulses")


def plot_crops(path: "CropsPath", *, ax: "plt.Axes | None" = None, lang: str = "en") -> "plt.Axes":
    """Unpenalised cost against number of breaks along the CROPS path (pick the elbow)."""
    check_lang(lang)
    ax = new_axes(ax)
    df = path.path.sort_values("n_breaks", kind="stable")
    with style_context():
        ax.plot(df["n_breaks"], df["cost"], marker="o", color=PALETTE["blue"], linewidth=1.3)
        record(ax, df.set_index("n_breaks")[["cost", "penalty_lower", "penalty_upper"]], name="path")
        for _, r in df.iterrows():
            ax.annotate(f"[{format_number(r['penalty_lower'], lang, digits=3)}; "
                        f"{format_number(r['penalty_upper'], lang, digits=3)}]", (r["n_breaks"], r["cost"]),
                        textcoords="offset points", xytext=(4, 4), fontsize=6, color="#444444")
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(text("n_breaks", lang))
        ax.set_ylabel(text("crops_cost", lang))
        apply_locale(ax, lang, dates=False)
        ax.set_title(text("crops_title", lang, lo=format_number(path.penalty_range[0], lang, digits=3),
                          hi=format_number(path.penalty_range[1], lang, digits=3)), loc="left")
    return ax


def plot_bayesian_changepoints(result: "BayesianChangePointResult", *, ax: "plt.Axes | None" = None,
                               ylabel: str | None = None, lang: str = "en") -> "plt.Axes":
    """Counts as bars, posterior mean rate (step) with its credible band, break probability on a right axis.

    The right axis says what it shows ("posterior probability of a break in this
    period") and carries a guide line at 0.5 (a break as likely as not).
    """
    check_lang(lang)
    ax = new_axes(ax)
    idx = result.index
    vals = result.values
    _draw_series(vals, idx, ax, ylabel, lang)
    edges = _x_edges(idx, vals.size)
    r = result.rate
    with style_context():
        level = int(round(result.level * 100))
        ax.stairs(r["upper"].to_numpy(), edges, baseline=r["lower"].to_numpy(), fill=True,
                  color=PALETTE["blue"], alpha=0.15, zorder=Z_BAND, label=text("credible_band", lang, level=level))
        ax.stairs(r["mean"].to_numpy(), edges, color=PALETTE["blue"], linewidth=1.5, baseline=None, zorder=Z_LINES,
                  label=text("posterior_mean", lang))
        ax2 = ax.twinx()
        ax2._analysis_twin_of = ax
        prob = result.break_probability.to_numpy(dtype=float)
        ax2.stairs(prob, edges, color=PALETTE["vermillion"], linewidth=1.0, baseline=0,
                   label=text("break_prob", lang))
        ax2.axhline(0.5, color=PALETTE["vermillion"], linewidth=0.6, linestyle="--")
        ax2.set_ylim(0, 1)
        ax2.set_yticks([0, 0.5, 1])
        ax2.set_ylabel(text("break_prob_axis_period", lang), color=PALETTE["vermillion"], fontsize=7)
        apply_locale(ax2, lang, dates=False)
        ax2.spines["right"].set_visible(True)
        ax2.grid(False)
        record(ax, pd.DataFrame({"mean": r["mean"].to_numpy(float), "lower": r["lower"].to_numpy(float),
                                 "upper": r["upper"].to_numpy(float), "break_probability": prob},
                                index=idx if _has_dates(idx) else None), name="posterior")
        h1, l1 = ax.get_legend_handles_labels()
        h2, l2 = ax2.get_legend_handles_labels()
        ax.legend(h1 + h2, l1 + l2, loc="upper right", fontsize=7)
    return ax
