"""Exact Bayesian change points for counts: a product-partition model, Poisson or negative binomial.

Model
-----
* **Partitions.** The ``n`` periods are split into segments of at least ``min_size`` periods,
  with at most ``K`` breaks. Prior: every admissible position is independently a break with
  probability ``break_prob``, conditioned on the partition being admissible, so
  ``P(partition) ∝ rho^k`` with ``rho = break_prob / (1 - break_prob)`` and ``k`` breaks;
  given ``k`` all admissible partitions are equally likely (with ``K = 1`` the break location
  has the classical uniform prior).
* **Counts within a segment**, independent given its level ``mu``:

  - ``family="poisson"``: ``y ~ Poisson(mu)``, ``mu ~ Gamma(a, b)`` (shape, rate);
  - ``family="negbin"``: ``y ~ NB(r, pi)``, ``P(y) = Gamma(y + r) / (Gamma(r) y!) pi^r (1 - pi)^y``,
    mean ``mu = r (1 - pi) / pi``, with ``r`` the size shared by all segments (the same size as
    the negative-binomial search cost) and ``pi ~ Beta(alpha, beta)``, ``alpha = 1 + b r``,
    ``beta = a``. This Beta prior gives ``mu`` the prior mean ``a / b`` of the Gamma prior and
    tends to ``Gamma(a, b)`` as ``r -> inf``, so one ``(a, b)`` describes both families.

* **Pulses.** Periods declared pulses (one-period outliers: a mass listing, a month without
  publication) have their own level, drawn from the same prior, independent of the regime
  they sit in. Their counts therefore leave the segment likelihood; the regime runs through
  them, and the posterior level reported at a pulse is the level of its regime.

Segment marginal likelihoods
----------------------------
For a segment whose non-pulse periods number ``L`` with total ``S``:

* Poisson–Gamma: ``prod_t 1/y_t! * b^a / Gamma(a) * Gamma(a + S) / (b + L)^(a + S)``;
* beta–negative-binomial: ``prod_t Gamma(y_t + r) / (Gamma(r) y_t!) * B(alpha + L r, beta + S) /
  B(alpha, beta)``, since the likelihood is ``pi^(L r) (1 - pi)^S`` times the data-only factor,
  and integrating it against the ``Beta(alpha, beta)`` density gives the ratio of Beta functions.

Both factor into a data-only term, the same for every partition, and a term of ``(S, L)``
only; the recursions use the latter, :attr:`log_evidence` adds the former back.

Computation
-----------
Forward sums ``A_j(t)`` over partitions of ``y[:t]`` into ``j`` segments, backward sums
``B_j(s)`` over partitions of ``y[s:]``, and the max-product ``D_j(t)``, all exact in log space,
``O(K n^2)`` time and ``O(K n)`` memory (see :mod:`analysis.changepoint._bayes_kernels`). From
them, without sampling:

* ``P(k breaks | y) ∝ rho^k A_{k+1}(n)``;
* ``P([s, e) is a segment | y)`` for every pair, hence ``P(new regime starts at t | y)`` and the
  exact posterior mean of the level at every period;
* the most probable partition (MAP);
* equal-tailed credible bands of the level: quantiles of the mixture of conjugate posteriors
  over the segments covering each period (:mod:`analysis.changepoint._posterior_band`).

References
----------
Barry & Hartigan (1992), *Ann. Statist.* 20, 260–279 (product partitions);
Fearnhead (2006), *Stat. Comput.* 16, 203–213 (exact recursions);
Fisch, Eckley & Fearnhead (2022), *Stat. Anal. Data Min.* 15, 494–508 (point anomalies beside
changes).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from ..errors import ModelError
from ..results import result_meta
from . import _bayes_blocks as _blocks
from . import _bayes_kernels as _k
from ._input import prepare
from ._posterior_band import mixture_quantiles, select_heavy
from ._pulse_sets import auto_pulses, preliminary_level, pulses_frame, resolve_pulses
from .bayes_results import BayesianChangePointResult
from .costs import MAX_SIZE, estimate_dispersion_given_segments, estimate_dispersion_moments

__all__ = ["GammaPrior", "bayesian_changepoints", "CAP_MASS", "MAX_BREAKS_LIMIT", "INITIAL_MAX_BREAKS"]

#: The cap on the number of breaks is acceptable when the posterior puts less than this on it.
CAP_MASS = 0.01
#: ``max_breaks="auto"`` starts from this cap ...
INITIAL_MAX_BREAKS = 6
#: ... and doubles it while the posterior mass at the cap is at least :data:`CAP_MASS`, up to this.
MAX_BREAKS_LIMIT = 64
#: Band: the exactly evaluated segments may make at most this many (block, segment) pairs per
#: period (at least :data:`BAND_MIN_ENTRIES` in all); see :mod:`._posterior_band`.
BAND_ENTRIES_PER_PERIOD = 8
BAND_MIN_ENTRIES = 20_000
#: Rounds of the size / pulse / MAP iteration.
MAX_ITER = 10

_NBINS = 20
#: Classes of the segment posterior mean (equal width in sqrt scale) for the band's stand-in.
_LEVEL_CLASSES = 64
_CAP_PAIRS = 1_000_000


@dataclass(frozen=True)
class GammaPrior:
    """Prior of the segment levels and the per-period break probability.

    Parameters
    ----------
    shape : float, default 1
        ``a``.
    rate : float, optional
        ``b``. Default ``shape / mean(y)`` over the non-pulse periods: prior mean equal to the
        series mean, exponential prior (shape 1), i.e. weakly informative on the scale of the
        data.
    break_prob : float, optional
        Prior probability that a given period starts a new regime. Default ``1 / n`` (about one
        break expected a priori).

    Notes
    -----
    For ``family="poisson"`` the level has the ``Gamma(a, b)`` prior. For ``family="negbin"``
    with size ``r`` the success probability ``pi = r / (r + mu)`` has the
    ``Beta(1 + b r, a)`` prior, which gives ``mu`` the same prior mean ``a / b`` and tends to
    ``Gamma(a, b)`` as ``r`` grows.
    """

    shape: float = 1.0
    rate: float | None = None
    break_prob: float | None = None


@dataclass
class _Setup:
    """Everything the kernels need for one (family, size, pulse set, prior)."""

    fam: int
    r: float
    a: float
    b: float
    alpha: float
    beta: float
    lrho: float
    cS: np.ndarray
    cL: np.ndarray
    tabS: np.ndarray
    tabL: np.ndarray
    p: tuple[float, float, float, float]

    def args(self) -> tuple:
        return (self.cS, self.cL, self.fam, self.tabS, self.tabL, *self.p)


def _setup(fam: int, r: float, a: float, b: float, lrho: float, mask: np.ndarray, v: np.ndarray) -> _Setup:
    n = v.size
    keep = ~mask
    cS = np.concatenate([[0], np.cumsum(np.where(keep, v, 0.0))]).astype(np.int64)
    cL = np.concatenate([[0], np.cumsum(keep)]).astype(np.int64)
    alpha = 1.0 + b * r if fam == 1 else math.nan
    beta = a if fam == 1 else math.nan
    tot = int(cS[-1])
    Sx = np.arange(tot + 1, dtype=float) if tot <= _k.TABLE_MAX else None
    if fam == 0:
        tabS = special.gammaln(a + Sx) if Sx is not None else np.zeros(0)
        tabL = np.log(b + np.arange(n + 1, dtype=float))
        p = (a * math.log(b) - math.lgamma(a), a, 0.0, b)
    else:
        tabS = special.gammaln(beta + Sx) if Sx is not None else np.zeros(0)
        x = alpha + r * np.arange(n + 1, dtype=float)
        ix = 1.0 / x
        ix2 = ix * ix
        tail = ix * (1.0 / 12.0 - ix2 * (1.0 / 360.0 - ix2 * (1.0 / 1260.0 - ix2 / 1680.0)))
        tabL = np.concatenate([special.gammaln(x), ix, x - 0.5, tail])
        # lgamma(alpha + beta) - lgamma(alpha) - lgamma(beta), without cancellation for large alpha
        p = (_k.lgamma_diff(alpha, beta) - math.lgamma(beta), alpha, r, beta)
    return _Setup(fam, r, a, b, alpha, beta, lrho, cS, cL, tabS, tabL, p)


class _Layers:
    """Forward layers ``A[t, j]`` (sums) and ``D[t, j]``, ``argD`` (max-product), grown on demand."""

    def __init__(self, su: _Setup, n: int, m: int, rows: int) -> None:
        self.su, self.n, self.m = su, n, m
        self.A = np.full((rows + 2, n + 1), -np.inf)
        self.D = np.full((rows + 2, n + 1), -np.inf)
        self.argD = np.full((rows + 2, n + 1), -1, dtype=np.int64)
        self.A[0, 0] = 0.0
        self.D[0, 0] = 0.0
        self.sum_to = 0   # layers 1..sum_to of A are filled
        self.max_to = 0   # layers 1..max_to of D are filled

    def fill(self, K: int, *, want_sum: bool, want_max: bool) -> None:
        """Make layers up to ``K + 1`` available (sums and/or max-products)."""
        top = K + 1
        if top + 1 > self.A.shape[0]:
            extra = top + 1 - self.A.shape[0]
            pad = np.full((extra, self.n + 1), -np.inf)
            self.A = np.vstack([self.A, pad])
            self.D = np.vstack([self.D, pad.copy()])
            self.argD = np.vstack([self.argD, np.full((extra, self.n + 1), -1, dtype=np.int64)])
        ws = want_sum and self.sum_to < top
        wm = want_max and self.max_to < top
        if not (ws or wm):
            return
        if ws and wm and self.sum_to != self.max_to:
            self.fill(K, want_sum=True, want_max=False)
            self.fill(K, want_sum=False, want_max=True)
            return
        j0 = (self.sum_to if ws else self.max_to) + 1
        _blocks.forward(*self.su.args(), self.m, j0, top, self.A, self.D, self.argD, ws, wm)
        if ws:
            self.sum_to = top
        if wm:
            self.max_to = top

    def post_k(self, K: int) -> tuple[np.ndarray, float]:
        n, lrho = self.n, self.su.lrho
        terms = np.array([self.A[j, n] + (j - 1) * lrho for j in range(1, K + 2)])
        fin = np.isfinite(terms)
        if not fin.any():
            raise ModelError("no admissible partition (check min_size against the series length)")
        Z = float(np.logaddexp.reduce(terms[fin]))
        return np.where(fin, np.exp(terms - Z), 0.0), Z

    def map_positions(self, K: int) -> tuple[int, ...]:
        n, lrho = self.n, self.su.lrho
        mterms = np.array([self.D[j, n] + (j - 1) * lrho for j in range(1, K + 2)])
        jbest = int(np.argmax(mterms)) + 1
        pos = []
        t = n
        for j in range(jbest, 0, -1):
            s = int(self.argD[j, t])
            if j > 1:
                pos.append(s)
            t = s
        return tuple(sorted(pos))


def _heavy_moments(n: int, hs: np.ndarray, he: np.ndarray, hp: np.ndarray, hc: np.ndarray, S: np.ndarray,
                   L: np.ndarray, fam: int, a: float, b: float, r: float, ncls: int) -> np.ndarray:
    """Per level class and period: mass, and mass times first and (finite) second moments."""
    if fam == 0:
        m1 = (a + S) / (b + L)
        m2 = m1 * (a + S + 1.0) / (b + L)
    else:  # a = beta, b = alpha
        al = b + L * r
        m1 = r * (a + S) / (al - 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            m2 = np.where(al > 2.0, m1 * r * (a + S + 1.0) / (al - 2.0), 0.0)
    d = np.zeros((3, ncls, n + 1))
    for k, wts in enumerate((hp, hp * m1, hp * m2)):
        np.add.at(d[k], (hc, hs), wts)
        np.add.at(d[k], (hc, he), -wts)
    return np.cumsum(d, axis=2)[:, :, :n]


def _clean_positions(positions: tuple[int, ...], mask: np.ndarray) -> list[int]:
    """Break positions in the series with the pulse periods removed."""
    before = np.concatenate([[0], np.cumsum(~mask)])
    out = sorted({int(before[p]) for p in positions})
    nclean = int(before[-1])
    return [p for p in out if 0 < p < nclean]


def _log_prior_norm(n: int, m: int, K: int, lrho: float) -> float:
    """log of sum_k rho^k (number of partitions of n periods into k + 1 segments of >= m)."""
    terms = []
    for k in range(K + 1):
        top = n - (k + 1) * (m - 1) - 1
        if top < k:
            break
        terms.append(k * lrho + special.gammaln(top + 1) - special.gammaln(k + 1) - special.gammaln(top - k + 1))
    return float(np.logaddexp.reduce(terms))


def _data_constant(fam: int, y: np.ndarray, r: float) -> float:
    """log of the partition-free factor: ``-sum log y!``, times ``Gamma(y + r) / Gamma(r)`` for NB."""
    y = np.asarray(y, dtype=float)
    if fam == 0:
        return float(-special.gammaln(y + 1).sum())
    return float((_k.lgamma_diff_array(np.full(y.size, float(r)), y) - special.gammaln(y + 1)).sum())


def _pulse_terms(fam: int, y: np.ndarray, a: float, b: float, alpha: float, beta: float, r: float) -> float:
    """log prior-predictive probability of each pulse count under the segment prior."""
    if y.size == 0:
        return 0.0
    if fam == 0:
        lm = a * math.log(b) - special.gammaln(a) + special.gammaln(a + y) - (a + y) * math.log(b + 1.0)
    else:  # log B(alpha + r, beta + y) - log B(alpha, beta), in the cancellation-free form
        lm = (special.gammaln(beta + y) - special.gammaln(beta)
              - _k.lgamma_diff_array(np.full(y.size, alpha + r), beta + y) + _k.lgamma_diff(alpha, beta))
    return float(np.sum(lm)) + _data_constant(fam, y, r)


def _resolve_family(family: str) -> str:
    if family not in ("poisson", "negbin"):
        raise ModelError(f"family must be 'poisson' or 'negbin', not {family!r}")
    return family


def _resolve_dispersion(dispersion: Any) -> str | float:
    if isinstance(dispersion, str):
        if dispersion not in ("iterate", "moments"):
            raise ModelError(f"dispersion must be 'iterate', 'moments' or a positive number, not {dispersion!r}")
        return dispersion
    d = float(dispersion)
    if not d > 0:
        raise ModelError("a fixed dispersion (NB size) must be positive")
    return d


def bayesian_changepoints(
    y: pd.Series | np.ndarray,
    *,
    family: str = "negbin",
    dispersion: str | float = "iterate",
    prior: GammaPrior | tuple[float, float] | None = None,
    pulses: Any = "auto",
    max_breaks: int | str | None = "auto",
    min_size: int = 2,
    level: float = 0.95,
    missing: str = "raise",
) -> BayesianChangePointResult:
    """Exact posterior of a product-partition change-point model for counts.

    Parameters
    ----------
    y : Series or 1-D array of non-negative integer counts
    family : {"negbin", "poisson"}, default "negbin"
        Counts within a segment: negative binomial with a shared size (beta–negative-binomial
        conjugacy), or Poisson (Poisson–Gamma).
    dispersion : {"iterate", "moments"} or float, default "iterate"
        The NB size ``r``, obtained as the negative-binomial search cost obtains it
        (:class:`~analysis.changepoint.NegBinCost`): ``"moments"`` is the lag-one-difference
        estimate :func:`~analysis.changepoint.costs.estimate_dispersion_moments` of the
        non-pulse periods; ``"iterate"`` refines it by alternating the most probable partition
        and :func:`~analysis.changepoint.costs.estimate_dispersion_given_segments` until the
        partition (and pulse set) repeats; a number fixes it. A size of
        :data:`~analysis.changepoint.costs.MAX_SIZE` or more (no overdispersion) is the
        Poisson limit, and the Poisson model is used. Ignored for ``family="poisson"``.
    prior : GammaPrior or (shape, rate), optional
        Level prior and break probability (defaults in :class:`GammaPrior`).
    pulses : "auto", "none", positions, periods or DataFrame, default "auto"
        One-period outliers, modelled as their own level (see Notes). ``"auto"`` applies the
        pulse rule of :mod:`analysis.changepoint.pulses` against a robust preliminary level;
        a DataFrame with a ``position`` column (e.g. :attr:`ChangePointResult.pulses`) uses
        those pulses.
    max_breaks : "auto", int or None, default "auto"
        Cap ``K`` on the number of breaks. ``"auto"``: start at :data:`INITIAL_MAX_BREAKS` and
        double while the posterior puts at least :data:`CAP_MASS` (1%) on the cap, up to
        :data:`MAX_BREAKS_LIMIT`. An int fixes the cap (``1``: the classical single-break
        posterior). ``None``: as many as ``min_size`` allows (``O(n^3)``). The result says in
        words when the posterior mass at the cap is 1% or more.
    min_size : int, default 2
        Smallest segment length in periods (the search's default; pulses count as periods).
    level : float, default 0.95
        Credible level of the band of the posterior level.
    missing : {"raise", "drop-edges"}, default "raise"

    Returns
    -------
    BayesianChangePointResult

    Raises
    ------
    ModelError
        For counts that are negative or not integers, impossible options, or a pulse set
        that does not match the series.

    Notes
    -----
    See the module docstring for the model and the marginal likelihoods. Breaks are
    reported as the **first period of the new regime**.

    *Pulses.* Treating a pulse as a period with its own level, independent of its regime, is
    the point-anomaly model of CAPA (Fisch, Eckley & Fearnhead 2022) inside a product
    partition: the count of a pulse is explained by its own level, so it can neither create a
    short regime nor inflate the level of the regime around it, and the regime runs through
    it. The alternative — a pulse as a one-period segment with breaks on both sides — is what
    made single-month mass listings appear as regimes. Given the pulse set the posterior is
    exact; the set itself is fixed before the posterior is computed (by the rule, or by the
    caller), so its uncertainty is not propagated. With ``"auto"`` the rule
    (unit deviance above ``3 log n``) is applied against the preliminary level of
    :mod:`analysis.changepoint._pulse_sets`, with the current NB size, and re-applied each
    time the size is re-estimated.

    *Cap.* The prior is truncated at ``K`` breaks. When the posterior mass at ``K`` is below
    1% the truncation barely matters; otherwise the number of breaks is not determined by the
    model under that cap, and the result says so (:attr:`BayesianChangePointResult.cap_note`).

    *Accuracy.* Break probabilities, the posterior of the number of breaks, the posterior mean
    level and the MAP partition are exact up to rounding (segments whose posterior probability
    is below ``1e-18`` are skipped, which changes a break probability by at most ``n 1e-18``).
    The credible band evaluates the most probable segments exactly and stands in for the rest
    (left out to bound the work) with one moment-matched Gamma per class of level;
    ``meta["band_error"]`` bounds the error of the band's tail probabilities whatever the
    left-out segments are (it is 0 when none are; in tests against the exact mixture the error
    is far below the bound).

    *Cost.* ``O(K n^2)`` time, ``O(K n)`` memory; measured by
    ``bench/bench_changepoint.py --sections bayes_speed`` at ``n = 1,000`` and
    ``10,000``.

    Examples
    --------
    >>> from analysis.changepoint import bayesian_changepoints
    >>> post = bayesian_changepoints(y)                                   # doctest: +SKIP
    >>> post.break_probability.nlargest(3)                                 # doctest: +SKIP
    """
    prep = prepare(y, missing=missing)
    v = prep.values
    if np.any(v < 0) or np.any(v != np.floor(v)):
        raise ModelError("bayesian_changepoints needs non-negative integer counts")
    n = v.size
    family = _resolve_family(family)
    disp = _resolve_dispersion(dispersion)
    if int(min_size) != min_size or min_size < 1:
        raise ModelError("min_size must be a positive integer")
    m = int(min_size)
    if n < m:
        raise ModelError("series shorter than min_size")
    if not 0 < level < 1:
        raise ModelError("level must be in (0, 1)")
    if prior is None:
        prior = GammaPrior()
    elif isinstance(prior, tuple):
        prior = GammaPrior(float(prior[0]), float(prior[1]))
    kmax = n // m - 1
    if isinstance(max_breaks, str):
        if max_breaks != "auto":
            raise ModelError(f"max_breaks must be 'auto', an integer or None, not {max_breaks!r}")
        grow = True
        K0 = min(INITIAL_MAX_BREAKS, kmax)
        Khard = min(MAX_BREAKS_LIMIT, kmax)
    elif max_breaks is None:
        grow = False
        K0 = Khard = kmax
    else:
        if int(max_breaks) != max_breaks or max_breaks < 0:
            raise ModelError("max_breaks must be a non-negative integer, 'auto' or None")
        grow = False
        K0 = Khard = int(min(max_breaks, kmax))
    user_mask = resolve_pulses(pulses, n, prep.index)
    auto = user_mask is None

    def mask_of(pos: np.ndarray) -> np.ndarray:
        mk = np.zeros(n, dtype=bool)
        mk[pos] = True
        return mk

    def size_of(r: float) -> float:
        return math.inf if (family == "poisson" or r >= MAX_SIZE) else r

    # -- NB size and pulse set: the cheap part first (moments <-> pulse rule) --------------
    if family == "poisson":
        r = math.inf
    elif isinstance(disp, float):
        r = disp
    else:
        r = estimate_dispersion_moments(v)
    if auto:
        pos, _lev = auto_pulses(v, size_of(r))
        for _ in range(MAX_ITER):
            if family == "poisson" or isinstance(disp, float):
                break
            r_new = estimate_dispersion_moments(v[~mask_of(pos)])
            pos_new, _lev = auto_pulses(v, size_of(r_new))
            r = r_new
            if np.array_equal(pos_new, pos):
                break
            pos = pos_new
    else:
        pos = user_mask
        if family == "negbin" and not isinstance(disp, float):
            r = estimate_dispersion_moments(v[~mask_of(pos)])
    if pos.size >= n:
        raise ModelError("every period is a pulse: nothing is left to segment")

    def prior_ab(mask: np.ndarray) -> tuple[float, float, float]:
        a = float(prior.shape)
        mean = float(v[~mask].mean())
        b = float(prior.rate) if prior.rate is not None else a / max(mean, 1e-12)
        p = float(prior.break_prob) if prior.break_prob is not None else 1.0 / n
        if not (a > 0 and b > 0 and 0 < p < 1):
            raise ModelError("prior shape and rate must be positive and break_prob in (0, 1)")
        return a, b, p

    # -- rounds: most probable partition -> size (and pulses) until they repeat -----------
    iterate = family == "negbin" and disp == "iterate"
    history: list[tuple] = []
    size_path = [] if family == "poisson" else [float(r)]
    converged = not iterate
    K = K0
    first = True
    while True:
        mask = mask_of(pos)
        a, b, p = prior_ab(mask)
        lrho = math.log(p / (1 - p))
        rr = size_of(r)
        fam = 0 if math.isinf(rr) else 1
        su = _setup(fam, rr if fam else 0.0, a, b, lrho, mask, v)
        need_sum = not (iterate and first)
        best = None if need_sum else _blocks.best_partition(*su.args(), m, lrho)
        if best is not None and best.size <= K:
            # a round that only needs the most probable partition: the one-layer recursion,
            # whose answer is the capped one whenever it has at most K breaks
            map_pos = tuple(int(q) for q in best)
        else:
            lay = _Layers(su, n, m, K)
            lay.fill(K, want_sum=need_sum, want_max=True)
            map_pos = None
        cap_path = [K]
        if need_sum:
            post_k, Z = lay.post_k(K)
            while grow and post_k[K] >= CAP_MASS and K < Khard:
                K = min(2 * K, Khard)
                lay.fill(K, want_sum=True, want_max=True)
                post_k, Z = lay.post_k(K)
                cap_path.append(K)
        if map_pos is None:
            map_pos = lay.map_positions(K)
        if not iterate:
            break
        state = (map_pos, tuple(int(q) for q in pos))
        if need_sum and history and history[-1] == state:
            converged = True
            break
        if need_sum and len(history) >= MAX_ITER:
            break
        if len(history) < MAX_ITER:
            history.append(state)
            r = estimate_dispersion_given_segments(v[~mask], _clean_positions(map_pos, mask))
            size_path.append(float(r))
            if auto:
                pos = auto_pulses(v, size_of(r))[0]
        first = False
    # -- backward sums and segment posteriors (one sweep) ---------------------------------
    A = np.ascontiguousarray(lay.A[:K + 1])
    budget = max(BAND_ENTRIES_PER_PERIOD * n, BAND_MIN_ENTRIES)
    cscale = _LEVEL_CLASSES / math.sqrt(float(v.max()) + 1.0)
    bp, dc, ps, pe, pp, pb, pc, bstore = _blocks.backward_segments(
        *su.args(), m, K, A, lrho, Z, _NBINS, _CAP_PAIRS, _LEVEL_CLASSES, cscale)
    tot = np.cumsum(dc, axis=2)[:, :, :n]          # (moment, class, period)
    infinite = tot[3] > 1e-13                      # classes whose second moment is infinite
    mean = tot[1].sum(axis=0)
    sel = select_heavy(n, ps, pe, pb, int(bstore), budget)
    hs, he, hp, hc = ps[sel], pe[sel], pp[sel], pc[sel]
    S_h = (su.cS[he] - su.cS[hs]).astype(float)
    L_h = (su.cL[he] - su.cL[hs]).astype(float)
    comp = (0, su.a, su.b, 0.0) if fam == 0 else (1, su.beta, su.alpha, rr)
    # what the heavy segments leave out, per level class and period: total minus heavy
    heavy = _heavy_moments(n, hs, he, hp, hc, S_h, L_h, *comp, _LEVEL_CLASSES)
    light = tot[:3] - heavy
    light[0] = np.where(light[0] < 1e-13, 0.0, np.minimum(light[0], 1.0))
    light[1] = np.where(light[0] > 0, np.maximum(light[1], 0.0), 0.0)
    light[2] = np.where(light[0] > 0, np.where(infinite, np.inf, np.maximum(light[2], 0.0)), 0.0)
    q = ((1 - level) / 2, 1 - (1 - level) / 2)
    lower, upper, band_error = mixture_quantiles(n, hs, he, hp, S_h, L_h, *comp, q, light)
    # -- evidence ------------------------------------------------------------------------
    log_ev = (Z - _log_prior_norm(n, m, K, lrho) + _data_constant(fam, v[~mask], rr if fam else 0.0)
              + _pulse_terms(fam, v[mask], su.a, su.b, su.alpha, su.beta, rr if fam else 0.0))
    # -- result --------------------------------------------------------------------------
    idx = prep.index if prep.index is not None else pd.RangeIndex(n)
    bp_s = pd.Series(bp[:n], index=idx, name="break_probability")
    nb = pd.Series(post_k, index=pd.RangeIndex(K + 1, name="n_breaks"), name="posterior")
    rate = pd.DataFrame({"mean": mean, "lower": lower, "upper": upper}, index=idx)
    lev = preliminary_level(v, rr)
    pf = pulses_frame(pos, v, lev, rr, prep.index)
    cap_mass = float(post_k[K])
    cap_note = _cap_note(cap_mass, K, grow, Khard, kmax, max_breaks)
    prior_d: dict[str, Any] = {"shape": su.a, "rate": su.b, "break_prob": p, "max_breaks": K,
                               "min_size": m}
    if fam == 1:
        prior_d.update({"beta_alpha": su.alpha, "beta_beta": su.beta})
    options = {"family": family, "dispersion": disp, "prior": {"shape": prior.shape, "rate": prior.rate,
                                                                "break_prob": prior.break_prob},
               "pulses": "auto" if auto else [int(q_) for q_ in pos], "max_breaks": max_breaks,
               "min_size": m, "level": level, "missing": missing}
    meta = result_meta(options=options, input_sha256=prep.sha256, seed=None, n=n,
                       dropped_head=prep.dropped_head, dropped_tail=prep.dropped_tail,
                       size=(None if math.isinf(rr) else float(rr)), size_path=size_path,
                       size_converged=converged, cap_path=cap_path, band_error=band_error,
                       band_segments=int(hs.size))
    return BayesianChangePointResult(
        break_probability=bp_s, n_breaks_posterior=nb, rate=rate, map_positions=map_pos,
        log_evidence=float(log_ev), prior=prior_d, level=level,
        family=("poisson" if fam == 0 else "negbin"), size=float(rr), pulses=pf,
        max_breaks=K, cap_mass=cap_mass, cap_note=cap_note, values=v, index=prep.index, meta=meta)


def _cap_note(cap_mass: float, K: int, grow: bool, Khard: int, kmax: int, requested: Any) -> str:
    """Plain words when the cap on the number of breaks holds 1% of the posterior or more."""
    if cap_mass < CAP_MASS or K >= kmax:
        return ""
    share = f"{cap_mass:.2f}" if cap_mass >= 0.01 else f"{cap_mass:.3f}"
    if grow:
        return (f"The posterior puts {share} on {K} breaks, the most this model allows "
                f"(limit {Khard}): the number of breaks is not determined by a model of level "
                "shifts and pulses; the series may have a trend, seasonality or dependence.")
    return (f"The posterior puts {share} on {K} breaks, the cap set by max_breaks={requested}: "
            "more breaks are plausible, so the number of breaks is not determined; use "
            "max_breaks='auto'.")
