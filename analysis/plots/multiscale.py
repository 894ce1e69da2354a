"""Figure of a multiscale confidence set: the counts, the estimate, the band, the break intervals."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .changepoint import _draw_series, _has_dates, _step, _x_edges
from .style import PALETTE, add_breaks, new_axes, style_context

if TYPE_CHECKING:  # pragma: no cover
    import matplotlib.pyplot as plt

    from ..changepoint.smuce_results import MultiscaleChangePointResult

__all__ = ["plot_multiscale"]


def plot_multiscale(result: "MultiscaleChangePointResult", *, ax: "plt.Axes | None" = None,
                    ylabel: str = "count") -> "plt.Axes":
    """Counts as bars, the estimate as steps inside its confidence band, break intervals as spans."""
    ax = new_axes(ax)
    idx = result.index
    vals = result.values
    _draw_series(vals, idx, ax, ylabel)
    edges = _x_edges(idx, vals.size)
    seg = result.segments
    band = result.band
    conf = int(round((1 - result.alpha) * 100))
    with style_context():
        ax.stairs(band["upper"].to_numpy(), edges, baseline=band["lower"].to_numpy(), fill=True,
                  color=PALETTE["blue"], alpha=0.15, label=f"{conf}% confidence band")
        _step(ax, edges, list(seg["start"]), list(seg["end"]), list(seg["estimate"]),
              color=PALETTE["blue"], linewidth=1.6, label=f"estimate ({result.family})")
        iv = result.intervals
        if _has_dates(idx):
            add_breaks(ax, list(result.breaks), intervals=list(zip(iv["lower"], iv["upper"])))
        else:
            for i, row in iv.iterrows():
                ax.axvline(row["position"], color=PALETTE["vermillion"], linewidth=1.2, linestyle="--",
                           label="break" if i == 0 else None)
                ax.axvspan(row["lower_position"], row["upper_position"] + 1, color=PALETTE["vermillion"],
                           alpha=0.15, linewidth=0)
        ax.set_title(f"Multiscale confidence set: at least {result.n_breaks} break"
                     f"{'s' if result.n_breaks != 1 else ''} ({conf}% confidence)", loc="left")
        ax.legend(loc="upper right", fontsize=7)
    return ax
