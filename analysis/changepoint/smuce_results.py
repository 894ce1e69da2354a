"""The result of :func:`~analysis.changepoint.multiscale_changepoints`."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..results import Result, jsonable

__all__ = ["MultiscaleChangePointResult"]


@dataclass(frozen=True, repr=False, eq=False)
class MultiscaleChangePointResult(Result):
    """A multiscale confidence set for the step function of a count series (SMUCE-type).

    Attributes
    ----------
    n_breaks : int
        ``K̂``, the fewest breaks of any step function in the confidence set: with confidence
        ``1 - alpha`` the series has at least this many breaks (see
        :mod:`analysis.changepoint.smuce` for where that is exact).
    positions, breaks : tuple
        Breaks of the estimate (first period of each new regime), as 0-based positions and as
        index labels (periods).
    intervals : DataFrame
        One row per break: ``break`` (1, 2, ...), ``position``, ``period``, ``lower_position``,
        ``upper_position``, ``lower``, ``upper``: every first period the ``k``-th regime can have
        in the set. Simultaneous for all breaks.
    segments : DataFrame
        The estimate, one row per segment: ``start``, ``end`` (end exclusive), ``first``,
        ``last``, ``n``, ``estimate``, ``lower``/``upper`` (the values the set allows for a
        piece with exactly these ends), ``total``.
    band : DataFrame
        Per period: ``period``, ``position``, ``value``, ``pulse``, ``estimate``, ``lower``,
        ``upper`` (range of the values of the functions in the set with ``n_breaks`` breaks).
    alpha, critical_value : float
        Level and the critical value ``q`` used.
    family : {"poisson", "negbin"}
    size : float
        NB size (``inf`` for Poisson).
    pulses : DataFrame
        Periods set aside as pulses (``period``, ``position``, ``ratio``, ``evidence``).
    values, index, meta
    """

    n_breaks: int
    positions: tuple[int, ...]
    breaks: tuple[Any, ...]
    intervals: pd.DataFrame
    segments: pd.DataFrame
    band: pd.DataFrame
    alpha: float
    critical_value: float
    family: str
    size: float
    pulses: pd.DataFrame
    values: np.ndarray = field(repr=False)
    index: pd.Index | None = field(repr=False)
    meta: dict[str, Any] = field(repr=False)

    kind: ClassVar[str] = "multiscale_changepoints"

    @property
    def n(self) -> int:
        return int(self.values.shape[0])

    def to_frame(self) -> pd.DataFrame:
        """The estimate's segments, one row each (tidy)."""
        return self.segments.copy()

    def conf_int(self) -> pd.DataFrame:
        """The simultaneous break intervals (the set is built for one ``alpha``; see :attr:`alpha`)."""
        return self.intervals.copy()

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d.update(jsonable({
            "n_breaks": self.n_breaks, "positions": list(self.positions), "breaks": list(self.breaks),
            "intervals": self.intervals, "band": self.band, "alpha": self.alpha,
            "critical_value": self.critical_value, "family": self.family, "size": self.size,
            "pulses": self.pulses,
        }))
        return d

    def summary(self) -> str:
        conf = 1 - self.alpha
        fam = f"negative binomial (size {self.size:.4g})" if self.family == "negbin" else "Poisson"
        lines = [
            f"Multiscale confidence set (SMUCE-type): at least {self.n_breaks} break"
            f"{'s' if self.n_breaks != 1 else ''} with confidence {conf:.0%}",
            f"{fam} counts; alpha {self.alpha:g}, critical value {self.critical_value:.4f}; n = {self.n}",
            "estimate, first period of each new regime: "
            + (", ".join(str(b) for b in self.breaks) if self.breaks else "no break"),
            "pulses set aside: " + (", ".join(str(p) for p in self.pulses["period"]) if len(self.pulses) else "none"),
        ]
        if len(self.intervals):
            lines += ["", "simultaneous intervals for the breaks (first period of the new regime):",
                      self.intervals[["break", "period", "lower", "upper"]].to_string(index=False)]
        lines += ["", self.segments[["first", "last", "n", "estimate", "lower", "upper"]].to_string(index=False)]
        return "\n".join(lines)

    def plot(self, ax=None):
        """Counts, estimate, confidence band and break intervals."""
        from ..plots.multiscale import plot_multiscale

        return plot_multiscale(self, ax=ax)
