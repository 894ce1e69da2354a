"""Compiled parts of the multiscale confidence set (see :mod:`analysis.changepoint.smuce`).

Intervals are ``[i, j]`` with ``0 <= i <= j < n`` (inclusive); a constant piece of a candidate
step function is feasible when its value lies in the local confidence interval
``[lo[i, j], hi[i, j]]`` of every interval inside it.
"""
from __future__ import annotations

import math

import numpy as np
from ._jit import njit  # numba.njit, cached in the user's cache folder


@njit(cache=True)
def null_statistic(z, pen):
    """``max over [i, j] of |sum z[i..j]| / sqrt(L) - pen[L]`` for one standard normal series."""
    n = z.shape[0]
    c = np.empty(n + 1)
    c[0] = 0.0
    for t in range(n):
        c[t + 1] = c[t] + z[t]
    best = -np.inf
    for L in range(1, n + 1):
        inv = 1.0 / math.sqrt(L)
        p = pen[L]
        for i in range(0, n - L + 1):
            v = abs(c[i + L] - c[i]) * inv - p
            if v > best:
                best = v
    return best


@njit(cache=True)
def null_statistics(Z, pen):
    """:func:`null_statistic` of every row of ``Z``."""
    out = np.empty(Z.shape[0])
    for k in range(Z.shape[0]):
        out[k] = null_statistic(Z[k], pen)
    return out


@njit(cache=True)
def feasible_bounds(lo, hi):
    """``LB[i, j] = max lo`` and ``UB[i, j] = min hi`` over all intervals inside ``[i, j]``."""
    n = lo.shape[0]
    LB = np.full((n, n), np.inf)
    UB = np.full((n, n), -np.inf)
    for L in range(1, n + 1):
        for i in range(0, n - L + 1):
            j = i + L - 1
            a = lo[i, j]
            b = hi[i, j]
            if L > 1:
                if LB[i + 1, j] > a:
                    a = LB[i + 1, j]
                if LB[i, j - 1] > a:
                    a = LB[i, j - 1]
                if UB[i + 1, j] < b:
                    b = UB[i + 1, j]
                if UB[i, j - 1] < b:
                    b = UB[i, j - 1]
            LB[i, j] = a
            UB[i, j] = b
    return LB, UB


@njit(cache=True)
def reach(LB, UB):
    """Minimal numbers of feasible segments covering prefixes and suffixes.

    Returns ``f`` (``f[j]``: fewest segments covering periods ``0..j-1``), ``g`` (``g[i]``:
    fewest covering ``i..n-1``), ``imin[j]`` (first start of a feasible segment ending at
    ``j - 1``) and ``jmax[i]`` (one past the last end of a feasible segment starting at ``i``).
    Feasibility of ``[i, j]`` is ``LB[i, j] <= UB[i, j]``; it is inherited by sub-intervals, so
    the feasible starts for an end (and ends for a start) are contiguous.
    """
    n = LB.shape[0]
    imin = np.empty(n + 1, dtype=np.int64)
    jmax = np.empty(n + 1, dtype=np.int64)
    imin[0] = 0
    for j in range(1, n + 1):
        i = j - 1
        while i - 1 >= 0 and LB[i - 1, j - 1] <= UB[i - 1, j - 1]:
            i -= 1
        imin[j] = i
    jmax[n] = n
    for i in range(n):
        j = i + 1
        while j + 1 <= n and LB[i, j] <= UB[i, j]:
            j += 1
        jmax[i] = j
    f = np.zeros(n + 1, dtype=np.int64)
    for j in range(1, n + 1):
        f[j] = 1 + f[imin[j]]
    g = np.zeros(n + 1, dtype=np.int64)
    for i in range(n - 1, -1, -1):
        g[i] = 1 + g[jmax[i]]
    return f, g, imin, jmax


@njit(cache=True)
def _seg_loglik(fam, S, L, theta, r):
    if L == 0:
        return 0.0
    if fam == 0:
        if theta <= 0.0:
            return 0.0 if S == 0 else -np.inf
        return S * math.log(theta) - L * theta
    if theta <= 0.0:
        return 0.0 if S == 0 else -np.inf
    return S * math.log(theta) - (S + L * r) * math.log(theta + r) + L * r * math.log(r)


@njit(cache=True)
def estimate(cS, cL, LB, UB, f, g, K, fam, r):
    """Most likely step function with ``K + 1`` usable segments; values clipped to the bounds.

    A segment ``[i, j)`` is usable when feasible and ``f[i] + g[j] == K`` (it is then the
    ``f[i] + 1``-th segment of some partition into ``K + 1`` feasible segments). A chain of
    usable segments from 0 to ``n`` has exactly ``K + 1`` segments, so one layer suffices.
    """
    n = LB.shape[0]
    V = np.full(n + 1, -np.inf)
    arg = np.full(n + 1, -1, dtype=np.int64)
    V[0] = 0.0
    # process ends in increasing order; each start i has a single layer f[i]
    for j in range(1, n + 1):
        for i in range(j - 1, -1, -1):
            if LB[i, j - 1] > UB[i, j - 1]:
                break
            if f[i] + g[j] != K or V[i] == -np.inf:
                continue
            S = cS[j] - cS[i]
            L = cL[j] - cL[i]
            m = S / L if L > 0 else LB[i, j - 1]
            th = min(max(m, LB[i, j - 1]), UB[i, j - 1])
            v = V[i] + _seg_loglik(fam, S, L, th, r)
            if v > V[j]:
                V[j] = v
                arg[j] = i
    return V, arg


@njit(cache=True)
def band(LB, UB, f, g, K):
    """Pointwise range of the values of every step function in the set with ``K`` breaks."""
    n = LB.shape[0]
    lower = np.full(n, np.inf)
    upper = np.full(n, -np.inf)
    # ends j with g[j] == m form a contiguous range (g is non-increasing)
    jl = np.full(K + 2, n + 1, dtype=np.int64)
    jr = np.full(K + 2, -1, dtype=np.int64)
    for j in range(1, n + 1):
        m = g[j]
        if m <= K:
            if j < jl[m]:
                jl[m] = j
            if j > jr[m]:
                jr[m] = j
    for i in range(n):
        need = K - f[i]
        if need < 0 or need > K or jr[need] < 0:
            continue
        for t in range(i, n):
            # smallest usable end beyond t: bounds are tightest (LB grows, UB shrinks with j)
            j = jl[need]
            if j < t + 1:
                j = t + 1
            if j > jr[need] or LB[i, j - 1] > UB[i, j - 1]:
                break
            if LB[i, j - 1] < lower[t]:
                lower[t] = LB[i, j - 1]
            if UB[i, j - 1] > upper[t]:
                upper[t] = UB[i, j - 1]
    return lower, upper
