"""Equal-tailed quantiles of the posterior level per period: a mixture over segments.

The posterior of the level at period ``t`` is ``sum_{s <= t < e} P(s, e) G_{s,e}``, with
``G_{s,e}`` the conjugate posterior of segment ``[s, e)`` (Gamma for Poisson counts; for
negative-binomial counts ``mu = r (1 - pi) / pi`` with ``pi`` Beta, a scaled beta-prime).

There are ``O(n^2)`` segments, so the mixture is split:

* **heavy** segments, taken by decreasing probability class (one decade of the class bound per
  step) while the work stays within a budget. Periods are grouped into *blocks* over which the
  set of heavy segments does not change, the left-out part barely changes (:data:`LIGHT_TOL`)
  and which are at most :data:`BLOCK` periods long; the heavy part of the mixture is the same
  function throughout a block and is evaluated exactly;
* the **rest**, of posterior mass ``D_t`` at period ``t``, enters as a few Gammas, one per
  class of the segment posterior mean (equal width in square-root scale), each with the exact
  mass, mean and variance of the left-out segments of its class (averaged over the block); so
  a left-out part spread over two regimes stays bimodal.

The two quantiles of every block are found by safeguarded Newton steps on ``log x``
(bisection whenever a step leaves the bracket), vectorised over blocks, to ``1e-11`` in
``log x``: a block is done when its step is that small, or when two Newton steps in a row
show quadratic convergence and the error they predict after the second (``C step^2``,
with ``C = step / previous step^2``) is a tenth of that.

Whatever the left-out segments are, their CDF lies in ``[0, D_t]``, and so does that of the
stand-in up to the block average: the returned bound ``x`` satisfies
``|P(level_t <= x | y) - q| <= max(D_t, Dbar) + |D_t - Dbar|`` with ``Dbar`` the block average.
The caller reports the largest such bound as ``band_error``; in practice the error is far
smaller, because the stand-in has the right mass and first two moments in every class.
"""
from __future__ import annotations

import numpy as np
from ._jit import njit  # numba.njit, cached in the user's cache folder
from scipy import special

__all__ = ["BLOCK", "LIGHT_TOL", "mixture_quantiles", "select_heavy"]

#: Longest block of periods that shares one stand-in for the left-out segments.
BLOCK = 64
#: A block also ends where the left-out mass of a level class has moved by more than this
#: (absolute, or this share of the left-out mass at the block's first period, if larger).
LIGHT_TOL = 1e-4


@njit(cache=True)
def _light_breaks(light0, tol):
    """Periods where the left-out mass per class has moved too far from the block's first period."""
    ncl, n = light0.shape
    out = np.zeros(n, dtype=np.bool_)
    t0 = 0
    for t in range(1, n):
        ref = 0.0
        dist = 0.0
        for c in range(ncl):
            ref += light0[c, t0]
            dist += abs(light0[c, t] - light0[c, t0])
        lim = tol if tol > 0.05 * ref else 0.05 * ref
        if dist > lim:
            out[t] = True
            t0 = t
    return out


def _components(fam: int, S: np.ndarray, L: np.ndarray, a: float, b: float, r: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if fam == 0:
        shp = a + S
        rt = b + L
        return shp, rt, special.gammaln(shp)
    # negative binomial: pi ~ Beta(alpha + L r, beta + S); P(mu <= x) = I_z(beta + S, alpha + L r)
    al = b + L * r  # b holds alpha here
    be = a + S      # a holds beta here
    return be, al, special.betaln(be, al)


def _cdf_pdf(fam: int, x: np.ndarray, p1: np.ndarray, p2: np.ndarray, lnorm: np.ndarray, r: float) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        if fam == 0:
            F = special.gammainc(p1, p2 * x)
            lf = p1 * np.log(p2) + special.xlogy(p1 - 1.0, x) - p2 * x - lnorm
        else:
            z = x / (x + r)
            F = special.betainc(p1, p2, z)
            lf = (special.xlogy(p1 - 1.0, z) + special.xlog1py(p2 - 1.0, -z) - lnorm
                  + np.log(r) - 2.0 * np.log(x + r))
        f = np.where(x > 0, np.exp(lf), 0.0)
    return F, np.nan_to_num(f, nan=0.0, posinf=0.0)


#: Accuracy of the quantiles in ``log x``.
TOL = 1e-11

#: Entries from which :func:`_cdf_pdf_lanes` splits its work between two threads.
SPLIT_MIN = 100_000


def _cdf_pdf_lanes(fam: int, x: np.ndarray, p1: np.ndarray, p2: np.ndarray, lnorm: np.ndarray,
                   r: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_cdf_pdf`, in two halves side by side when the arrays are long (scipy's functions release the GIL).

    Every entry is computed on its own, so the result does not depend on the split.
    """
    if x.size < SPLIT_MIN:
        return _cdf_pdf(fam, x, p1, p2, lnorm, r)
    from ._bayes_blocks import _two_lanes

    h = x.size // 2
    parts: list = [None, None]

    def run(lane: int) -> None:
        sl = slice(0, h) if lane == 0 else slice(h, None)
        parts[lane] = _cdf_pdf(fam, x[sl], p1[sl], p2[sl], lnorm[sl], r)

    _two_lanes(run)
    return np.concatenate([parts[0][0], parts[1][0]]), np.concatenate([parts[0][1], parts[1][1]])


def _blocks(n: int, starts: np.ndarray, ends: np.ndarray, extra: np.ndarray | None = None) -> np.ndarray:
    grid = np.arange(0, n + 1, BLOCK)
    parts = [[0, n], grid, starts, ends] + ([extra] if extra is not None else [])
    return np.unique(np.concatenate(parts))


def _entries(bnd: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> int:
    return int(np.sum(np.searchsorted(bnd, ends) - np.searchsorted(bnd, starts)))


def select_heavy(n: int, starts: np.ndarray, ends: np.ndarray, bins: np.ndarray, max_bin: int,
                 budget: int) -> np.ndarray:
    """Mask of the heavy segments: whole classes ``0, 1, ...`` while ``(block, segment)`` entries fit ``budget``."""
    keep = np.zeros(starts.size, dtype=bool)
    for b in range(max_bin + 1):
        cand = keep | (bins == b)
        if not cand.any():
            continue
        bnd = _blocks(n, starts[cand], ends[cand])
        if _entries(bnd, starts[cand], ends[cand]) > budget and keep.any():
            break
        keep = cand
    return keep


def mixture_quantiles(n: int, starts: np.ndarray, ends: np.ndarray, weights: np.ndarray,
                      S: np.ndarray, L: np.ndarray, fam: int, a: float, b: float, r: float,
                      probs: tuple[float, float], light: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Quantiles ``probs`` of the per-period posterior mixture.

    Parameters
    ----------
    n : int
        Number of periods.
    starts, ends, weights : arrays
        Heavy segments ``[start, end)`` and their posterior probabilities.
    S, L : arrays
        Non-pulse total and number of non-pulse periods of each heavy segment.
    fam : {0, 1}
        Poisson (``a``, ``b`` the Gamma shape and rate) or NB (``a`` = beta, ``b`` = alpha of
        the Beta prior of ``pi``, ``r`` the size).
    probs : (float, float)
        Lower and upper tail probabilities.
    light : array (3, classes, n)
        Per class of the segment posterior mean and per period, the posterior mass of the
        segments left out, and its mass times mean and mass times mean square.

    Returns
    -------
    lower, upper : ndarray
    bound : float
        Largest bound on the error of the tail probabilities (see the module docstring).
    """
    starts = np.asarray(starts, dtype=np.int64)
    ends = np.asarray(ends, dtype=np.int64)
    weights = np.asarray(weights, dtype=float)
    bnd = _blocks(n, starts, ends, np.flatnonzero(_light_breaks(np.ascontiguousarray(light[0]), LIGHT_TOL)))
    nb = bnd.size - 1
    blk_of = np.repeat(np.arange(nb), np.diff(bnd))             # block of each period
    blen = np.diff(bnd).astype(float)
    k0 = np.searchsorted(bnd, starts)
    k1 = np.searchsorted(bnd, ends)
    cnt = k1 - k0
    tot = int(cnt.sum())
    pair = np.repeat(np.arange(starts.size), cnt)
    off = np.repeat(np.cumsum(cnt) - cnt, cnt)
    kk = k0[pair] + (np.arange(tot) - off)                     # block of each (block, segment) entry
    p1, p2, lnorm = _components(fam, np.asarray(S, float), np.asarray(L, float), a, b, r)
    # left-out part per block and level class: block-averaged mass and moments, one
    # moment-matched Gamma each
    D_t = light[0].sum(axis=0)
    ncl = light.shape[1]
    Db = np.stack([np.bincount(blk_of, weights=light[0, c], minlength=nb) for c in range(ncl)]) / blen
    m1b = np.stack([np.bincount(blk_of, weights=light[1, c], minlength=nb) for c in range(ncl)]) / blen
    with np.errstate(invalid="ignore"):
        m2b = np.stack([np.bincount(blk_of, weights=light[2, c], minlength=nb) for c in range(ncl)]) / blen
    with np.errstate(divide="ignore", invalid="ignore"):
        lm = np.where(Db > 0, m1b / Db, 0.0)
        lv = np.where(Db > 0, m2b / Db - lm * lm, 0.0)
    lc, lb = np.nonzero((Db > 1e-15) & (lm > 0))                 # stand-in entries: (class, block)
    lmass, lmean, lvar = Db[lc, lb], lm[lc, lb], lv[lc, lb]
    okv = np.isfinite(lvar) & (lvar > 0)
    gk = np.where(okv, lmean * lmean / np.where(okv, lvar, 1.0), 1.0)
    grt = np.where(okv, lmean / np.where(okv, lvar, 1.0), 1.0 / lmean)
    Dsum = Db.sum(axis=0)
    bound = float(np.max(np.maximum(D_t, Dsum[blk_of]) + np.abs(D_t - Dsum[blk_of]))) if n else 0.0
    Wl = np.bincount(lb, weights=lmass, minlength=nb)
    W = np.bincount(kk, weights=weights[pair], minlength=nb) + Wl
    # starting point: the quantile of each block's heaviest component (the mixture quantile
    # lies between the smallest and the largest component quantile)
    qv = np.concatenate([np.full(nb, probs[0]), np.full(nb, probs[1])])
    Wj = np.concatenate([W, W])
    top_k = np.full(nb, -1)
    if kk.size:
        order = np.lexsort((-weights[pair], kk))                   # by block, heaviest first
        first = np.ones(order.size, dtype=bool)
        first[1:] = kk[order][1:] != kk[order][:-1]
        top_k[kk[order][first]] = pair[order][first]
    x = np.ones(2 * nb)
    for half in (0, 1):
        blk = np.flatnonzero(top_k >= 0)
        c = top_k[blk]
        if fam == 0:
            xq = special.gammaincinv(p1[c], probs[half]) / p2[c]
        else:
            z = special.betaincinv(p1[c], p2[c], probs[half])
            xq = r * z / (1.0 - z)
        x[half * nb + blk] = xq
        # blocks with only the stand-in: its heaviest class
        rest = np.flatnonzero(top_k < 0)
        for k in rest:
            j = np.flatnonzero(lb == k)
            if j.size:
                jj = j[np.argmax(lmass[j])]
                x[half * nb + k] = special.gammaincinv(gk[jj], probs[half]) / grt[jj]
    x = np.where(np.isfinite(x) & (x > 0), x, 1.0)
    # Newton on u = log x with a bracket [lo, hi] in u; bisection when a step leaves it
    u = np.log(x)
    lo = np.full_like(u, -np.inf)
    hi = np.full_like(u, np.inf)
    active = Wj > 0
    last = np.full_like(u, np.nan)   # the previous Newton step (nan after a bisection)
    ent_pair = np.concatenate([pair, pair])
    ent_prob = np.concatenate([kk, kk + nb])
    l_prob = np.concatenate([lb, lb + nb])
    l_mass = np.concatenate([lmass, lmass])
    gkj, grtj = np.concatenate([gk, gk]), np.concatenate([grt, grt])
    lgk = special.gammaln(gkj)
    iterations = 0
    while active.any() and iterations < 200:
        iterations += 1
        idx = np.flatnonzero(active)
        sel = active[ent_prob]
        ep = ent_pair[sel]
        ej = ent_prob[sel]
        F, f = _cdf_pdf_lanes(fam, np.exp(u[ej]), p1[ep], p2[ep], lnorm[ep], r)
        Fj = np.bincount(ej, weights=weights[ep] * F, minlength=2 * nb)
        fj = np.bincount(ej, weights=weights[ep] * f, minlength=2 * nb)
        lsel = np.flatnonzero(active[l_prob])
        if lsel.size:
            lp_ = l_prob[lsel]
            Fl, fl = _cdf_pdf_lanes(0, np.exp(u[lp_]), gkj[lsel], grtj[lsel], lgk[lsel], 0.0)
            Fj += np.bincount(lp_, weights=l_mass[lsel] * Fl, minlength=2 * nb)
            fj += np.bincount(lp_, weights=l_mass[lsel] * fl, minlength=2 * nb)
        ui = u[idx]
        gi = Fj[idx] / Wj[idx] - qv[idx]
        with np.errstate(over="ignore", invalid="ignore"):
            di = fj[idx] * np.exp(ui) / Wj[idx]      # dF/du
        lo[idx] = np.where(gi < 0, ui, lo[idx])
        hi[idx] = np.where(gi >= 0, ui, hi[idx])
        lw, hg = lo[idx], hi[idx]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            nu = ui - gi / di
        # while the bracket is open on one side, steps are at most 4 (a factor e^4 in x)
        nu = np.where(np.isfinite(hg), nu, np.minimum(nu, ui + 4.0))
        nu = np.where(np.isfinite(lw), nu, np.maximum(nu, ui - 4.0))
        bad = ~np.isfinite(nu) | (nu <= lw) | (nu >= hg)
        mid = np.where(np.isfinite(lw) & np.isfinite(hg), 0.5 * (lw + hg),
                       np.where(np.isfinite(hg), ui - 4.0, ui + 4.0))
        nu = np.where(bad, mid, nu)
        exact = gi == 0
        nu = np.where(exact, ui, nu)
        step = np.abs(nu - ui)
        # two Newton steps in a row measure the quadratic convergence: the error left after
        # this step is about C step^2 with C = step / previous^2; done when that is below
        # a tenth of the tolerance (it saves the last one or two passes over the mixture)
        prev = last[idx]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            left = step ** 3 / (prev * prev)
        quad = ~bad & np.isfinite(prev) & (step < prev) & (left <= 0.1 * TOL)
        done = exact | quad | (step <= TOL) | (np.isfinite(lw) & np.isfinite(hg) & (hg - lw <= TOL))
        last[idx] = np.where(bad, np.nan, step)
        u[idx] = nu
        active[idx[done]] = False
    x = np.exp(u)
    return x[:nb][blk_of], x[nb:][blk_of], bound
