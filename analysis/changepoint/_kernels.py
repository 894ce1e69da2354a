"""Compiled inner loops of the exact searches (numba).

Everything here works on cumulative sums and plain arrays; the public modules wrap
these functions. Cost kinds are small integers (see :data:`KIND`):

``0`` Poisson, ``1`` negative binomial with a shared size ``r``, ``2`` Gaussian change in
mean (data already divided by the noise scale), ``3`` Gaussian change in mean and
variance (``par`` is the variance floor), ``4`` negative binomial with a size fitted per
segment.

A segment is the half-open range ``[s, t)`` of observations. Segment costs are twice
the negative maximised log-likelihood, without the terms that depend on the data
alone (``log y!`` and friends), which are the same for every segmentation.

Two exact pruned recursions are provided, both for the penalised problem
(``F(t) = min_s F(s) + pen + C(s, t)``) and for one layer of the problem with a
fixed number of segments (``F_j(t) = min_s F_{j-1}(s) + C(s, t)``):

* :func:`fpop` — functional pruning (Maidstone et al. 2017) for the one-parameter costs
  (kinds 0, 1, 2). Each candidate keeps the set of parameter values at which it is
  the best; a candidate whose set is empty is dominated for every future end point and
  is dropped. The sets are computed with a bisection to machine precision.
* :func:`pelt` — inequality pruning (Killick et al. 2012) for every kind, with the
  minimum segment length handled without loss of exactness: a candidate found to be
  dominated by ``t`` is dropped only once ``t`` itself becomes admissible.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

KIND = {"poisson": 0, "negbin": 1, "normal_mean": 2, "normal_meanvar": 3, "negbin_segment": 4}

_INF = np.inf


@njit(cache=True)
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


@njit(cache=True)
def nb_segment_fit(y, s, t):
    """Maximised NB log-likelihood of ``y[s:t]`` over (mean, size) and the size (inf = Poisson)."""
    L = t - s
    S = 0.0
    Q = 0.0
    for i in range(s, t):
        S += y[i]
        Q += y[i] * y[i]
    if S <= 0.0:
        return 0.0, _INF
    m = S / L
    ll_pois = S * math.log(m) - S
    var = Q / L - m * m
    if var <= m * (1.0 + 1e-12):
        return ll_pois, _INF
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
        return ll_pois, _INF
    return fm, math.exp(xm)


@njit(cache=True)
def seg_cost(kind, s, t, c1, c2, y, par):
    """Cost of segment ``[s, t)`` (twice the negative maximised log-likelihood)."""
    L = t - s
    S = c1[t] - c1[s]
    if kind == 0:
        if S <= 0.0:
            return 0.0
        return 2.0 * (S - S * math.log(S / L))
    elif kind == 1:
        if S <= 0.0:
            return 0.0
        r = par
        p = S / (S + L * r)
        return -2.0 * (S * math.log(p) + L * r * math.log1p(-p))
    elif kind == 2:
        Q = c2[t] - c2[s]
        v = Q - S * S / L
        return v if v > 0.0 else 0.0
    elif kind == 3:
        Q = c2[t] - c2[s]
        rss = Q - S * S / L
        if rss < 0.0:
            rss = 0.0
        v = rss / L
        if v < par:
            v = par
        return L * math.log(v) + rss / v
    else:
        ll, _r = nb_segment_fit(y, s, t)
        return -2.0 * ll


@njit(cache=True)
def seg_costs(kind, starts, ends, c1, c2, y, par):
    """Vectorised :func:`seg_cost`."""
    out = np.empty(starts.shape[0])
    for i in range(starts.shape[0]):
        out[i] = seg_cost(kind, starts[i], ends[i], c1, c2, y, par)
    return out


# ---------------------------------------------------------------- functional pruning
@njit(cache=True)
def _phi(kind, x, L, S, Q, r):
    """Sum of the per-observation losses of a block with statistics (L, S, Q) at parameter x."""
    if kind == 0:
        if S > 0.0:
            if x <= 0.0:
                return _INF
            return 2.0 * (L * x - S * math.log(x))
        return 2.0 * L * x
    elif kind == 1:
        # x is the NB success parameter p = mu / (mu + r), in [0, 1)
        if x >= 1.0:
            return _INF
        v = -2.0 * L * r * math.log1p(-x)
        if S > 0.0:
            if x <= 0.0:
                return _INF
            v -= 2.0 * S * math.log(x)
        return v
    else:
        return Q - 2.0 * S * x + L * x * x


@njit(cache=True)
def _xstar(kind, L, S, r):
    if kind == 1:
        return S / (S + L * r)
    return S / L


@njit(cache=True)
def _dphi(kind, x, L, S, r):
    """Derivative of :func:`_phi` in x."""
    if kind == 0:
        return 2.0 * (L - S / x)
    elif kind == 1:
        return -2.0 * (S / x - L * r / (1.0 - x))
    else:
        return 2.0 * (L * x - S)


@njit(cache=True)
def _root(kind, dc, L, S, Q, r, a, b):
    """Root of g = dc + phi on [a, b], where g changes sign once (g convex).

    Safeguarded Newton: a Newton step that leaves the current bracket is replaced by
    bisection; stops when the step is below 1e-15 relative or the bracket is exhausted.
    """
    ga = dc + _phi(kind, a, L, S, Q, r)
    pos_at_a = ga > 0.0
    lo = a
    hi = b
    x = 0.5 * (a + b)
    for _ in range(200):
        gx = dc + _phi(kind, x, L, S, Q, r)
        if gx == 0.0:
            return x
        if (gx > 0.0) == pos_at_a:
            lo = x
        else:
            hi = x
        d = _dphi(kind, x, L, S, r)
        nx = x - gx / d if d != 0.0 else 0.5 * (lo + hi)
        if not (nx > lo and nx < hi):
            nx = 0.5 * (lo + hi)
            if nx <= lo or nx >= hi:
                return x
        if abs(nx - x) <= 1e-15 * abs(x):
            return nx
        x = nx
    return x


@njit(cache=True)
def fpop(kind, c1, c2, par, pen, min_size, prev, layer, dlo, dhi):
    """Functional-pruning recursion.

    Returns ``(F, last, max_pieces)`` where ``F[t]`` is the optimal value for ``y[:t]``
    and ``last[t]`` the start of its last segment. In penalised mode (``layer`` False)
    ``F[t]`` includes ``pen`` for every change; in layer mode the candidate levels are
    ``prev[s]``.
    """
    n = c1.shape[0] - 1
    F = np.full(n + 1, _INF)
    last = np.full(n + 1, -1, dtype=np.int64)
    lev = np.full(n + 1, _INF)
    if not layer:
        F[0] = -pen
    cap = 64
    plo = np.empty(cap)
    phi_ = np.empty(cap)
    pc = np.empty(cap, dtype=np.int64)
    qlo = np.empty(cap)
    qhi = np.empty(cap)
    qc = np.empty(cap, dtype=np.int64)
    npc = 0
    max_pieces = 0
    r = par
    for t in range(min_size, n + 1):
        s_new = t - min_size
        if layer:
            c_new = prev[s_new]
        else:
            c_new = F[s_new] + pen
        if c_new < _INF:
            lev[s_new] = c_new
            if npc == 0:
                plo[0] = dlo
                phi_[0] = dhi
                pc[0] = s_new
                npc = 1
            else:
                if 3 * npc + 3 > cap:
                    cap = 2 * (3 * npc + 3)
                    nlo = np.empty(cap)
                    nhi = np.empty(cap)
                    nc = np.empty(cap, dtype=np.int64)
                    nlo[:npc] = plo[:npc]
                    nhi[:npc] = phi_[:npc]
                    nc[:npc] = pc[:npc]
                    plo = nlo
                    phi_ = nhi
                    pc = nc
                    qlo = np.empty(cap)
                    qhi = np.empty(cap)
                    qc = np.empty(cap, dtype=np.int64)
                m = 0
                for k in range(npc):
                    lo = plo[k]
                    hi = phi_[k]
                    s = pc[k]
                    dL = float(s_new - s)
                    dS = c1[s_new] - c1[s]
                    dQ = c2[s_new] - c2[s]
                    dc = lev[s] - c_new
                    glo = dc + _phi(kind, lo, dL, dS, dQ, r)
                    ghi = dc + _phi(kind, hi, dL, dS, dQ, r)
                    a = lo
                    b = hi
                    keep = True
                    if glo > 0.0 or ghi > 0.0:
                        xs = _xstar(kind, dL, dS, r)
                        if xs < lo:
                            xs = lo
                        elif xs > hi:
                            xs = hi
                        gm = dc + _phi(kind, xs, dL, dS, dQ, r)
                        if gm > 0.0:
                            keep = False
                        else:
                            if glo > 0.0:
                                a = _root(kind, dc, dL, dS, dQ, r, lo, xs)
                            if ghi > 0.0:
                                b = _root(kind, dc, dL, dS, dQ, r, xs, hi)
                    if not keep:
                        # whole piece goes to the new candidate
                        if m > 0 and qc[m - 1] == s_new:
                            qhi[m - 1] = hi
                        else:
                            qlo[m] = lo
                            qhi[m] = hi
                            qc[m] = s_new
                            m += 1
                        continue
                    if a > lo:
                        if m > 0 and qc[m - 1] == s_new:
                            qhi[m - 1] = a
                        else:
                            qlo[m] = lo
                            qhi[m] = a
                            qc[m] = s_new
                            m += 1
                    qlo[m] = a
                    qhi[m] = b
                    qc[m] = s
                    m += 1
                    if b < hi:
                        qlo[m] = b
                        qhi[m] = hi
                        qc[m] = s_new
                        m += 1
                # swap buffers
                tlo = plo
                thi = phi_
                tc = pc
                plo = qlo
                phi_ = qhi
                pc = qc
                qlo = tlo
                qhi = thi
                qc = tc
                npc = m
            if npc > max_pieces:
                max_pieces = npc
        if npc == 0:
            continue
        best = _INF
        arg = -1
        for k in range(npc):
            s = pc[k]
            L = float(t - s)
            S = c1[t] - c1[s]
            Q = c2[t] - c2[s]
            x = _xstar(kind, L, S, r)
            if x < plo[k]:
                x = plo[k]
            elif x > phi_[k]:
                x = phi_[k]
            v = lev[s] + _phi(kind, x, L, S, Q, r)
            if v < best:
                best = v
                arg = s
        F[t] = best
        last[t] = arg
    return F, last, max_pieces


# ---------------------------------------------------------------- inequality pruning
@njit(cache=True)
def pelt(kind, c1, c2, y, par, pen, min_size, prev, layer):
    """PELT recursion (see module docstring). Returns ``(F, last, max_candidates)``."""
    n = c1.shape[0] - 1
    F = np.full(n + 1, _INF)
    last = np.full(n + 1, -1, dtype=np.int64)
    lev = np.full(n + 1, _INF)
    if not layer:
        F[0] = -pen
    cand = np.empty(n + 1, dtype=np.int64)
    dead = np.empty(n + 1, dtype=np.int64)
    vals = np.empty(n + 1)
    nc = 0
    max_c = 0
    big = n + min_size + 10
    for t in range(min_size, n + 1):
        s_new = t - min_size
        if layer:
            c_new = prev[s_new]
        else:
            c_new = F[s_new] + pen
        if c_new < _INF:
            lev[s_new] = c_new
            cand[nc] = s_new
            dead[nc] = big
            nc += 1
        # drop candidates whose dominator is now admissible
        m = 0
        for k in range(nc):
            if dead[k] > t:
                cand[m] = cand[k]
                dead[m] = dead[k]
                m += 1
        nc = m
        if nc > max_c:
            max_c = nc
        if nc == 0:
            continue
        best = _INF
        arg = -1
        for k in range(nc):
            s = cand[k]
            v = lev[s] + seg_cost(kind, s, t, c1, c2, y, par)
            vals[k] = v
            if v < best:
                best = v
                arg = s
        F[t] = best
        last[t] = arg
        if layer:
            lev_t = prev[t]
        else:
            lev_t = best + pen
        if lev_t < _INF:
            for k in range(nc):
                if dead[k] == big and vals[k] >= lev_t:
                    dead[k] = t + min_size
    return F, last, max_c


@njit(cache=True)
def best_single_split(kind, c1, c2, y, par, a, b, min_size):
    """Best split of ``[a, b)`` into two segments: (position, gain) or (-1, -inf)."""
    whole = seg_cost(kind, a, b, c1, c2, y, par)
    best = -_INF
    arg = -1
    for s in range(a + min_size, b - min_size + 1):
        g = whole - seg_cost(kind, a, s, c1, c2, y, par) - seg_cost(kind, s, b, c1, c2, y, par)
        if g > best:
            best = g
            arg = s
    return arg, best
