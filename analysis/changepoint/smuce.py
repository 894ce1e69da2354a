"""A simultaneous confidence statement for the breaks of a count series (SMUCE-type).

Multiscale confidence set
-------------------------
For a candidate step function ``theta(t)`` and every interval ``I = [i, j]`` on which it is
constant, with value ``theta_I``, the *local test* asks whether the interval's counts are
compatible with ``theta_I``. With ``S_I`` the total and ``L`` the number of periods of ``I``,
the counts' exact distribution under ``theta_I`` is known: ``S_I ~ Poisson(L theta_I)``, or,
for negative-binomial counts of size ``r``, ``S_I ~ NB(L r, r / (r + theta_I))``. The interval
passes when neither tail probability of ``S_I`` falls below

    ``gamma_L = Phi(-(q + sqrt(2 log(e n / L))))``,

i.e. when ``theta_I`` lies in the exact (Garwood-type) equal-tailed confidence interval of
level ``1 - 2 gamma_L`` for the interval's rate. The scale penalty ``sqrt(2 log(e n / L))``
balances short and long intervals as in SMUCE (Frick, Munk & Sieling 2014, *JRSS B* 76:495).
The confidence set ``C(q)`` holds every step function whose constant pieces pass all their
local tests. From it:

* ``K̂``, the fewest breaks of any step function in ``C(q)``: a lower confidence bound for the
  number of breaks;
* the estimate: among the functions of ``C(q)`` with ``K̂`` breaks, the most likely (each
  piece at its maximum-likelihood value clipped to what its local tests allow);
* simultaneous confidence intervals for the ``K̂`` break locations: every location the
  ``k``-th break takes in some function of ``C(q)`` with ``K̂`` breaks;
* a confidence band: at every period, the range of the values those functions take.

Critical value
--------------
``q`` is the ``1 - alpha`` quantile of the Gaussian multiscale statistic

    ``M_n = max_I ( |sum_I Z| / sqrt(L) - sqrt(2 log(e n / L)) )``, ``Z`` iid ``N(0, 1)``,

over all intervals, simulated :data:`N_SIM` times with the fixed seed :data:`SMUCE_SEED`
(``numpy.random.default_rng``), and cached on disk per ``n`` (the sorted sample; every
``alpha`` is read from it) under :func:`analysis._cache.cache_dir` ``("smuce")``. The quantile
is the ``ceil((1 - alpha)(N + 1))``-th order statistic. The R package stepR takes the Poisson
threshold of its ``smuceR`` from the same Gaussian statistic (its asymptotic null
distribution); here the local tests are exact rather than likelihood-ratio tests.

What is guaranteed
------------------
Let ``K`` be the true number of breaks. ``P(K̂ > K) <= P(theta_true not in C(q))``, exactly,
for every model (the true function has ``K`` breaks, so if it is in the set, ``K̂ <= K``).

* Gaussian counts would make ``P(theta_true not in C(q)) <= alpha`` exact (up to Monte-Carlo
  error of the quantile), for every ``n``, since the local statistics are then exactly the
  Gaussian ones.
* For Poisson and negative-binomial counts each local test is exactly valid on its own (its
  rejection probability is at most ``2 gamma_L``, discreteness making it conservative), but the
  joint law of all local tests is Gaussian only in the limit of large counts per interval,
  where ``M_n`` is the limit of the count statistic. So ``P(K̂ > K) <= alpha`` holds
  **asymptotically**; for small counts the discrete tests are more conservative than their
  Gaussian counterparts, which the simulations of ``bench/bench_changepoint.py`` confirm
  at ``n = 120`` (section ``smuce``). With an estimated NB size the statement is, in addition,
  conditional on that size (an underestimate of ``r`` is conservative).
* The break intervals and the band cover the truth simultaneously whenever
  ``theta_true in C(q)`` and ``K̂ = K``: with probability at least ``1 - alpha - P(K̂ < K)``
  (in the same asymptotic sense). ``P(K̂ < K)`` vanishes only for breaks large enough to be
  detected; for small breaks the intervals are conditional statements.
* Pulses (``pulses=``) are removed before the set is formed; the statements then hold for the
  remaining periods, conditionally on the pulse set.

Cost: ``O(n^2)`` time and memory (all intervals), up to :data:`MAX_N` periods; simulating the
critical values costs ``O(N_SIM n^2)`` once per ``n``, after which they are read from the cache.
"""
from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from .._cache import cache_dir
from ..errors import ModelError
from ..results import result_meta
from . import _smuce_kernels as _k
from ._input import prepare
from ._pulse_sets import auto_pulses, preliminary_level, pulses_frame, resolve_pulses
from .costs import MAX_SIZE, estimate_dispersion_given_segments, estimate_dispersion_moments
from .smuce_results import MultiscaleChangePointResult

__all__ = ["SMUCE_SEED", "N_SIM", "MAX_N", "multiscale_changepoints", "critical_value", "null_sample"]

#: Seed of the simulation of the critical values (``numpy.random.default_rng(SMUCE_SEED)``).
SMUCE_SEED = 20140601
#: Number of simulated Gaussian series per ``n``.
N_SIM = 10_000
#: Largest series handled (all ``n (n + 1) / 2`` intervals are tested).
MAX_N = 2000
#: Version of the simulated statistic, part of the cache file name.
_STAT_VERSION = "allint-sqrtpen-v1"
_MAX_ITER = 10


def scale_penalty(n: int) -> np.ndarray:
    """``sqrt(2 log(e n / L))`` for ``L = 0..n`` (entry 0 unused)."""
    L = np.arange(n + 1, dtype=float)
    with np.errstate(divide="ignore"):
        return np.sqrt(2.0 * (1.0 + np.log(n / np.where(L > 0, L, 1.0))))


def _cache_file(n: int, n_sim: int, seed: int) -> Path:
    return cache_dir("smuce") / f"gauss_{_STAT_VERSION}_n{n}_sim{n_sim}_seed{seed}.npy"


def null_sample(n: int, *, n_sim: int = N_SIM, seed: int = SMUCE_SEED, cache: bool = True) -> np.ndarray:
    """Sorted simulated values of the Gaussian multiscale statistic ``M_n`` (see the module docstring).

    Parameters
    ----------
    n : int
        Series length.
    n_sim : int, default :data:`N_SIM`
    seed : int, default :data:`SMUCE_SEED`
    cache : bool, default True
        Read the sample from, and write it to, the cache folder.

    Returns
    -------
    ndarray of length ``n_sim``
        The same bytes for the same ``(n, n_sim, seed)`` on every machine.
    """
    n, n_sim, seed = int(n), int(n_sim), int(seed)
    if n < 1 or n_sim < 1:
        raise ModelError("null_sample needs n >= 1 and n_sim >= 1")
    path = _cache_file(n, n_sim, seed) if cache else None
    if path is not None and path.exists():
        try:
            arr = np.load(path, allow_pickle=False)
            if arr.shape == (n_sim,) and arr.dtype == np.float64:
                return arr
        except (OSError, ValueError):
            pass
    rng = np.random.default_rng(seed)
    pen = scale_penalty(n)
    out = np.empty(n_sim)
    chunk = max(1, min(n_sim, 4_000_000 // max(n, 1)))
    for k0 in range(0, n_sim, chunk):
        k1 = min(n_sim, k0 + chunk)
        out[k0:k1] = _k.null_statistics(rng.standard_normal((k1 - k0, n)), pen)
    out.sort(kind="stable")
    if path is not None:
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            np.save(fh, out, allow_pickle=False)
        os.replace(tmp, path)
    return out


def critical_value(n: int, alpha: float, *, n_sim: int = N_SIM, seed: int = SMUCE_SEED, cache: bool = True) -> float:
    """The ``1 - alpha`` quantile ``q`` of ``M_n``: the ``ceil((1 - alpha)(n_sim + 1))``-th order statistic."""
    if not 0 < alpha < 1:
        raise ModelError("alpha must be in (0, 1)")
    sample = null_sample(n, n_sim=n_sim, seed=seed, cache=cache)
    k = int(math.ceil((1 - alpha) * (sample.size + 1))) - 1
    return float(sample[min(max(k, 0), sample.size - 1)])


def local_bounds(S: np.ndarray, L: np.ndarray, gamma: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray]:
    """Exact one-sided-``gamma`` confidence limits of a rate from a total ``S`` over ``L`` periods.

    Poisson (``size`` infinite): ``P(Poisson(L lo) >= S) = gamma`` and
    ``P(Poisson(L hi) <= S) = gamma``. Negative binomial: the same with
    ``S ~ NB(L r, r / (r + theta))``. ``lo = 0`` when ``S = 0``.
    """
    S = np.asarray(S, dtype=float)
    L = np.asarray(L, dtype=float)
    g = np.asarray(gamma, dtype=float)
    lo = np.zeros_like(S)
    pos = S > 0
    if math.isinf(size):
        lo[pos] = special.gammaincinv(S[pos], g[pos]) / L[pos]
        hi = special.gammainccinv(S + 1.0, g) / L
    else:
        r = float(size)
        w = special.betaincinv(S[pos], L[pos] * r, g[pos])          # 1 - p at the lower limit
        lo[pos] = r * w / (1.0 - w)
        p = special.betaincinv(L * r, S + 1.0, g)                    # p at the upper limit
        hi = r * (1.0 - p) / p
    return lo, hi


def _confidence_set(y: np.ndarray, q: float, size: float):
    """Everything derived from ``C(q)`` for a gap-free count series ``y``."""
    n = y.size
    c = np.concatenate([[0], np.cumsum(y)]).astype(np.int64)
    ii, jj = np.triu_indices(n)
    S = (c[jj + 1] - c[ii]).astype(float)
    L = (jj - ii + 1).astype(float)
    pen = scale_penalty(n)
    # the bounds depend on (S, L) only: solve each distinct pair once
    key = S * (n + 1) + L
    uk, inv = np.unique(key, return_inverse=True)
    uS = np.floor(uk / (n + 1))
    uL = uk - uS * (n + 1)
    ug = special.ndtr(-(q + pen[uL.astype(np.int64)]))
    ulo, uhi = local_bounds(uS, uL, ug, size)
    lo = np.full((n, n), -np.inf)
    hi = np.full((n, n), np.inf)
    lo[ii, jj] = ulo[inv]
    hi[ii, jj] = uhi[inv]
    LB, UB = _k.feasible_bounds(lo, hi)
    f, g, _imin, _jmax = _k.reach(LB, UB)
    K = int(f[n] - 1)
    fam = 0 if math.isinf(size) else 1
    cL = np.arange(n + 1, dtype=np.int64)
    V, arg = _k.estimate(c, cL, LB, UB, f, g, K, fam, 0.0 if fam == 0 else float(size))
    if not np.isfinite(V[n]):  # pragma: no cover - a minimal partition always exists
        raise ModelError("no step function with the minimal number of breaks was found")
    bounds = [n]
    while bounds[-1] > 0:
        bounds.append(int(arg[bounds[-1]]))
    bounds = bounds[::-1]
    positions = tuple(bounds[1:-1])
    # intervals for the k-th break: f(b) == k and g(b) == K + 1 - k
    ci = []
    for k in range(1, K + 1):
        ok = np.flatnonzero((f[1:n] == k) & (g[1:n] == K + 1 - k)) + 1
        ci.append((int(ok.min()), int(ok.max())))
    lower, upper = _k.band(LB, UB, f, g, K)
    segs = []
    for s, e in zip(bounds[:-1], bounds[1:]):
        tot, m = float(c[e] - c[s]), e - s
        segs.append((s, e, min(max(tot / m, LB[s, e - 1]), UB[s, e - 1]), float(LB[s, e - 1]), float(UB[s, e - 1])))
    return K, positions, ci, lower, upper, segs


def multiscale_changepoints(
    y: pd.Series | np.ndarray,
    *,
    family: str = "negbin",
    alpha: float = 0.1,
    dispersion: str | float = "iterate",
    pulses: Any = "auto",
    q: float | None = None,
    n_sim: int = N_SIM,
    missing: str = "raise",
) -> MultiscaleChangePointResult:
    """Multiscale confidence set for the step function of a count series (SMUCE-type).

    Parameters
    ----------
    y : Series or 1-D array of non-negative integer counts
    family : {"negbin", "poisson"}, default "negbin"
        Distribution of the counts given the level: negative binomial with one size for the
        whole series, or Poisson.
    alpha : float, default 0.1
        ``P(K̂ > K) <= alpha`` (see Notes for where this is exact).
    dispersion : {"iterate", "moments"} or float, default "iterate"
        NB size, obtained as :class:`~analysis.changepoint.NegBinCost` obtains it: the
        lag-one moment estimate, refined (``"iterate"``) by the maximum-likelihood size given
        the estimate's segments until they repeat; or fixed. A size of
        :data:`~analysis.changepoint.costs.MAX_SIZE` or more is the Poisson limit.
    pulses : "auto", "none", positions, periods or DataFrame, default "auto"
        One-period outliers to set aside before the set is formed (see
        :func:`~analysis.changepoint.bayesian_changepoints`); ``"auto"`` applies the pulse rule
        of :mod:`analysis.changepoint.pulses` against the robust preliminary level.
    q : float, optional
        Critical value; default the simulated ``1 - alpha`` quantile
        (:func:`critical_value`).
    n_sim : int, default :data:`N_SIM`
        Simulated series for the critical value (cached on disk per ``n``).
    missing : {"raise", "drop-edges"}, default "raise"

    Returns
    -------
    MultiscaleChangePointResult

    Raises
    ------
    ModelError
        For counts that are not non-negative integers, series longer than :data:`MAX_N`, or
        impossible options.

    Notes
    -----
    The construction, the critical value and the guarantees — which hold exactly and which
    only asymptotically — are set out in the module docstring (:mod:`analysis.changepoint.smuce`).
    In short: ``P(K̂ > K) <= alpha`` is exact for Gaussian data and asymptotic for counts
    (conservative for small counts in simulation); the break intervals and the band hold
    simultaneously with probability at least ``1 - alpha - P(K̂ < K)``. Breaks are reported
    as the **first period of the new regime**; the interval of a break holds every first
    period its regime can have.

    References
    ----------
    Frick, Munk & Sieling (2014), Multiscale change point inference, *JRSS B* 76, 495–580.
    """
    prep = prepare(y, missing=missing)
    v = prep.values
    if np.any(v < 0) or np.any(v != np.floor(v)):
        raise ModelError("multiscale_changepoints needs non-negative integer counts")
    if family not in ("poisson", "negbin"):
        raise ModelError(f"family must be 'poisson' or 'negbin', not {family!r}")
    if not 0 < alpha < 1:
        raise ModelError("alpha must be in (0, 1)")
    if isinstance(dispersion, str):
        if dispersion not in ("iterate", "moments"):
            raise ModelError(f"dispersion must be 'iterate', 'moments' or a positive number, not {dispersion!r}")
        disp: str | float = dispersion
    else:
        disp = float(dispersion)
        if not disp > 0:
            raise ModelError("a fixed dispersion (NB size) must be positive")
    n = v.size
    user = resolve_pulses(pulses, n, prep.index)
    auto = user is None

    def size_of(r: float) -> float:
        return math.inf if (family == "poisson" or r >= MAX_SIZE) else r

    def mask_of(pos: np.ndarray) -> np.ndarray:
        mk = np.zeros(n, dtype=bool)
        mk[pos] = True
        return mk

    if family == "poisson":
        r = math.inf
    elif isinstance(disp, float):
        r = disp
    else:
        r = estimate_dispersion_moments(v)
    if auto:
        pos = auto_pulses(v, size_of(r))[0]
        for _ in range(_MAX_ITER):
            if family == "poisson" or isinstance(disp, float):
                break
            r_new = estimate_dispersion_moments(v[~mask_of(pos)])
            pos_new = auto_pulses(v, size_of(r_new))[0]
            r = r_new
            if np.array_equal(pos_new, pos):
                break
            pos = pos_new
    else:
        pos = user
        if family == "negbin" and not isinstance(disp, float):
            r = estimate_dispersion_moments(v[~mask_of(pos)])
    history: list[tuple] = []
    size_path = [] if family == "poisson" else [float(r)]
    converged = True
    while True:
        mask = mask_of(pos)
        keep = np.flatnonzero(~mask)
        yc = v[keep]
        nc = yc.size
        if nc < 1:
            raise ModelError("every period is a pulse: nothing is left to segment")
        if nc > MAX_N:
            raise ModelError(f"multiscale_changepoints handles at most {MAX_N} periods (all intervals are "
                             f"tested, O(n^2)); this series has {nc}")
        qv = float(q) if q is not None else critical_value(nc, alpha, n_sim=n_sim)
        rr = size_of(r)
        K, cpos, cis, lo_c, hi_c, segs = _confidence_set(yc, qv, rr)
        if not (family == "negbin" and disp == "iterate"):
            break
        state = (cpos, tuple(int(p) for p in pos))
        if history and history[-1] == state:
            break
        if len(history) >= _MAX_ITER:
            converged = False
            break
        history.append(state)
        r = estimate_dispersion_given_segments(yc, list(cpos))
        size_path.append(float(r))
        if auto:
            pos = auto_pulses(v, size_of(r))[0]
    # -- back to the periods of the series (pulses carry no information on the level) ----
    nxt = np.searchsorted(keep, np.arange(n))              # compressed index of the next kept period
    first_after = np.concatenate([[0], keep[:-1] + 1])     # first period after the previous kept one
    positions = tuple(int(keep[b]) for b in cpos)
    rows = []
    for k, ((a, b), p) in enumerate(zip(cis, positions)):
        lo_p, hi_p = int(first_after[a]), int(keep[b])
        rows.append({"break": k + 1, "position": p, "period": _label(prep.index, p), "lower_position": lo_p,
                     "upper_position": hi_p, "lower": _label(prep.index, lo_p), "upper": _label(prep.index, hi_p)})
    intervals = pd.DataFrame(rows, columns=["break", "position", "period", "lower_position", "upper_position",
                                            "lower", "upper"])
    prev = np.clip(nxt - 1, 0, nc - 1)
    here = np.clip(nxt, 0, nc - 1)
    est_c = np.empty(nc)
    seg_rows = []
    for k, (s, e, val, lb, ub) in enumerate(segs):
        est_c[s:e] = val
        so, eo = (int(keep[s]) if s > 0 else 0), (int(keep[e]) if e < nc else n)
        seg_rows.append({"segment": k, "start": so, "end": eo, "first": _label(prep.index, so),
                         "last": _label(prep.index, eo - 1), "n": eo - so, "estimate": val, "lower": lb,
                         "upper": ub, "total": float(v[so:eo][~mask[so:eo]].sum())})
    segments = pd.DataFrame(seg_rows)
    lower = np.where(mask, np.minimum(lo_c[prev], lo_c[here]), lo_c[here])
    upper = np.where(mask, np.maximum(hi_c[prev], hi_c[here]), hi_c[here])
    estimate = np.empty(n)
    for row in seg_rows:
        estimate[row["start"]:row["end"]] = row["estimate"]
    band = pd.DataFrame({"period": [_label(prep.index, t) for t in range(n)], "position": np.arange(n),
                         "value": v, "pulse": mask, "estimate": estimate, "lower": lower, "upper": upper})
    pf = pulses_frame(pos, v, preliminary_level(v, rr), rr, prep.index)
    options = {"family": family, "alpha": alpha, "dispersion": disp,
               "pulses": "auto" if auto else [int(p) for p in pos], "q": q, "n_sim": int(n_sim),
               "missing": missing}
    meta = result_meta(options=options, input_sha256=prep.sha256,
                       seed=(None if q is not None else SMUCE_SEED), n=n, n_used=int(nc),
                       dropped_head=prep.dropped_head, dropped_tail=prep.dropped_tail,
                       size=(None if math.isinf(rr) else float(rr)), size_path=size_path,
                       size_converged=converged, critical_value_source=("given" if q is not None else
                                                                        f"Gaussian M_n, {int(n_sim)} simulations"))
    return MultiscaleChangePointResult(
        n_breaks=K, positions=positions, breaks=tuple(_label(prep.index, p) for p in positions),
        intervals=intervals, segments=segments, band=band, alpha=float(alpha), critical_value=qv,
        family=("poisson" if math.isinf(rr) else "negbin"), size=float(rr), pulses=pf, values=v,
        index=prep.index, meta=meta)


def _label(index: pd.Index | None, pos: int) -> Any:
    return int(pos) if index is None else index[int(pos)]
