"""``ScreenResult``: the tidy table of a screen, its breaks, and views of the top changes."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..results import Result

__all__ = ["ScreenResult"]


@dataclass(frozen=True, repr=False, eq=False)
class ScreenResult(Result):
    """What :func:`analysis.screen` found in every series.

    Attributes
    ----------
    table : DataFrame
        One row per series (see :func:`analysis.screen`), in the order the series
        first appear in the input.
    breaks : DataFrame
        One row per break: the ``by`` columns, ``number`` (1, 2, … within the
        series), ``break`` (first period of the new regime), ``lower``/``upper``
        (its interval, missing when intervals were not computed), the segment levels
        before and after and their ``ratio``.
    by : tuple of str
        The columns that identify a series.
    event : str
        Name of the tested event (calendar id, or ``"event"`` for a date).
    event_date : Timestamp
        First day of the step.
    meta : dict
        The common record (:func:`analysis.results.result_meta`) plus
        ``event_title``, ``n_series`` and ``n_tested``.
    arrays : dict
        Per series position: ``(first period ordinal, frequency, values)``, for plots.
    """

    table: pd.DataFrame
    breaks: pd.DataFrame
    by: tuple[str, ...]
    event: str
    event_date: pd.Timestamp
    meta: dict[str, Any]
    arrays: dict[int, tuple[int, str, np.ndarray]] = field(compare=False)

    kind = "screen"

    # ------------------------------------------------------------------ views
    def to_frame(self) -> pd.DataFrame:
        """The per-series table (a copy)."""
        return self.table.copy()

    def series(self, position: int) -> pd.Series:
        """The analysed values of series ``position`` (row number of :attr:`table`) with their periods."""
        start, freq, values = self.arrays[int(position)]
        idx = pd.period_range(pd.Period(ordinal=start, freq=freq), periods=len(values), freq=freq)
        key = tuple(self.table.iloc[int(position)][list(self.by)])
        return pd.Series(values, index=idx, name=" / ".join("" if pd.isna(k) else str(k) for k in key))

    def top(self, k: int = 15, *, q: float | None = None, method: str = "bh",
            direction: str | None = None) -> pd.DataFrame:
        """The ``k`` tested series with the smallest adjusted p-values.

        Parameters
        ----------
        k : int, default 15
        q : float, optional
            Keep only discoveries: adjusted p-value at most ``q``.
        method : {"bh", "holm"}, default "bh"
            Which adjusted p-value ranks and filters.
        direction : {"up", "down"}, optional
            Keep only increases (rate ratio above 1) or decreases.

        Returns
        -------
        DataFrame
            Rows of :attr:`table` (index = series position), ordered by adjusted
            p-value, then raw p-value, then the size of the log rate ratio (larger
            first), then input order.
        """
        col = {"bh": "p_bh", "holm": "p_holm"}.get(method)
        if col is None:
            raise ValueError(f"method must be 'bh' or 'holm', not {method!r}")
        t = self.table[self.table["testable"]].copy()
        if direction == "up":
            t = t[t["rate_ratio"] > 1]
        elif direction == "down":
            t = t[t["rate_ratio"] < 1]
        elif direction is not None:
            raise ValueError(f"direction must be 'up', 'down' or None, not {direction!r}")
        if q is not None:
            t = t[t[col] <= q]
        t["_size"] = -np.abs(np.log(t["rate_ratio"].to_numpy(dtype=float)))
        t["_pos"] = np.arange(len(self.table))[self.table.index.get_indexer(t.index)]
        t = t.sort_values([col, "p_value", "_size", "_pos"], kind="stable")
        return t.drop(columns=["_size", "_pos"]).head(int(k))

    def discoveries(self, q: float = 0.1, method: str = "bh") -> pd.DataFrame:
        """Tested series whose adjusted p-value is at most ``q`` (ordered as :meth:`top`)."""
        return self.top(len(self.table), q=q, method=method)

    def not_testable(self) -> pd.DataFrame:
        """Counts of series that were not tested, by reason (numbers in reasons grouped)."""
        t = self.table[~self.table["testable"]]
        kind = t["reason"].str.replace(r"\d+(\.\d+)?", "#", regex=True).str.replace(
            r"\(first at [^)]*\)", "", regex=True).str.strip()
        out = kind.value_counts(sort=False).rename_axis("reason").rename("n").reset_index()
        return out.sort_values(["n", "reason"], ascending=[False, True], kind="stable").reset_index(drop=True)

    # ------------------------------------------------------------------ text
    def summary(self, q: float = 0.1) -> str:
        t = self.table
        n, n_t = len(t), int(t["testable"].sum())
        bh = int((t["p_bh"] <= q).sum())
        holm = int((t["p_holm"] <= q).sum())
        lines = [
            f"Screen of {n} series at {self.event} ({self.event_date.date()}): {n_t} tested, "
            f"{n - n_t} not testable",
            f"discoveries at q = {q:g}: {bh} by Benjamini–Hochberg (FDR), {holm} by Holm (FWER)",
            f"series with at least one change point: {int((t['n_breaks'].fillna(0) > 0).sum())}",
        ]
        for row in self.not_testable().itertuples(index=False):
            lines.append(f"not testable ({row.n}): {row.reason}")
        top = self.top(10)
        if len(top):
            lines.append("smallest adjusted p-values:")
            for _, r in top.iterrows():
                key = " / ".join("" if pd.isna(r[c]) else str(r[c]) for c in self.by)
                lines.append(f"  {key}: rate ratio {r['rate_ratio']:.3g} [{r['lower']:.3g}, {r['upper']:.3g}], "
                             f"p_bh {r['p_bh']:.2g}, p_holm {r['p_holm']:.2g}")
        return "\n".join(lines)

    # ------------------------------------------------------------------ figure
    def plot(self, ax: Any = None, *, k: int = 9, q: float | None = None) -> Any:
        """Small multiples of the ``k`` top changes (see :func:`analysis.plots.screen.plot_screen_top`).

        ``ax`` may be a sequence of at least ``k`` Axes; by default a new figure is
        made. Returns the array of Axes used.
        """
        from ..plots.screen import plot_screen_top

        return plot_screen_top(self, k=k, q=q, axes=ax)
