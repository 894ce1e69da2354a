"""Figures of a screen: small multiples of the top changes, an effect chart, punishment shares.

Scale rule of the small multiples (:func:`plot_screen_top`): every panel shows its
series **relative to its own mean per period before the event** (1 = that mean,
drawn as a dashed line), on **one linear y axis shared by all panels that starts at
0**. So a doubling looks the same in every panel whatever the size of the series,
no panel is stretched to fill its box, and zero stays zero; the absolute pre-event
mean is printed in each panel's title so counts can be recovered.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .drawn import record
from .locale import format_number, number_formatter
from .style import DPI, PALETTE, _bar_width_days, draw_bars, new_axes, period_centres, style_context
from .texts import check_lang, text

__all__ = ["plot_punishment_shares", "plot_screen_effects", "plot_screen_top", "plot_share",
           "SCALE_RULE"]

#: The scale rule of :func:`plot_screen_top`, in words (for captions).
SCALE_RULE = ("each panel: counts divided by the series' mean per period before the event (dashed line = 1); "
              "one y axis from 0 shared by all panels")

#: Colours of the punishment groups (Okabe–Ito), in :data:`analysis.screening.severity.PUNISHMENT_GROUPS` order.
GROUP_COLOURS = {"imprisonment": PALETTE["vermillion"], "suspended": PALETTE["orange"], "fine": PALETTE["blue"],
                 "compulsory_correctional": PALETTE["green"], "other": PALETTE["grey"]}


def _key_label(row: pd.Series, by: Sequence[str], labels: dict[tuple, str] | None) -> str:
    key = tuple(row[c] for c in by)
    if labels is not None and key in labels:
        return labels[key]
    return " / ".join(str(k) for k in key if not (isinstance(k, float) and np.isnan(k)) and k is not None)


def plot_screen_top(result: Any, *, k: int = 9, q: float | None = None, axes: Any = None, ncols: int = 3,
                    labels: dict[tuple, str] | None = None, lang: str = "en") -> np.ndarray:
    """Small multiples of the ``k`` changes with the smallest adjusted p-values.

    Parameters
    ----------
    result : ScreenResult
    k : int, default 9
    q : float, optional
        Only discoveries at this level (Benjamini–Hochberg).
    axes : sequence of Axes or Figure, optional
        Where to draw (at least ``k`` Axes); default a new figure with ``ncols`` columns.
    ncols : int, default 3
    labels : dict, optional
        Panel titles by series key (tuple of the ``by`` values).

    Returns
    -------
    ndarray of Axes

    Notes
    -----
    The scale rule is :data:`SCALE_RULE`. Bars are the counts per period; the
    vertical line is the event; the title gives the rate ratio with its interval and
    the Benjamini–Hochberg adjusted p-value.
    """
    check_lang(lang)
    top = result.top(k, q=q)
    n = max(len(top), 1)
    with style_context():
        if axes is None:
            nrows = int(np.ceil(n / ncols))
            fig, grid = plt.subplots(nrows, ncols, figsize=(3.0 * ncols, 2.2 * nrows + 0.4), dpi=DPI,
                                     layout="constrained", squeeze=False, sharex=False)
            axs = grid.ravel()
        elif isinstance(axes, plt.Figure):
            axs = np.asarray(axes.axes)
        else:
            axs = np.asarray(axes, dtype=object).ravel()
        if axs.size < len(top):
            raise ValueError(f"need at least {len(top)} Axes, got {axs.size}")
        series, ymax = [], 1.0
        for pos, row in top.iterrows():
            y = result.series(int(pos))
            base = float(row["mean_before"])
            rel = y / base
            series.append((row, y, rel, base))
            ymax = max(ymax, float(np.nanmax(rel.to_numpy(dtype=float))))
        for ax, (row, y, rel, base) in zip(axs, series):
            v = rel.to_numpy(dtype=float)
            draw_bars(ax, period_centres(rel.index), v, width=_bar_width_days(rel.index), color=PALETTE["blue"])
            record(ax, pd.DataFrame({"count": y.to_numpy(dtype=float), "relative": v}, index=rel.index),
                   name="bars")
            ax.axhline(1.0, color=PALETTE["black"], linewidth=0.8, linestyle="--")
            ax.axvline(result.event_date, color=PALETTE["vermillion"], linewidth=1.0)
            ax.set_ylim(0, ymax * 1.05)
            f = lambda v, d: format_number(float(f"{v:.{d}g}"), lang)  # noqa: E731
            ax.set_title(text("panel_title", lang, label=_key_label(row, result.by, labels),
                              rr=f(row["rate_ratio"], 2), lo=f(row["lower"], 2), hi=f(row["upper"], 2),
                              q=f(row["p_bh"], 1), base=f(base, 3)), loc="left", fontsize=7)
            ax.yaxis.set_major_formatter(number_formatter(lang))
            ax.tick_params(labelsize=7)
            ax.xaxis.set_major_locator(mdates.YearLocator(base=4))
            ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        for ax in axs[len(series):]:
            ax.set_visible(False)
        if series:
            axs[0].figure.supylabel(text("relative_axis", lang), fontsize=8)
    return axs


def plot_screen_effects(frame: pd.DataFrame, *, ax: plt.Axes | None = None, label: str = "label",
                        title: str | None = None, lang: str = "en") -> plt.Axes:
    """Rate ratios of the event with their intervals, one row per series (log scale).

    ``frame`` has ``rate_ratio``, ``lower``, ``upper`` and a text column ``label``;
    rows are drawn top to bottom in the given order.
    """
    check_lang(lang)
    ax = new_axes(ax, figsize=(8.0, 0.28 * max(len(frame), 4) + 1.0))
    with style_context():
        record(ax, frame.set_index(label)[["rate_ratio", "lower", "upper"]], name="effects")
        ypos = np.arange(len(frame))[::-1]
        rr = frame["rate_ratio"].to_numpy(dtype=float)
        lo, hi = frame["lower"].to_numpy(dtype=float), frame["upper"].to_numpy(dtype=float)
        colour = np.where(rr >= 1, PALETTE["vermillion"], PALETTE["blue"])
        ax.hlines(ypos, lo, hi, colors=colour, linewidth=1.4)
        ax.scatter(rr, ypos, color=colour, s=14, zorder=3)
        ax.axvline(1.0, color=PALETTE["black"], linewidth=0.8, linestyle="--")
        ax.set_xscale("log")
        ax.set_yticks(ypos)
        ax.set_yticklabels(frame[label].astype(str).tolist(), fontsize=7)
        ax.xaxis.set_major_formatter(number_formatter(lang))
        ax.set_xlabel(text("rr_axis", lang))
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
        ax.grid(axis="y", visible=False)
        if title:
            ax.set_title(title, loc="left")
    return ax


def plot_share(data: pd.DataFrame, *, ax: plt.Axes | None = None, event_date: Any = None,
               title: str | None = None, color: str = PALETTE["vermillion"], lang: str = "en") -> plt.Axes:
    """Share per year with its interval (``year, share, lower, upper``), on a 0–1 axis."""
    check_lang(lang)
    ax = new_axes(ax)
    with style_context():
        x = pd.to_datetime(data["year"].astype(int).astype(str) + "-07-01")
        share = data["share"].to_numpy(dtype=float)
        ax.vlines(x, data["lower"].to_numpy(dtype=float), data["upper"].to_numpy(dtype=float), colors=color,
                  linewidth=1.4)
        ax.scatter(x, share, color=color, s=16, zorder=3)
        record(ax, data.set_index("year")[["share", "lower", "upper"]], name="share")
        if event_date is not None:
            ax.axvline(pd.Timestamp(event_date), color=PALETTE["black"], linewidth=0.8, linestyle=":")
        ax.set_ylim(0, 1)
        ax.set_ylabel(text("share_convicted", lang))
        ax.yaxis.set_major_formatter(number_formatter(lang))
        if title:
            ax.set_title(title, loc="left")
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    return ax


def plot_punishment_shares(shares: pd.DataFrame, article: str, *, ax: plt.Axes | None = None,
                           event_date: Any = None, title: str | None = None, lang: str = "en") -> plt.Axes:
    """Stacked bars of the punishment groups' shares per year for one article.

    ``shares`` is the frame of :func:`analysis.screening.severity.punishment_shares`.
    Years in which a group's column is missing from the form are left blank for
    that group (the stack then does not reach 1).
    """
    from ..screening.severity import PUNISHMENT_GROUPS

    check_lang(lang)
    ax = new_axes(ax)
    with style_context():
        s = shares[shares["article"] == str(article)]
        years = sorted(s["year"].unique())
        x = pd.to_datetime([f"{y}-07-02" for y in years])
        bottom = np.zeros(len(years))
        drawn = {}
        for grp in PUNISHMENT_GROUPS:
            g = s[s["group"] == grp].set_index("year").reindex(years)
            v = g["share"].to_numpy(dtype=float)
            draw_bars(ax, x, v, bottom=bottom, width=310, color=GROUP_COLOURS[grp], label=text("group_" + grp, lang))
            drawn[grp] = v
            bottom = bottom + np.nan_to_num(v)
        record(ax, pd.DataFrame(drawn, index=pd.Index(years, name="year")), name="shares")
        if event_date is not None:
            ax.axvline(pd.Timestamp(event_date), color=PALETTE["black"], linewidth=0.8, linestyle=":")
        ax.set_ylim(0, 1)
        ax.set_ylabel(text("share_convicted", lang))
        ax.yaxis.set_major_formatter(number_formatter(lang))
        ax.set_title(title or text("punishments_title", lang, article=article), loc="left")
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7)
    return ax
