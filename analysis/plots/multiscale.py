"""Figure of a multiscale confidence set: the counts, the estimate, the band, the break intervals."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .changepoint import _draw_series, _has_dates, _step, _x_edges
from .drawn import record
from .style import PALETTE, Z_BAND, Z_LINES, add_breaks, new_axes, style_context
from .texts import check_lang, text

if TYPE_CHECKING:  # pragma: no cover
    import matplotlib.pyplot as plt

    from ..changepoint.smuce_results import MultiscaleChangePointResult

__all__ = ["plot_multiscale"]


def plot_multiscale(result: "MultiscaleChangePointResult", *, ax: "plt.Axes | None" = None,
                    ylabel: str | None = None, lang: str = "en") -> "plt.Axes":
    """Counts as bars, the estimate as steps inside its confidence band, break intervals as spans."""
    check_lang(lang)
    ax = new_axes(ax)
    idx = result.index
    vals = result.values
    _draw_series(vals, idx, ax, ylabel, lang)
    edges = _x_edges(idx, vals.size)
    seg = result.segments
    band = result.band
    conf = int(round((1 - result.alpha) * 100))
    with style_context():
        ax.stairs(band["upper"].to_numpy(), edges, baseline=band["lower"].to_numpy(), fill=True,
                  color=PALETTE["blue"], alpha=0.15, zorder=Z_BAND, label=text("confidence_band", lang, level=conf))
        _step(ax, edges, list(seg["start"]), list(seg["end"]), list(seg["estimate"]),
              color=PALETTE["blue"], linewidth=1.6, zorder=Z_LINES,
              label=text("estimate_family", lang, family=result.family))
        est = np.full(vals.size, np.nan)
        for s0, e0, v in zip(seg["start"], seg["end"], seg["estimate"]):
            est[s0:e0] = v
        record(ax, pd.DataFrame({"estimate": est, "lower": band["lower"].to_numpy(float),
                                 "upper": band["upper"].to_numpy(float)}, index=idx if _has_dates(idx) else None),
               name="estimate")
        iv = result.intervals
        if _has_dates(idx):
            add_breaks(ax, list(result.breaks), intervals=list(zip(iv["lower"], iv["upper"])),
                       alpha=result.alpha, lang=lang)
        else:
            for i, row in iv.iterrows():
                ax.axvline(row["position"], color=PALETTE["vermillion"], linewidth=1.2, linestyle="--",
                           zorder=Z_LINES, label=text("break", lang) if i == 0 else None)
                ax.axvspan(row["lower_position"], row["upper_position"] + 1, color=PALETTE["vermillion"],
                           alpha=0.15, linewidth=0, zorder=Z_BAND)
            record(ax, iv[["position", "lower_position", "upper_position"]].reset_index(drop=True), name="breaks")
        ax.set_title(text("multiscale_title", lang, n=result.n_breaks, level=conf), loc="left")
        ax.legend(loc="upper right", fontsize=7)
    return ax
