"""Search templates of the exact change-point searches, compiled once per cost.

Nothing here knows a cost. Every function below is a *template*: plain Python that
calls a cost's primitives by global name, turned into a compiled, cached kernel for
one cost by :func:`kernels_for` (through :func:`analysis.changepoint._jit.specialize`).

Primitives of a one-parameter cost (see :class:`~analysis.changepoint.costs.base.OneParameterCost`):
a segment's loss at parameter ``x`` is a *piece* ``_value(A, B, C, x)``, where the
coefficients ``(A, B, C)`` are sums of per-observation coefficients ``(a_i, b_i, c_i)``
over the segment, convex in ``x``; ``_deriv(A, B, x)`` is its derivative and
``_argmin(A, B)`` its unconstrained minimiser. Primitive of any cost:
``_segcost(s, t, S, y, par)``, the cost of ``y[s:t]`` from the cumulative statistics
``S`` (one row per statistic, ``n + 1`` columns).

A segment is the half-open range ``[s, t)``. The penalised searches minimise

    sum over segments of [C(s, t) + g(t - s)] + pen * (number of changes)
      + pen * (number of short edge segments)

where ``g`` is ``log(length)`` for R changepoint's MBIC (``mbic`` true) and 0
otherwise, and an *edge segment* is the first or the last one when it has at most
``edge`` periods and is not the whole series (it then pays the price of a segment
bounded by two changes, see :mod:`analysis.changepoint.detect`). The layer searches
(``layer`` true) compute one layer ``F_j(t) = min_s F_{j-1}(s) + C(s, t)`` of the problem
with a fixed number of segments (no penalty, no edge price).

Exactness of the pruning (why no optimum is ever lost):

* :func:`fpop_min` — constant penalty (no MBIC term): functional pruning with the lower
  envelope of the candidates' losses as one piecewise function (R-FPOP's
  representation, Fearnhead & Rigaill 2019; Maidstone et al. 2017). Where a candidate is
  best it stays best among the candidates of its time, since all accumulate the same
  future losses. With the bounded loss ``min(dev_i(x), cap)`` of a level-plus-pulses
  model each piece is split where an observation enters or leaves its inlier interval.
  The few candidates the edge prices concern are evaluated directly.
* :func:`fpop_plain` — the same envelope as :func:`fpop_min` for the plain loss without
  edge prices (the Gaussian-mean and plain count searches), with the cut, the new
  observation and the evaluation in one sweep per step; its evaluation takes each
  piece's candidate at its minimum over the whole domain, which is exact (see there).
* :func:`fpop` — any penalty, including R changepoint's MBIC: every candidate keeps a
  list of pieces where it may still be optimal. With the log-length term, ``g_s(x) =
  f_s(x) + mbic * log(t - s)``; a candidate is dropped at ``x`` (i) where a *newer* one
  has ``f <= f_s`` (same future losses, and the newer one's log term is smaller at every
  later end point) and (ii) where an *older* one has ``g <= g_s`` now (the gap
  ``g_s - g_old = f_s - f_old + mbic * log((u - s) / (u - old))`` only grows with the
  end point ``u``). Test (ii) compares each candidate with the lower envelope of the
  older ones' ``g``, computed in one sweep whenever the number of candidates has
  doubled. The last-segment edge price favours older candidates, so (i) keeps that
  price as a margin for the newest candidates; (ii) is not used in the first ``edge``
  steps, where the first-segment price applies. A candidate's list may hold a little
  more than the set where it can still win, never less: its pieces are cut by Newton
  steps from their outer ends (a convex piece's tangent reaches the level before the
  piece does), at most two per step, and later steps close in. Keeping more only prunes
  less: every piece still carries its candidate's true loss on its interval, so the
  evaluation returns genuine costs and the optimum is among them.
* :func:`pelt` — inequality pruning (Killick, Fearnhead & Eckley 2012) for any cost.
  Under MBIC the comparison that prunes uses the costs *without* the log-length term:
  for ``s < t < u``, ``C(s, u) >= C(s, t) + C(t, u)`` and ``log(u - s) > log(u - t)``,
  so ``lev_s + C(s, t) >= lev_t`` implies that ``s`` is beaten by ``t`` at every later
  end point, log-length terms included.

The minimum segment length is exact in all three: candidates are compared on the data
before the newest admissible start, and the last ``min_size`` observations are added
when a candidate is evaluated.
"""
from __future__ import annotations

import math

import numpy as np

from ._jit import specialize

__all__ = ["kernels_for", "Kernels"]

_INF = np.inf


# =============================================================== one-parameter helpers
def _root(A, B, C, level, a, b):
    """Root of ``_value(A, B, C, x) = level`` on ``[a, b]``, where the piece is monotone
    and crosses ``level`` once (safeguarded Newton; bisection when a step leaves the bracket)."""
    fa = _value(A, B, C, a) - level  # noqa: F821 - bound per cost
    up = fa > 0.0
    lo = a
    hi = b
    x = 0.5 * (a + b)
    for _ in range(200):
        g = _value(A, B, C, x) - level  # noqa: F821
        if g == 0.0:
            return x
        if (g > 0.0) == up:
            lo = x
        else:
            hi = x
        d = _deriv(A, B, x)  # noqa: F821
        nx = x - g / d if d != 0.0 and math.isfinite(g) else 0.5 * (lo + hi)
        if not (nx > lo and nx < hi):
            nx = 0.5 * (lo + hi)
            if nx <= lo or nx >= hi:
                return x
        if abs(nx - x) <= 1e-15 * max(abs(x), 1e-300) or hi - lo <= 1e-15 * max(abs(x), 1e-300):
            return nx
        x = nx
    return x


def _sublevel(A, B, C, level, a, b):
    """Interval of ``[a, b]`` where the convex piece is at most ``level``: (keep, lo, hi)."""
    xs = _argmin(A, B)  # noqa: F821
    if xs < a:
        xs = a
    elif xs > b:
        xs = b
    vm = _value(A, B, C, xs)  # noqa: F821
    if not (vm <= level):
        return False, a, b
    lo = a
    hi = b
    if _value(A, B, C, a) > level:  # noqa: F821
        lo = _root(A, B, C, level, a, xs)
    if _value(A, B, C, b) > level:  # noqa: F821
        hi = _root(A, B, C, level, xs, b)
    return True, lo, hi


def _tangent_cut(A, B, C, level, x0, x1, v0, u1, u2):
    """Move the end ``x0`` of a convex piece towards ``x1`` (where the value is at most
    ``level``) by one Newton step on ``value = level``, never past the crossing.

    From the side where the value exceeds ``level``, a convex function's tangent meets
    ``level`` before the function does, so every Newton iterate stays on that side: the
    new end keeps all of the sublevel set (and a little more until later steps close in;
    one step per time step measured fastest). Returns the new end and its two end-point
    features. ``v0, u1, u2``: the value and the features at ``x0``.
    """
    if not math.isfinite(v0):
        return x0, u1, u2
    d = _deriv(A, B, x0)  # noqa: F821
    if not (d != 0.0 and math.isfinite(d)):
        return x0, u1, u2
    nx = x0 - (v0 - level) / d
    if not ((nx - x0) * (x1 - x0) > 0.0):
        return x0, u1, u2
    if (nx - x1) * (x1 - x0) > 0.0:
        nx = x1
    w1 = _value(1.0, 0.0, 0.0, nx)  # noqa: F821
    w2 = _value(0.0, 1.0, 0.0, nx)  # noqa: F821
    if not (C + A * w1 + B * w2 >= level):  # at or past the crossing (rounding): stay outside
        return x0, u1, u2
    return nx, w1, w2


def _emit(Q, q, xl, xh, A, B, C, f1l, f2l, f1h, f2h, level, cut):
    """Write the piece ``[xl, xh]`` (coefficients ``A, B, C``, end-point features ``f``) to
    column ``q`` of ``Q``; with ``cut``, only the part that may be at most ``level`` (a
    superset of it, see :func:`_tangent_cut`), and nothing when its minimum is above.
    Returns the next free column."""
    if cut:
        vl = C + A * f1l + B * f2l
        vh = C + A * f1h + B * f2h
        if not (vl <= level and vh <= level):  # convex: below at both ends is below everywhere
            xs = _argmin(A, B)  # noqa: F821
            if xs < xl:
                xs = xl
            elif xs > xh:
                xs = xh
            if not (_value(A, B, C, xs) <= level):  # noqa: F821
                return q
            if not (vl <= level):
                xl, f1l, f2l = _tangent_cut(A, B, C, level, xl, xs, vl, f1l, f2l)
            if not (vh <= level):
                xh, f1h, f2h = _tangent_cut(A, B, C, level, xh, xs, vh, f1h, f2h)
    Q[0, q] = xl
    Q[1, q] = xh
    Q[2, q] = A
    Q[3, q] = B
    Q[4, q] = C
    Q[5, q] = f1l
    Q[6, q] = f2l
    Q[7, q] = f1h
    Q[8, q] = f2h
    return q + 1


def _pmin(A, B, C, a, b):
    """Minimum of the convex piece on ``[a, b]`` and where it is reached."""
    xs = _argmin(A, B)  # noqa: F821
    if xs < a:
        xs = a
    elif xs > b:
        xs = b
    return _value(A, B, C, xs), xs  # noqa: F821


def inlier_bounds(a, b, c, cap, dlo, dhi):
    """For every observation, the interval of parameters where its deviance is at most ``cap``."""
    n = a.shape[0]
    lo = np.empty(n)
    hi = np.empty(n)
    for i in range(n):
        xs = _argmin(a[i], b[i])  # noqa: F821
        if xs < dlo:
            xs = dlo
        elif xs > dhi:
            xs = dhi
        if not math.isfinite(cap):
            lo[i] = dlo
            hi[i] = dhi
            continue
        if _value(a[i], b[i], c[i], xs) > cap:  # noqa: F821
            lo[i] = dhi  # never an inlier inside the domain
            hi[i] = dlo
            continue
        lo[i] = dlo if _value(a[i], b[i], c[i], dlo) <= cap else _root(a[i], b[i], c[i], cap, dlo, xs)  # noqa: F821
        hi[i] = dhi if _value(a[i], b[i], c[i], dhi) <= cap else _root(a[i], b[i], c[i], cap, xs, dhi)  # noqa: F821
    return lo, hi


def _segcost_plain(s, t, S, y, par):
    """Plain (unbounded) segment cost of a one-parameter cost from stacked cumulative sums."""
    v, _x = _pmin(S[0, t] - S[0, s], S[1, t] - S[1, s], S[2, t] - S[2, s], par[0], par[1])
    return v


def plain_segcosts(starts, ends, cA, cB, cC, dlo, dhi):
    """Costs of segments ``[starts[k], ends[k])`` from cumulative coefficient sums."""
    out = np.empty(starts.shape[0])
    for k in range(starts.shape[0]):
        s = starts[k]
        t = ends[k]
        v, _x = _pmin(cA[t] - cA[s], cB[t] - cB[s], cC[t] - cC[s], dlo, dhi)
        out[k] = v
    return out


def robust_fit(a, b, c, lo, hi, cap, s, t, dlo, dhi):
    """Exact minimiser of ``sum_i min(dev_i(x), cap)`` over ``x`` for ``i`` in ``[s, t)``.

    Sweeps the sorted entry and exit points of the observations' inlier intervals; on
    every elementary interval between two consecutive points the inliers are fixed and
    the loss is one convex piece (the loss is continuous, so closed intervals cover the
    points themselves). Returns ``(value, x)``.
    """
    L = t - s
    if not math.isfinite(cap):
        A = 0.0
        B = 0.0
        C = 0.0
        for i in range(s, t):
            A += a[i]
            B += b[i]
            C += c[i]
        return _pmin(A, B, C, dlo, dhi)
    los = lo[s:t].copy()
    his = hi[s:t].copy()
    ok = los <= his
    for i in range(L):
        if not ok[i]:
            los[i] = _INF
            his[i] = _INF
    oe = np.argsort(los, kind="mergesort")
    ox = np.argsort(his, kind="mergesort")
    pts = np.empty(2 * L + 2)
    pts[0] = dlo
    m = 1
    for i in range(L):
        if ok[i]:
            pts[m] = min(max(los[i], dlo), dhi)
            m += 1
            pts[m] = min(max(his[i], dlo), dhi)
            m += 1
    pts[m] = dhi
    m += 1
    pts = np.sort(pts[:m])
    A = 0.0
    B = 0.0
    C = L * cap
    ie = 0
    ix = 0
    best = _INF
    bx = dlo
    for j in range(m - 1):
        x0 = pts[j]
        x1 = pts[j + 1]
        xm = 0.5 * (x0 + x1)
        while ie < L and los[oe[ie]] <= xm:
            i = s + oe[ie]
            A += a[i]
            B += b[i]
            C += c[i] - cap
            ie += 1
        while ix < L and his[ox[ix]] < xm:
            i = s + ox[ix]
            A -= a[i]
            B -= b[i]
            C -= c[i] - cap
            ix += 1
        v, xx = _pmin(A, B, C, x0, x1)
        if v < best:
            best = v
            bx = xx
    return best, bx


# =============================================================== robust FPOP, piece lists
def _neg_parts(dA, dB, dC, x0, x1, outL, outH, q):
    """Append to ``out`` the parts of ``[x0, x1]`` where the difference piece is negative.

    The difference of two pieces has at most one stationary point (the cost's
    ``_argmin`` formula), so it is monotone on both sides of it and crosses 0 at most
    once on each.
    """
    xs = _argmin(dA, dB)  # noqa: F821
    if xs > x0 and xs < x1:
        q = _neg_monotone(dA, dB, dC, x0, xs, outL, outH, q)
        return _neg_monotone(dA, dB, dC, xs, x1, outL, outH, q)
    return _neg_monotone(dA, dB, dC, x0, x1, outL, outH, q)


def _neg_monotone(dA, dB, dC, x0, x1, outL, outH, q):
    h0 = _value(dA, dB, dC, x0)  # noqa: F821
    h1 = _value(dA, dB, dC, x1)  # noqa: F821
    n0 = h0 < 0.0
    n1 = h1 < 0.0
    if n0 and n1:
        lo, hi = x0, x1
    elif not n0 and not n1:
        return q
    else:
        r = _root(dA, dB, dC, 0.0, x0, x1)
        lo, hi = (x0, r) if n0 else (r, x1)
    return _append(outL, outH, q, lo, hi)


def _alive_parts(xl, xh, A, B, C, off, EL, EH, EA, EB, EC, ne, QL, QH, QA, QB, QC, q, tl, th):
    """Parts of the piece ``[xl, xh]`` (value ``A, B, C`` + ``off``) below the envelope ``E``.

    ``E`` is a sorted list of disjoint pieces (``+inf`` between them). The parts are
    appended to ``Q`` with the piece's own coefficients; returns the new length. ``tl, th``
    are scratch space of at least ``2 ne + 4`` values.
    """
    nt = 0
    x0 = xl
    j = 0
    while j < ne and EH[j] < xl:
        j += 1
    while True:
        if j >= ne or EL[j] > xh:
            nt = _append(tl, th, nt, x0, xh)
            break
        if EL[j] > x0:
            nt = _append(tl, th, nt, x0, EL[j])
            x0 = EL[j]
        x1 = EH[j] if EH[j] < xh else xh
        nt = _neg_parts(A - EA[j], B - EB[j], C + off - EC[j], x0, x1, tl, th, nt)
        if x1 >= xh:
            break
        x0 = x1
        j += 1
    for i in range(nt):
        QL[q] = tl[i]
        QH[q] = th[i]
        QA[q] = A
        QB[q] = B
        QC[q] = C
        q += 1
    return q


def _append(tl, th, nt, lo, hi):
    if hi < lo:
        return nt
    if nt > 0 and th[nt - 1] >= lo:
        if hi > th[nt - 1]:
            th[nt - 1] = hi
        return nt
    tl[nt] = lo
    th[nt] = hi
    return nt + 1


def _overwrite(EL, EH, EA, EB, EC, ne, QL, QH, QA, QB, QC, q0, q1, off, FL, FH, FA, FB, FC):
    """Envelope ``E`` with the (sorted, disjoint) pieces ``Q[q0:q1]`` (+ ``off``) written over it."""
    m = 0
    j = 0
    for i in range(q0, q1):
        lo = QL[i]
        hi = QH[i]
        # envelope pieces wholly left of lo
        while j < ne and EH[j] <= lo:
            FL[m] = EL[j]
            FH[m] = EH[j]
            FA[m] = EA[j]
            FB[m] = EB[j]
            FC[m] = EC[j]
            m += 1
            j += 1
        # a piece straddling lo keeps its left part
        if j < ne and EL[j] < lo:
            FL[m] = EL[j]
            FH[m] = lo
            FA[m] = EA[j]
            FB[m] = EB[j]
            FC[m] = EC[j]
            m += 1
        FL[m] = lo
        FH[m] = hi
        FA[m] = QA[i]
        FB[m] = QB[i]
        FC[m] = QC[i] + off
        m += 1
        # skip envelope pieces covered by [lo, hi]; a piece straddling hi keeps its right part
        while j < ne and EH[j] <= hi:
            j += 1
        if j < ne and EL[j] < hi:
            EL[j] = hi
    while j < ne:
        FL[m] = EL[j]
        FH[m] = EH[j]
        FA[m] = EA[j]
        FB[m] = EB[j]
        FC[m] = EC[j]
        m += 1
        j += 1
    for i in range(m):
        EL[i] = FL[i]
        EH[i] = FH[i]
        EA[i] = FA[i]
        EB[i] = FB[i]
        EC[i] = FC[i]
    return m


def fpop(a, b, c, cA, cB, cC, lo_i, hi_i, cap, pen, min_size, prev, layer, dlo, dhi, mbic, edge, edge_pen):
    """Functional pruning with piece lists per candidate (bounded loss when ``cap`` is finite).

    Pieces are columns of one array (ends, coefficients, and the two features
    ``u1(x) = value(1, 0, 0, x)`` and ``u2(x) = value(0, 1, 0, x)`` at both ends, so that
    a piece's values at its ends are ``C + A u1 + B u2``: a piece's value is linear in
    its coefficients). Each step makes one pass over them: the new observation joins
    (splitting a piece where the observation enters or leaves its inlier interval) and
    the cut at the new candidate's level is applied to every part at once
    (:func:`_emit`). A part below the level at both ends (and so everywhere: it is
    convex) is kept without evaluating the cost; one above it at an end is cut there
    by :func:`_tangent_cut` (conservative; see the module notes).
    Returns ``(F, last, max_candidates, max_pieces)``.
    """
    n = a.shape[0]
    F = np.full(n + 1, _INF)
    last = np.full(n + 1, -1, dtype=np.int64)
    if not layer:
        F[0] = -pen
    # candidates (creation order) and their pieces, contiguous per candidate
    tau = np.empty(n + 1, dtype=np.int64)
    lev = np.empty(n + 1)
    pstart = np.empty(n + 2, dtype=np.int64)
    cap_p = 64
    # pieces, one column each: rows lower end, upper end, A, B, C, and the end-point
    # features u1(lower), u2(lower), u1(upper), u2(upper)
    P = np.empty((9, cap_p))
    Q = np.empty((9, cap_p))
    EL = np.empty(cap_p)
    EH = np.empty(cap_p)
    EA = np.empty(cap_p)
    EB = np.empty(cap_p)
    EC = np.empty(cap_p)
    FL = np.empty(cap_p)
    FH = np.empty(cap_p)
    FA = np.empty(cap_p)
    FB = np.empty(cap_p)
    FC = np.empty(cap_p)
    TL = np.empty(cap_p)
    TH = np.empty(cap_p)
    ul1 = np.empty(n)
    ul2 = np.empty(n)
    uh1 = np.empty(n)
    uh2 = np.empty(n)
    for i in range(n):
        if lo_i[i] <= hi_i[i]:
            ul1[i] = _value(1.0, 0.0, 0.0, lo_i[i])
            ul2[i] = _value(0.0, 1.0, 0.0, lo_i[i])
            uh1[i] = _value(1.0, 0.0, 0.0, hi_i[i])
            uh2[i] = _value(0.0, 1.0, 0.0, hi_i[i])
        else:
            ul1[i] = _INF
            ul2[i] = _INF
            uh1[i] = _INF
            uh2[i] = _INF
    d1lo = _value(1.0, 0.0, 0.0, dlo)
    d2lo = _value(0.0, 1.0, 0.0, dlo)
    d1hi = _value(1.0, 0.0, 0.0, dhi)
    d2hi = _value(0.0, 1.0, 0.0, dhi)
    nc = 0
    nc_swept = 0
    npc = 0
    pstart[0] = 0
    maxc = 0
    maxp = 0
    # window of the last min_size observations: breakpoints and coefficient sums
    wx = np.empty(2 * min_size + 2)
    wA = np.empty(2 * min_size + 3)
    wB = np.empty(2 * min_size + 3)
    wC = np.empty(2 * min_size + 3)
    for t in range(min_size, n + 1):
        s_new = t - min_size
        # ---- 1-2. observation s_new - 1 joins every candidate's loss (split where it enters or
        # leaves its inlier interval) and, when a new candidate comes, the older ones keep the
        # parts where they may still beat it: one pass over the pieces
        if layer:
            c_new = prev[s_new]
        else:
            c_new = F[s_new] + pen
        do_add = s_new >= 1 and nc > 0
        do_cut = c_new < _INF
        if do_add or (do_cut and nc > 0):
            if 3 * npc + 3 > Q.shape[1]:
                Q = np.empty((9, 2 * (3 * npc + 3)))
            thr = c_new
            if (not layer) and n - s_new <= edge:
                thr += edge_pen
            i = s_new - 1 if do_add else 0
            li = lo_i[i]
            hi = hi_i[i]
            ai = a[i]
            bi = b[i]
            ci = c[i]
            q = 0
            m = 0
            for k in range(nc):
                q0 = q
                lvl = thr - lev[k]
                for p in range(pstart[k], pstart[k + 1]):
                    xl = P[0, p]
                    xh = P[1, p]
                    A = P[2, p]
                    B = P[3, p]
                    C = P[4, p]
                    if not do_add:
                        q = _emit(Q, q, xl, xh, A, B, C, P[5, p], P[6, p], P[7, p], P[8, p], lvl, do_cut)
                        continue
                    if li > hi:  # never an inlier: the whole piece pays the cap
                        q = _emit(Q, q, xl, xh, A, B, C + cap, P[5, p], P[6, p], P[7, p], P[8, p], lvl, do_cut)
                        continue
                    if li <= xl and xh <= hi:  # wholly inside the inlier interval
                        q = _emit(Q, q, xl, xh, A + ai, B + bi, C + ci, P[5, p], P[6, p], P[7, p], P[8, p], lvl,
                                  do_cut)
                        continue
                    if xl < li:  # part left of the inlier interval
                        if xh < li:
                            q = _emit(Q, q, xl, xh, A, B, C + cap, P[5, p], P[6, p], P[7, p], P[8, p], lvl, do_cut)
                        else:
                            q = _emit(Q, q, xl, li, A, B, C + cap, P[5, p], P[6, p], ul1[i], ul2[i], lvl, do_cut)
                    ml = xl if xl > li else li
                    mh = xh if xh < hi else hi
                    if ml <= mh:
                        f1l = P[5, p] if xl > li else ul1[i]
                        f2l = P[6, p] if xl > li else ul2[i]
                        f1h = P[7, p] if xh < hi else uh1[i]
                        f2h = P[8, p] if xh < hi else uh2[i]
                        q = _emit(Q, q, ml, mh, A + ai, B + bi, C + ci, f1l, f2l, f1h, f2h, lvl, do_cut)
                    if xh > hi:  # part right of it
                        if xl > hi:
                            q = _emit(Q, q, xl, xh, A, B, C + cap, P[5, p], P[6, p], P[7, p], P[8, p], lvl, do_cut)
                        else:
                            q = _emit(Q, q, hi, xh, A, B, C + cap, uh1[i], uh2[i], P[7, p], P[8, p], lvl, do_cut)
                if q > q0:
                    tau[m] = tau[k]
                    lev[m] = lev[k]
                    pstart[m] = q0
                    m += 1
            nc = m
            pstart[nc] = q
            npc = q
            P, Q = Q, P
        if do_cut:
            if npc + 1 > P.shape[1]:
                P2 = np.empty((9, 2 * (npc + 2)))
                P2[:, :npc] = P[:, :npc]
                P = P2
            P[0, npc] = dlo
            P[1, npc] = dhi
            P[2, npc] = 0.0
            P[3, npc] = 0.0
            P[4, npc] = 0.0
            P[5, npc] = d1lo
            P[6, npc] = d2lo
            P[7, npc] = d1hi
            P[8, npc] = d2hi
            tau[nc] = s_new
            lev[nc] = c_new
            pstart[nc] = npc
            nc += 1
            npc += 1
            pstart[nc] = npc
            if nc > maxc:
                maxc = nc
            if npc > maxp:
                maxp = npc
        PL = P[0]
        PH = P[1]
        PA = P[2]
        PB = P[3]
        PC = P[4]
        # ---- 2b. every candidate loses where an older one is better now (and so for good)
        # (valid at any step; run when the number of candidates has doubled since the last run,
        # which keeps its cost proportional to the candidates' own)
        if nc > 1 and nc >= 2 * nc_swept + 8 and (layer or t > edge + 1):
            if 3 * (npc + 1) > Q.shape[1]:
                Q = np.empty((9, 6 * (npc + 2)))
            if 3 * (npc + 1) > EL.shape[0]:
                cap_p = 6 * (npc + 2)
                EL = np.empty(cap_p)
                EH = np.empty(cap_p)
                EA = np.empty(cap_p)
                EB = np.empty(cap_p)
                EC = np.empty(cap_p)
                FL = np.empty(cap_p)
                FH = np.empty(cap_p)
                FA = np.empty(cap_p)
                FB = np.empty(cap_p)
                FC = np.empty(cap_p)
                TL = np.empty(cap_p)
                TH = np.empty(cap_p)
            QL = Q[0]
            QH = Q[1]
            QA = Q[2]
            QB = Q[3]
            QC = Q[4]
            ne = 0
            q = 0
            m = 0
            for k in range(nc):
                s = tau[k]
                off = lev[k]
                if mbic > 0.0:
                    off += mbic * math.log(t - s)
                q0 = q
                for p in range(pstart[k], pstart[k + 1]):
                    q = _alive_parts(PL[p], PH[p], PA[p], PB[p], PC[p], off, EL, EH, EA, EB, EC, ne,
                                     QL, QH, QA, QB, QC, q, TL, TH)
                if q > q0:
                    tau[m] = s
                    lev[m] = lev[k]
                    pstart[m] = q0
                    m += 1
                    ne = _overwrite(EL, EH, EA, EB, EC, ne, QL, QH, QA, QB, QC, q0, q, off, FL, FH, FA, FB, FC)
            nc = m
            nc_swept = nc
            pstart[nc] = q
            npc = q
            # the sweep cut pieces at new end points: their features afresh
            for p in range(npc):
                Q[5, p] = _value(1.0, 0.0, 0.0, QL[p])
                Q[6, p] = _value(0.0, 1.0, 0.0, QL[p])
                Q[7, p] = _value(1.0, 0.0, 0.0, QH[p])
                Q[8, p] = _value(0.0, 1.0, 0.0, QH[p])
            P, Q = Q, P
            PL = P[0]
            PH = P[1]
            PA = P[2]
            PB = P[3]
            PC = P[4]
        if nc == 0:
            continue
        # ---- 3. evaluate: every candidate's pieces plus the window [s_new, t)
        nw = 0
        for i in range(s_new, t):
            if lo_i[i] <= hi_i[i]:
                wx[nw] = lo_i[i]
                nw += 1
                wx[nw] = hi_i[i]
                nw += 1
        for i in range(1, nw):  # insertion sort of at most 2 min_size points
            v = wx[i]
            j = i - 1
            while j >= 0 and wx[j] > v:
                wx[j + 1] = wx[j]
                j -= 1
            wx[j + 1] = v
        # coefficient sums on each elementary interval (j = 0..nw); evaluated at its midpoint
        for j in range(nw + 1):
            if nw == 0:
                xm = 0.5 * (dlo + dhi)
            elif j == 0:
                xm = wx[0] - 1.0
            elif j == nw:
                xm = wx[nw - 1] + 1.0
            else:
                xm = 0.5 * (wx[j - 1] + wx[j])
            sA = 0.0
            sB = 0.0
            sC = 0.0
            for i in range(s_new, t):
                if lo_i[i] <= hi_i[i] and lo_i[i] <= xm and xm <= hi_i[i]:
                    sA += a[i]
                    sB += b[i]
                    sC += c[i]
                else:
                    sC += cap
            wA[j] = sA
            wB[j] = sB
            wC[j] = sC
        best = _INF
        arg = -1
        for k in range(nc):
            s = tau[k]
            # every loss is a deviance (>= 0): a candidate whose level alone is not below the best
            # so far cannot win (candidates come oldest first, whose levels are the lowest)
            lb = lev[k]
            if mbic > 0.0:
                lb += mbic * math.log(t - s)
            if lb >= best:
                continue
            bk = _INF
            for p in range(pstart[k], pstart[k + 1]):
                xl = PL[p]
                xh = PH[p]
                # elementary intervals of the window overlapping [xl, xh]
                j = 0
                while j < nw and wx[j] < xl:
                    j += 1
                x0 = xl
                while True:
                    x1 = xh if j >= nw or wx[j] > xh else wx[j]
                    if x1 >= x0:
                        v, _x = _pmin(PA[p] + wA[j], PB[p] + wB[j], PC[p] + wC[j], x0, x1)
                        if v < bk:
                            bk = v
                    if j >= nw or wx[j] > xh:
                        break
                    # the bounded loss is continuous: closed elementary intervals cover the breakpoints
                    x0 = wx[j]
                    j += 1
            v = lev[k] + bk
            if mbic > 0.0:
                v += mbic * math.log(t - s)
            if not layer:
                if t == n:
                    if s > 0 and n - s <= edge:
                        v += edge_pen
                elif s == 0 and t <= edge:
                    v += edge_pen
            if v < best:
                best = v
                arg = s
        F[t] = best
        last[t] = arg
    return F, last, maxc, maxp


# =============================================================== FPOP, one min-function
def fpop_min(a, b, c, lo_i, hi_i, cap, pen, min_size, prev, layer, dlo, dhi, edge, edge_pen):
    """Functional pruning with the minimum of the candidates' losses as one piecewise function.

    Exact for a constant penalty (no MBIC term): every parameter value belongs to the one
    candidate that is best there, which stays best there among the candidates of its
    time, so the lower envelope is all the search needs (R-FPOP's representation). The
    recursion runs ``min_size`` periods behind: ``R_s = min(R_{s-1} + loss_{s-1},
    F(s) + pen)`` and ``F(t) = min_x R_{t-m}(x) + sum_{i=t-m}^{t-1} loss_i(x)``. The edge
    prices are kept exact by evaluating the few candidates they concern directly: the
    first ``edge`` end points by enumeration, the last ``edge`` candidates off the envelope.
    Returns ``(F, last, max_pieces, max_pieces)``.
    """
    n = a.shape[0]
    F = np.full(n + 1, _INF)
    last = np.full(n + 1, -1, dtype=np.int64)
    if not layer:
        F[0] = -pen
    cap_p = 64
    PL = np.empty(cap_p)
    PH = np.empty(cap_p)
    PA = np.empty(cap_p)
    PB = np.empty(cap_p)
    PC = np.empty(cap_p)
    PO = np.empty(cap_p, dtype=np.int64)
    QL = np.empty(cap_p)
    QH = np.empty(cap_p)
    QA = np.empty(cap_p)
    QB = np.empty(cap_p)
    QC = np.empty(cap_p)
    QO = np.empty(cap_p, dtype=np.int64)
    npc = 0
    maxp = 0
    pts = np.empty(2 * min_size + 2)
    plain = not math.isfinite(cap)
    side = np.empty(edge + 2, dtype=np.int64)
    side_lev = np.empty(edge + 2)
    nside = 0
    tail = (not layer) and edge > 0
    for t in range(min_size, n + 1):
        s_new = t - min_size
        if layer:
            c_new = prev[s_new]
        else:
            c_new = F[s_new] + pen
        fused = False
        if plain and s_new >= 1 and npc > 0 and c_new < _INF and not (tail and n - s_new <= edge):
            # plain loss: add observation s_new - 1 and let the new candidate in, in one pass
            i = s_new - 1
            if 3 * npc + 3 > QL.shape[0]:
                cap_p = 2 * (3 * npc + 3)
                QL = np.empty(cap_p)
                QH = np.empty(cap_p)
                QA = np.empty(cap_p)
                QB = np.empty(cap_p)
                QC = np.empty(cap_p)
                QO = np.empty(cap_p, dtype=np.int64)
            ai = a[i]
            bi = b[i]
            ci = c[i]
            q = 0
            for p in range(npc):
                xl = PL[p]
                xh = PH[p]
                A = PA[p] + ai
                B = PB[p] + bi
                C = PC[p] + ci
                keep, kl, kh = _sublevel(A, B, C, c_new, xl, xh)
                if not keep:
                    q = _put_const(QL, QH, QA, QB, QC, QO, q, xl, xh, c_new, s_new)
                    continue
                if kl > xl:
                    q = _put_const(QL, QH, QA, QB, QC, QO, q, xl, kl, c_new, s_new)
                QL[q] = kl
                QH[q] = kh
                QA[q] = A
                QB[q] = B
                QC[q] = C
                QO[q] = PO[p]
                q += 1
                if kh < xh:
                    q = _put_const(QL, QH, QA, QB, QC, QO, q, kh, xh, c_new, s_new)
            npc = q
            PL, QL = QL, PL
            PH, QH = QH, PH
            PA, QA = QA, PA
            PB, QB = QB, PB
            PC, QC = QC, PC
            PO, QO = QO, PO
            if npc > maxp:
                maxp = npc
            fused = True
        # ---- the envelope joins observation s_new - 1
        if (not fused) and s_new >= 1 and npc > 0:
            i = s_new - 1
            li = lo_i[i]
            hi = hi_i[i]
            if 3 * npc + 3 > QL.shape[0]:
                cap_p = 2 * (3 * npc + 3)
                QL = np.empty(cap_p)
                QH = np.empty(cap_p)
                QA = np.empty(cap_p)
                QB = np.empty(cap_p)
                QC = np.empty(cap_p)
                QO = np.empty(cap_p, dtype=np.int64)
            q = 0
            for p in range(npc):
                xl = PL[p]
                xh = PH[p]
                if li <= xl and xh <= hi:
                    QL[q] = xl
                    QH[q] = xh
                    QA[q] = PA[p] + a[i]
                    QB[q] = PB[p] + b[i]
                    QC[q] = PC[p] + c[i]
                    QO[q] = PO[p]
                    q += 1
                    continue
                if li > hi or xh < li or xl > hi:
                    QL[q] = xl
                    QH[q] = xh
                    QA[q] = PA[p]
                    QB[q] = PB[p]
                    QC[q] = PC[p] + cap
                    QO[q] = PO[p]
                    q += 1
                    continue
                if xl < li:
                    QL[q] = xl
                    QH[q] = li
                    QA[q] = PA[p]
                    QB[q] = PB[p]
                    QC[q] = PC[p] + cap
                    QO[q] = PO[p]
                    q += 1
                QL[q] = xl if xl > li else li
                QH[q] = xh if xh < hi else hi
                QA[q] = PA[p] + a[i]
                QB[q] = PB[p] + b[i]
                QC[q] = PC[p] + c[i]
                QO[q] = PO[p]
                q += 1
                if xh > hi:
                    QL[q] = hi
                    QH[q] = xh
                    QA[q] = PA[p]
                    QB[q] = PB[p]
                    QC[q] = PC[p] + cap
                    QO[q] = PO[p]
                    q += 1
            npc = q
            PL, QL = QL, PL
            PH, QH = QH, PH
            PA, QA = QA, PA
            PB, QB = QB, PB
            PC, QC = QC, PC
            PO, QO = QO, PO
        # ---- a new candidate takes the parameters where it is better
        if (not fused) and c_new < _INF:
            if tail and n - s_new <= edge and s_new > 0:
                side[nside] = s_new
                side_lev[nside] = c_new
                nside += 1
            elif npc == 0:
                PL[0] = dlo
                PH[0] = dhi
                PA[0] = 0.0
                PB[0] = 0.0
                PC[0] = c_new
                PO[0] = s_new
                npc = 1
            else:
                if 3 * npc + 3 > QL.shape[0]:
                    cap_p = 2 * (3 * npc + 3)
                    QL = np.empty(cap_p)
                    QH = np.empty(cap_p)
                    QA = np.empty(cap_p)
                    QB = np.empty(cap_p)
                    QC = np.empty(cap_p)
                    QO = np.empty(cap_p, dtype=np.int64)
                q = 0
                for p in range(npc):
                    xl = PL[p]
                    xh = PH[p]
                    keep, kl, kh = _sublevel(PA[p], PB[p], PC[p], c_new, xl, xh)
                    if not keep:
                        q = _put_const(QL, QH, QA, QB, QC, QO, q, xl, xh, c_new, s_new)
                        continue
                    if kl > xl:
                        q = _put_const(QL, QH, QA, QB, QC, QO, q, xl, kl, c_new, s_new)
                    QL[q] = kl
                    QH[q] = kh
                    QA[q] = PA[p]
                    QB[q] = PB[p]
                    QC[q] = PC[p]
                    QO[q] = PO[p]
                    q += 1
                    if kh < xh:
                        q = _put_const(QL, QH, QA, QB, QC, QO, q, kh, xh, c_new, s_new)
                npc = q
                PL, QL = QL, PL
                PH, QH = QH, PH
                PA, QA = QA, PA
                PB, QB = QB, PB
                PC, QC = QC, PC
                PO, QO = QO, PO
            if npc > maxp:
                maxp = npc
        # ---- evaluate
        if (not layer) and t <= edge + min_size:
            # first end points: every candidate directly (the first-segment price)
            best = _INF
            arg = -1
            for s in range(0, t - min_size + 1):
                lv = prev[s] if layer else (F[s] + pen)
                if not lv < _INF:
                    continue
                v, _x = robust_fit(a, b, c, lo_i, hi_i, cap, s, t, dlo, dhi)
                v += lv
                if t == n:
                    if s > 0 and n - s <= edge:
                        v += edge_pen
                elif s == 0 and t <= edge:
                    v += edge_pen
                if v < best:
                    best = v
                    arg = s
            F[t] = best
            last[t] = arg
            continue
        best = _INF
        arg = -1
        if plain:
            wa = 0.0
            wb = 0.0
            wc = 0.0
            for i in range(s_new, t):
                wa += a[i]
                wb += b[i]
                wc += c[i]
            for p in range(npc):
                v, _x = _pmin(PA[p] + wa, PB[p] + wb, PC[p] + wc, PL[p], PH[p])
                if v < best:
                    best = v
                    arg = PO[p]
        else:
            for p in range(npc):
                v = _window_min(a, b, c, lo_i, hi_i, cap, s_new, t, PA[p], PB[p], PC[p], PL[p], PH[p], pts)
                if v < best:
                    best = v
                    arg = PO[p]
        for k in range(nside):
            s = side[k]
            if s > t - min_size:
                continue
            v, _x = robust_fit(a, b, c, lo_i, hi_i, cap, s, t, dlo, dhi)
            v += side_lev[k]
            if t == n:
                v += edge_pen
            if v < best:
                best = v
                arg = s
        F[t] = best
        last[t] = arg
    return F, last, maxp, maxp


# =============================================================== FPOP, plain loss, no edge price
def fpop_plain(a, b, c, pen, min_size, prev, layer, dlo, dhi, cap0):
    """:func:`fpop_min` for the plain (unbounded) loss without edge prices, in one pass per step.

    The same recursion and the same lower envelope as :func:`fpop_min`, organised for
    speed: every step adds observation ``s_new - 1``, cuts the envelope at the new
    candidate's level and evaluates ``F(t)`` in one sweep over the pieces (written to a
    scratch list and copied back). The piece lists are never reallocated inside the
    sweep (:func:`_plain_steps` stops when they are nearly full, and is resumed on longer
    lists), which lets the compiler keep them in registers.

    Why the evaluation needs no clipping to a piece's interval: a piece carries the full
    cumulative loss ``f_o`` of its candidate ``o``, and ``f_o >= envelope`` everywhere.
    So ``min over the domain of f_o >= min of the envelope`` for every piece, with
    equality for the piece holding the envelope's minimiser. The minimum over pieces of
    their candidate's minimum over the domain ``[dlo, dhi]`` is therefore the envelope's
    minimum, exactly. ``cap0``: starting length of the piece lists (they grow as needed).
    Returns ``(F, last, max_pieces, max_pieces)``.
    """
    n = a.shape[0]
    F = np.full(n + 1, _INF)
    last = np.full(n + 1, -1, dtype=np.int64)
    if not layer:
        F[0] = -pen
    cap_p = max(cap0, 4)
    P = np.empty((5, cap_p))
    PO = np.empty(cap_p, dtype=np.int64)
    T = np.empty((5, cap_p))
    TO = np.empty(cap_p, dtype=np.int64)
    t = min_size
    npc = 0
    maxp = 0
    while t <= n:
        t, npc, maxp = _plain_steps(a, b, c, pen, min_size, prev, layer, dlo, dhi, F, last, P, PO, T, TO, t, npc,
                                    maxp)
        if t <= n:
            cap_p = 4 * cap_p
            P2 = np.empty((5, cap_p))
            P2[:, :npc] = P[:, :npc]
            PO2 = np.empty(cap_p, dtype=np.int64)
            PO2[:npc] = PO[:npc]
            P = P2
            PO = PO2
            T = np.empty((5, cap_p))
            TO = np.empty(cap_p, dtype=np.int64)
    return F, last, maxp, maxp


def _plain_steps(a, b, c, pen, min_size, prev, layer, dlo, dhi, F, last, P, PO, T, TO, t0, npc, maxp):
    """Steps ``t0, t0 + 1, ...`` of :func:`fpop_plain`; stops early when the lists may overflow.

    ``P``/``T``: rows lower end, upper end, and the piece's ``A, B, C``; ``PO``/``TO`` its
    candidate. Returns ``(next t, number of pieces, max pieces)``.

    A piece that is at most the new level at both ends of its interval is at most the
    level everywhere in between (it is convex), so it is kept whole without solving for
    its crossings (a square root and two divisions); only the few pieces near the ends
    of the envelope's sublevel set, typically four per step, need :func:`_sublevel`.
    """
    n = a.shape[0]
    room = P.shape[1]
    PL = P[0]
    PH = P[1]
    PA = P[2]
    PB = P[3]
    PC = P[4]
    TL = T[0]
    TH = T[1]
    TA = T[2]
    TB = T[3]
    TC = T[4]
    for t in range(t0, n + 1):
        if 2 * npc + 2 > room:
            return t, npc, maxp
        s_new = t - min_size
        if layer:
            lev = prev[s_new]
        else:
            lev = F[s_new] + pen
        wa = 0.0
        wb = 0.0
        wc = 0.0
        for i in range(s_new, t):
            wa += a[i]
            wb += b[i]
            wc += c[i]
        q = 0
        if npc == 0:
            if lev < _INF:
                TL[0] = dlo
                TH[0] = dhi
                TA[0] = 0.0
                TB[0] = 0.0
                TC[0] = lev
                TO[0] = s_new
                q = 1
        else:
            i = s_new - 1
            ai = a[i]
            bi = b[i]
            ci = c[i]
            if lev < _INF:
                # add observation i; keep where a piece is at most the new level, the new candidate elsewhere
                cs = dlo
                for p in range(npc):
                    A = PA[p] + ai
                    B = PB[p] + bi
                    C = PC[p] + ci
                    xl = PL[p]
                    xh = PH[p]
                    if _value(A, B, C, xl) <= lev and _value(A, B, C, xh) <= lev:  # noqa: F821
                        kl = xl
                        kh = xh
                    else:
                        keep, kl, kh = _sublevel(A, B, C, lev, xl, xh)  # noqa: F821 - bound per cost
                        if not keep or not kl < kh:
                            continue
                    if cs < kl:
                        if q > 0 and TO[q - 1] == s_new:
                            TH[q - 1] = kl
                        else:
                            TL[q] = cs
                            TH[q] = kl
                            TA[q] = 0.0
                            TB[q] = 0.0
                            TC[q] = lev
                            TO[q] = s_new
                            q += 1
                    TL[q] = kl
                    TH[q] = kh
                    TA[q] = A
                    TB[q] = B
                    TC[q] = C
                    TO[q] = PO[p]
                    q += 1
                    cs = kh
                if cs < dhi or q == 0:
                    if q > 0 and TO[q - 1] == s_new:
                        TH[q - 1] = dhi
                    else:
                        TL[q] = cs
                        TH[q] = dhi
                        TA[q] = 0.0
                        TB[q] = 0.0
                        TC[q] = lev
                        TO[q] = s_new
                        q += 1
            else:
                for p in range(npc):
                    TL[q] = PL[p]
                    TH[q] = PH[p]
                    TA[q] = PA[p] + ai
                    TB[q] = PB[p] + bi
                    TC[q] = PC[p] + ci
                    TO[q] = PO[p]
                    q += 1
        npc = q
        # copy back and evaluate: each piece's candidate at its minimum over the domain
        best = _INF
        arg = -1
        for p in range(npc):
            A = TA[p]
            B = TB[p]
            C = TC[p]
            o = TO[p]
            PL[p] = TL[p]
            PH[p] = TH[p]
            PA[p] = A
            PB[p] = B
            PC[p] = C
            PO[p] = o
            v, _x = _pmin(A + wa, B + wb, C, dlo, dhi)  # noqa: F821
            if v < best:
                best = v
                arg = o
        if npc > maxp:
            maxp = npc
        F[t] = best + wc
        last[t] = arg
    return n + 1, npc, maxp

def _put_const(QL, QH, QA, QB, QC, QO, q, lo, hi, level, owner):
    if q > 0 and QO[q - 1] == owner and QA[q - 1] == 0.0 and QB[q - 1] == 0.0 and QH[q - 1] >= lo:
        QH[q - 1] = hi
        return q
    QL[q] = lo
    QH[q] = hi
    QA[q] = 0.0
    QB[q] = 0.0
    QC[q] = level
    QO[q] = owner
    return q + 1


def _window_min(a, b, c, lo_i, hi_i, cap, s, t, A, B, C, xl, xh, pts):
    """Minimum over ``[xl, xh]`` of a piece plus the bounded losses of ``y[s:t]``."""
    if not math.isfinite(cap):
        for i in range(s, t):
            A += a[i]
            B += b[i]
            C += c[i]
        v, _x = _pmin(A, B, C, xl, xh)
        return v
    # breakpoints of the window inside [xl, xh], sorted (few); pts: scratch of 2 (t - s) + 2
    k = 0
    pts[k] = xl
    k += 1
    for i in range(s, t):
        if lo_i[i] <= hi_i[i]:
            if xl < lo_i[i] < xh:
                pts[k] = lo_i[i]
                k += 1
            if xl < hi_i[i] < xh:
                pts[k] = hi_i[i]
                k += 1
    pts[k] = xh
    k += 1
    for i in range(1, k):
        v = pts[i]
        j = i - 1
        while j >= 0 and pts[j] > v:
            pts[j + 1] = pts[j]
            j -= 1
        pts[j + 1] = v
    best = _INF
    for j in range(k - 1):
        x0 = pts[j]
        x1 = pts[j + 1]
        xm = 0.5 * (x0 + x1)
        sA = A
        sB = B
        sC = C
        for i in range(s, t):
            if lo_i[i] <= xm and xm <= hi_i[i]:
                sA += a[i]
                sB += b[i]
                sC += c[i]
            else:
                sC += cap
        v, _x = _pmin(sA, sB, sC, x0, x1)
        if v < best:
            best = v
    return best


# =============================================================== PELT, inequality pruning
def pelt(S, y, par, pen, min_size, prev, layer, mbic, edge, edge_pen):
    """PELT for any cost. Returns ``(F, last, max_candidates)``."""
    n = S.shape[1] - 1
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
            v = lev[s] + _segcost(s, t, S, y, par)  # noqa: F821
            vals[k] = v
            if mbic > 0.0:
                v += mbic * math.log(t - s)
            if not layer:
                if t == n:
                    if s > 0 and n - s <= edge:
                        v += edge_pen
                elif s == 0 and t <= edge:
                    v += edge_pen
            if v < best:
                best = v
                arg = s
        F[t] = best
        last[t] = arg
        # a candidate that cannot beat t (by more than the margin) is dropped once t is admissible
        if layer:
            lev_t = prev[t]
        else:
            lev_t = best + pen
        if lev_t < _INF and t < n:
            thr = lev_t
            if (not layer) and n - t <= edge:
                thr += edge_pen
            for k in range(nc):
                if dead[k] == big and vals[k] >= thr:
                    dead[k] = t + min_size
    return F, last, max_c


def segcosts(starts, ends, S, y, par):
    """Vectorised ``_segcost``."""
    out = np.empty(starts.shape[0])
    for k in range(starts.shape[0]):
        out[k] = _segcost(starts[k], ends[k], S, y, par)  # noqa: F821
    return out


def best_split(S, y, par, a, b, min_size):
    """Best split of ``[a, b)`` into two segments: ``(position, gain)`` or ``(-1, -inf)``."""
    whole = _segcost(a, b, S, y, par)  # noqa: F821
    best = -_INF
    arg = -1
    for s in range(a + min_size, b - min_size + 1):
        g = whole - _segcost(a, s, S, y, par) - _segcost(s, b, S, y, par)  # noqa: F821
        if g > best:
            best = g
            arg = s
    return arg, best


# =============================================================== binding
class Kernels:
    """The compiled kernels of one cost (built lazily, one compilation per cost and kernel)."""

    _ONE_PARAM = ("fpop", "fpop_min", "fpop_plain", "inlier_bounds", "plain_segcosts", "robust_fit")
    _ANY = ("pelt", "segcosts", "best_split")

    def __init__(self, tag: str, bindings: dict):
        self.tag = tag
        self._bindings = dict(bindings)
        self._compiled: dict[str, object] = {}

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._ONE_PARAM + self._ANY:
            raise AttributeError(name)
        fn = self._compiled.get(name)
        if fn is None:
            template = globals()[name]
            helpers = {}
            if name in self._ONE_PARAM:
                helpers = {"_root": _bound(self, "_root"), "_sublevel": _bound(self, "_sublevel"),
                           "_pmin": _bound(self, "_pmin"), "_emit": _bound(self, "_emit"),
                           "_alive_parts": _bound(self, "_alive_parts"),
                           "_overwrite": _bound(self, "_overwrite"), "_put_const": _bound(self, "_put_const"),
                           "_window_min": _bound(self, "_window_min"), "robust_fit": _bound(self, "robust_fit"),
                           "_plain_steps": _bound(self, "_plain_steps")}
            elif "_segcost" not in self._bindings:
                helpers = {"_segcost": _bound(self, "_segcost_plain")}
            fn = specialize(template, self.tag, {**self._bindings, **helpers})
            self._compiled[name] = fn
        return fn


def _bound(k: Kernels, name: str):
    if name in k._bindings:  # a cost may supply a closed form of a helper (e.g. _sublevel)
        return k._bindings[name]
    fn = k._compiled.get(name)
    if fn is None:
        helpers = {}
        if name == "_sublevel":
            helpers = {"_root": _bound(k, "_root")}
        elif name == "_tangent_cut":
            helpers = {}
        elif name == "_emit":
            helpers = {"_tangent_cut": _bound(k, "_tangent_cut")}
        elif name == "_neg_monotone":
            helpers = {"_root": _bound(k, "_root"), "_append": _bound(k, "_append")}
        elif name == "_neg_parts":
            helpers = {"_neg_monotone": _bound(k, "_neg_monotone")}
        elif name == "_alive_parts":
            helpers = {"_neg_parts": _bound(k, "_neg_parts"), "_append": _bound(k, "_append")}
        elif name == "_append":
            helpers = {}
        elif name == "_plain_steps":
            helpers = {"_sublevel": _bound(k, "_sublevel"), "_pmin": _bound(k, "_pmin")}
        elif name in ("_overwrite", "_put_const"):
            helpers = {}
        elif name in ("_window_min", "robust_fit"):
            helpers = {"_pmin": _bound(k, "_pmin")}
        elif name == "_segcost_plain":
            helpers = {"_pmin": _bound(k, "_pmin")}
        elif name not in ("_root", "_pmin", "_tangent_cut", "_emit"):
            raise KeyError(name)
        fn = specialize(globals()[name], k.tag, {**k._bindings, **helpers}, inline=name in _INLINE)
        k._compiled[name] = fn
    return fn


#: helpers inlined into the searches (small and called in the inner loops)
_INLINE = ()

_REGISTRY: dict[str, Kernels] = {}


def kernels_for(tag: str, bindings: dict) -> Kernels:
    """The (lazily compiled) kernels of the cost ``tag`` with primitives ``bindings``."""
    k = _REGISTRY.get(tag)
    if k is None:
        k = Kernels(tag, bindings)
        _REGISTRY[tag] = k
    return k
