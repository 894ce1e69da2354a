"""The log mean of the count models with steps that start inside a period, compiled.

``log mu_t = x_t' beta + offset_t + log sum_j w_tj exp(a_tj' gamma)`` (see
:mod:`analysis.models.likelihood`): on the rows where a step starts inside the period the
sum has several terms and the model is not log-linear. :func:`static_log_mean` gives
``log mu`` and its derivative with respect to ``(beta, gamma)``; the arithmetic is that
of the numpy formulation (the largest exponent taken out before the sum), in one
compiled pass instead of some ten array calls, which cost more than the work on the few
hundred periods of a registry series.

Notes
-----
Assumptions: every row has at least one sub-interval of positive weight; ``lin`` is the
design of the rows with one sub-interval (the log-linear columns and the steps active
over the whole period), and the special rows overwrite their entries.
"""
from __future__ import annotations

import math

import numpy as np

from ..changepoint._jit import njit

__all__ = ["static_log_mean"]


@njit(cache=True)
def static_log_mean(lin, off, special, sX, soff, sw, sa, params, p, want_d, s, ds, work_l, work_e):
    """Static log mean ``s`` (and, when ``want_d``, its derivative ``ds``), written into ``s`` and ``ds``.

    ``lin`` (n × k): the log-linear design of single-interval rows; ``special``: the rows
    with several sub-intervals, with their log-linear columns ``sX`` (s × p), offsets
    ``soff``, weights ``sw`` (s × J) and active steps ``sa`` (s × J × (k - p));
    ``work_l``, ``work_e``: scratch of length J.
    """
    m, ks = lin.shape
    for t in range(m):
        acc = 0.0
        for j in range(ks):
            acc += lin[t, j] * params[j]
        s[t] = acc + off[t]
        if want_d:
            for j in range(ks):
                ds[t, j] = lin[t, j]
    nj = sw.shape[1]
    kk = ks - p
    for i in range(special.size):
        r = special[i]
        xs = 0.0
        for j in range(p):
            xs += sX[i, j] * params[j]
        xs += soff[i]
        mx = -np.inf
        for jj in range(nj):
            acc = 0.0
            for k in range(kk):
                acc += sa[i, jj, k] * params[p + k]
            work_l[jj] = acc
            if sw[i, jj] > 0 and acc > mx:
                mx = acc
        tot = 0.0
        for jj in range(nj):
            work_e[jj] = sw[i, jj] * math.exp(work_l[jj] - mx)
            tot += work_e[jj]
        s[r] = xs + math.log(tot) + mx
        if want_d:
            for k in range(kk):
                acc = 0.0
                for jj in range(nj):
                    acc += work_e[jj] * sa[i, jj, k]
                ds[r, p + k] = acc / tot
