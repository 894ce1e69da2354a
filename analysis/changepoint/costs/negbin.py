"""Negative-binomial counts: mean changes, size shared by all segments (or fitted per segment)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from scipy import special

from ...errors import ModelError
from .._jit import kernel
from .base import MAX_SIZE, FittedOneParameter, FittedStats, OneParameterCost, StatsCost, check_counts

__all__ = ["NegBinCost", "estimate_dispersion_moments", "estimate_dispersion_given_segments"]


# piece: -A log(1 - x) - B log x + C, x = mu / (mu + r) the NB success probability
@kernel
def _value(A, B, C, x):
    if x >= 1.0:
        return math.inf if A > 0.0 else (-math.inf if A < 0.0 else C)
    v = C - A * math.log1p(-x)
    if B != 0.0:
        if x <= 0.0:
            return math.inf if B > 0.0 else -math.inf
        v -= B * math.log(x)
    return v


@kernel
def _deriv(A, B, x):
    d = A / (1.0 - x)
    if B != 0.0:
        d -= B / x
    return d


@kernel
def _argmin(A, B):
    """Minimiser of a convex piece; for a difference of pieces, its one stationary point."""
    if A + B != 0.0:
        return B / (A + B)
    return 0.0


@kernel
def _nb_profile_ll(y, s, t, r):
    """Negative-binomial log-likelihood of ``y[s:t]`` at its mean, size ``r`` (no log y! term)."""
    L = t - s
    S = 0.0
    for i in range(s, t):
        S += y[i]
    m = S / L
    acc = 0.0
    for i in range(s, t):
        acc += math.lgamma(y[i] + r)
    acc -= L * math.lgamma(r)
    acc += L * r * math.log(r / (r + m))
    if S > 0:
        acc += S * math.log(m / (r + m))
    return acc


@kernel
def nb_segment_fit(y, s, t):
    """Maximised NB log-likelihood of ``y[s:t]`` over (mean, size) and the size (inf = Poisson)."""
    L = t - s
    S = 0.0
    Q = 0.0
    for i in range(s, t):
        S += y[i]
        Q += y[i] * y[i]
    if S <= 0.0:
        return 0.0, math.inf
    m = S / L
    ll_pois = S * math.log(m) - S
    var = Q / L - m * m
    if var <= m * (1.0 + 1e-12):
        return ll_pois, math.inf
    # golden-section search on log r; the profile likelihood is unimodal in r
    a = -9.0
    b = 16.0
    g = 0.6180339887498949
    x1 = b - g * (b - a)
    x2 = a + g * (b - a)
    f1 = _nb_profile_ll(y, s, t, math.exp(x1))
    f2 = _nb_profile_ll(y, s, t, math.exp(x2))
    for _ in range(90):
        if f1 < f2:
            a = x1
            x1 = x2
            f1 = f2
            x2 = a + g * (b - a)
            f2 = _nb_profile_ll(y, s, t, math.exp(x2))
        else:
            b = x2
            x2 = x1
            f2 = f1
            x1 = b - g * (b - a)
            f1 = _nb_profile_ll(y, s, t, math.exp(x1))
        if b - a < 1e-10:
            break
    xm = 0.5 * (a + b)
    fm = _nb_profile_ll(y, s, t, math.exp(xm))
    if fm < ll_pois:
        return ll_pois, math.inf
    return fm, math.exp(xm)


@kernel
def _segcost_segment(s, t, S, y, par):
    ll, _r = nb_segment_fit(y, s, t)
    return -2.0 * ll


def estimate_dispersion_moments(y: np.ndarray) -> float:
    """Negative-binomial size ``r`` from lag-one differences (insensitive to a few level shifts).

    Within a segment ``E[(y_t - y_{t-1})^2] / 2 = mu + mu^2 / r`` and
    ``E[y_t y_{t-1}] = mu^2``, so ``1 / r`` is estimated by
    ``sum((d_t^2 - y_t - y_{t-1}) / 2) / sum(y_t y_{t-1})``. A change of level adds one
    squared jump to the numerator, which matters little unless breaks are many and large.
    Returns :data:`MAX_SIZE` (Poisson) when the series shows no overdispersion. Under
    positive autocorrelation this estimate is biased towards less overdispersion; it is
    only the starting value of the iteration in :class:`NegBinCost`.
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


def _segment_rates(y: np.ndarray, positions, inlier: np.ndarray, prof: np.ndarray) -> np.ndarray:
    b = [0, *positions, y.size]
    mu = np.empty(y.size)
    for i in range(len(b) - 1):
        s, e = b[i], b[i + 1]
        k = inlier[s:e]
        E = float(prof[s:e][k].sum())
        lam = float(y[s:e][k].sum()) / E if E > 0 else float(y[s:e].mean())
        mu[s:e] = lam * prof[s:e]
    return mu


def estimate_dispersion_given_segments(y: np.ndarray, positions: tuple[int, ...] | list[int],
                                       inlier: np.ndarray | None = None,
                                       profile: np.ndarray | None = None) -> float:
    """Maximum-likelihood shared NB size given a segmentation (segment means at their MLE).

    Periods with ``inlier`` false (pulses) are left out. With a seasonal ``profile`` the
    model of period ``t`` is NB with mean ``lambda s_t`` and size ``r s_t`` (see
    :class:`NegBinCost`).
    """
    y = np.asarray(y, dtype=float)
    keep = np.ones(y.size, dtype=bool) if inlier is None else np.asarray(inlier, dtype=bool)
    prof = np.ones(y.size) if profile is None else np.asarray(profile, dtype=float)
    mu = _segment_rates(y, positions, keep, prof)
    yk, mk, sk = y[keep], mu[keep], prof[keep]
    if yk.size < 3 or np.sum((yk - mk) ** 2) <= np.sum(mk) * (1 + 1e-12):
        return MAX_SIZE

    # the log-likelihood depends on a period only through (y, s) and (segment, s): sum over
    # the distinct pairs, weighted by how often they occur (counts repeat, means are per segment)
    s_val, s_id = np.unique(sk, return_inverse=True)
    n_s = s_val.size
    seg = np.searchsorted(np.asarray(positions, dtype=np.int64), np.flatnonzero(keep), side="right")
    y_int = yk.astype(np.int64)
    if np.array_equal(y_int, yk) and (yk.size == 0 or yk.max() < 1e7):
        ys_key = np.bincount(y_int * n_s + s_id)
        ys_at = np.flatnonzero(ys_key)
        n_ys = ys_key[ys_at].astype(float)
        ys = np.vstack([(ys_at // n_s).astype(float), s_val[ys_at % n_s]])
    else:  # not small integers: every period on its own
        n_ys, ys = np.ones(yk.size), np.vstack([yk, sk])
    ms_key = seg * n_s + s_id
    n_ms_all = np.bincount(ms_key)
    ms_at = np.flatnonzero(n_ms_all)
    n_ms = n_ms_all[ms_at].astype(float)
    y_ms = np.bincount(ms_key, weights=yk)[ms_at]
    first = np.zeros(n_ms_all.size, dtype=np.int64)
    first[ms_key[::-1]] = np.arange(ms_key.size)[::-1]  # a period of each (segment, s) pair
    ms = np.vstack([mk[first[ms_at]], sk[first[ms_at]]])

    def score(logr: float) -> tuple[float, float]:
        """First and second derivative of the log-likelihood in ``log r``."""
        r = math.exp(logr)
        r_y, r_m = r * ys[1], r * ms[1]
        x, m = ys[0], ms[0]
        g = float(np.dot(n_ys * ys[1], special.digamma(x + r_y) - special.digamma(r_y)))
        h = float(np.dot(n_ys * ys[1] ** 2, special.polygamma(1, x + r_y) - special.polygamma(1, r_y)))
        q = m / r_m                                  # 0 for a segment whose mean is 0
        g += float(np.dot(n_ms * ms[1], q / (1.0 + q) - np.log1p(q)))
        h += float(np.dot(n_ms * ms[1] ** 2, 1.0 / r_m - 1.0 / (r_m + m) - m / (r_m + m) ** 2))
        g -= float(np.dot(y_ms, ms[1] / (r_m + m)))
        h += float(np.dot(y_ms, ms[1] ** 2 / (r_m + m) ** 2))
        return r * g, r * r * h + r * g

    return math.exp(_score_root(score, math.log(1e-3), math.log(MAX_SIZE)))


def _score_root(score, lo: float, hi: float) -> float:
    """Maximiser of a log-likelihood on ``[lo, hi]`` from its score: Newton inside a sign bracket.

    The bracket keeps a positive score at its left end and a negative one at its right end;
    a Newton step that leaves it, or a non-concave point, is replaced by bisection. Stops
    when the step or the bracket is below 1e-12 (in ``log r``). An end is returned when the
    score does not change sign over the interval.
    """
    g_hi, _ = score(hi)
    if g_hi >= 0:
        return hi
    g_lo, _ = score(lo)
    if g_lo <= 0:
        return lo
    u = 0.5 * (lo + hi)
    for _ in range(200):
        g, h = score(u)
        if g == 0:
            return u
        if g > 0:
            lo = u
        else:
            hi = u
        step = -g / h if h < 0 else math.inf
        nu = u + step
        if not (lo < nu < hi):
            nu = 0.5 * (lo + hi)
        if abs(nu - u) <= 1e-12 or hi - lo <= 1e-12:
            return nu
        u = nu
    return u


@dataclass(frozen=True)
class _NegBinSegment(StatsCost):
    """Kernel holder of the per-segment-size variant (used through NegBinCost)."""

    tag: ClassVar[str] = "negbin_segment"
    primitives: ClassVar[dict[str, Any]] = {"_segcost": _segcost_segment}

    @staticmethod
    def statistics(y: np.ndarray) -> np.ndarray:
        return np.zeros((1, y.size + 1))


@dataclass(frozen=True, eq=False)
class _FittedNegBinSegment(FittedStats):
    statistics = staticmethod(_NegBinSegment.statistics)

    def segment_params(self, start, end):
        seg = self.y[start:end]
        _ll, r = nb_segment_fit(self.y, int(start), int(end))
        return {"mean": float(seg.mean()), "size": float(min(r, MAX_SIZE))}

    def segment_interval(self, start, end, alpha=0.05, inlier=None):
        p = self.segment_params(start, end)
        return _nb_wald(p["mean"], p["size"], end - start, float(self.y[start:end].sum()), alpha)

    def simulate_segment(self, s, e, params, B, rng):
        return _nb_draw(rng, np.full(e - s, params["mean"]), params["size"], (B, e - s))

    def variance(self, mean):
        return mean  # pragma: no cover - diagnostics use the shared-size costs

    def period_sizes(self, positions):
        b = [0, *positions, self.n]
        out = np.empty(self.n)
        for i in range(len(b) - 1):
            out[b[i]:b[i + 1]] = self.segment_params(b[i], b[i + 1])["size"]
        return out


def _nb_draw(rng, mean, size, shape):
    mean = np.broadcast_to(np.asarray(mean, dtype=float), shape)
    size = np.broadcast_to(np.asarray(size, dtype=float), shape)
    pois = ~np.isfinite(size) | (size >= MAX_SIZE) | (mean <= 0)
    if pois.all():
        return rng.poisson(mean).astype(float)
    r = np.where(pois, 1.0, size)
    out = rng.negative_binomial(r, r / (r + np.where(pois, 1.0, mean))).astype(float)
    if pois.any():
        out[pois] = rng.poisson(mean[pois])
    return out


def _nb_wald(m, r, L, S, alpha):
    if S == 0 or m <= 0:
        lo = 0.0
        hi = special.gammaincinv(1.0, 1 - alpha / 2) / L
        return float(lo), float(hi)
    se = math.sqrt((1.0 / m + 1.0 / r) / L)
    z = -special.ndtri(alpha / 2)
    return float(m * math.exp(-z * se)), float(m * math.exp(z * se))


@dataclass(frozen=True)
class NegBinCost(OneParameterCost):
    """Negative-binomial counts (mean changes; size ``r`` shared or per segment).

    Parameters
    ----------
    dispersion : {"iterate", "moments", "segment"} or float, default "iterate"
        How the size ``r`` (variance ``mu + mu^2 / r``) is obtained.

        * ``"iterate"`` (default): one ``r`` shared by all segments, started from the
          lag-one-difference moment estimate (:func:`estimate_dispersion_moments`, which
          level shifts barely inflate) and then refined by alternating segmentation and
          the maximum-likelihood ``r`` given the segments (pulses left out), until the
          breaks repeat (at most ``max_iter`` rounds). The breaks therefore do not
          masquerade as overdispersion, and overdispersion does not masquerade as breaks.
        * ``"moments"``: the moment estimate only, no refinement.
        * a positive float: that size, fixed.
        * ``"segment"``: a size fitted in every segment by maximum likelihood (profile over
          ``r`` at the segment mean). Exact but slower (inequality pruning only, each cost
          evaluation is an optimisation, no pulses), and short segments give unstable
          sizes; ``min_size >= 3`` is enforced.
    max_iter : int, default 10

    Notes
    -----
    With the shared size each segment has one parameter, so exact functional pruning
    applies (fast) and a single burst cannot be explained away by a segment-specific
    dispersion fitted to two or three months. Period ``i`` with profile value ``s_i`` (1
    without seasonality) is NB with mean ``lambda s_i`` and size ``r s_i`` in a segment of
    rate ``lambda``: all periods of a segment share the success probability
    ``x = lambda / (lambda + r)`` and the dispersion index ``1 + lambda / r`` (a
    gamma–Poisson model whose gamma shape is proportional to the profile), so the
    seasonal model keeps one parameter per segment. Its loss is the NB unit deviance,
    a piece ``-a log(1 - x) - b log x + c`` with ``a = 2 r s_i``, ``b = 2 y_i``. Mean
    intervals are Wald intervals on the log scale with variance ``(1/mu + 1/r) / L``
    over the segment's inlier periods.
    """

    dispersion: str | float = "iterate"
    max_iter: int = 10
    name: str = field(init=False, default="negbin")
    n_params: int = field(init=False, default=1)
    data: ClassVar[str] = "counts"
    tag: ClassVar[str] = "negbin"
    primitives: ClassVar[dict[str, Any]] = {"_value": _value, "_deriv": _deriv, "_argmin": _argmin}

    def __post_init__(self) -> None:
        d = self.dispersion
        if isinstance(d, str):
            if d not in ("iterate", "moments", "segment"):
                raise ModelError(f"dispersion must be 'iterate', 'moments', 'segment' or a number, not {d!r}")
            if d == "segment":
                object.__setattr__(self, "n_params", 2)
        elif not (float(d) > 0):
            raise ModelError("a fixed dispersion (NB size) must be positive")

    @property
    def supports_pulses(self) -> bool:  # type: ignore[override]
        return self.dispersion != "segment"

    @property
    def min_size_floor(self) -> int:  # type: ignore[override]
        return 3 if self.dispersion == "segment" else 1

    def options(self) -> dict[str, Any]:
        return {"dispersion": self.dispersion}

    def fit(self, y: np.ndarray, *, pulses: bool = False, cap: float = math.inf, size: float | None = None,
            profile: np.ndarray | None = None, info: dict[str, Any] | None = None):
        """Fit with ``size`` if given, else the moment estimate or the fixed value."""
        y = np.asarray(y, dtype=float)
        check_counts(y, self.name)
        if self.dispersion == "segment":
            k = _NegBinSegment.kernels()
            return _FittedNegBinSegment(self, y, False, math.inf, {}, S=_NegBinSegment.statistics(y),
                                        par=np.zeros(1), kernels=k)
        if size is None:
            size = float(self.dispersion) if not isinstance(self.dispersion, str) else estimate_dispersion_moments(y)
        r = float(size)
        s = np.ones_like(y) if profile is None else np.asarray(profile, dtype=float)
        rt = r * s
        a = 2.0 * rt
        b = 2.0 * y
        py = y / (y + rt)
        c = 2.0 * (special.xlogy(y, py) + rt * np.log1p(-py))
        lam = y / s
        lo_l, hi_l = float(lam.min()), float(lam.max())
        if hi_l <= lo_l:
            hi_l = lo_l + 1.0
        dlo, dhi = lo_l / (lo_l + r), hi_l / (hi_l + r)
        dlo = max(dlo, 1e-10 * dhi)  # keep log x finite
        inf = dict(info or {})
        inf["size"] = r
        return FittedNegBin.build(self, y, a, b, c, dlo, dhi, pulses=pulses, cap=cap, info=inf,
                                  profile=profile, size=r)

    def refit(self, fc, positions, inlier):
        if self.dispersion != "iterate":
            return None
        r = estimate_dispersion_given_segments(fc.y, positions, inlier, fc.profile)
        return self.fit(fc.y, pulses=fc.pulses, cap=fc.cap, size=r, profile=fc.profile,
                        info={k: v for k, v in fc.info.items() if k != "size"})

    # -- numpy mirrors --------------------------------------------------------------------
    @staticmethod
    def argmin(A, B):
        A = np.asarray(A, dtype=float)
        tot = A + B
        return np.divide(B, tot, out=np.zeros(np.broadcast(A, B).shape), where=tot > 0)

    @staticmethod
    def values(a, b, c, x):
        with np.errstate(divide="ignore", invalid="ignore"):
            x1 = np.where(x < 1, x, 0.0)
            x0 = np.where(x > 0, x, 1.0)
            v = c - a * np.log1p(-x1) - np.where(b > 0, b * np.log(x0), 0.0)
            bad = (x >= 1) | ((b > 0) & (x <= 0))
            return np.where(bad, np.inf, v)

    def min_values(self, A, B, C, dlo, dhi):
        return self.values(A, B, C, np.clip(self.argmin(A, B), dlo, dhi))

    # -- model facts ----------------------------------------------------------------------
    @staticmethod
    def _prof(fc, s, e):
        return np.ones(e - s) if fc.profile is None else fc.profile[s:e]

    def means_from_x(self, fc, x, s, e):
        lam = fc.size * x / (1.0 - x)
        return lam * self._prof(fc, s, e)

    def params_from_x(self, fc, x, s, e):
        return {"mean": float(fc.size * x / (1.0 - x)), "size": float(fc.size), "x": float(x)}

    def variance_of(self, fc, mean):
        if fc.profile is None:
            return mean + mean * mean / fc.size
        return mean + mean * mean / (fc.size * fc.profile)

    def simulate(self, fc, s, e, x, B, rng):
        return _nb_draw(rng, self.means_from_x(fc, x, s, e), fc.size * self._prof(fc, s, e), (B, e - s))

    def sim_coefficients(self, fc, sims, offset, constants=True):
        prof = self._prof(fc, offset, offset + sims.shape[1])[None, :]
        rt = fc.size * prof
        a = np.broadcast_to(2.0 * rt, sims.shape)
        b = 2.0 * sims
        if not constants:
            return a, b, None
        py = sims / (sims + rt)
        c = 2.0 * (special.xlogy(sims, py) + rt * np.log1p(-py))
        return a, b, c

    def interval(self, fc, s, e, x, inlier, alpha):
        keep = inlier[s:e]
        E = float(self._prof(fc, s, e)[keep].sum())
        S = float(fc.y[s:e][keep].sum())
        m = S / E if E > 0 else math.nan
        return _nb_wald(m, fc.size, E, S, alpha)


@dataclass(frozen=True, eq=False)
class FittedNegBin(FittedOneParameter):
    size: float = 1.0
