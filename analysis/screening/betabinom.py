"""Beta-binomial regression with a logit mean, fitted by maximum likelihood.

Model: ``y_t | n_t ~ BetaBinomial(n_t, a_t, b_t)`` with mean share
``p_t = a_t / (a_t + b_t) = logistic(x_t' beta)`` and a common precision
``phi = a_t + b_t``; the intra-class correlation is ``rho = 1 / (1 + phi)``, so
``Var(y_t) = n_t p_t (1 - p_t) (1 + (n_t - 1) rho)``. As ``phi`` grows the model
becomes the binomial GLM; the precision is bounded above at :data:`PHI_MAX` so
that a fit without overdispersion ends at that bound (reported) instead of
running off.

This is the parameterisation of R's ``VGAM::betabinomial`` (``mu`` on the logit
scale, ``rho``); the tests compare the estimates with VGAM's, stored with the
script that made them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

__all__ = ["PHI_MAX", "PHI_MIN", "BetaBinomialFit", "fit_betabinomial", "betabinomial_loglik"]

#: Upper bound of the precision ``phi`` (``rho`` about 1e-8: binomial for any count here).
PHI_MAX = 1e8
#: Lower bound of the precision (``rho`` about 0.999: every year all or nothing).
PHI_MIN = 1e-3


def _lbeta(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return special.gammaln(a) + special.gammaln(b) - special.gammaln(a + b)


def betabinomial_loglik(y: np.ndarray, n: np.ndarray, p: np.ndarray, phi: float) -> float:
    """Log-likelihood (with the binomial coefficient) of counts ``y`` of ``n`` at shares ``p``."""
    y, n, p = (np.asarray(v, dtype=float) for v in (y, n, p))
    a, b = p * phi, (1 - p) * phi
    comb = special.gammaln(n + 1) - special.gammaln(y + 1) - special.gammaln(n - y + 1)
    return float(np.sum(comb + _lbeta(y + a, n - y + b) - _lbeta(a, b)))


def _negll_grad(theta: np.ndarray, y: np.ndarray, n: np.ndarray, X: np.ndarray, offset: np.ndarray
                ) -> tuple[float, np.ndarray]:
    beta, log_phi = theta[:-1], theta[-1]
    phi = np.exp(log_phi)
    eta = X @ beta + offset
    p = special.expit(eta)
    p = np.clip(p, 1e-300, 1 - 1e-16)
    a, b = p * phi, (1 - p) * phi
    ll = (special.gammaln(y + a) + special.gammaln(n - y + b) - special.gammaln(n + phi)
          - special.gammaln(a) - special.gammaln(b) + special.gammaln(phi))
    dpsi_a = special.digamma(y + a) - special.digamma(a)
    dpsi_b = special.digamma(n - y + b) - special.digamma(b)
    d_p = phi * (dpsi_a - dpsi_b)
    g_beta = X.T @ (d_p * p * (1 - p))
    d_phi = p * dpsi_a + (1 - p) * dpsi_b - special.digamma(n + phi) + special.digamma(phi)
    g_logphi = np.sum(d_phi) * phi
    return -float(np.sum(ll)), -np.concatenate([g_beta, [g_logphi]])


@dataclass(frozen=True)
class BetaBinomialFit:
    """Maximum-likelihood beta-binomial fit.

    ``params`` are the logit-scale coefficients, ``cov`` their covariance from the
    observed information (with ``log phi``; the last row and column), ``llf`` the
    log-likelihood including binomial coefficients, ``phi`` the precision and
    ``rho = 1 / (1 + phi)``; ``at_bound`` is True when ``phi`` reached
    :data:`PHI_MAX` (no overdispersion found: the binomial fit).
    """

    params: np.ndarray
    cov: np.ndarray
    llf: float
    phi: float
    rho: float
    at_bound: bool
    converged: bool

    @property
    def bse(self) -> np.ndarray:
        """Standard errors of ``params``."""
        return np.sqrt(np.clip(np.diag(self.cov)[:-1], 0.0, np.inf))


def _numeric_hessian(theta: np.ndarray, fun) -> np.ndarray:
    """Hessian of the negative log-likelihood by central differences of the analytic gradient."""
    k = theta.size
    H = np.empty((k, k))
    for j in range(k):
        h = 1e-5 * max(1.0, abs(theta[j]))
        e = np.zeros(k)
        e[j] = h
        H[:, j] = (fun(theta + e)[1] - fun(theta - e)[1]) / (2 * h)
    return (H + H.T) / 2


def fit_betabinomial(y: np.ndarray, n: np.ndarray, X: np.ndarray, *, offset: np.ndarray | None = None,
                     start: np.ndarray | None = None, covariance: bool = True) -> BetaBinomialFit:
    """Fit the beta-binomial regression of ``y`` successes out of ``n`` on ``X`` (logit link).

    Parameters
    ----------
    y, n : arrays
        Successes and trials per observation (``0 <= y <= n``, ``n >= 1``).
    X : 2-D array
        Design matrix (include a constant column).
    offset : array, optional
        Fixed term added to the linear predictor (used for profile intervals).
    start : array, optional
        Starting coefficients; default the binomial GLM solution.
    covariance : bool, default True
        Compute the covariance (skipped inside profile-likelihood searches: NaN).

    Returns
    -------
    BetaBinomialFit

    Notes
    -----
    The likelihood is maximised over ``(beta, log phi)`` by BFGS with the analytic
    gradient, and over ``beta`` alone with ``phi = PHI_MAX``; the better of the two
    is kept (the second wins when the data show no overdispersion). The binomial
    GLM (iteratively reweighted least squares, statsmodels) gives the starting
    values. The covariance is the inverse of the observed information,
    by central differences of the analytic gradient.
    """
    import statsmodels.api as sm

    y, n = np.asarray(y, dtype=float), np.asarray(n, dtype=float)
    X = np.asarray(X, dtype=float)
    off = np.zeros(y.size) if offset is None else np.asarray(offset, dtype=float)
    if np.any(n < 1) or np.any(y < 0) or np.any(y > n):
        raise ValueError("need 0 <= y <= n and n >= 1")
    if start is None:
        glm = sm.GLM(np.column_stack([y, n - y]), X, family=sm.families.Binomial(), offset=off).fit()
        start = np.asarray(glm.params, dtype=float)
    phat = np.clip(special.expit(X @ start + off), 1e-6, 1 - 1e-6)
    # moment start for phi: Pearson dispersion  = 1 + (n - 1) rho on average
    disp = np.sum((y - n * phat) ** 2 / (n * phat * (1 - phat))) / max(y.size - X.shape[1], 1)
    nbar = max(float(np.mean(n)), 2.0)
    rho0 = float(np.clip((disp - 1) / (nbar - 1), 1e-6, 0.5))
    theta0 = np.concatenate([start, [np.log(min((1 - rho0) / rho0, PHI_MAX / 10))]])
    log_max = np.log(PHI_MAX)

    log_min = np.log(PHI_MIN)

    def fun(t: np.ndarray) -> tuple[float, np.ndarray]:
        return _negll_grad(t, y, n, X, off)

    def bounded(t: np.ndarray) -> tuple[float, np.ndarray]:
        # log phi = log_min + (log_max - log_min) * expit(u): smooth, never outside the bounds
        e = special.expit(t[-1])
        v, g = fun(np.concatenate([t[:-1], [log_min + (log_max - log_min) * e]]))
        g = g.copy()
        g[-1] *= (log_max - log_min) * e * (1 - e)
        return v, g

    def at_max(b: np.ndarray) -> tuple[float, np.ndarray]:
        v, g = _negll_grad(np.concatenate([b, [log_max]]), y, n, X, off)
        return v, g[:-1]

    opts = {"gtol": 1e-9, "maxiter": 2000}
    u0 = special.logit((theta0[-1] - log_min) / (log_max - log_min))
    free = optimize.minimize(bounded, np.concatenate([start, [u0]]), jac=True, method="BFGS", options=opts)
    bound = optimize.minimize(at_max, start, jac=True, method="BFGS", options=opts)
    free_theta = np.concatenate([free.x[:-1], [log_min + (log_max - log_min) * special.expit(free.x[-1])]])
    if np.isfinite(free.fun) and free.fun < bound.fun - 1e-10:
        best, theta = free, free_theta
    else:  # no overdispersion: the maximum is at (or beyond) the binomial end
        best, theta = bound, np.concatenate([bound.x, [log_max]])
    at_bound = bool(theta[-1] >= log_max - 1e-6)
    grad = fun(theta)[1]
    converged = bool(np.max(np.abs(grad[:-1] if at_bound else grad)) < 1e-4 * max(1.0, float(np.sum(n)) ** 0.5))
    cov = np.full((theta.size, theta.size), np.nan)
    if covariance:
        H = _numeric_hessian(theta, fun)
        k = theta.size - 1 if at_bound else theta.size  # at the bound: information for beta only
        try:
            cov[:k, :k] = np.linalg.inv(H[:k, :k])
        except np.linalg.LinAlgError:
            pass
    phi = float(np.exp(theta[-1]))
    comb = float(np.sum(special.gammaln(n + 1) - special.gammaln(y + 1) - special.gammaln(n - y + 1)))
    return BetaBinomialFit(params=theta[:-1].copy(), cov=cov, llf=comb - float(best.fun), phi=phi,
                           rho=1.0 / (1.0 + phi), at_bound=at_bound, converged=converged)
