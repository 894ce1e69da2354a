"""The scoring iterations of the Poisson and NB2 count models, compiled.

A report refits the same short series hundreds of times (every specification of the
sensitivity table, each with its outlier alternation, each adjusted dispersion). On 150
periods a scoring step is a few thousand floating-point operations; written with numpy it
costs the set-up of some thirty array calls. :func:`scoring` does the iterations of
:func:`analysis.models.likelihood.fit_regression` (``joint=False``: the regression
parameters at a fixed ``theta``, or Poisson) and of
:func:`analysis.models.likelihood.fit_negbin` (``joint=True``: the regression parameters
and ``log theta`` together) in one compiled call, step for step: the same Fisher-scoring
direction, the same Newton step in ``log theta``, the same step halving, acceptance and
stopping rules.

Sums are taken in order (numpy's are pairwise), the linear systems are solved by Gaussian
elimination with partial pivoting, the log-likelihood is the per-period form of
:func:`analysis.models._ingarch_kernel._loglik` (no term that grows with ``theta``) and
``digamma``/``trigamma`` are evaluated there, so the iterates agree with the numpy
formulation to rounding, not bit for bit. When the iterations do not settle (too many
steps, or parameters beyond ``1e3``), the status says so and the caller runs the numpy
fallbacks (quasi-Newton, or the alternation of ``MASS::glm.nb``) from the last iterate.

Notes
-----
Assumptions: ``theta`` is handled on the log scale inside ``[lo, hi]``; a candidate whose
log mean is not finite or reaches 700 has likelihood minus infinity.
"""
from __future__ import annotations

import math

import numpy as np

from ..changepoint._jit import njit
from ._ingarch_kernel import _loglik, _solve, theta_derivatives
from ._mean_kernel import static_log_mean as _static

__all__ = ["scoring"]


@njit(cache=True)
def _finite_below(s):
    for t in range(s.size):
        if not (math.isfinite(s[t]) and s[t] < 700.0):
            return False
    return True


@njit(cache=True)
def _theta_step(y, s, values, counts, phi, lo, hi):
    """Newton step on ``phi = log theta`` (ascent direction when the curvature is not negative) and the gradient."""
    th = math.exp(phi)
    sc, h = theta_derivatives(y, s, values, counts, th)
    g = th * sc
    hh = th * sc + th * th * h
    if hh < 0:
        step = -g / hh
    else:
        step = 1.0 if g > 0 else (-1.0 if g < 0 else 0.0)
    if (phi >= hi and step > 0) or (phi <= lo and step < 0):
        step = 0.0
    return step, g


@njit(cache=True)
def scoring(lin, off, special, sX, soff, sw, sa, p, y, values, counts, log_fact, start, nb, phi0, lo, hi,
            joint, max_iter, tol):
    """Fisher scoring with step halving (``joint``: and a Newton step in ``log theta``).

    ``nb``: negative binomial (``theta = exp(phi)``, fixed at ``phi0`` unless ``joint``),
    else Poisson. Returns ``(params, phi, loglik, iterations, status)``: ``status`` 0
    converged, 1 not settled (the caller's fallback continues from ``params``).
    """
    m, k = lin.shape
    nj = sw.shape[1]
    work_l = np.empty(nj)
    work_e = np.empty(nj)
    s = np.empty(m)
    d = np.empty((m, k))
    s_c = np.empty(m)
    d_c = np.empty((m, k))
    params = start.copy()
    cand = np.empty(k)
    score = np.empty(k)
    info = np.empty((k, k))
    delta = np.empty(k)
    r = np.empty(m)
    w = np.empty(m)
    phi = min(max(phi0, lo), hi) if joint else phi0
    _static(lin, off, special, sX, soff, sw, sa, params, p, True, s, d, work_l, work_e)
    ll = _loglik(y, s, values, counts, log_fact, nb, math.exp(phi) if nb else 0.0)
    accept_tol = 1e-13 if joint else 1e-12
    for it in range(1, max_iter + 1):
        th = math.exp(phi) if nb else 0.0
        for t in range(m):
            mu = math.exp(s[t])
            if nb:
                kk = th / (th + mu)
                r[t] = (y[t] - mu) * kk
                w[t] = mu * kk
            else:
                r[t] = y[t] - mu
                w[t] = mu
        for i in range(k):
            acc = 0.0
            for t in range(m):
                acc += d[t, i] * r[t]
            score[i] = acc
            for j in range(i, k):
                a1 = 0.0
                for t in range(m):
                    a1 += d[t, i] * w[t] * d[t, j]
                info[i, j] = a1
                info[j, i] = a1
        if not _solve(info, score, delta):
            delta[:] = np.linalg.lstsq(info, score)[0]
        dphi = 0.0
        g = 0.0
        if joint:
            dphi, g = _theta_step(y, s, values, counts, phi, lo, hi)
        decrement = 0.0
        for i in range(k):
            decrement += score[i] * delta[i]
        if joint:
            decrement += abs(g * dphi)
        noise_level = joint and decrement < 1e-9 * (abs(ll) + 1.0)
        step = 1.0
        moved = True
        while True:
            for i in range(k):
                cand[i] = params[i] + step * delta[i]
            cphi = min(max(phi + step * dphi, lo), hi) if joint else phi
            _static(lin, off, special, sX, soff, sw, sa, cand, p, True, s_c, d_c, work_l, work_e)
            ll_c = -np.inf
            if _finite_below(s_c):
                ll_c = _loglik(y, s_c, values, counts, log_fact, nb, math.exp(cphi) if nb else 0.0)
            if math.isfinite(ll_c) and (ll_c >= ll - accept_tol * (abs(ll) + 1.0) or noise_level):
                break
            step /= 2.0
            if step < 1e-10:
                moved = False
                ll_c = ll
                cphi = phi
                break
        change = abs(ll_c - ll)
        if moved:
            params[:] = cand
            phi = cphi
            ll = ll_c
            s[:] = s_c
            d[:, :] = d_c
        if decrement < tol * (abs(ll) + 1.0) or (change < 1e-15 * (abs(ll) + 1.0) and step < 1.0):
            return params, phi, ll, it, 0
        big = 0.0
        for i in range(k):
            if abs(params[i]) > big:
                big = abs(params[i])
        if big > 1e3:
            return params, phi, ll, it, 1
    return params, phi, ll, max_iter, 1
