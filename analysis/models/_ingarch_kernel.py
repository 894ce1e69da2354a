"""The Newton iteration of the INGARCH(1,1) fit, compiled.

The fit of :func:`analysis.models.ingarch.fit_ingarch` is short series and many refits
(the parametric bootstrap-t refits every replicate, each with its outlier alternation).
On 150 periods a Newton step is a few thousand floating-point operations, and written
with numpy it costs the set-up of some forty array calls. This module does the same
iteration in one compiled call per fit.

The arithmetic is that of :func:`analysis.models.ingarch._recursion`,
:func:`analysis.models.likelihood.mean_and_derivative` and
:class:`analysis.models.likelihood.Counts`, term by term. Sums are taken in order
(numpy's are pairwise), the linear systems are solved by Cholesky or by Gaussian
elimination with partial pivoting, and ``digamma``/``trigamma`` are evaluated here (see
:func:`digamma`), so the results agree with the numpy formulation to rounding, not bit
for bit. ``tests/models/test_ingarch_kernel.py`` checks the kernel against an
independent optimiser of the exact likelihood and the special functions against
``scipy.special``.

Notes
-----
Assumptions, as in the numpy formulation: ``theta`` is handled on the log scale inside
``[log lo, log hi]``; a candidate outside the stationary region ``|a|, |b|, |a + b| <
1 - edge`` or whose log mean is not finite or reaches 700 has likelihood minus infinity.
"""
from __future__ import annotations

import math

import numpy as np

from ..changepoint._jit import njit
from ._mean_kernel import static_log_mean as _static

__all__ = ["digamma", "trigamma", "newton"]


@njit(cache=True)
def digamma(x: float) -> float:
    """``psi(x)`` for ``x > 0``: recurrence up to 10, then the asymptotic series to ``x**-14``.

    The first omitted term is below ``4.5e-17`` at ``x = 10``.
    """
    r = 0.0
    while x < 10.0:
        r -= 1.0 / x
        x += 1.0
    f = 1.0 / (x * x)
    t = f * (-1.0 / 12 + f * (1.0 / 120 + f * (-1.0 / 252 + f * (1.0 / 240 + f * (-1.0 / 132 + f * (
        691.0 / 32760 + f * (-1.0 / 12)))))))
    return r + math.log(x) - 0.5 / x + t


@njit(cache=True)
def trigamma(x: float) -> float:
    """``psi'(x)`` (``zeta(2, x)``) for ``x > 0``: recurrence up to 10, then the asymptotic series to ``x**-15``."""
    r = 0.0
    while x < 10.0:
        r += 1.0 / (x * x)
        x += 1.0
    f = 1.0 / (x * x)
    t = (1.0 / x) * (1.0 + f * (1.0 / 6 + f * (-1.0 / 30 + f * (1.0 / 42 + f * (-1.0 / 30 + f * (
        5.0 / 66 + f * (-691.0 / 2730 + f * (7.0 / 6))))))))
    return r + t + 0.5 * f


@njit(cache=True)
def _nu(s, z_lag, nu1, px, offset, params, ks, nu_free, nu):
    """``nu`` and the pulse-free ``nu`` of :func:`_recursion`; False when not finite or ``max >= 700``."""
    b = params[ks]
    a = params[ks + 1]
    npul = px.shape[1]
    ok = True
    for t in range(s.size):
        c = s[t] + b * z_lag[t]
        nf = c + a * (nu1 if t == 0 else nu_free[t - 1])
        nu_free[t] = nf
        pulse = 0.0
        for j in range(npul):
            pulse += px[t, j] * params[ks + 2 + j]
        v = nf + offset[t] + pulse
        nu[t] = v
        if not (math.isfinite(v) and v < 700.0):
            ok = False
    return ok


@njit(cache=True)
def _derivatives(ds, z_lag, nu1, nu_free, px, a, ks, d):
    """Derivative of ``nu`` (m × k) with respect to all parameters: the AR(1) filters of :func:`_recursion`."""
    m = ds.shape[0]
    npul = px.shape[1]
    for t in range(m):
        prev = nu1 if t == 0 else nu_free[t - 1]
        if t == 0:
            for j in range(ks):
                d[0, j] = ds[0, j]
            d[0, ks] = z_lag[0]
            d[0, ks + 1] = prev
        else:
            for j in range(ks):
                d[t, j] = ds[t, j] + a * d[t - 1, j]
            d[t, ks] = z_lag[t] + a * d[t - 1, ks]
            d[t, ks + 1] = prev + a * d[t - 1, ks + 1]
        for j in range(npul):
            d[t, ks + 2 + j] = px[t, j]


#: Above this ``theta`` (and for counts up to :data:`SUM_MAX`) the ``theta`` terms are exact finite sums.
SUM_THETA = 1e4
SUM_MAX = 1e4


@njit(cache=True)
def _gamma_ratio(v, theta):
    """``log Gamma(v + theta) - log Gamma(theta) - v log theta`` for a count ``v``.

    As ``theta`` grows the three terms grow like ``theta log theta`` while their sum tends to 0, so for
    ``theta > SUM_THETA`` it is the finite sum ``sum_{j < v} log1p(j / theta)`` (exact for whole ``v``).
    """
    if theta > SUM_THETA and v <= SUM_MAX:
        acc = 0.0
        for j in range(1, int(v)):
            acc += math.log1p(j / theta)
        return acc
    return math.lgamma(v + theta) - math.lgamma(theta) - v * math.log(theta)


@njit(cache=True)
def _psi_ratio(v, theta):
    """``(psi(v + theta) - psi(theta), psi'(v + theta) - psi'(theta))``, by finite sums for large ``theta``."""
    if theta > SUM_THETA and v <= SUM_MAX:
        a1 = 0.0
        a2 = 0.0
        for j in range(int(v)):
            q = 1.0 / (theta + j)
            a1 += q
            a2 -= q * q
        return a1, a2
    return digamma(v + theta) - digamma(theta), trigamma(v + theta) - trigamma(theta)


@njit(cache=True)
def theta_derivatives(y, nu, values, counts, th):
    """First and second derivative in ``theta`` of the NB2 log-likelihood at ``mu = exp(nu)`` (:meth:`Counts.theta_derivatives`).

    The terms in the counts alone come from :func:`_psi_ratio`; the others are summed period
    by period with no term that grows with ``theta``.
    """
    s1 = 0.0
    s2 = 0.0
    for i in range(values.size):
        r1, r2 = _psi_ratio(values[i], th)
        s1 += counts[i] * r1
        s2 += counts[i] * r2
    q1 = 0.0
    q2 = 0.0
    for t in range(y.size):
        mu = math.exp(nu[t])
        tm = th + mu
        # n (log theta + 1) - sum log(theta + mu) - sum (y + theta) / (theta + mu), term by term
        q1 += (mu - y[t]) / tm - math.log1p(mu / th)
        # n / theta - sum 2 / (theta + mu) + sum (y + theta) / (theta + mu)^2, term by term
        q2 += (mu * mu + th * y[t]) / (th * tm * tm)
    return s1 + q1, s2 + q2


@njit(cache=True)
def _loglik(y, nu, values, counts, log_fact, nb, theta):
    """The log-likelihood of :meth:`Counts.loglik` at ``mu = exp(nu)``.

    For NB2 it is written per period as ``[log Gamma(y + theta) - log Gamma(theta) - y log theta]
    + y log mu - (theta + y) log1p(mu / theta)``, the same function with no term that grows with
    ``theta``: near the Poisson limit (``theta`` in the millions) the textbook form loses all
    digits below about 1e-6 and the line search would rank candidates by rounding noise.
    """
    n = y.size
    xl = 0.0
    if not nb:
        sm = 0.0
        for t in range(n):
            mu = math.exp(nu[t])
            if y[t] != 0.0:
                xl += y[t] * math.log(mu)
            sm += mu
        return xl - sm - log_fact
    lg = 0.0
    for i in range(values.size):
        lg += counts[i] * _gamma_ratio(values[i], theta)
    tl = 0.0
    for t in range(n):
        mu = math.exp(nu[t])
        if y[t] != 0.0:
            xl += y[t] * math.log(mu)
        tl += (theta + y[t]) * math.log1p(mu / theta)
    return lg - log_fact + xl - tl


@njit(cache=True)
def _cholesky_ok(a):
    """True when the symmetric matrix ``a`` is positive definite (a Cholesky factorisation succeeds)."""
    n = a.shape[0]
    low = np.zeros((n, n))
    for j in range(n):
        acc = a[j, j]
        for k in range(j):
            acc -= low[j, k] * low[j, k]
        if not acc > 0.0:
            return False
        low[j, j] = math.sqrt(acc)
        for i in range(j + 1, n):
            acc = a[i, j]
            for k in range(j):
                acc -= low[i, k] * low[j, k]
            low[i, j] = acc / low[j, j]
    return True


@njit(cache=True)
def _solve(a, b, out):
    """Gaussian elimination with partial pivoting; False when a pivot is exactly zero (singular)."""
    n = a.shape[0]
    m = a.copy()
    v = b.copy()
    for c in range(n):
        piv = c
        big = abs(m[c, c])
        for r in range(c + 1, n):
            if abs(m[r, c]) > big:
                big = abs(m[r, c])
                piv = r
        if big == 0.0:
            return False
        if piv != c:
            for k in range(n):
                tmp = m[c, k]
                m[c, k] = m[piv, k]
                m[piv, k] = tmp
            tmp = v[c]
            v[c] = v[piv]
            v[piv] = tmp
        for r in range(c + 1, n):
            f = m[r, c] / m[c, c]
            if f != 0.0:
                for k in range(c, n):
                    m[r, k] -= f * m[c, k]
                v[r] -= f * v[c]
    for c in range(n - 1, -1, -1):
        acc = v[c]
        for k in range(c + 1, n):
            acc -= m[c, k] * out[k]
        out[c] = acc / m[c, c]
    return True


@njit(cache=True)
def newton(lin, off, special, sX, soff, sw, sa, p, z_lag, nu1, px, offset, y, values, counts, log_fact,
           start, nb, phi0, lo, hi, edge, max_iter, tol):
    """Newton's method on (parameters, log theta) with the observed information (see ``ingarch._fit``).

    Returns ``(params, phi, loglik, iterations, converged, status)``; ``status`` is 1 when
    the start is outside the stationary region or overflows (nothing else is then valid).
    """
    m, ks = lin.shape
    k = start.size
    na = ks + 1
    lim = 1.0 - edge
    nj = sw.shape[1]
    work_l = np.empty(nj)
    work_e = np.empty(nj)
    s = np.empty(m)
    ds = np.empty((m, ks))
    nu_free = np.empty(m)
    nu = np.empty(m)
    nu_c = np.empty(m)
    nuf_c = np.empty(m)
    d = np.empty((m, k))
    second = np.zeros((m, k))
    params = start.copy()
    phi = phi0

    def inside(q):
        a_ = q[ks + 1]
        b_ = q[ks]
        return abs(a_) < lim and abs(b_) < lim and abs(a_ + b_) < lim

    if not inside(params):
        return params, phi, -np.inf, 0, False, 1
    _static(lin, off, special, sX, soff, sw, sa, params, p, True, s, ds, work_l, work_e)
    if not _nu(s, z_lag, nu1, px, offset, params, ks, nu_free, nu):
        return params, phi, -np.inf, 0, False, 1
    ll = _loglik(y, nu, values, counts, log_fact, nb, math.exp(phi) if nb else 0.0)
    if not math.isfinite(ll):
        return params, phi, -np.inf, 0, False, 1
    _derivatives(ds, z_lag, nu1, nu_free, px, params[na], ks, d)
    kt = k + 1 if nb else k
    full = np.empty((kt, kt))
    rhs = np.empty(kt)
    sol = np.empty(kt)
    score = np.empty(k)
    info = np.empty((k, k))
    delta = np.empty(k)
    cand = np.empty(k)
    r = np.empty(m)
    w = np.empty(m)
    hobs = np.empty(m)
    crossw = np.empty(m)
    curv = np.empty(k)
    for it in range(1, max_iter + 1):
        th = math.exp(phi) if nb else 0.0
        for t in range(m):
            mu = math.exp(nu[t])
            if nb:
                kk = th / (th + mu)
                r[t] = (y[t] - mu) * kk
                w[t] = mu * kk
                hobs[t] = mu * th * (th + y[t]) / (th + mu) ** 2
                crossw[t] = (y[t] - mu) * mu / (th + mu) ** 2
            else:
                r[t] = y[t] - mu
                w[t] = mu
                hobs[t] = mu
        for i in range(k):
            acc = 0.0
            for t in range(m):
                acc += d[t, i] * r[t]
            score[i] = acc
            for j in range(i, k):
                a1 = 0.0
                a2 = 0.0
                for t in range(m):
                    a1 += d[t, i] * w[t] * d[t, j]
                    a2 += d[t, i] * hobs[t] * d[t, j]
                info[i, j] = a1
                info[j, i] = a1
                full[i, j] = a2
                full[j, i] = a2
        g = 0.0
        hh = 0.0
        if nb:
            s_t, h_t = theta_derivatives(y, nu, values, counts, th)
            g = th * s_t
            hh = th * s_t + th * th * h_t
        # second derivatives of nu: d2 nu / (da dx) = d nu_{t-1} / dx + a d2 nu_{t-1} / da dx
        a_ = params[na]
        for j in range(k):
            second[0, j] = 0.0
        for t in range(1, m):
            for j in range(k):
                if j >= ks + 2:
                    second[t, j] = 0.0
                else:
                    sh = d[t - 1, j] * (2.0 if j == na else 1.0)
                    second[t, j] = sh + a_ * second[t - 1, j]
        for j in range(k):
            acc = 0.0
            for t in range(m):
                acc += r[t] * second[t, j]
            curv[j] = acc
        for j in range(k):
            full[na, j] -= curv[j]
        for j in range(k):
            full[j, na] -= curv[j]
        full[na, na] += curv[na]
        for i in range(k):
            rhs[i] = score[i]
        if nb:
            for i in range(k):
                acc = 0.0
                for t in range(m):
                    acc += d[t, i] * crossw[t]
                cr = th * acc
                full[i, k] = -cr
                full[k, i] = -cr
            full[k, k] = -hh
            rhs[k] = g
        step_ok = _cholesky_ok(full) and _solve(full, rhs, sol)
        dphi = 0.0
        if step_ok:
            for i in range(k):
                delta[i] = sol[i]
            if nb:
                dphi = sol[k]
        else:
            if not _solve(info, score, delta):
                delta[:] = np.linalg.lstsq(info, score)[0]
            if nb:
                if hh < 0:
                    dphi = -g / hh
                else:
                    dphi = 1.0 if g > 0 else (-1.0 if g < 0 else 0.0)
        if nb and ((phi >= hi and dphi > 0) or (phi <= lo and dphi < 0)):
            dphi = 0.0
        sd = 0.0
        for i in range(k):
            sd += score[i] * delta[i]
        decrement = abs(sd) + abs(g * dphi)
        noise_level = step_ok and decrement < 1e-9 * (abs(ll) + 1.0)
        step = 1.0
        moved = True
        while True:
            for i in range(k):
                cand[i] = params[i] + step * delta[i]
            cphi = min(max(phi + step * dphi, lo), hi) if nb else phi
            ll_c = -np.inf
            if inside(cand):
                _static(lin, off, special, sX, soff, sw, sa, cand, p, False, s, ds, work_l, work_e)
                if _nu(s, z_lag, nu1, px, offset, cand, ks, nuf_c, nu_c):
                    ll_c = _loglik(y, nu_c, values, counts, log_fact, nb, math.exp(cphi) if nb else 0.0)
            if math.isfinite(ll_c) and (ll_c >= ll - 1e-13 * (abs(ll) + 1.0) or noise_level):
                break
            step /= 2.0
            if step < 1e-12:
                moved = False
                ll_c = ll
                cphi = phi
                break
        change = abs(ll_c - ll)
        if moved:
            params[:] = cand
            phi = cphi
            ll = ll_c
            nu[:] = nu_c
            nu_free[:] = nuf_c
        if decrement < tol * (abs(ll) + 1.0):
            return params, phi, ll, it, True, 0
        if change < 1e-15 * (abs(ll) + 1.0) and step < 1.0:
            # the step cannot improve the likelihood: a maximum only if the gradient is negligible
            return params, phi, ll, it, decrement < 1e-7 * (abs(ll) + 1.0), 0
        if moved:
            _static(lin, off, special, sX, soff, sw, sa, params, p, True, s, ds, work_l, work_e)
            _derivatives(ds, z_lag, nu1, nu_free, px, params[na], ks, d)
    return params, phi, ll, max_iter, False, 0
