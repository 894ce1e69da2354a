"""Segment costs: fit once on a series, then the cost of any segment from cumulative sums.

A cost object is a small frozen description (name and options). :meth:`Cost.fit`
returns a :class:`FittedCost` that holds the cumulative sums and whatever was
estimated from the whole series (noise scale, shared dispersion, variance floor).
Segments are half-open ranges ``[start, end)`` of 0-based positions.

Every cost is twice the negative maximised log-likelihood of the segment, without
the terms that depend on the data alone, so penalties are on the usual
``-2 log L`` scale (BIC adds ``log n`` per parameter).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import optimize, special

from ..errors import ModelError
from . import _kernels

__all__ = [
    "Cost",
    "PoissonCost",
    "NegBinCost",
    "NormalMeanCost",
    "NormalMeanVarCost",
    "FittedCost",
    "get_cost",
    "estimate_dispersion_moments",
    "estimate_dispersion_given_segments",
]

#: Largest negative-binomial size used; above it the model is Poisson to machine precision.
MAX_SIZE = 1e6


@dataclass(frozen=True)
class FittedCost:
    """A cost fitted to one series.

    Attributes
    ----------
    cost : Cost
        The cost description it came from.
    y : ndarray
        The series (float64).
    c1, c2 : ndarray
        Cumulative sums of ``y`` and ``y**2`` with a leading 0 (length ``n + 1``); for
        ``normal_mean`` they are of ``y / scale``.
    par : float
        Kernel parameter: the shared NB size, the variance floor, or 0.
    kind : int
        Kernel code (see :mod:`analysis.changepoint._kernels`).
    scale : float
        Noise standard deviation used by ``normal_mean`` (1 otherwise).
    """

    cost: "Cost"
    y: np.ndarray
    c1: np.ndarray
    c2: np.ndarray
    par: float
    kind: int
    scale: float = 1.0
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return int(self.y.shape[0])

    @property
    def functional(self) -> bool:
        """Whether exact functional pruning applies (one parameter per segment)."""
        return self.kind in (0, 1, 2)

    def domain(self) -> tuple[float, float]:
        """Parameter range that holds every segment's maximum-likelihood value."""
        if self.kind == 2:
            z = self.y / self.scale
            lo, hi = float(z.min()), float(z.max())
        else:
            lo, hi = float(self.y.min()), float(self.y.max())
        if hi <= lo:
            hi = lo + 1.0
        if self.kind == 1:
            r = self.par
            return lo / (lo + r), hi / (hi + r)
        return lo, hi

    def segment_cost(self, start: int, end: int) -> float:
        """Cost of ``y[start:end]``."""
        return float(_kernels.seg_cost(self.kind, int(start), int(end), self.c1, self.c2, self.y, self.par))

    def segment_costs(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`segment_cost`."""
        return _kernels.seg_costs(self.kind, np.asarray(starts, dtype=np.int64),
                                  np.asarray(ends, dtype=np.int64), self.c1, self.c2, self.y, self.par)

    def total_cost(self, positions: tuple[int, ...] | list[int]) -> float:
        """Sum of segment costs of the segmentation with these break positions."""
        b = [0, *positions, self.n]
        return float(sum(self.segment_cost(b[i], b[i + 1]) for i in range(len(b) - 1)))

    # -- per-segment estimates -------------------------------------------------------
    def segment_params(self, start: int, end: int) -> dict[str, float]:
        """Maximum-likelihood parameters of one segment (original scale)."""
        seg = self.y[start:end]
        m = float(seg.mean())
        if self.kind == 0:
            return {"mean": m}
        if self.kind == 1:
            return {"mean": m, "size": self.par}
        if self.kind == 4:
            _ll, r = _kernels.nb_segment_fit(self.y, start, end)
            return {"mean": m, "size": float(min(r, MAX_SIZE))}
        if self.kind == 2:
            return {"mean": m, "sd": self.scale}
        v = max(float(seg.var()), self.par)
        return {"mean": m, "sd": float(np.sqrt(v))}

    def segment_interval(self, start: int, end: int, alpha: float = 0.05) -> tuple[float, float]:
        """Confidence interval for the segment's rate or mean (see the cost's docstring)."""
        seg = self.y[start:end]
        L = end - start
        S = float(seg.sum())
        m = S / L
        if self.kind == 0 or (self.kind in (1, 4) and S == 0):
            # Garwood: chi2.ppf(q, 2S) / 2 == gammaincinv(S, q)
            lo = 0.0 if S == 0 else special.gammaincinv(S, alpha / 2) / L
            hi = special.gammaincinv(S + 1.0, 1 - alpha / 2) / L
            return float(lo), float(hi)
        if self.kind in (1, 4):
            r = self.segment_params(start, end)["size"]
            se = np.sqrt((1.0 / m + 1.0 / r) / L)
            z = -special.ndtri(alpha / 2)
            return float(m * np.exp(-z * se)), float(m * np.exp(z * se))
        if self.kind == 2:
            z = -special.ndtri(alpha / 2)
            return float(m - z * self.scale / np.sqrt(L)), float(m + z * self.scale / np.sqrt(L))
        sd = self.segment_params(start, end)["sd"]
        q = special.stdtrit(max(L - 1, 1), 1 - alpha / 2)
        return float(m - q * sd / np.sqrt(L)), float(m + q * sd / np.sqrt(L))

    def simulate(self, params: dict[str, float], size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
        """Draw series from one segment's fitted distribution."""
        m = params["mean"]
        if self.kind == 0:
            return rng.poisson(m, size=size).astype(float)
        if self.kind in (1, 4):
            r = params["size"]
            if not np.isfinite(r) or r >= MAX_SIZE or m == 0:
                return rng.poisson(m, size=size).astype(float)
            return rng.negative_binomial(r, r / (r + m), size=size).astype(float)
        return rng.normal(m, params["sd"], size=size)


@dataclass(frozen=True)
class Cost:
    """Base class of cost descriptions."""

    name: str = field(init=False, default="")
    #: free parameters per segment (used by the information-criterion penalties)
    n_params: int = field(init=False, default=1)

    def fit(self, y: np.ndarray) -> FittedCost:  # pragma: no cover - abstract
        raise NotImplementedError

    def options(self) -> dict[str, Any]:
        return {}


def _cumsums(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    c1 = np.concatenate([[0.0], np.cumsum(z)])
    c2 = np.concatenate([[0.0], np.cumsum(z * z)])
    return c1, c2


def _check_counts(y: np.ndarray, name: str) -> None:
    if np.any(y < 0) or np.any(y != np.floor(y)):
        raise ModelError(f"cost {name!r} needs non-negative integer counts")


@dataclass(frozen=True)
class PoissonCost(Cost):
    """Poisson counts with a rate that is constant within each segment.

    Notes
    -----
    Segment cost ``2 * (S - S log(S / L))`` for a segment of ``L`` periods with ``S``
    events. Rate intervals are the exact (Garwood) chi-square intervals. Assumes
    independent counts with variance equal to the mean; with overdispersed counts
    every burst looks like a change of rate, so use :class:`NegBinCost` there.
    """

    name: str = field(init=False, default="poisson")
    n_params: int = field(init=False, default=1)

    def fit(self, y: np.ndarray) -> FittedCost:
        y = np.asarray(y, dtype=float)
        _check_counts(y, self.name)
        c1, c2 = _cumsums(y)
        return FittedCost(self, y, c1, c2, 0.0, _kernels.KIND["poisson"])


def estimate_dispersion_moments(y: np.ndarray) -> float:
    """Negative-binomial size ``r`` from lag-one differences (insensitive to a few level shifts).

    Within a segment ``E[(y_t - y_{t-1})^2] / 2 = mu + mu^2 / r`` and
    ``E[y_t y_{t-1}] = mu^2``, so ``1 / r`` is estimated by
    ``sum((d_t^2 - y_t - y_{t-1}) / 2) / sum(y_t y_{t-1})``. A change of level adds one
    squared jump to the numerator, which matters little unless breaks are many and large.
    Returns :data:`MAX_SIZE` (Poisson) when the series shows no overdispersion.
    """
    y = np.asarray(y, dtype=float)
    if y.size < 3:
        return MAX_SIZE
    d = np.diff(y)
    num = float(np.sum(d * d - y[1:] - y[:-1]) / 2.0)
    den = float(np.sum(y[1:] * y[:-1]))
    if num <= 0 or den <= 0:
        return MAX_SIZE
    return float(np.clip(den / num, 1e-3, MAX_SIZE))


def _nb_loglik_shared(y: np.ndarray, means: np.ndarray, r: float) -> float:
    ll = special.gammaln(y + r) - special.gammaln(r) + r * np.log(r / (r + means))
    pos = y > 0
    ll = ll + np.where(pos, y * np.log(np.where(pos, means, 1.0) / (r + means)), 0.0)
    return float(np.sum(ll))


def estimate_dispersion_given_segments(y: np.ndarray, positions: tuple[int, ...] | list[int]) -> float:
    """Maximum-likelihood shared NB size given a segmentation (segment means at their MLE)."""
    y = np.asarray(y, dtype=float)
    b = [0, *positions, y.size]
    means = np.concatenate([np.full(b[i + 1] - b[i], y[b[i]:b[i + 1]].mean()) for i in range(len(b) - 1)])
    if np.sum((y - means) ** 2) <= np.sum(means) * (1 + 1e-12):
        return MAX_SIZE

    def nll(logr: float) -> float:
        return -_nb_loglik_shared(y, means, float(np.exp(logr)))

    res = optimize.minimize_scalar(nll, bounds=(np.log(1e-3), np.log(MAX_SIZE)), method="bounded",
                                   options={"xatol": 1e-8})
    return float(np.clip(np.exp(res.x), 1e-3, MAX_SIZE))


@dataclass(frozen=True)
class NegBinCost(Cost):
    """Negative-binomial counts (mean changes; size ``r`` shared or per segment).

    Parameters
    ----------
    dispersion : {"iterate", "moments", "segment"} or float, default "iterate"
        How the size ``r`` (variance ``mu + mu^2 / r``) is obtained.

        * ``"iterate"`` (default): one ``r`` shared by all segments, started from the
          lag-one-difference moment estimate (:func:`estimate_dispersion_moments`, which
          level shifts barely inflate) and then refined by alternating segmentation and
          the maximum-likelihood ``r`` given the segments, until the breaks repeat (at most
          ``max_iter`` rounds). The breaks therefore do not masquerade as overdispersion,
          and overdispersion does not masquerade as breaks.
        * ``"moments"``: the moment estimate only, no refinement.
        * a positive float: that size, fixed.
        * ``"segment"``: a size fitted in every segment by maximum likelihood (profile over
          ``r`` at the segment mean). Exact but slower (inequality pruning only, each cost
          evaluation is an optimisation), and short segments give unstable sizes; use a
          larger ``min_size`` (at least 3 is enforced).

    Notes
    -----
    The shared-size cost is the default because it keeps one parameter per segment:
    exact functional pruning applies (fast), and a single burst cannot be explained away
    by a segment-specific dispersion fitted to two or three months. Segment cost with a
    shared size is ``-2 (S log p + L r log(1 - p))`` with ``p = S / (S + L r)``, whose
    minimiser is the segment mean. Mean intervals are Wald intervals on the log scale
    with variance ``(1/mu + 1/r) / L``.
    """

    dispersion: str | float = "iterate"
    max_iter: int = 10
    name: str = field(init=False, default="negbin")
    n_params: int = field(init=False, default=1)

    def __post_init__(self) -> None:
        d = self.dispersion
        if isinstance(d, str):
            if d not in ("iterate", "moments", "segment"):
                raise ModelError(f"dispersion must be 'iterate', 'moments', 'segment' or a number, not {d!r}")
            if d == "segment":
                object.__setattr__(self, "n_params", 2)
        elif not (float(d) > 0):
            raise ModelError("a fixed dispersion (NB size) must be positive")

    def options(self) -> dict[str, Any]:
        return {"dispersion": self.dispersion}

    def fit(self, y: np.ndarray, size: float | None = None) -> FittedCost:
        """Fit with ``size`` if given, else the moment estimate or the fixed value."""
        y = np.asarray(y, dtype=float)
        _check_counts(y, self.name)
        c1, c2 = _cumsums(y)
        if self.dispersion == "segment":
            return FittedCost(self, y, c1, c2, 0.0, _kernels.KIND["negbin_segment"])
        if size is None:
            size = float(self.dispersion) if not isinstance(self.dispersion, str) else estimate_dispersion_moments(y)
        return FittedCost(self, y, c1, c2, float(size), _kernels.KIND["negbin"],
                          info={"size": float(size)})


@dataclass(frozen=True)
class NormalMeanCost(Cost):
    """Gaussian observations with a change in mean and one common variance.

    Parameters
    ----------
    scale : float, optional
        Noise standard deviation. By default estimated robustly from lag-one
        differences, ``MAD(diff(y)) / (0.6745 * sqrt(2))``, which level shifts barely
        affect (falls back to the sample standard deviation when that is 0).

    Notes
    -----
    Segment cost ``sum((y - mean)^2) / scale^2``.
    """

    scale: float | None = None
    name: str = field(init=False, default="normal_mean")
    n_params: int = field(init=False, default=1)

    def options(self) -> dict[str, Any]:
        return {"scale": self.scale}

    def fit(self, y: np.ndarray) -> FittedCost:
        y = np.asarray(y, dtype=float)
        scale = self.scale
        if scale is None:
            d = np.diff(y)
            scale = float(np.median(np.abs(d - np.median(d))) / (0.6744897501960817 * np.sqrt(2))) if d.size else 0.0
            if not scale > 0:
                scale = float(np.std(y)) or 1.0
        if not scale > 0:
            raise ModelError("normal_mean needs a positive scale")
        c1, c2 = _cumsums(y / scale)
        return FittedCost(self, y, c1, c2, 0.0, _kernels.KIND["normal_mean"], scale=float(scale),
                          info={"scale": float(scale)})


@dataclass(frozen=True)
class NormalMeanVarCost(Cost):
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
    likelihood maximised over variances of at least ``var_floor``. Needs
    ``min_size >= 3``.
    """

    var_floor: float | None = None
    name: str = field(init=False, default="normal_meanvar")
    n_params: int = field(init=False, default=2)

    def options(self) -> dict[str, Any]:
        return {"var_floor": self.var_floor}

    def fit(self, y: np.ndarray) -> FittedCost:
        y = np.asarray(y, dtype=float)
        floor = self.var_floor
        if floor is None:
            u = np.unique(y)
            gaps = np.diff(u)
            delta = float(gaps[gaps > 0].min()) if np.any(gaps > 0) else 1.0
            floor = delta * delta / 12.0
        if not floor > 0:
            raise ModelError("var_floor must be positive")
        c1, c2 = _cumsums(y)
        return FittedCost(self, y, c1, c2, float(floor), _kernels.KIND["normal_meanvar"],
                          info={"var_floor": float(floor)})


_BY_NAME = {
    "poisson": PoissonCost,
    "negbin": NegBinCost,
    "normal_mean": NormalMeanCost,
    "normal_meanvar": NormalMeanVarCost,
}


def get_cost(cost: str | Cost) -> Cost:
    """Cost description from a name (``poisson``, ``negbin``, ``normal_mean``, ``normal_meanvar``) or instance."""
    if isinstance(cost, Cost):
        return cost
    if isinstance(cost, str) and cost in _BY_NAME:
        return _BY_NAME[cost]()
    raise ModelError(f"unknown cost {cost!r}; choose one of {sorted(_BY_NAME)} or pass a Cost instance")
