"""Results objects of the change-point engine.

All are frozen dataclasses with ``summary()``, ``to_frame()``, ``to_dict()``,
``plot(ax=None)``, ``_repr_html_()`` and a ``meta`` record (package version, options,
sha256 of the input values, seed where randomness is involved).

Positions are 0-based positions of the **first observation of each new regime**;
``breaks`` are the same as periods when the input had a ``PeriodIndex``.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .bayes_results import BayesianChangePointResult
from .costs import FittedCost
from .uncertainty import DEFAULT_N_BOOT, DEFAULT_SEED, bootstrap_break_intervals

__all__ = ["ChangePointResult", "CropsPath", "BayesianChangePointResult"]


def _lab(index: pd.Index | None, pos: int) -> Any:
    if index is None:
        return int(pos)
    return index[int(pos)]


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating,)):
        return None if not np.isfinite(x) else float(x)
    if isinstance(x, float):
        return None if not np.isfinite(x) else x
    if isinstance(x, (pd.Period, pd.Timestamp)):
        return str(x)
    if isinstance(x, np.ndarray):
        return _jsonable(x.tolist())
    return x


def _frame_html(title: str, lines: list[str], frame: pd.DataFrame) -> str:
    head = "".join(f"<li>{html.escape(s)}</li>" for s in lines)
    return f"<div><strong>{html.escape(title)}</strong><ul>{head}</ul>{frame.to_html(index=False)}</div>"


@dataclass(frozen=True)
class ChangePointResult:
    """Breaks found in one series by :func:`~analysis.changepoint.detect_changepoints`.

    Attributes
    ----------
    positions : tuple of int
        0-based positions of the first observation of each new regime.
    breaks : tuple
        The same as periods (or index labels) when the input had a ``PeriodIndex`` or
        ``DatetimeIndex``; otherwise equal to ``positions``.
    segments : DataFrame
        One row per segment: ``start``, ``end`` (positions, ``end`` exclusive),
        ``first``/``last`` (periods), ``n``, ``estimate`` (rate or mean) with
        ``lower``/``upper`` (``1 - alpha`` interval, see the cost), ``total``.
    cost, method, penalty : str
        What was run. ``penalty`` is the name or ``"manual"``; ``penalty_value`` its value.
    penalty_value : float
        Penalty per change (``nan`` when ``n_breaks`` was forced).
    total_cost : float
        Sum of segment costs (``-2 log L`` up to a data-only constant).
    n_breaks_forced : int or None
        ``n_breaks`` when the number of breaks was fixed.
    min_size : int
    values : ndarray
        The series as analysed (after the missing-value policy).
    index : Index or None
    meta : dict
        ``version``, ``options``, ``input_sha256``, cost facts (``size``, ``scale``,
        ``var_floor``), pruning diagnostics.
    """

    positions: tuple[int, ...]
    breaks: tuple[Any, ...]
    segments: pd.DataFrame
    cost: str
    method: str
    penalty: str
    penalty_value: float
    total_cost: float
    n_breaks_forced: int | None
    min_size: int
    values: np.ndarray = field(repr=False)
    index: pd.Index | None = field(repr=False)
    meta: dict[str, Any] = field(repr=False)
    fitted_cost: FittedCost = field(repr=False, compare=False)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def n_breaks(self) -> int:
        """Number of breaks."""
        return len(self.positions)

    @property
    def n(self) -> int:
        return int(self.values.shape[0])

    def conf_int(self, alpha: float = 0.05, *, n_boot: int = DEFAULT_N_BOOT,
                 rng: np.random.Generator | int | None = None) -> pd.DataFrame:
        """Confidence set for each break date (parametric bootstrap, computed on demand).

        Parameters
        ----------
        alpha : float, default 0.05
            One minus the confidence level.
        n_boot : int, default 999
            Bootstrap replicates per break.
        rng : Generator or int, optional
            Source of randomness. Default: ``numpy.random.default_rng(20240601)``
            (:data:`~analysis.changepoint.uncertainty.DEFAULT_SEED`), so that the same call
            gives the same interval in every report.

        Returns
        -------
        DataFrame
            One row per break: ``position``, ``break``, ``lower_position``,
            ``upper_position``, ``lower``, ``upper`` (periods when available; the interval
            holds the first period of the new regime), ``boot_sd`` and ``boot_exact`` (share
            of replicates that hit the break exactly). ``attrs`` records alpha, n_boot, seed.

        Notes
        -----
        See :mod:`analysis.changepoint.uncertainty`: each break is bootstrapped within its
        segment neighbourhood (previous break to next break) from the fitted adjacent
        segments, and the percentile bootstrap interval of the location is returned. The
        interval is conditional on the breaks found (it does not account for the
        uncertainty about how many breaks there are). The last call is recorded in
        ``meta["conf_int"]`` and in :meth:`to_dict`. With
        ``NegBinCost(dispersion="segment")`` every replicate refits segment sizes, which
        is slow (about 0.07 s per replicate at n = 120): lower ``n_boot`` there.
        """
        if not 0 < alpha < 1:
            raise ValueError("alpha must be in (0, 1)")
        seed_label: Any
        if rng is None:
            seed_label = DEFAULT_SEED
            gen = np.random.default_rng(DEFAULT_SEED)
        elif isinstance(rng, (int, np.integer)):
            seed_label = int(rng)
            gen = np.random.default_rng(int(rng))
        else:
            seed_label = "generator"
            gen = rng
        key = (float(alpha), int(n_boot), seed_label)
        if seed_label != "generator" and key in self._cache:
            return self._cache[key].copy()
        df = bootstrap_break_intervals(self.fitted_cost, self.positions, alpha=alpha, n_boot=int(n_boot),
                                       min_size=self.min_size, rng=gen)
        df.insert(1, "break", [_lab(self.index, p) for p in df["position"]])
        df.insert(4, "lower", [_lab(self.index, p) for p in df["lower_position"]])
        df.insert(5, "upper", [_lab(self.index, p) for p in df["upper_position"]])
        df.attrs.update({"alpha": alpha, "n_boot": int(n_boot), "seed": seed_label,
                         "method": "parametric bootstrap of the segment neighbourhood (percentile interval)"})
        if seed_label != "generator":
            self._cache[key] = df
        self._cache["latest"] = df
        self.meta["conf_int"] = {"alpha": float(alpha), "n_boot": int(n_boot), "seed": seed_label}
        return df.copy()

    def to_frame(self) -> pd.DataFrame:
        """Segments, one row each (tidy)."""
        return self.segments.copy()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record of the result."""
        return _jsonable({
            "positions": list(self.positions),
            "breaks": list(self.breaks),
            "segments": self.segments.to_dict(orient="records"),
            "cost": self.cost, "method": self.method, "penalty": self.penalty,
            "penalty_value": self.penalty_value, "total_cost": self.total_cost,
            "n_breaks_forced": self.n_breaks_forced, "min_size": self.min_size,
            "conf_int": (self._cache["latest"].to_dict(orient="records") if "latest" in self._cache else None),
            "meta": self.meta,
        })

    def _header(self) -> list[str]:
        pen = (f"n_breaks forced to {self.n_breaks_forced}" if self.n_breaks_forced is not None
               else f"penalty {self.penalty} = {self.penalty_value:.3f} per change")
        extra = ""
        if "size" in self.meta:
            extra = f", NB size {self.meta['size']:.4g}"
        if "scale" in self.meta:
            extra = f", noise sd {self.meta['scale']:.4g}"
        return [
            f"cost {self.cost}{extra}; method {self.method}; {pen}; min_size {self.min_size}",
            f"n = {self.n}; breaks (first period of new regime): "
            + (", ".join(str(b) for b in self.breaks) if self.breaks else "none"),
            f"total cost (-2 log L + const) = {self.total_cost:.4f}",
        ]

    def summary(self) -> str:
        """Plain-text summary: options, breaks, segments."""
        return "\n".join([f"Change points ({self.n_breaks} break{'s' if self.n_breaks != 1 else ''})",
                          *self._header(), "", self.segments.to_string(index=False)])

    def _repr_html_(self) -> str:
        return _frame_html(f"Change points: {self.n_breaks} break(s)", self._header(), self.segments)

    def plot(self, ax=None, *, intervals: bool | None = None):
        """Series as bars, segment estimates as steps, breaks as dashed lines with interval bands.

        ``intervals=None`` draws the bands only if :meth:`conf_int` was already computed;
        ``True`` computes them with the defaults.
        """
        from ..plots.changepoint import plot_changepoints

        return plot_changepoints(self, ax=ax, intervals=intervals)


@dataclass(frozen=True)
class CropsPath:
    """All optimal segmentations over a penalty range (CROPS, Haynes et al. 2017).

    Attributes
    ----------
    path : DataFrame
        One row per distinct optimal segmentation, by decreasing number of breaks:
        ``n_breaks``, ``cost`` (unpenalised), ``penalty_lower``, ``penalty_upper`` (the
        exact interval of penalties per change over which it is optimal, clipped to the
        requested range), ``positions`` (tuple) and ``breaks``.
    penalty_range : tuple of float
    cost : str
    min_size : int
    index : Index or None
    meta : dict
    """

    path: pd.DataFrame
    penalty_range: tuple[float, float]
    cost: str
    min_size: int
    values: np.ndarray = field(repr=False)
    index: pd.Index | None = field(repr=False)
    meta: dict[str, Any] = field(repr=False)

    def positions_for(self, penalty: float) -> tuple[int, ...]:
        """Optimal break positions at a given penalty within the range."""
        lo, hi = self.penalty_range
        if not lo <= penalty <= hi:
            raise ValueError(f"penalty {penalty} outside the computed range {self.penalty_range}")
        for _, row in self.path.iterrows():
            if row["penalty_lower"] <= penalty <= row["penalty_upper"]:
                return tuple(row["positions"])
        raise ValueError("penalty not covered")  # pragma: no cover

    def to_frame(self) -> pd.DataFrame:
        return self.path.copy()

    def to_dict(self) -> dict[str, Any]:
        return _jsonable({"path": self.path.to_dict(orient="records"), "penalty_range": list(self.penalty_range),
                          "cost": self.cost, "min_size": self.min_size, "meta": self.meta})

    def summary(self) -> str:
        cols = ["n_breaks", "cost", "penalty_lower", "penalty_upper", "breaks"]
        return "\n".join([f"CROPS path: cost {self.cost}, penalties {self.penalty_range[0]:.4g} to "
                          f"{self.penalty_range[1]:.4g}, {len(self.path)} optimal segmentations", "",
                          self.path[cols].to_string(index=False)])

    def _repr_html_(self) -> str:
        cols = ["n_breaks", "cost", "penalty_lower", "penalty_upper", "breaks"]
        return _frame_html("CROPS path", [f"cost {self.cost}", f"penalty range {self.penalty_range}"],
                           self.path[cols])

    def plot(self, ax=None):
        """Cost against number of breaks (elbow plot), with penalty intervals annotated."""
        from ..plots.changepoint import plot_crops

        return plot_crops(self, ax=ax)
