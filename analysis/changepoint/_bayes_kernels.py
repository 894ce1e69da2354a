"""Compiled recursions of the product-partition posterior (see :mod:`analysis.changepoint.bayes`).

All quantities are logarithms, stored layer by layer (``X[j, t]``). ``A[j, t]`` sums the marginal likelihood of every partition of
the first ``t`` periods into ``j`` segments; ``B[j, s]`` of every partition of the periods from
``s`` to the end into ``j`` segments; ``D[j, t]`` is the largest such term (max-product).

Segment marginal likelihood ``lml(s, e)`` of the periods ``s <= u < e`` that are not pulses,
with ``S`` their total count and ``L`` their number (``0`` when ``L == 0``: a segment without
observations leaves its prior untouched):

* Poisson–Gamma(a, b): ``a log b - lgamma(a) + lgamma(a + S) - (a + S) log(b + L)``;
* negative binomial of size ``r`` with ``pi = r / (r + mu) ~ Beta(alpha, beta)``:
  ``log B(alpha + L r, beta + S) - log B(alpha, beta)``.

Both omit the data-only factor (``prod 1/y!``, or ``prod Gamma(y + r) / (Gamma(r) y!)``), which
is the same for every partition.

Speed: a sum over the segment start ``s`` of ``exp(A[j-1, s] + lml(s, t))`` is, for every layer
``j`` at once, ``exp(c(s) + lml(s, t) - M) * exp(A[j-1, s] - c(s))`` with ``c(s)`` the largest
layer at ``s``: one exponential per pair ``(s, t)`` instead of one per layer. Where that
factorisation could lose terms of a layer to underflow (the layer is more than ``e^575`` below
the best one at ``t``), the layer is summed directly in log space instead, so every value is
exact to rounding; there, terms more than ``e^-50`` below the layer's largest term are skipped
(relative error at most ``n e^-50``).
"""
from __future__ import annotations

import math

import numpy as np
from ._jit import njit  # numba.njit, cached in the user's cache folder

NEG = -np.inf
#: Largest total count for which lgamma(a + S) is tabulated.
TABLE_MAX = 5_000_000
#: Below this argument ``lgamma(x + d) - lgamma(x)`` is taken as a plain difference (rounding
#: error under ~3e-10); above it, in the cancellation-free form :func:`lgamma_diff`.
DIRECT_MAX = 1e5
#: A layer further than this (log scale) below the best layer at t is summed directly.
_FAST_GAP = 600.0
#: Terms further than this below a layer's largest term are skipped.
_SKIP = 50.0
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


@njit(cache=True)
def lgamma_diff(x, d):
    """``lgamma(x + d) - lgamma(x)`` for ``x > 0, d >= 0``, without cancellation for large ``x``.

    From ``x = 30`` on, Stirling's series of both terms, subtracted analytically
    (``(x - 1/2) log1p(d / x) + d log(x + d) - d`` plus the difference of the ``1/(12 z) - ...``
    tails); the first omitted term is below ``1e-16``. Below 30, libm's ``lgamma``.
    """
    if x < 30.0:
        return math.lgamma(x + d) - math.lgamma(x)
    z = x + d
    iz = 1.0 / z
    ix = 1.0 / x
    iz2 = iz * iz
    ix2 = ix * ix
    sz = iz * (1.0 / 12.0 - iz2 * (1.0 / 360.0 - iz2 * (1.0 / 1260.0 - iz2 / 1680.0)))
    sx = ix * (1.0 / 12.0 - ix2 * (1.0 / 360.0 - ix2 * (1.0 / 1260.0 - ix2 / 1680.0)))
    return (x - 0.5) * math.log1p(d * ix) + d * math.log(z) - d + (sz - sx)


@njit(cache=True)
def lgamma_big(x):
    """``lgamma(x)``: Stirling's series from ``x = 20`` on, libm's ``lgamma`` below.

    The series is cut after its ``x^-9`` term; the first omitted term is below ``1e-17`` at
    ``x = 20``, so the value is as exact as libm's (relative error under ``5e-16`` against
    40-digit values). It costs about 40% less, and unlike libm's ``lgamma`` (which sets the
    global ``signgam``) it writes no shared state, so two threads running it do not slow
    each other down.
    """
    if x < 20.0:
        return math.lgamma(x)
    z = 1.0 / x
    z2 = z * z
    s = z * (1.0 / 12.0 - z2 * (1.0 / 360.0 - z2 * (1.0 / 1260.0 - z2 * (1.0 / 1680.0 - z2 / 1188.0))))
    return (x - 0.5) * math.log(x) - x + _HALF_LOG_2PI + s


@njit(cache=True)
def _lgamma_diff_tab(tab, n1, L, x, d):
    """:func:`lgamma_diff` ``(x, d)`` with ``x = alpha + L r``, using per-``L`` tables of ``x``.

    ``tab`` holds ``lgamma(x)``, ``1/x``, ``x - 1/2`` and the Stirling tail of ``x`` in blocks of
    ``n1``: no division by ``x`` and no ``lgamma`` call where the arguments are large.
    """
    z = x + d
    if z < DIRECT_MAX:
        return lgamma_big(z) - tab[L]
    if x < 30.0:
        return lgamma_diff(x, d)
    iz = 1.0 / z
    iz2 = iz * iz
    sz = iz * (1.0 / 12.0 - iz2 * (1.0 / 360.0 - iz2 * (1.0 / 1260.0 - iz2 / 1680.0)))
    return tab[2 * n1 + L] * math.log1p(d * tab[n1 + L]) + d * math.log(z) - d + (sz - tab[3 * n1 + L])


@njit(cache=True)
def lgamma_diff_array(x, d):
    """:func:`lgamma_diff` elementwise over arrays of equal shape."""
    out = np.empty(x.shape[0])
    for k in range(x.shape[0]):
        out[k] = lgamma_diff(x[k], d[k])
    return out


@njit(cache=True)
def lml(fam, S, L, tabS, tabL, p0, p1, p2, p3):
    """Segment log marginal likelihood from its total ``S`` (int) and number of periods ``L``.

    ``fam`` 0 (Poisson): ``p0 = a log b - lgamma(a)``, ``p1 = a``, ``p3 = b``,
    ``tabS[S] = lgamma(a + S)``, ``tabL[L] = log(b + L)``. ``fam`` 1 (NB):
    ``p0 = lgamma(alpha + beta) - lgamma(alpha) - lgamma(beta)``, ``p1 = alpha``, ``p2 = r``,
    ``p3 = beta``, ``tabS[S] = lgamma(beta + S)``, ``tabL`` four blocks over ``L = 0..n`` of
    ``x = alpha + L r``: ``lgamma(x)``, ``1/x``, ``x - 1/2``, Stirling tail of ``x``. An empty
    ``tabS`` means "compute lgamma directly" (very large totals).
    """
    if fam == 0:
        g = tabS[S] if tabS.shape[0] > 0 else math.lgamma(p1 + S)
        return p0 + g - (p1 + S) * tabL[L]
    g = tabS[S] if tabS.shape[0] > 0 else math.lgamma(p3 + S)
    return p0 + g - _lgamma_diff_tab(tabL, tabL.shape[0] // 4, L, p1 + L * p2, p3 + S)


@njit(cache=True)
def _lse(x, y):
    if x == NEG:
        return y
    if y == NEG:
        return x
    if x > y:
        return x + math.log1p(math.exp(y - x))
    return y + math.log1p(math.exp(x - y))


@njit(cache=True)
def _fill_lml(cS, cL, fam, tabS, tabL, p0, p1, p2, p3, t, lo, hi, lbuf, forward):
    """``lbuf[u] = lml(u, t)`` (forward) or ``lml(t, u)`` (backward) for ``lo <= u <= hi``.

    The common cases (tabulated totals) run in loops specialised by family and direction.
    """
    St = cS[t]
    Lt = cL[t]
    if tabS.shape[0] == 0:
        for u in range(lo, hi + 1):
            if forward:
                lbuf[u] = lml(fam, St - cS[u], Lt - cL[u], tabS, tabL, p0, p1, p2, p3)
            else:
                lbuf[u] = lml(fam, cS[u] - St, cL[u] - Lt, tabS, tabL, p0, p1, p2, p3)
        return
    if fam == 0:
        if forward:
            for u in range(lo, hi + 1):
                S = St - cS[u]
                lbuf[u] = p0 + tabS[S] - (p1 + S) * tabL[Lt - cL[u]]
        else:
            for u in range(lo, hi + 1):
                S = cS[u] - St
                lbuf[u] = p0 + tabS[S] - (p1 + S) * tabL[cL[u] - Lt]
        return
    c0 = p1 + p3
    if p1 + cL[-1] * p2 + p3 + cS[-1] >= DIRECT_MAX:
        # some arguments are large: there the difference form keeps full precision
        for u in range(lo, hi + 1):
            if forward:
                S = St - cS[u]
                L = Lt - cL[u]
            else:
                S = cS[u] - St
                L = cL[u] - Lt
            lbuf[u] = p0 + tabS[S] - _lgamma_diff_tab(tabL, cL.shape[0], L, p1 + L * p2, p3 + S)
        return
    if forward:
        for u in range(lo, hi + 1):
            S = St - cS[u]
            L = Lt - cL[u]
            lbuf[u] = p0 + tabS[S] + tabL[L] - lgamma_big(c0 + L * p2 + S)
    else:
        for u in range(lo, hi + 1):
            S = cS[u] - St
            L = cL[u] - Lt
            lbuf[u] = p0 + tabS[S] + tabL[L] - lgamma_big(c0 + L * p2 + S)


@njit(cache=True, fastmath={"reassoc", "contract", "nsz"})
def _dot(x, y, lo, hi):
    """``sum(x[lo:hi+1] * y[lo:hi+1])`` of finite non-negative values (vectorised)."""
    acc = 0.0
    for u in range(lo, hi + 1):
        acc += x[u] * y[u]
    return acc


@njit(cache=True)
def _argmax_sum(x, y, lo, hi):
    """``max`` and first ``argmax`` of ``x[u] + y[u]`` over ``lo <= u <= hi`` (``-inf``, ``-1`` when none is larger)."""
    b0 = NEG
    b1 = NEG
    a0 = -1
    a1 = -1
    u = lo
    while u + 1 <= hi:   # two running maxima break the dependency chain
        d0 = x[u] + y[u]
        d1 = x[u + 1] + y[u + 1]
        if d0 > b0:
            b0 = d0
            a0 = u
        if d1 > b1:
            b1 = d1
            a1 = u + 1
        u += 2
    if u <= hi:
        d0 = x[u] + y[u]
        if d0 > b0:
            b0 = d0
            a0 = u
    # ties go to the smaller start, as a single left-to-right scan would
    if b1 > b0 or (b1 == b0 and a1 >= 0 and a1 < a0):
        b0 = b1
        a0 = a1
    return b0, a0


@njit(cache=True)
def _combine(X, src0, J, lo, hi, lbuf, c, EX, ebuf, want_max, DX, argDX, Dm, Da, acc, want_sum):
    """One step of the recursion: layers ``src0 + jj + 1`` from layers ``src0 + jj`` over ``u``.

    Sums: ``acc[jj] = log sum_u exp(X[src0 + jj, u] + lbuf[u])`` (``-inf`` when empty), via
    ``exp(c[u] + lbuf[u] - M) * EX[jj, u]`` with ``EX[jj, u] = exp(X[src0 + jj, u] - c[u])``.
    A layer whose scaled sum is below ``1e-250`` (it is then more than ``e^575`` below the best
    layer, and underflow could have removed some of its terms) is summed directly instead.
    Max-products (``want_max``): ``Dm``, ``Da`` from ``DX``.
    """
    if want_max:
        for jj in range(J):
            Dm[jj], Da[jj] = _argmax_sum(DX[src0 + jj], lbuf, lo, hi)
    if not want_sum:
        return
    M0 = NEG
    M1 = NEG
    u = lo
    while u + 1 <= hi:
        v0 = c[u] + lbuf[u]
        v1 = c[u + 1] + lbuf[u + 1]
        M0 = v0 if v0 > M0 else M0
        M1 = v1 if v1 > M1 else M1
        u += 2
    if u <= hi:
        v0 = c[u] + lbuf[u]
        M0 = v0 if v0 > M0 else M0
    M = M0 if M0 > M1 else M1
    if M > NEG:
        thr = M - 700.0
        for u in range(lo, hi + 1):
            v = c[u] + lbuf[u]
            ebuf[u] = math.exp(v - M) if v >= thr else 0.0
    for jj in range(J):
        tot = _dot(EX[jj], ebuf, lo, hi) if M > NEG else 0.0
        if tot >= 1e-250:
            acc[jj] = M + math.log(tot)
        else:  # direct log-space sum for a layer far below the best one (or empty)
            row = src0 + jj
            Mj = NEG
            for u in range(lo, hi + 1):
                av = X[row, u] + lbuf[u]
                if av > Mj:
                    Mj = av
            if Mj == NEG:
                acc[jj] = NEG
                continue
            tot = 0.0
            low = Mj - _SKIP
            for u in range(lo, hi + 1):
                av = X[row, u] + lbuf[u]
                if av >= low:
                    tot += math.exp(av - Mj)
            acc[jj] = Mj + math.log(tot)


@njit(cache=True)
def _scale(X, src0, J, t, c, EX):
    best = NEG
    for jj in range(J):
        if X[src0 + jj, t] > best:
            best = X[src0 + jj, t]
    c[t] = best
    for jj in range(J):
        av = X[src0 + jj, t]
        EX[jj, t] = math.exp(av - best) if (av > NEG and best > NEG) else 0.0


@njit(cache=True, nogil=True)
def forward_rows(cS, cL, fam, tabS, tabL, p0, p1, p2, p3, m, j0, j1, A, D, argD, want_sum, want_max,
                 t_lo, t_hi, s_lo, s_hi, finalize, c, EA, lane, nlanes, stripe):
    """Add the segment starts ``s_lo <= s <= s_hi`` to layers ``j0..j1`` at ``t_lo <= t <= t_hi``.

    ``A[j, t]`` (if ``want_sum``) becomes ``log(exp(A[j, t]) + sum_s exp(A[j-1, s] + lml(s, t)))``
    and ``D``, ``argD`` (if ``want_max``) the larger of the stored and the new best term (ties
    keep the stored one, which has the smaller start when starts are added in increasing
    blocks). Layer ``j0 - 1`` must be final at every ``s`` added, with ``c``, ``EA`` its scaling
    (:func:`_scale`). ``finalize``: the targets are complete after this call, so their own
    scaling is stored for later calls. ``lane``, ``nlanes``, ``stripe``: only the targets with
    ``(t // stripe) % nlanes == lane`` are done here. ``cS``, ``cL``: cumulative non-pulse counts and numbers
    of non-pulse periods (length ``n + 1``); ``m``: smallest segment length in periods.
    """
    n = cL.shape[0] - 1
    J = j1 - j0 + 1
    lbuf = np.full(n + 1, NEG)
    ebuf = np.zeros(n + 1)
    Dm = np.empty(J)
    Da = np.empty(J, dtype=np.int64)
    acc = np.empty(J)
    smin = max((j0 - 1) * m, s_lo)
    for t in range(t_lo, t_hi + 1):
        if nlanes > 1 and (t // stripe) % nlanes != lane:
            continue
        smax = min(t - m, s_hi)
        if smax >= smin:
            _fill_lml(cS, cL, fam, tabS, tabL, p0, p1, p2, p3, t, smin, smax, lbuf, True)
            _combine(A, j0 - 1, J, smin, smax, lbuf, c, EA, ebuf, want_max, D, argD, Dm, Da, acc, want_sum)
            for jj in range(J):
                if want_sum:
                    A[j0 + jj, t] = _lse(A[j0 + jj, t], acc[jj])
                if want_max and Dm[jj] > D[j0 + jj, t]:
                    D[j0 + jj, t] = Dm[jj]
                    argD[j0 + jj, t] = Da[jj]
        if finalize and want_sum:
            _scale(A, j0 - 1, J, t, c, EA)
    return 0


@njit(cache=True, nogil=True)
def partition_rows(cS, cL, fam, tabS, tabL, p0, p1, p2, p3, m, F, argF, t_lo, t_hi, s_lo, s_hi, lane, nlanes,
                   stripe):
    """Add the starts ``s_lo <= s <= s_hi`` to the best partitions ending at ``t_lo <= t <= t_hi``.

    ``F[t]`` becomes ``max(F[t], max_s F[s] + lml(s, t))`` and ``argF[t]`` the best start (ties
    keep the stored one, then the smaller start): optimal partitioning with no bound on the
    number of segments, one layer instead of one per number of segments. ``p0`` carries the
    per-segment term (the log prior odds of a break), so ``F[n]`` is the largest log posterior
    weight of a partition when ``F[0]`` is minus that term. Every ``F[s]`` added must be final;
    ``lane``, ``nlanes``, ``stripe`` as in :func:`forward_rows`.
    """
    n = cL.shape[0] - 1
    lbuf = np.full(n + 1, NEG)
    for t in range(t_lo, t_hi + 1):
        if nlanes > 1 and (t // stripe) % nlanes != lane:
            continue
        smax = min(t - m, s_hi)
        if smax < s_lo:
            continue
        _fill_lml(cS, cL, fam, tabS, tabL, p0, p1, p2, p3, t, s_lo, smax, lbuf, True)
        b0, a0 = _argmax_sum(F, lbuf, s_lo, smax)
        if b0 > F[t]:
            F[t] = b0
            argF[t] = a0
    return 0


@njit(cache=True)
def backward_setup(fam, p1, p2, p3, K, A, lrho):
    """Per-start weights and per-length moment factors of :func:`backward_rows`.

    ``ca[s]``, ``EAw[s, i]``: the before-weights ``A[i, s] + i lrho``, as their maximum and
    their ratios to it; ``inv1[L]``, ``inv2[L]``: the factors of the first two posterior
    moments of a segment level with ``L`` non-pulse periods.
    """
    n = A.shape[1] - 1
    ca = np.full(n + 1, NEG)
    EAw = np.zeros((n + 1, K + 1))
    for s in range(n + 1):
        best = NEG
        for i in range(K + 1):
            v = A[i, s] + i * lrho
            if v > best:
                best = v
        ca[s] = best
        if best > NEG:
            for i in range(K + 1):
                v = A[i, s] + i * lrho
                EAw[s, i] = math.exp(v - best) if v > NEG else 0.0
    inv1 = np.empty(n + 1)
    inv2 = np.empty(n + 1)
    for L in range(n + 1):
        if fam == 0:
            inv1[L] = 1.0 / (p3 + L)
            inv2[L] = inv1[L]
        else:
            al = p1 + L * p2
            inv1[L] = 1.0 / (al - 1.0)
            inv2[L] = 1.0 / (al - 2.0) if al > 2.0 else np.inf
    return ca, EAw, inv1, inv2


@njit(cache=True, nogil=True)
def backward_rows(cS, cL, fam, tabS, tabL, p0, p1, p2, p3, m, K, A, lrho, Z, ca, EAw, inv1, inv2,
                  B, Bc, db, EBc, c, EB, s_hi, s_lo, e_lo, e_hi, finalize,
                  bp, dc, nbins, ps, pe, pp, pb, pc, st, cscale, lane, nlanes, stripe):
    """Backward sums and segment posteriors of the starts ``s_hi >= s >= s_lo`` against the ends ``e_lo..e_hi``.

    For each start ``s`` (from the end down): the ends ``e`` of the range add
    ``lml(s, e) + B[j - 1, e]`` to the backward sums ``B[j, s]`` (partitions of ``y[s:]`` into
    ``j <= K`` segments, same scheme as :func:`forward_rows`), and every segment ``[s, e)`` of
    the range gets its posterior probability

    ``P(s, e) = exp(lml(s, e) - Z) * sum_i rho^i A[i, s] * sum_{q <= K - i} rho^q B[q, e]``

    (``i`` segments before it, ``q`` after it, ``i + q <= K`` breaks). The ends must be final
    (every start after them added) with their cumulative weights ``Bc``, ``db``, ``EBc`` and
    scaling ``c``, ``EB``; ``finalize``: the starts are complete after this call, so theirs are
    stored; ``lane``, ``nlanes``, ``stripe``: only the starts with
    ``(s // stripe) % nlanes == lane`` are done here. The matrix of ``P`` is never stored. Adds to

    * ``bp``: break probability by period (``P`` summed over segments starting there);
    * ``dc[k, c]`` (``k = 0, 1, 2``): difference arrays of the posterior mass, and mass times
      first and second moments of the level, of the segments whose posterior mean falls in
      level class ``c = floor(sqrt(mean) * cscale)`` (their sum over ``c`` gives the posterior
      mean and second moment of the level at every period); ``k = 3``: the mass of segments
      whose level has no finite second moment (NB with ``alpha + L r <= 2``), left out of
      ``k = 2``;
    * the stored segments (``s``, ``e``, ``P``, bin, class; ``st = [count, bstore]``) of every
      bin ``<= bstore``; ``bstore`` is lowered whenever the arrays' capacity would be exceeded.

    A segment's bin ``b`` (one of ``nbins``) is the decade of ``exp(lml + log-weights - Z)``, an
    upper bound of ``P / (K + 1)``. Segments with ``P < 1e-18`` are skipped.
    """
    n = cL.shape[0] - 1
    ncls = dc.shape[1]
    cap = ps.shape[0]
    J = K
    lbuf = np.full(n + 1, NEG)
    ebuf = np.zeros(n + 1)
    accv = np.zeros(n + 1)
    Dm = np.empty(max(J, 1))
    Da = np.empty(max(J, 1), dtype=np.int64)
    acc = np.empty(max(J, 1))
    dummy = np.empty((1, 1), dtype=np.int64)
    mrow = np.zeros((4, ncls))
    npairs = st[0]
    bstore = st[1]
    wskip = -41.45 - math.log(K + 1.0)   # then P < 1e-18
    inv_ln10 = 1.0 / math.log(10.0)
    for s in range(s_hi, s_lo - 1, -1):
        if nlanes > 1 and (s // stripe) % nlanes != lane:
            continue
        lo = max(s + m, e_lo)
        hi = e_hi
        if lo <= hi:
            _fill_lml(cS, cL, fam, tabS, tabL, p0, p1, p2, p3, s, lo, hi, lbuf, False)
            if J > 0:
                _combine(B, 0, J, lo, hi, lbuf, c, EB, ebuf, False, B, dummy, Dm, Da, acc, True)
                for jj in range(J):
                    B[jj + 1, s] = _lse(B[jj + 1, s], acc[jj])
        if finalize:
            if J > 0:
                _scale(B, 0, J, s, c, EB)
            # cumulative after-weights at s (used by the segments that end at s)
            accb = NEG
            for q in range(K + 1):
                if B[q, s] > NEG:
                    accb = _lse(accb, B[q, s] + q * lrho)
                Bc[q, s] = accb
            db[s] = accb
            for q in range(K + 1):
                v = Bc[q, s]
                EBc[K - q, s] = math.exp(v - accb) if (v > NEG and accb > NEG) else 0.0
        # segments [s, e)
        if lo > hi or ca[s] == NEG:
            continue
        for e in range(lo, hi + 1):
            accv[e] = 0.0
        for i in range(K + 1):
            wa = EAw[s, i]
            if wa == 0.0:
                continue
            for e in range(lo, hi + 1):
                accv[e] += wa * EBc[i, e]
        for cc in range(ncls):
            for k in range(4):
                mrow[k, cc] = 0.0
        bsum = 0.0
        base = ca[s] - Z
        Ss = cS[s]
        Ls = cL[s]
        for e in range(lo, hi + 1):
            w = lbuf[e] + base + db[e]
            if w < wskip:
                continue
            if w <= _FAST_GAP:
                P = math.exp(w) * accv[e]
            else:
                lp = NEG
                for i in range(K + 1):
                    if A[i, s] > NEG and Bc[K - i, e] > NEG:
                        lp = _lse(lp, A[i, s] + i * lrho + Bc[K - i, e])
                P = math.exp(lp + lbuf[e] - Z) if lp > NEG else 0.0
            if P < 1e-18:
                continue
            if P > 1.0:
                P = 1.0
            S = cS[e] - Ss
            L = cL[e] - Ls
            if fam == 0:
                mu1 = (p1 + S) * inv1[L]
                mu2 = mu1 * (p1 + S + 1.0) * inv1[L]
            else:
                mu1 = p2 * (p3 + S) * inv1[L]
                mu2 = mu1 * p2 * (p3 + S + 1.0) * inv2[L]
            pm1 = P * mu1
            cc = int(math.sqrt(mu1) * cscale)
            if cc >= ncls:
                cc = ncls - 1
            bsum += P
            mrow[0, cc] += P
            mrow[1, cc] += pm1
            dc[0, cc, e] -= P
            dc[1, cc, e] -= pm1
            if mu2 < np.inf:
                pm2 = P * mu2
                mrow[2, cc] += pm2
                dc[2, cc, e] -= pm2
            else:
                mrow[3, cc] += P
                dc[3, cc, e] -= P
            b = int(-w * inv_ln10) if w < 0.0 else 0
            if b >= nbins:
                b = nbins - 1
            if b <= bstore:
                if npairs == cap:
                    while npairs == cap and bstore >= 0:
                        k2 = 0
                        for k in range(npairs):
                            if pb[k] < bstore:
                                ps[k2] = ps[k]
                                pe[k2] = pe[k]
                                pp[k2] = pp[k]
                                pb[k2] = pb[k]
                                pc[k2] = pc[k]
                                k2 += 1
                        npairs = k2
                        bstore -= 1
                    if b > bstore:
                        continue
                ps[npairs] = s
                pe[npairs] = e
                pp[npairs] = P
                pb[npairs] = b
                pc[npairs] = cc
                npairs += 1
        if s > 0:
            bp[s] += bsum
        for cc in range(ncls):
            for k in range(4):
                dc[k, cc, s] += mrow[k, cc]
    st[0] = npairs
    st[1] = bstore
    return 0
