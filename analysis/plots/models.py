"""Figures for count models: observed counts with fit and counterfactual, cumulative excess."""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import pandas as pd

from .style import PALETTE, add_breaks, add_events, new_axes, plot_counts, style_context

if TYPE_CHECKING:  # pragma: no cover
    from ..models.results import Counterfactual, CountModelResult


def _midpoints(index: pd.PeriodIndex) -> pd.DatetimeIndex:
    start = index.start_time
    end = (index + 1).start_time
    return start + (end - start) / 2


def plot_count_model(result: CountModelResult, *, ax: plt.Axes | None = None, counterfactual: bool = True,
                     events: Iterable[tuple[Any, str]] | None = None, alpha: float = 0.05,
                     n_sim: int = 1000, rng: Any = 0, title: str | None = None) -> plt.Axes:
    """Observed counts (bars), fitted mean (line) and the counterfactual without the interventions.

    Parameters
    ----------
    result : CountModelResult
    ax : Axes, optional
    counterfactual : bool, default True
        Draw the counterfactual mean (dashed) and its count interval (band) from the
        first period an intervention acts on; needs at least one intervention.
    events : iterable of (date, label), optional
        Extra annotations, e.g. :func:`analysis.events.event_annotations`.
    alpha, n_sim, rng
        Level, Monte Carlo draws and seed of the counterfactual band.
    title : str, optional

    Returns
    -------
    Axes
    """
    ax = new_axes(ax)
    plot_counts(result.y, ax=ax, label="observed", color=PALETTE["sky"], title=title)
    with style_context():
        fit = result.fitted
        ax.plot(_midpoints(fit.index), fit.to_numpy(), color=PALETTE["blue"], linewidth=1.4, label="fitted mean")
        if counterfactual and result.spec.interventions:
            cf = result.counterfactual(alpha=alpha, n_sim=n_sim, rng=rng).frame
            part = cf.loc[cf["cf_lower"].notna()]
            x = _midpoints(part.index)
            ax.fill_between(x, part["cf_lower"].to_numpy(float), part["cf_upper"].to_numpy(float),
                            color=PALETTE["orange"], alpha=0.25, linewidth=0, step="mid",
                            label=f"{1 - alpha:.0%} interval without interventions")
            ax.plot(x, part["counterfactual"].to_numpy(float), color=PALETTE["orange"], linewidth=1.4,
                    linestyle="--", label="counterfactual mean")
        estimated = [(iv.effective_start, name) for name, iv in result.spec.interventions.items() if iv.estimated]
        given = [(iv.effective_start, name) for name, iv in result.spec.interventions.items() if not iv.estimated]
        if estimated:
            add_breaks(ax, [pd.Period(d, freq=result.y.index.freq) for d, _ in estimated], label="estimated break")
        ax.set_ylim(bottom=0)
        # one call, so that the labels of interventions and calendar events are staggered together
        marks = sorted([*given, *(events or [])], key=lambda e: pd.Timestamp(e[0]))
        if marks:
            add_events(ax, marks)
        ax.set_ylabel("count per month" if result.meta.get("frequency") == "monthly" else "count per year")
        ax.legend(loc="upper left", fontsize=7)
    return ax


def plot_counterfactual(cf: Counterfactual, *, ax: plt.Axes | None = None) -> plt.Axes:
    """Cumulative excess (observed − counterfactual) with its interval, from the first affected period."""
    ax = new_axes(ax)
    with style_context():
        fr = cf.frame.loc[cf.frame["cum_excess"].notna()]
        x = fr.index.end_time
        ax.fill_between(x, fr["cum_lower"].to_numpy(float), fr["cum_upper"].to_numpy(float),
                        color=PALETTE["orange"], alpha=0.25, linewidth=0, step="post",
                        label=f"{1 - cf.alpha:.0%} interval")
        ax.step(x, fr["cum_excess"].to_numpy(float), where="post", color=PALETTE["vermillion"], linewidth=1.4,
                label="cumulative excess")
        ax.axhline(0, color=PALETTE["grey"], linewidth=0.8)
        ax.set_ylabel("cumulative excess count")
        ax.set_title(f"Excess without {', '.join(cf.removed)}", loc="left")
        ax.legend(loc="upper left", fontsize=7)
    return ax


def plot_sensitivity(result: Any, *, effect: str, ax: plt.Axes | None = None) -> plt.Axes:
    """Rate ratio of ``effect`` with its interval in every specification (base highlighted), on a log axis."""
    ax = new_axes(ax)
    t = result.table(effect)
    t = t[t["status"] == ""]
    with style_context():
        y = range(len(t))
        colors = [PALETTE["vermillion"] if b else PALETTE["blue"] for b in t["is_base"]]
        ax.hlines(list(y), t["lower"].to_numpy(float), t["upper"].to_numpy(float), colors=colors, linewidth=1.0)
        ax.scatter(t["rate_ratio"].to_numpy(float), list(y), c=colors, s=10, zorder=3)
        ax.axvline(1.0, color=PALETTE["grey"], linewidth=0.8)
        ax.set_xscale("log")
        ax.set_yticks(list(y))
        ax.set_yticklabels(t["label"].tolist(), fontsize=5)
        ax.invert_yaxis()
        ax.set_xlabel(f"rate ratio of {effect} (coefficient), {1 - result.alpha:.0%} interval")
        ax.set_title(f"{effect}: estimate across specifications (red: reported)", loc="left")
    return ax


def plot_placebo(result: Any, *, ax: plt.Axes | None = None) -> plt.Axes:
    """|z| of the placebo steps by fake date, with the real effect's |z| as a line."""
    ax = new_axes(ax)
    fr = result.placebos[result.placebos["status"] == ""]
    with style_context():
        if len(fr):
            x = pd.PeriodIndex(fr["period"]).start_time
            ax.bar(x, fr["z"].abs().to_numpy(float), width=20, color=PALETTE["sky"], label="placebo |z|")
        ax.axhline(result.statistic, color=PALETTE["vermillion"], linewidth=1.2, label=f"{result.effect} |z|")
        ax.set_ylabel("|z|")
        ax.set_title(f"In-time placebo for {result.effect}: p = {result.pvalue:.3f}", loc="left")
        ax.legend(loc="upper left", fontsize=7)
    return ax


def plot_specification_choice(result: Any, *, ax: plt.Axes | None = None) -> plt.Axes:
    """AICc of each candidate specification; the chosen one highlighted, failing residual checks hatched."""
    ax = new_axes(ax)
    fr = result.candidates[result.candidates["aicc"].notna()].reset_index(drop=True)
    with style_context():
        colors = [PALETTE["vermillion"] if c else PALETTE["blue"] for c in fr["chosen"]]
        bars = ax.barh(range(len(fr)), fr["aicc"].to_numpy(float), color=colors)
        for b, ok in zip(bars, fr["passes"]):
            if not ok:
                b.set_hatch("///")
        ax.set_yticks(range(len(fr)))
        ax.set_yticklabels(fr["label"].tolist(), fontsize=6)
        ax.invert_yaxis()
        lo = float(fr["aicc"].min())
        ax.set_xlim(lo - 0.05 * abs(lo) - 5, float(fr["aicc"].max()) + 5)
        ax.set_xlabel("AICc (hatched: residual autocorrelation, Ljung-Box p < 0.05)")
        ax.set_title("Candidate specifications (red: chosen)", loc="left")
    return ax


def add_fit_and_counterfactual(ax: plt.Axes, result: Any, *, alpha: float = 0.05, n_sim: int = 1000,
                               rng: Any = 0, fit_label: str = "fitted trend and effects",
                               cf_label: str = "counterfactual without the interventions") -> plt.Axes:
    """Draw a model's fitted mean and its counterfactual (with band) over bars of the same periods."""
    with style_context():
        fit = result.fitted
        ax.plot(_midpoints(fit.index), fit.to_numpy(), color=PALETTE["vermillion"], linewidth=1.4,
                marker="o", markersize=2.5, label=fit_label)
        if result.spec.interventions:
            cf = result.counterfactual(alpha=alpha, n_sim=n_sim, rng=rng).frame
            part = cf.loc[cf["cf_lower"].notna()]
            x = _midpoints(part.index)
            ax.fill_between(x, part["cf_lower"].to_numpy(float), part["cf_upper"].to_numpy(float),
                            color=PALETTE["orange"], alpha=0.25, linewidth=0,
                            label=f"{1 - alpha:.0%} interval without interventions")
            ax.plot(x, part["counterfactual"].to_numpy(float), color=PALETTE["orange"], linewidth=1.4,
                    linestyle="--", label=cf_label)
        ax.set_ylim(bottom=0)
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(handles, labels, loc="upper left", fontsize=6)
    return ax
