"""Gaussian observations with a change in mean and variance."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from scipy import special

from ...errors import ModelError
from .._jit import kernel
from .base import FittedStats, StatsCost

__all__ = ["NormalMeanVarCost"]


@kernel
def _segcost(s, t, S, y, par):
    L = t - s
    S1 = S[0, t] - S[0, s]
    Q = S[1, t] - S[1, s]
    rss = Q - S1 * S1 / L
    if rss < 0.0:
        rss = 0.0
    v = rss / L
    if v < par[0]:
        v = par[0]
    return L * math.log(v) + rss / v


@dataclass(frozen=True)
class NormalMeanVarCost(StatsCost):
    """Gaussian observations with a change in mean and variance.

    Parameters
    ----------
    var_floor : float, optional
        Smallest variance a segment may have. By default ``delta**2 / 12`` where
        ``delta`` is the smallest gap between distinct values of the series (the
        variance of rounding to that resolution): a run of tied values then has a
        finite likelihood and cannot attract breaks on its own.

    Notes
    -----
    Segment cost ``L log(v) + RSS / v`` with ``v = max(RSS / L, var_floor)``, i.e. the
    likelihood maximised over variances of at least ``var_floor``. A variance needs at
    least three points to be useful, so the searches use ``min_size >= 3`` with this
    cost (a smaller request is raised to 3 and recorded in ``meta``). Two parameters per
    segment: searched by PELT (inequality pruning), no pulses.
    """

    var_floor: float | None = None
    name: str = field(init=False, default="normal_meanvar")
    n_params: int = field(init=False, default=2)
    data: ClassVar[str] = "real"
    min_size_floor: ClassVar[int] = 3
    tag: ClassVar[str] = "normal_meanvar"
    primitives: ClassVar[dict[str, Any]] = {"_segcost": _segcost}

    def options(self) -> dict[str, Any]:
        return {"var_floor": self.var_floor}

    @staticmethod
    def statistics(y: np.ndarray) -> np.ndarray:
        z = np.zeros(1)
        return np.vstack([np.concatenate([z, np.cumsum(y)]), np.concatenate([z, np.cumsum(y * y)])])

    def fit(self, y: np.ndarray, *, pulses: bool = False, cap: float = math.inf,
            info: dict[str, Any] | None = None) -> "FittedNormalMeanVar":
        y = np.asarray(y, dtype=float)
        floor = self.var_floor
        if floor is None:
            u = np.unique(y)
            gaps = np.diff(u)
            delta = float(gaps[gaps > 0].min()) if np.any(gaps > 0) else 1.0
            floor = delta * delta / 12.0
        if not floor > 0:
            raise ModelError("var_floor must be positive")
        inf = dict(info or {})
        inf["var_floor"] = float(floor)
        return FittedNormalMeanVar(self, y, False, math.inf, inf, S=self.statistics(y),
                                   par=np.array([float(floor)]), kernels=self.kernels())


@dataclass(frozen=True, eq=False)
class FittedNormalMeanVar(FittedStats):
    statistics = staticmethod(NormalMeanVarCost.statistics)

    def segment_params(self, start, end):
        seg = self.y[start:end]
        v = max(float(seg.var()), float(self.par[0]))
        return {"mean": float(seg.mean()), "sd": float(math.sqrt(v))}

    def segment_interval(self, start, end, alpha=0.05, inlier=None):
        p = self.segment_params(start, end)
        L = end - start
        q = special.stdtrit(max(L - 1, 1), 1 - alpha / 2)
        return float(p["mean"] - q * p["sd"] / math.sqrt(L)), float(p["mean"] + q * p["sd"] / math.sqrt(L))

    def simulate_segment(self, s, e, params, B, rng):
        return rng.normal(params["mean"], params["sd"], size=(B, e - s))

    def variance(self, mean):
        return np.full(np.shape(mean), float(np.var(self.y)))  # pragma: no cover
