"""Poisson counts with a rate that is constant within each segment."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from scipy import special

from .._jit import kernel
from .base import FittedOneParameter, OneParameterCost, check_counts

__all__ = ["PoissonCost"]


# piece: A x - B log x + C, x the segment rate (times the period's profile value)
@kernel
def _value(A, B, C, x):
    v = A * x + C
    if B != 0.0:
        if x <= 0.0:
            return math.inf if B > 0.0 else -math.inf
        v -= B * math.log(x)
    return v


@kernel
def _deriv(A, B, x):
    if B != 0.0:
        return A - B / x
    return A


@kernel
def _argmin(A, B):
    """Minimiser of a convex piece; for a difference of pieces, its one stationary point."""
    if A != 0.0:
        return B / A
    return 0.0


@dataclass(frozen=True)
class PoissonCost(OneParameterCost):
    """Poisson counts with a rate that is constant within each segment.

    Notes
    -----
    Period ``i`` with count ``y_i`` and profile value ``s_i`` (1 without seasonality)
    has mean ``lambda * s_i`` in a segment of rate ``lambda``; its loss is the unit
    deviance ``2 [y log(y / mu) - (y - mu)]``, a piece ``a x - b log x + c`` with
    ``a = 2 s_i``, ``b = 2 y_i``. Without pulses the segment cost is
    ``2 (S - S log(S / E))`` (``S`` events, ``E`` the sum of the profile) up to a data-only
    constant; rate intervals are the exact Garwood intervals scaled by ``E``. Assumes
    independent counts with variance equal to the mean; with overdispersed counts every
    burst looks like a change of rate, so :class:`~.negbin.NegBinCost` is the default for
    counts.
    """

    name: str = field(init=False, default="poisson")
    n_params: int = field(init=False, default=1)
    data: ClassVar[str] = "counts"
    tag: ClassVar[str] = "poisson"
    primitives: ClassVar[dict[str, Any]] = {"_value": _value, "_deriv": _deriv, "_argmin": _argmin}

    def fit(self, y: np.ndarray, *, pulses: bool = False, cap: float = math.inf,
            profile: np.ndarray | None = None, info: dict[str, Any] | None = None) -> FittedOneParameter:
        y = np.asarray(y, dtype=float)
        check_counts(y, self.name)
        s = np.ones_like(y) if profile is None else np.asarray(profile, dtype=float)
        a = 2.0 * s
        b = 2.0 * y
        c = 2.0 * (special.xlogy(y, y) - y - special.xlogy(y, s))
        z = y / s
        lo, hi = float(z.min()), float(z.max())
        if hi <= lo:
            hi = lo + 1.0
        lo = max(lo, 1e-10 * hi)  # keep log x finite; an all-zero segment costs 2 L 1e-10 hi more
        return FittedOneParameter.build(self, y, a, b, c, lo, hi, pulses=pulses, cap=cap, info=dict(info or {}),
                                        profile=profile)

    # -- numpy mirrors of the primitives ------------------------------------------------
    @staticmethod
    def argmin(A, B):
        A = np.asarray(A, dtype=float)
        return np.divide(B, A, out=np.zeros(np.broadcast(A, B).shape), where=A > 0)

    @staticmethod
    def values(a, b, c, x):
        with np.errstate(divide="ignore", invalid="ignore"):
            return a * x + c - np.where(b > 0, b * np.log(np.where(x > 0, x, 1.0)), 0.0) \
                + np.where((b > 0) & (x <= 0), np.inf, 0.0)

    def min_values(self, A, B, C, dlo, dhi):
        x = np.clip(self.argmin(A, B), dlo, dhi)
        return self.values(A, B, C, x)

    # -- model facts --------------------------------------------------------------------
    @staticmethod
    def _prof(fc, s, e):
        return np.ones(e - s) if fc.profile is None else fc.profile[s:e]

    def means_from_x(self, fc, x, s, e):
        return x * self._prof(fc, s, e)

    def params_from_x(self, fc, x, s, e):
        return {"mean": float(x), "x": float(x)}

    def variance_of(self, fc, mean):
        return mean

    def simulate(self, fc, s, e, x, B, rng):
        return rng.poisson(self.means_from_x(fc, x, s, e), size=(B, e - s)).astype(float)

    def sim_coefficients(self, fc, sims, offset, constants=True):
        prof = self._prof(fc, offset, offset + sims.shape[1])[None, :]
        a = np.broadcast_to(2.0 * prof, sims.shape)
        b = 2.0 * sims
        if not constants:
            return a, b, None
        c = 2.0 * (special.xlogy(sims, sims) - sims - special.xlogy(sims, prof))
        return a, b, c

    def interval(self, fc, s, e, x, inlier, alpha):
        """Garwood interval of the rate over the segment's inlier periods."""
        keep = inlier[s:e]
        S = float(fc.y[s:e][keep].sum())
        E = float(self._prof(fc, s, e)[keep].sum())
        if E <= 0:
            return math.nan, math.nan
        lo = 0.0 if S == 0 else special.gammaincinv(S, alpha / 2) / E
        hi = special.gammaincinv(S + 1.0, 1 - alpha / 2) / E
        return float(lo), float(hi)
