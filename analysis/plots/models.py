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
