"""What every cost is: a description (:class:`Cost`) and its fit to one series (:class:`FittedCost`).

A cost object is a small frozen description (name and options). :meth:`Cost.fit`
returns a :class:`FittedCost` that holds what the searches need (per-period coefficients
or cumulative statistics), what was estimated from the whole series (noise scale,
shared dispersion, seasonal profile) and the compiled kernels of the cost. Searches
only call the fitted cost; they never look at which cost it is.

Two kinds of cost:

* :class:`OneParameterCost` — one parameter ``x`` per segment and a per-period loss that
  is a convex *piece* ``a_i g_1(x) + b_i g_2(x) + c_i`` in ``x`` (the unit deviance of
  period ``i``: zero at the period's own best value). Sums over a segment are pieces
  too, so these costs support exact functional pruning, and with ``pulses=True`` the
  bounded per-period loss ``min(dev_i(x), cap)`` of a level-plus-pulses model. A new
  cost of this kind supplies three compiled primitives (``_value``, ``_deriv``,
  ``_argmin``) and the per-period coefficients; see :mod:`.poisson` for the smallest
  example.
* :class:`StatsCost` — any cost computable from cumulative statistics; it supplies one
  compiled primitive ``_segcost(s, t, S, y, par)``. Searched by PELT.

Segments are half-open ranges ``[start, end)`` of 0-based positions. Every cost is
twice the negative maximised log-likelihood of the segment without the terms that
depend on the data alone, so penalties are on the ``-2 log L`` scale.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from ...errors import ModelError
from .._kernels import Kernels, kernels_for

__all__ = ["Cost", "OneParameterCost", "StatsCost", "FittedCost", "FittedOneParameter", "FittedStats",
           "check_counts", "MAX_SIZE"]

#: Largest negative-binomial size used; above it the model is Poisson to machine precision.
MAX_SIZE = 1e6


def check_counts(y: np.ndarray, name: str) -> None:
    if np.any(y < 0) or np.any(y != np.floor(y)):
        raise ModelError(f"cost {name!r} needs non-negative integer counts")


@dataclass(frozen=True)
class Cost:
    """Base class of cost descriptions.

    Subclasses set ``name``, ``n_params`` (free parameters per segment, used by the
    information-criterion penalties) and ``data`` (``"counts"`` or ``"real"``) and
    implement :meth:`fit`.
    """

    name: str = field(init=False, default="")
    n_params: int = field(init=False, default=1)
    #: kind of data the cost models: "counts" or "real"
    data: ClassVar[str] = "real"
    #: whether the cost supports the bounded (level-plus-pulses) loss
    supports_pulses: ClassVar[bool] = False
    #: smallest segment length with which the cost is well defined
    min_size_floor: ClassVar[int] = 1

    def fit(self, y: np.ndarray, *, pulses: bool = False, cap: float = math.inf) -> "FittedCost":
        raise NotImplementedError  # pragma: no cover - abstract

    def refit(self, fc: "FittedCost", positions: tuple[int, ...], inlier: np.ndarray) -> "FittedCost | None":
        """Re-estimate what the cost estimates from the whole series given a segmentation.

        Returns a new fitted cost, or ``None`` when the cost has nothing to re-estimate.
        ``inlier`` is false at the periods called pulses (they are left out).
        """
        return None

    def options(self) -> dict[str, Any]:
        return {}


@dataclass(frozen=True, eq=False)
class FittedCost:
    """A cost fitted to one series (common part).

    Attributes
    ----------
    cost : Cost
        The description it came from.
    y : ndarray
        The series (float64).
    pulses : bool
        Whether the bounded loss (level plus one-period pulses) is used.
    cap : float
        Per-period loss bound (the pulse penalty) when ``pulses`` is true, else ``inf``.
    info : dict
        Facts estimated from the series (``size``, ``scale``, ``var_floor``, ``profile``...).
    """

    cost: Cost
    y: np.ndarray
    pulses: bool
    cap: float
    info: dict[str, Any]

    @property
    def n(self) -> int:
        return int(self.y.shape[0])

    functional: ClassVar[bool] = False

    # -- to be provided ---------------------------------------------------------------
    def segment_cost(self, start: int, end: int) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def segment_params(self, start: int, end: int) -> dict[str, Any]:  # pragma: no cover
        raise NotImplementedError

    def segment_interval(self, start: int, end: int, alpha: float = 0.05) -> tuple[float, float]:  # pragma: no cover
        raise NotImplementedError

    def period_means(self, positions: tuple[int, ...]) -> np.ndarray:
        """Fitted mean of every period under the segmentation (pulses at their segment level)."""
        b = [0, *positions, self.n]
        out = np.empty(self.n)
        for i in range(len(b) - 1):
            out[b[i]:b[i + 1]] = self.segment_means(b[i], b[i + 1])
        return out

    def segment_means(self, start: int, end: int) -> np.ndarray:
        """Fitted mean of each period of one segment."""
        return np.full(end - start, self.segment_params(start, end)["mean"])

    def deviance(self, positions: tuple[int, ...]) -> np.ndarray:  # pragma: no cover - abstract
        """Unit deviance of every period from its segment's fit."""
        raise NotImplementedError

    def simulate(self, params: dict[str, Any], size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError  # pragma: no cover

    def split_costs(self, sims: np.ndarray, offset: int, min_size: int) -> np.ndarray:
        """Best single split of each row of ``sims`` (a window starting at ``offset``), exhaustive."""
        raise NotImplementedError  # pragma: no cover

    def total_cost(self, positions: tuple[int, ...] | list[int]) -> float:
        """Sum of segment costs of the segmentation with these break positions."""
        b = [0, *positions, self.n]
        return float(sum(self.segment_cost(b[i], b[i + 1]) for i in range(len(b) - 1)))

    def pearson_residuals(self, positions: tuple[int, ...]) -> np.ndarray:
        """``(y - mean) / sd`` under the fitted segmentation (model variance)."""
        mu = self.period_means(positions)
        return (self.y - mu) / np.sqrt(np.maximum(self.variance(mu), 1e-300))

    def variance(self, mean: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError


# ======================================================================= one parameter
@dataclass(frozen=True)
class OneParameterCost(Cost):
    """Base of the costs with one parameter per segment (see the module docstring).

    Subclasses define the class attributes ``tag`` (kernel name) and ``primitives``
    (compiled ``_value``, ``_deriv``, ``_argmin``) and implement :meth:`coefficients`,
    :meth:`domain` and the mapping :meth:`to_means` from the segment parameter to the
    periods' means, plus :meth:`fit`.
    """

    supports_pulses: ClassVar[bool] = True
    tag: ClassVar[str] = ""
    primitives: ClassVar[dict[str, Any]] = {}

    @classmethod
    def kernels(cls) -> Kernels:
        return kernels_for(cls.tag, cls.primitives)


@dataclass(frozen=True, eq=False)
class FittedOneParameter(FittedCost):
    """Fitted one-parameter cost: per-period coefficients, their cumulative sums, the domain.

    ``a, b, c`` are the coefficients of each period's loss piece; ``cA, cB, cC`` their
    cumulative sums (leading 0); ``dlo, dhi`` the parameter range holding every
    segment's optimum; ``lo, hi`` each period's inlier interval under the bound ``cap``.
    """

    a: np.ndarray = field(default=None, repr=False)
    b: np.ndarray = field(default=None, repr=False)
    c: np.ndarray = field(default=None, repr=False)
    dlo: float = 0.0
    dhi: float = 1.0
    cA: np.ndarray = field(default=None, repr=False)
    cB: np.ndarray = field(default=None, repr=False)
    cC: np.ndarray = field(default=None, repr=False)
    lo: np.ndarray = field(default=None, repr=False)
    hi: np.ndarray = field(default=None, repr=False)
    kernels: Kernels = field(default=None, repr=False)
    #: per-period multiplier of the segment level (seasonal profile), or None
    profile: np.ndarray | None = field(default=None, repr=False)
    #: bounded-loss segment fits already computed, by ``(start, end)``
    _fits: dict = field(default_factory=dict, repr=False, compare=False)

    functional: ClassVar[bool] = True

    @classmethod
    def build(cls, cost: OneParameterCost, y: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray,
              dlo: float, dhi: float, *, pulses: bool, cap: float, info: dict[str, Any],
              profile: np.ndarray | None = None, **extra: Any) -> "FittedOneParameter":
        k = cost.kernels()
        a = np.ascontiguousarray(a, dtype=float)
        b = np.ascontiguousarray(b, dtype=float)
        c = np.ascontiguousarray(c, dtype=float)
        z = np.zeros(1)
        cA = np.concatenate([z, np.cumsum(a)])
        cB = np.concatenate([z, np.cumsum(b)])
        cC = np.concatenate([z, np.cumsum(c)])
        cap = float(cap) if pulses else math.inf
        if pulses:
            lo, hi = k.inlier_bounds(a, b, c, cap, float(dlo), float(dhi))
        else:
            lo = np.full(y.size, float(dlo))
            hi = np.full(y.size, float(dhi))
        return cls(cost, y, bool(pulses), cap, info, a=a, b=b, c=c, dlo=float(dlo), dhi=float(dhi),
                   cA=cA, cB=cB, cC=cC, lo=lo, hi=hi, kernels=k, profile=profile, **extra)

    # -- segment fit ------------------------------------------------------------------
    def segment_fit(self, start: int, end: int) -> tuple[float, float]:
        """``(cost, x)`` of one segment: the (bounded-loss) minimum and its parameter."""
        s, e = int(start), int(end)
        if self.pulses:
            # a sort of the segment's inlier bounds: kept, since diagnostics ask for the same segments often
            hit = self._fits.get((s, e))
            if hit is None:
                v, x = self.kernels.robust_fit(self.a, self.b, self.c, self.lo, self.hi, self.cap, s, e,
                                               self.dlo, self.dhi)
                hit = (float(v), float(x))
                self._fits[(s, e)] = hit
            return hit
        starts = np.array([s], dtype=np.int64)
        ends = np.array([e], dtype=np.int64)
        v = float(self.kernels.plain_segcosts(starts, ends, self.cA, self.cB, self.cC, self.dlo, self.dhi)[0])
        return v, float(self._plain_argmin(s, e))

    def _plain_argmin(self, s: int, e: int) -> float:
        A = self.cA[e] - self.cA[s]
        B = self.cB[e] - self.cB[s]
        return float(np.clip(self.cost.argmin(A, B), self.dlo, self.dhi))

    def segment_cost(self, start: int, end: int) -> float:
        return self.segment_fit(start, end)[0]

    def segment_costs(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`segment_cost` (plain loss; with pulses one by one)."""
        starts = np.asarray(starts, dtype=np.int64)
        ends = np.asarray(ends, dtype=np.int64)
        if self.pulses:
            return np.array([self.segment_cost(s, e) for s, e in zip(starts, ends)])
        return self.kernels.plain_segcosts(starts, ends, self.cA, self.cB, self.cC, self.dlo, self.dhi)

    def piece_values(self, x: np.ndarray) -> np.ndarray:
        """Each period's (unbounded) loss at parameter ``x`` (array of length n)."""
        return self.cost.values(self.a, self.b, self.c, np.asarray(x, dtype=float))

    def period_params(self, positions: tuple[int, ...]) -> np.ndarray:
        b = [0, *positions, self.n]
        out = np.empty(self.n)
        for i in range(len(b) - 1):
            out[b[i]:b[i + 1]] = self.segment_fit(b[i], b[i + 1])[1]
        return out

    def deviance(self, positions: tuple[int, ...]) -> np.ndarray:
        return np.maximum(self.piece_values(self.period_params(positions)), 0.0)

    def inliers(self, positions: tuple[int, ...]) -> np.ndarray:
        """False at the periods whose deviance exceeds the cap (the pulses)."""
        if not self.pulses:
            return np.ones(self.n, dtype=bool)
        return ~(self.deviance(positions) > self.cap)

    def segment_params(self, start: int, end: int) -> dict[str, Any]:
        x = self.segment_fit(start, end)[1]
        return self.cost.params_from_x(self, x, start, end)

    def segment_means(self, start: int, end: int) -> np.ndarray:
        x = self.segment_fit(start, end)[1]
        return self.cost.means_from_x(self, x, start, end)

    def split_costs(self, sims: np.ndarray, offset: int, min_size: int) -> np.ndarray:
        """Best single split of each simulated window, plain loss (see :mod:`..uncertainty`)."""
        B, L = sims.shape
        # the periods' constants c_i add up to the same total for every split: left out
        a, b, _c = self.cost.sim_coefficients(self, sims, offset, constants=False)
        z = np.zeros((B, 1))
        cA = np.concatenate([z, np.cumsum(a, axis=1)], axis=1)
        cB = np.concatenate([z, np.cumsum(b, axis=1)], axis=1)
        s = np.arange(min_size, L - min_size + 1)
        zero = np.zeros((1, 1))
        left = self.cost.min_values(cA[:, s], cB[:, s], zero, self.dlo, self.dhi)
        right = self.cost.min_values(cA[:, [L]] - cA[:, s], cB[:, [L]] - cB[:, s], zero, self.dlo, self.dhi)
        return s[np.argmin(left + right, axis=1)]

    def variance(self, mean: np.ndarray) -> np.ndarray:
        return self.cost.variance_of(self, mean)

    def segment_interval(self, start: int, end: int, alpha: float = 0.05,
                         inlier: np.ndarray | None = None) -> tuple[float, float]:
        """``1 - alpha`` interval of the segment's level over its inlier periods (see the cost)."""
        x = self.segment_fit(start, end)[1]
        keep = np.ones(self.n, dtype=bool) if inlier is None else inlier
        return self.cost.interval(self, start, end, x, keep, alpha)

    def simulate_segment(self, start: int, end: int, params: dict[str, Any], B: int,
                         rng: np.random.Generator) -> np.ndarray:
        """``B`` draws of the segment ``[start, end)`` from its fitted model (no pulses)."""
        return self.cost.simulate(self, start, end, params["x"], B, rng)


# ======================================================================= statistics
@dataclass(frozen=True)
class StatsCost(Cost):
    """Base of costs searched by PELT from cumulative statistics (``_segcost`` primitive)."""

    tag: ClassVar[str] = ""
    primitives: ClassVar[dict[str, Any]] = {}

    @classmethod
    def kernels(cls) -> Kernels:
        return kernels_for(cls.tag, cls.primitives)


@dataclass(frozen=True, eq=False)
class FittedStats(FittedCost):
    """Fitted statistics cost: cumulative statistics ``S`` (rows) and parameters ``par``."""

    S: np.ndarray = field(default=None, repr=False)
    par: np.ndarray = field(default=None, repr=False)
    kernels: Kernels = field(default=None, repr=False)

    def segment_cost(self, start: int, end: int) -> float:
        return float(self.segment_costs(np.array([start]), np.array([end]))[0])

    def segment_costs(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        return self.kernels.segcosts(np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64),
                                     self.S, self.y, self.par)

    def deviance(self, positions: tuple[int, ...]) -> np.ndarray:
        return np.zeros(self.n)

    def inliers(self, positions: tuple[int, ...]) -> np.ndarray:
        return np.ones(self.n, dtype=bool)

    def split_costs(self, sims: np.ndarray, offset: int, min_size: int) -> np.ndarray:
        B, L = sims.shape
        out = np.empty(B, dtype=np.int64)
        for i in range(B):
            row = np.ascontiguousarray(sims[i])
            S = self.statistics(row)
            pos, _g = self.kernels.best_split(S, row, self.par, 0, L, int(min_size))
            out[i] = pos
        return out
