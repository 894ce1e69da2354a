"""Figures of the series themselves: registry flows and stocks, breaks, breakdowns, annual convictions.

Each ``plot_*`` function draws on ``ax`` (or a new standard-size axes) with the shared
style of :mod:`analysis.plots.style` and returns the axes. Counts are bars centred in
their period on real dates; a stock is a step line; missing periods (outside coverage)
are left blank; negative values (net flows) are drawn below a zero line, never clipped.
Every visible string is taken from :mod:`analysis.plots.texts` in ``lang``; every layer
is recorded for the figure's CSV (:mod:`analysis.plots.drawn`).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

from .drawn import add_note, record
from .locale import apply_locale
from .style import (
    CYCLE,
    DPI,
    FIGSIZE,
    PALETTE,
    Z_BAND,
    Z_LINES,
    _bar_width_days,
    _to_timestamps,
    add_breaks,
    add_events,
    draw_bars,
    event_handle,
    new_axes,
    period_centres,
    plot_counts,
    style_context,
)
from .texts import check_lang, cost_label, text

if TYPE_CHECKING:  # pragma: no cover
    from ..changepoint.results import ChangePointResult

__all__ = [
    "new_panel_figure",
    "plot_break_probability",
    "plot_breakdown",
    "plot_breaks",
    "plot_convictions",
    "plot_flow_and_stock",
]


def _legend_below(ax: plt.Axes, handles: list, labels: list, *, ncols: int) -> None:
    """Legend under the axes, clear of the event labels at the top of the plot area."""
    if not handles:
        return
    ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(0.0, -0.09), fontsize=7,
              ncols=max(1, min(ncols, len(labels))), borderaxespad=0.0, handlelength=1.5)


def _handles(*axes: plt.Axes, lang: str) -> tuple[list, list]:
    hs, ls = [], []
    for a in axes:
        h, lab = a.get_legend_handles_labels()
        hs += h
        ls += lab
    ev = event_handle(axes[0], lang)
    if ev is not None:
        hs.append(ev)
        ls.append(ev.get_label())
    return hs, ls


def _zero_line(ax: plt.Axes, values: np.ndarray) -> None:
    """A zero line when some values are negative (they are drawn, not clipped)."""
    if np.nanmin(values, initial=0.0) < 0:
        ax.axhline(0.0, color="#444444", linewidth=0.8, zorder=Z_LINES - 0.2)


def new_panel_figure(n: int = 2, *, height_ratios: Sequence[float] | None = None,
                     figsize: tuple[float, float] | None = None) -> tuple[plt.Figure, list[plt.Axes]]:
    """A figure with ``n`` stacked panels sharing the date axis, in the toolkit style."""
    figsize = figsize or (FIGSIZE[0], FIGSIZE[1] * (1.0 + 0.45 * (n - 1)))
    with style_context():
        fig, axes = plt.subplots(n, 1, figsize=figsize, dpi=DPI, sharex=True, layout="constrained",
                                 gridspec_kw={"height_ratios": list(height_ratios or [3] + [1] * (n - 1))})
    return fig, list(np.atleast_1d(axes))


def _flow_bars(ax: plt.Axes, flow: pd.Series, *, label: str, ylabel: str, title: str | None,
               incomplete: Sequence[str], lang: str) -> np.ndarray:
    vals = pd.to_numeric(flow, errors="coerce").to_numpy(dtype=float)
    plot_counts(flow, ax=ax, kind="bar", label=label, ylabel=ylabel, title=title, color=PALETTE["blue"], lang=lang)
    if incomplete:
        inc = set(incomplete)
        mask = np.array([str(p) in inc for p in flow.index]) & np.isfinite(vals)
        if mask.any():
            sub = flow[mask]
            draw_bars(ax, period_centres(sub.index), sub.to_numpy(dtype=float), width=_bar_width_days(flow.index),
                      color="white", edgecolor=PALETTE["blue"], hatch="////", linewidth=0.6,
                      label=text("incomplete", lang))
            record(ax, sub.astype(float), name="incomplete")
    _zero_line(ax, vals)
    return vals


def plot_flow_and_stock(flow: pd.Series, stock: pd.Series | None = None, *, ax: plt.Axes | None = None,
                        flow_label: str | None = None, stock_label: str | None = None,
                        ylabel: str | None = None, stock_ylabel: str | None = None,
                        title: str | None = None,
                        breaks: Sequence[Any] | None = None,
                        intervals: Sequence[tuple[Any, Any] | None] | None = None,
                        events: Iterable[Sequence[Any]] | None = None,
                        incomplete: Sequence[str] = (), alpha: float = 0.05,
                        lang: str = "en") -> plt.Axes:
    """Monthly flow as bars, the stock as a step line on a right-hand axis.

    Parameters
    ----------
    flow : Series
        Counts per period (``PeriodIndex``); NaN periods are not drawn. Negative values
        (net flows) are drawn below a zero line.
    stock : Series, optional
        Number in the registry at the end of each period, drawn on a twin axis.
    flow_label, ylabel : str, optional
        Legend entry and axis label of the bars (default "inclusions per month").
    stock_label, stock_ylabel : str, optional
        Legend entry and axis label of the stock (default "in the registry (stock)",
        the same words on both).
    title : str, optional
    breaks, intervals : optional
        Break periods (first period of each new regime) and their interval bounds.
    events : iterable of (date, label) or (date, label, explanation), optional
        Calendar annotations (laws in force), see :func:`analysis.plots.style.add_events`.
    incomplete : sequence of str
        Periods (``YYYY-MM``) that are incomplete; their bars are hatched.
    alpha : float, default 0.05
        Level of the break intervals (legend text only).
    lang : str, default "en"

    Returns
    -------
    Axes
        The axes of the bars (the stock's twin is ``ax.figure.axes[-1]``).
    """
    check_lang(lang)
    ax = new_axes(ax)
    flow_label = text("inclusions_per_month", lang) if flow_label is None else flow_label
    ylabel = flow_label if ylabel is None else ylabel
    with style_context():
        _flow_bars(ax, flow, label=flow_label, ylabel=ylabel, title=title, incomplete=incomplete, lang=lang)
        twins = [ax]
        if stock is not None:
            stock_label = text("stock", lang) if stock_label is None else stock_label
            stock_ylabel = stock_label if stock_ylabel is None else stock_ylabel
            ax2 = ax.twinx()
            ax2._analysis_twin_of = ax
            vals = pd.to_numeric(stock, errors="coerce").to_numpy(dtype=float)
            ax2.step(_to_timestamps(stock.index), vals, where="post", color=PALETTE["orange"], linewidth=1.4,
                     label=stock_label, zorder=Z_LINES)
            record(ax2, pd.Series(vals, index=stock.index), name="stock")
            ax2.set_ylabel(stock_ylabel, color="#8a5a00")
            ax2.grid(False)
            ax2.spines["right"].set_visible(True)
            if np.nanmin(vals, initial=0.0) >= 0:
                ax2.set_ylim(bottom=0)
            apply_locale(ax2, lang, dates=False)
            twins.append(ax2)
        if breaks:
            add_breaks(ax, list(breaks), intervals=list(intervals) if intervals is not None else None,
                       alpha=alpha, lang=lang)
        if events:
            add_events(ax, events, lang=lang)
        _legend_below(ax, *_handles(*twins, lang=lang), ncols=4)
    return ax


def _x_edges(index: pd.Index) -> np.ndarray:
    """Start of each period and the end of the last, as dates."""
    if isinstance(index, pd.PeriodIndex):
        starts = list(index.start_time) + [(index[-1] + 1).start_time]
        return np.array(starts, dtype="datetime64[ns]")
    starts = list(pd.DatetimeIndex(index))
    step = starts[-1] - starts[-2] if len(starts) > 1 else pd.Timedelta(days=1)
    return np.array(starts + [starts[-1] + step], dtype="datetime64[ns]")


def plot_breaks(y: pd.Series, result: "ChangePointResult | None" = None, *, ax: plt.Axes | None = None,
                ax_prob: plt.Axes | None = None, breaks: Sequence[Any] | None = None,
                intervals: Sequence[tuple[Any, Any] | None] | None = None,
                probability: pd.Series | None = None, events: Iterable[Sequence[Any]] | None = None,
                title: str | None = None, flow_label: str | None = None, ylabel: str | None = None,
                alpha: float = 0.05, lang: str = "en") -> plt.Axes:
    """The series with its breaks, the level of each regime, the law lines and (below) the posterior.

    Parameters
    ----------
    y : Series
        The series searched (``PeriodIndex``), drawn as bars.
    result : ChangePointResult, optional
        Its segments give the level of each regime (a step line with its interval) and
        its pulses are drawn as rings; its breaks are used when ``breaks`` is None.
    ax, ax_prob : Axes, optional
        Where to draw the series and the posterior. Default: a new figure with one panel,
        or two when ``probability`` is given.
    breaks, intervals : optional
        Breaks (first period of each new regime) and their interval bounds.
    probability : Series, optional
        Posterior probability that a new regime starts in each period
        (:func:`plot_break_probability`).
    events : iterable of (date, label) or (date, label, explanation), optional
        Laws in force, for comparison with the breaks.
    title, flow_label, ylabel : str, optional
    alpha : float, default 0.05
        Level of the intervals (legend text only).
    lang : str, default "en"

    Returns
    -------
    Axes
        The axes of the series (the posterior's axes is ``ax.figure.axes[-1]`` when drawn).

    Notes
    -----
    The segment levels are the estimates of the change-point model (a level per regime,
    pulses apart); they are drawn over the periods of each segment, so a regime's bars
    can be compared with the level the model gives them.
    """
    check_lang(lang)
    if ax is None:
        if probability is not None:
            _, (ax, ax_prob) = new_panel_figure(2)
        else:
            ax = new_panel_figure(1)[1][0]
    flow_label = text("inclusions_per_month", lang) if flow_label is None else flow_label
    if breaks is None and result is not None:
        breaks = list(result.breaks)
    with style_context():
        _flow_bars(ax, y, label=flow_label, ylabel=flow_label if ylabel is None else ylabel, title=title,
                   incomplete=(), lang=lang)
        if result is not None:
            _segment_levels(ax, result, alpha=alpha, lang=lang)
        if breaks:
            add_breaks(ax, list(breaks), intervals=list(intervals) if intervals is not None else None,
                       alpha=alpha, lang=lang)
        if events:
            add_events(ax, events, lang=lang)
        _legend_below(ax, *_handles(ax, lang=lang), ncols=3)
        if probability is not None and ax_prob is not None:
            plot_break_probability(probability, ax=ax_prob, lang=lang)
    return ax


def _segment_levels(ax: plt.Axes, result: "ChangePointResult", *, alpha: float, lang: str) -> None:
    """Level of each regime as one step line, its interval as one band behind the bars, pulses as rings."""
    if result.index is None or not isinstance(result.index, (pd.PeriodIndex, pd.DatetimeIndex)):
        return
    edges = _x_edges(result.index)
    seg = result.segments
    level = np.full(len(result.index), np.nan)
    lower, upper = level.copy(), level.copy()
    for s, e, v, lo, hi in zip(seg["start"], seg["end"], seg["estimate"], seg["lower"], seg["upper"]):
        level[s:e], lower[s:e], upper[s:e] = v, lo, hi
    ax.stairs(upper, edges, baseline=lower, fill=True, color=PALETTE["sky"], alpha=0.35, linewidth=0,
              zorder=Z_BAND, label=text("segment_band", lang, level=f"{(1 - alpha) * 100:.0f}"))
    ax.stairs(level, edges, baseline=None, color=PALETTE["black"], linewidth=1.4, zorder=Z_LINES,
              label=text("segment_level", lang, cost=cost_label(result.cost, lang)))
    record(ax, pd.DataFrame({"level": level, "lower": lower, "upper": upper}, index=result.index),
           name="segment_levels")
    p = getattr(result, "pulses", None)
    if p is not None and len(p):
        pos = p["position"].to_numpy(dtype=int)
        mid = period_centres(result.index)[pos]
        vals = p["value"].to_numpy(dtype=float)
        ax.plot(mid, vals, linestyle="none", marker="o", markersize=5, markerfacecolor="none",
                markeredgecolor=PALETTE["vermillion"], markeredgewidth=1.2, zorder=Z_LINES,
                label=text("pulse", lang))
        record(ax, pd.Series(vals, index=result.index[pos]), name="pulses")


def plot_breakdown(frame: pd.DataFrame, *, ax: plt.Axes | None = None, ylabel: str | None = None,
                   title: str | None = None, labels: Mapping[str, str] | None = None,
                   events: Iterable[Sequence[Any]] | None = None,
                   unknown: str | None = None, unknown_explanation: str | None = None,
                   lang: str = "en") -> plt.Axes:
    """Stacked bars of one count measure split into groups (columns of ``frame``).

    Parameters
    ----------
    frame : DataFrame
        ``PeriodIndex`` and one column per group, in the order to stack. Periods where
        every group is missing are left blank; a missing group counts as 0 in a period
        where another group has a value.
    ax : Axes, optional
    ylabel, title : str, optional
    labels : mapping, optional
        Legend text by column.
    events : iterable of (date, label) or (date, label, explanation), optional
    unknown : str, optional
        The column of entries whose group is not known. It is stacked last, drawn light
        and hatched (not as a category like the others), and ``unknown_explanation``
        becomes a caption note (:func:`analysis.plots.drawn.figure_notes`).
    unknown_explanation : str, optional
        Why the group is unknown (for example: the source after a date does not give it).
    lang : str, default "en"

    Returns
    -------
    Axes
    """
    check_lang(lang)
    ax = new_axes(ax)
    labels = dict(labels or {})
    cols = [c for c in frame.columns if c != unknown] + ([unknown] if unknown in frame.columns else [])
    with style_context():
        x = period_centres(frame.index)
        width = _bar_width_days(frame.index)
        allnan = frame.isna().all(axis=1).to_numpy()
        bottom = np.zeros(len(frame))
        drawn = {}
        k = 0
        for col in cols:
            v = pd.to_numeric(frame[col], errors="coerce").fillna(0.0).to_numpy(dtype=float)
            v = np.where(allnan, np.nan, v)
            label = labels.get(col, text("unknown", lang) if col == unknown else str(col))
            if col == unknown:
                draw_bars(ax, x, v, width=width, bottom=bottom, color="#eeeeee", edgecolor=PALETTE["grey"],
                          hatch="xxxx", linewidth=0.4, label=label)
            else:
                draw_bars(ax, x, v, width=width, bottom=bottom, color=CYCLE[k % len(CYCLE)], label=label)
                k += 1
            drawn[str(col)] = v
            bottom = bottom + np.nan_to_num(v)
        record(ax, pd.DataFrame(drawn, index=frame.index), name="stacked_bars")
        ax.set_ylabel(text("count", lang) if ylabel is None else ylabel)
        if title:
            ax.set_title(title, loc="left")
        apply_locale(ax, lang)
        if events:
            add_events(ax, events, lang=lang)
        if unknown in frame.columns and unknown_explanation:
            add_note(ax, text("unknown_note", lang, label=labels.get(unknown, text("unknown", lang)),
                              explanation=unknown_explanation))
        _legend_below(ax, *_handles(ax, lang=lang), ncols=2 if len(cols) > 3 else 3)
    return ax


def plot_convictions(main: pd.Series, additional: pd.Series | None = None, *, ax: plt.Axes | None = None,
                     title: str | None = None, ylabel: str | None = None,
                     main_label: str | None = None, additional_label: str | None = None,
                     breaks: Sequence[Any] | None = None,
                     intervals: Sequence[tuple[Any, Any] | None] | None = None,
                     events: Iterable[Sequence[Any]] | None = None,
                     fit: Any = None, fitted: pd.Series | None = None,
                     counterfactual: pd.DataFrame | None = None,
                     alpha: float = 0.05, n_sim: int = 1000, rng: Any = 0,
                     lang: str = "en") -> plt.Axes:
    """Annual convictions: main-charge bars, additional-charge persons stacked on top; trend and counterfactual.

    Parameters
    ----------
    main, additional : Series
        Persons per year (``PeriodIndex`` of years); the top of each stack is all persons.
        Years in which the article did not exist (missing) are left blank.
    ax : Axes, optional
    title, ylabel, main_label, additional_label : str, optional
    breaks, intervals : optional
        Breaks of the main-charge series and their intervals; the bands lie behind the
        bars and do not tint them.
    events : iterable of (date, label) or (date, label, explanation), optional
    fit : CountModelResult, optional
        A fitted count model of the main charge: its fitted trend (with the effects) and
        its counterfactual without the interventions (with band) are drawn.
    fitted : Series, optional
        The fitted mean per year, when no ``fit`` is given.
    counterfactual : DataFrame, optional
        Columns ``counterfactual``, ``cf_lower``, ``cf_upper`` by year, when no ``fit``.
    alpha, n_sim, rng
        Level, Monte Carlo draws and seed of the counterfactual band (with ``fit``).
    lang : str, default "en"

    Returns
    -------
    Axes

    Notes
    -----
    Bars and ticks are at the middle of each year; the tick labels are the years.
    """
    check_lang(lang)
    ax = new_axes(ax)
    main_label = text("main", lang) if main_label is None else main_label
    ylabel = text("convicted_per_year", lang) if ylabel is None else ylabel
    with style_context():
        plot_counts(main, ax=ax, kind="bar", label=main_label, ylabel=ylabel, title=title, color=PALETTE["blue"],
                    lang=lang)
        mvals = main.to_numpy(dtype=float)
        if additional is not None:
            add = additional.reindex(main.index).to_numpy(dtype=float)
            add = np.where(np.isnan(mvals), np.nan, add)
            draw_bars(ax, period_centres(main.index), add, bottom=mvals, width=_bar_width_days(main.index),
                      color=PALETTE["sky"],
                      label=text("additional", lang) if additional_label is None else additional_label)
            record(ax, pd.DataFrame({"main": mvals, "additional": add}, index=main.index), name="bars")
        if breaks:
            add_breaks(ax, list(breaks), intervals=list(intervals) if intervals is not None else None,
                       alpha=alpha, lang=lang)
        if fit is not None or fitted is not None:
            from .models import add_fit_and_counterfactual

            add_fit_and_counterfactual(ax, fit, fitted=fitted, counterfactual=counterfactual, alpha=alpha,
                                       n_sim=n_sim, rng=rng, legend=False, lang=lang)
        _year_ticks(ax, main.index)
        if events:
            add_events(ax, events, lang=lang)
        _legend_below(ax, *_handles(ax, lang=lang), ncols=3)
    return ax


def _year_ticks(ax: plt.Axes, index: pd.Index) -> None:
    """Ticks at the middle of each year (where the bars are), labelled with the year; thinned to ≤ 12."""
    if not isinstance(index, pd.PeriodIndex) or not len(index):
        return
    step = max(1, int(np.ceil(len(index) / 12)))
    sub = index[::step]
    ax.xaxis.set_major_locator(mticker.FixedLocator(mdates_num(period_centres(sub))))
    ax.xaxis.set_major_formatter(mticker.FixedFormatter([str(p.year) for p in sub]))
    ax.xaxis.set_minor_locator(mticker.NullLocator())


def mdates_num(x: pd.DatetimeIndex) -> np.ndarray:
    import matplotlib.dates as mdates

    return np.asarray(mdates.date2num(x.to_pydatetime()), dtype=float)


def plot_break_probability(prob: pd.Series, *, ax: plt.Axes | None = None, ylabel: str | None = None,
                           title: str | None = None, reference: float | None = 0.5,
                           lang: str = "en") -> plt.Axes:
    """Posterior probability that a new regime starts in each period, as bars on [0, 1].

    ``reference`` draws a guide line (default 0.5: a break as likely as not in that
    period); the axis says what the bars are ("posterior probability of a break in this
    month" for monthly series).
    """
    check_lang(lang)
    if ylabel is None:
        monthly = isinstance(prob.index, pd.PeriodIndex) and prob.index.freqstr.upper().startswith("M")
        ylabel = text("break_prob_axis" if monthly else "break_prob_axis_period", lang)
    ax = new_axes(ax)
    with style_context():
        plot_counts(prob, ax=ax, kind="bar", ylabel=ylabel, title=title, color=PALETTE["vermillion"],
                    label=text("break_prob", lang), lang=lang)
        ax.set_ylim(0, 1)
        ax.set_yticks([0, 0.5, 1])
        ax.yaxis.label.set_fontsize(7)
        if reference is not None:
            ax.axhline(reference, color="#444444", linewidth=0.8, linestyle="--", zorder=Z_LINES)
            ax.text(0.995, reference, text("even_odds", lang) if reference == 0.5 else str(reference),
                    transform=ax.get_yaxis_transform(), ha="right", va="bottom", fontsize=7, color="#444444")
    return ax
