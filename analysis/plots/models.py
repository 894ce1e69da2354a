"""Figures for count models: observed counts with fit and counterfactual, cumulative excess.

Bands (intervals) are drawn behind the bars, so bars keep the colour of their legend
entry; every visible string is in ``lang`` (:mod:`analysis.plots.texts`) and every layer
is recorded for the figure's CSV.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import pandas as pd

from .drawn import record
from .locale import apply_locale, format_number
from .style import (
    PALETTE,
    Z_BAND,
    Z_LINES,
    add_breaks,
    add_events,
    draw_bars,
    new_axes,
    period_centres,
    plot_counts,
    style_context,
)
from .texts import check_lang, text

if TYPE_CHECKING:  # pragma: no cover
    from ..models.results import Counterfactual, CountModelResult


def _midpoints(index: pd.PeriodIndex) -> pd.DatetimeIndex:
    return period_centres(index)


def _pct(level: float) -> str:
    return f"{level * 100:.0f}"


def plot_count_model(result: CountModelResult, *, ax: plt.Axes | None = None, counterfactual: bool = True,
                     events: Iterable[Sequence[Any]] | None = None, alpha: float = 0.05,
                     n_sim: int = 1000, rng: Any = 0, title: str | None = None, lang: str = "en") -> plt.Axes:
    """Observed counts (bars), fitted mean (line) and the counterfactual without the interventions.

    Parameters
    ----------
    result : CountModelResult
    ax : Axes, optional
    counterfactual : bool, default True
        Draw the counterfactual mean (dashed) and its count interval (band, behind the
        bars) from the first period an intervention acts on; needs an intervention.
    events : iterable of (date, label) or (date, label, explanation), optional
        Extra annotations, e.g. :func:`analysis.events.event_annotations`.
    alpha, n_sim, rng
        Level, Monte Carlo draws and seed of the counterfactual band.
    title : str, optional
    lang : str, default "en"

    Returns
    -------
    Axes
    """
    check_lang(lang)
    ax = new_axes(ax)
    plot_counts(result.y, ax=ax, label=text("observed", lang), color=PALETTE["sky"], title=title, lang=lang)
    with style_context():
        fit = result.fitted
        ax.plot(_midpoints(fit.index), fit.to_numpy(), color=PALETTE["blue"], linewidth=1.4, zorder=Z_LINES,
                label=text("fitted_mean", lang))
        record(ax, fit.astype(float), name="fitted")
        if counterfactual and result.spec.interventions:
            cf = result.counterfactual(alpha=alpha, n_sim=n_sim, rng=rng).frame
            _draw_cf(ax, cf, alpha=alpha, step="mid", mean_label=text("cf_mean", lang), lang=lang)
        estimated = [(iv.effective_start, name) for name, iv in result.spec.interventions.items() if iv.estimated]
        given = [(iv.effective_start, name) for name, iv in result.spec.interventions.items() if not iv.estimated]
        if estimated:
            add_breaks(ax, [pd.Period(d, freq=result.y.index.freq) for d, _ in estimated],
                       label=text("estimated_break", lang), lang=lang)
        marks = sorted([*given, *(events or [])], key=lambda e: pd.Timestamp(e[0]))
        if marks:
            add_events(ax, marks, lang=lang)
        ax.set_ylabel(text("count_per_month" if result.meta.get("frequency") == "monthly" else "count_per_year",
                           lang))
        ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.09), fontsize=7, ncols=3, borderaxespad=0.0)
    return ax


def _draw_cf(ax: plt.Axes, cf: pd.DataFrame, *, alpha: float, step: str | None, mean_label: str,
             lang: str) -> None:
    """The counterfactual mean (dashed) and its band (behind the bars) from the first affected period."""
    part = cf.loc[cf["cf_lower"].notna()]
    if not len(part):
        return
    x = _midpoints(part.index)
    ax.fill_between(x, part["cf_lower"].to_numpy(float), part["cf_upper"].to_numpy(float),
                    color=PALETTE["orange"], alpha=0.3, linewidth=0, step=step, zorder=Z_BAND,
                    label=text("cf_band", lang, level=_pct(1 - alpha)))
    ax.plot(x, part["counterfactual"].to_numpy(float), color=PALETTE["orange"], linewidth=1.4,
            linestyle="--", zorder=Z_LINES, label=mean_label)
    record(ax, part[["counterfactual", "cf_lower", "cf_upper"]].astype(float), name="counterfactual")


def plot_counterfactual(cf: Counterfactual, *, ax: plt.Axes | None = None, lang: str = "en") -> plt.Axes:
    """Cumulative excess (observed − counterfactual) with its interval, from the first affected period."""
    check_lang(lang)
    ax = new_axes(ax)
    with style_context():
        fr = cf.frame.loc[cf.frame["cum_excess"].notna()]
        x = fr.index.end_time
        ax.fill_between(x, fr["cum_lower"].to_numpy(float), fr["cum_upper"].to_numpy(float),
                        color=PALETTE["orange"], alpha=0.25, linewidth=0, step="post", zorder=Z_BAND,
                        label=text("cum_band", lang, level=_pct(1 - cf.alpha)))
        ax.step(x, fr["cum_excess"].to_numpy(float), where="post", color=PALETTE["vermillion"], linewidth=1.4,
                label=text("cum_excess", lang), zorder=Z_LINES)
        record(ax, fr[["cum_excess", "cum_lower", "cum_upper"]].astype(float), name="cumulative_excess")
        ax.axhline(0, color=PALETTE["grey"], linewidth=0.8)
        ax.set_ylabel(text("cum_excess_axis", lang))
        ax.set_title(text("excess_title", lang, names=", ".join(cf.removed)), loc="left")
        apply_locale(ax, lang)
        ax.legend(loc="upper left", fontsize=7)
    return ax


def plot_sensitivity(result: Any, *, effect: str, ax: plt.Axes | None = None, lang: str = "en") -> plt.Axes:
    """Rate ratio of ``effect`` with its interval in every specification (base highlighted), on a log axis."""
    check_lang(lang)
    ax = new_axes(ax)
    t = result.table(effect)
    t = t[t["status"] == ""]
    with style_context():
        y = list(range(len(t)))
        colors = [PALETTE["vermillion"] if b else PALETTE["blue"] for b in t["is_base"]]
        ax.hlines(y, t["lower"].to_numpy(float), t["upper"].to_numpy(float), colors=colors, linewidth=1.0)
        ax.scatter(t["rate_ratio"].to_numpy(float), y, c=colors, s=10, zorder=3)
        record(ax, t.set_index("label")[["rate_ratio", "lower", "upper", "is_base"]], name="estimates")
        ax.axvline(1.0, color=PALETTE["grey"], linewidth=0.8)
        ax.set_xscale("log")
        ax.set_yticks(y)
        ax.set_yticklabels(t["label"].tolist(), fontsize=5)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, pos=None: format_number(v, lang, digits=3)))
        ax.xaxis.set_minor_formatter(mticker.NullFormatter())
        ax.set_xlabel(text("rate_ratio_axis", lang, effect=effect, level=_pct(1 - result.alpha)))
        ax.set_title(text("sensitivity_title", lang, effect=effect), loc="left")
    return ax


def plot_placebo(result: Any, *, ax: plt.Axes | None = None, lang: str = "en") -> plt.Axes:
    """|z| of the placebo steps by fake date, with the real effect's |z| as a line."""
    check_lang(lang)
    ax = new_axes(ax)
    fr = result.placebos[result.placebos["status"] == ""]
    with style_context():
        if len(fr):
            idx = pd.PeriodIndex(fr["period"])
            z = fr["z"].abs().to_numpy(float)
            draw_bars(ax, period_centres(idx), z, width=20, color=PALETTE["sky"], label=text("placebo", lang))
            record(ax, pd.Series(z, index=idx), name="placebo_abs_z")
        ax.axhline(result.statistic, color=PALETTE["vermillion"], linewidth=1.2,
                   label=text("effect_z", lang, effect=result.effect))
        ax.set_ylabel("|z|")
        ax.set_title(text("placebo_title", lang, effect=result.effect,
                          p=format_number(round(float(result.pvalue), 3), lang)), loc="left")
        apply_locale(ax, lang)
        ax.legend(loc="upper left", fontsize=7)
    return ax


def plot_specification_choice(result: Any, *, ax: plt.Axes | None = None, lang: str = "en") -> plt.Axes:
    """AICc of each candidate specification; the chosen one highlighted, failing residual checks hatched."""
    check_lang(lang)
    ax = new_axes(ax)
    fr = result.candidates[result.candidates["aicc"].notna()].reset_index(drop=True)
    with style_context():
        colors = [PALETTE["vermillion"] if c else PALETTE["blue"] for c in fr["chosen"]]
        hatches = [None if ok else "///" for ok in fr["passes"]]
        ax.barh(range(len(fr)), fr["aicc"].to_numpy(float), color=colors, hatch=hatches)
        record(ax, fr.set_index("label")[["aicc", "chosen", "passes"]], name="aicc")
        ax.set_yticks(range(len(fr)))
        ax.set_yticklabels(fr["label"].tolist(), fontsize=6)
        ax.invert_yaxis()
        lo = float(fr["aicc"].min())
        ax.set_xlim(lo - 0.05 * abs(lo) - 5, float(fr["aicc"].max()) + 5)
        ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, pos=None: format_number(v, lang)))
        ax.set_xlabel(text("aicc_axis", lang))
        ax.set_title(text("candidates_title", lang), loc="left")
    return ax


def add_fit_and_counterfactual(ax: plt.Axes, result: Any = None, *, fitted: pd.Series | None = None,
                               counterfactual: pd.DataFrame | None = None, alpha: float = 0.05,
                               n_sim: int = 1000, rng: Any = 0, fit_label: str | None = None,
                               cf_label: str | None = None, legend: bool = True, lang: str = "en") -> plt.Axes:
    """Draw a model's fitted mean and its counterfactual (with band) over bars of the same periods.

    Parameters
    ----------
    ax : Axes
    result : CountModelResult, optional
        The fitted model: its ``fitted`` mean, and its counterfactual without the
        interventions when it has interventions.
    fitted : Series, optional
        The fitted mean, when no ``result`` is given (or to override it).
    counterfactual : DataFrame, optional
        Columns ``counterfactual``, ``cf_lower``, ``cf_upper`` (the frame of
        :class:`~analysis.models.results.Counterfactual`), when no ``result`` is given.
    alpha, n_sim, rng
        Level, Monte Carlo draws and seed of the counterfactual band (with ``result``).
    fit_label, cf_label : str, optional
        Legend entries (default "fitted trend and effects", "counterfactual without the
        interventions" in ``lang``).
    legend : bool, default True
        Redraw the legend of ``ax`` (the caller may draw its own).
    lang : str, default "en"

    Returns
    -------
    Axes

    Notes
    -----
    The band lies behind the bars, so the bars keep the colour of their legend entry.
    """
    check_lang(lang)
    if fitted is None and result is not None:
        fitted = result.fitted
    if counterfactual is None and result is not None and result.spec.interventions:
        counterfactual = result.counterfactual(alpha=alpha, n_sim=n_sim, rng=rng).frame
    with style_context():
        if fitted is not None:
            ax.plot(_midpoints(fitted.index), fitted.to_numpy(dtype=float), color=PALETTE["vermillion"],
                    linewidth=1.4, marker="o", markersize=2.5, zorder=Z_LINES,
                    label=text("fit_trend", lang) if fit_label is None else fit_label)
            record(ax, fitted.astype(float), name="fitted")
        if counterfactual is not None:
            _draw_cf(ax, counterfactual, alpha=alpha, step=None,
                     mean_label=text("cf_trend", lang) if cf_label is None else cf_label, lang=lang)
        if legend:
            handles, labels = ax.get_legend_handles_labels()
            ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(0.0, -0.09), fontsize=6, ncols=3,
                      borderaxespad=0.0)
    return ax
