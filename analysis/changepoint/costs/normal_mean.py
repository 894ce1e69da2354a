"""Gaussian observations with a change in mean and one common noise scale."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from scipy import special

from ...errors import ModelError
from .._jit import kernel
from .base import FittedOneParameter, OneParameterCost

__all__ = ["NormalMeanCost", "robust_scale_of_differences"]

_MAD = 0.6744897501960817


# piece: A x^2 + B x + C, x the segment mean
@kernel
def _value(A, B, C, x):
    return (A * x + B) * x + C


@kernel
def _deriv(A, B, x):
    return 2.0 * A * x + B


@kernel
def _argmin(A, B):
    """Minimiser of a convex piece; for a difference of pieces, its one stationary point."""
    if A != 0.0:
        return -B / (2.0 * A)
    return 0.0


def robust_scale_of_differences(y: np.ndarray) -> float:
    """``MAD(diff(y)) / (0.6745 sqrt 2)``: the noise sd if the mean is piecewise constant."""
    d = np.diff(np.asarray(y, dtype=float))
    if d.size == 0:
        return 0.0
    return float(np.median(np.abs(d - np.median(d))) / (_MAD * math.sqrt(2.0)))


@kernel
def _sublevel(A, B, C, level, a, b):
    """Closed form of the search helper: where ``A x^2 + B x + C <= level`` on ``[a, b]``."""
    if A <= 0.0:
        # a constant or linear piece (a candidate with no observation yet)
        if B == 0.0:
            return C <= level, a, b
        r = (level - C) / B
        if B > 0.0:
            return r >= a, a, min(b, r)
        return r <= b, max(a, r), b
    xs = -B / (2.0 * A)
    disc = B * B - 4.0 * A * (C - level)
    if disc < 0.0:
        return False, a, b
    h = math.sqrt(disc) / (2.0 * A)
    lo = xs - h
    hi = xs + h
    if hi < a or lo > b:
        return False, a, b
    return True, max(a, lo), min(b, hi)


@dataclass(frozen=True)
class NormalMeanCost(OneParameterCost):
    """Gaussian observations with a change in mean and one common variance.

    Parameters
    ----------
    scale : float or "iterate", default "iterate"
        Noise standard deviation. ``"iterate"``: started from the lag-one-difference
        estimate :func:`robust_scale_of_differences` (which level shifts barely affect)
        and re-estimated after every segmentation from the within-segment residuals of
        the periods that are not pulses, ``sqrt(RSS / (m - K - 1))`` (``m`` such periods,
        ``K`` breaks), until the breaks repeat. On a series whose mean really is piecewise
        constant both estimates agree; on a trending or wandering series the difference
        estimate is a small fraction of the spread around any few levels, and the
        re-estimate grows until the segmentation explains the series with a scale it
        actually has. ``"differences"``: the difference estimate only (the former
        default). A number: that scale, fixed.
    max_iter : int, default 20

    Notes
    -----
    Period loss ``(y_i - x)^2 / scale^2`` (a piece ``a x^2 + b x + c``); segment cost
    ``RSS / scale^2``. The bounded loss ``min((y - x)^2 / scale^2, cap)`` is the biweight
    loss of robust FPOP (Fearnhead & Rigaill 2019). Mean intervals are normal intervals
    with the fitted scale.
    """

    scale: float | str | None = "iterate"
    max_iter: int = 20
    name: str = field(init=False, default="normal_mean")
    n_params: int = field(init=False, default=1)
    data: ClassVar[str] = "real"
    tag: ClassVar[str] = "normal_mean"
    primitives: ClassVar[dict[str, Any]] = {"_value": _value, "_deriv": _deriv, "_argmin": _argmin,
                                            "_sublevel": _sublevel}

    def __post_init__(self) -> None:
        sc = self.scale
        if sc is None:
            object.__setattr__(self, "scale", "iterate")
        elif isinstance(sc, str):
            if sc not in ("iterate", "differences"):
                raise ModelError(f"scale must be 'iterate', 'differences' or a number, not {sc!r}")
        elif not (float(sc) > 0):
            raise ModelError("normal_mean needs a positive scale")

    def options(self) -> dict[str, Any]:
        return {"scale": self.scale}

    def fit(self, y: np.ndarray, *, pulses: bool = False, cap: float = math.inf, scale: float | None = None,
            info: dict[str, Any] | None = None) -> FittedOneParameter:
        y = np.asarray(y, dtype=float)
        if scale is None:
            if isinstance(self.scale, str):
                scale = robust_scale_of_differences(y)
                if not scale > 0:
                    scale = float(np.std(y)) or 1.0
            else:
                scale = float(self.scale)
        scale = float(scale)
        w = 1.0 / (scale * scale)
        a = np.full(y.size, w)
        b = -2.0 * y * w
        c = y * y * w
        lo, hi = float(y.min()), float(y.max())
        if hi <= lo:
            hi = lo + 1.0
        inf = dict(info or {})
        inf["scale"] = scale
        return FittedNormalMean.build(self, y, a, b, c, lo, hi, pulses=pulses, cap=cap, info=inf, scale=scale)

    def refit(self, fc, positions, inlier):
        if self.scale != "iterate":
            return None
        mu = np.empty(fc.n)
        b = [0, *positions, fc.n]
        for i in range(len(b) - 1):
            s, e = b[i], b[i + 1]
            k = inlier[s:e]
            mu[s:e] = fc.y[s:e][k].mean() if k.any() else fc.y[s:e].mean()
        r = (fc.y - mu)[inlier]
        dof = r.size - len(positions) - 1
        if dof < 1:
            return None
        scale = float(math.sqrt(np.sum(r * r) / dof))
        if not scale > 0:
            return None
        return self.fit(fc.y, pulses=fc.pulses, cap=fc.cap, scale=scale,
                        info={k: v for k, v in fc.info.items() if k != "scale"})

    # -- numpy mirrors --------------------------------------------------------------------
    @staticmethod
    def argmin(A, B):
        A = np.asarray(A, dtype=float)
        return np.divide(-np.asarray(B, dtype=float), 2.0 * A, out=np.zeros(np.broadcast(A, B).shape),
                         where=A > 0)

    @staticmethod
    def values(a, b, c, x):
        return (a * x + b) * x + c

    def min_values(self, A, B, C, dlo, dhi):
        return self.values(A, B, C, np.clip(self.argmin(A, B), dlo, dhi))

    # -- model facts ----------------------------------------------------------------------
    def means_from_x(self, fc, x, s, e):
        return np.full(e - s, x)

    def params_from_x(self, fc, x, s, e):
        return {"mean": float(x), "sd": float(fc.scale), "x": float(x)}

    def variance_of(self, fc, mean):
        return np.full(np.shape(mean), fc.scale ** 2)

    def simulate(self, fc, s, e, x, B, rng):
        return rng.normal(x, fc.scale, size=(B, e - s))

    def sim_coefficients(self, fc, sims, offset, constants=True):
        w = 1.0 / fc.scale ** 2
        return np.full(sims.shape, w), -2.0 * sims * w, (sims * sims * w if constants else None)

    def interval(self, fc, s, e, x, inlier, alpha):
        m = int(inlier[s:e].sum()) or (e - s)
        z = -special.ndtri(alpha / 2)
        h = z * fc.scale / math.sqrt(m)
        return float(x - h), float(x + h)


@dataclass(frozen=True, eq=False)
class FittedNormalMean(FittedOneParameter):
    scale: float = 1.0
