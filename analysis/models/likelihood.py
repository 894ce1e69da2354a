"""Exact likelihood of the count model and its maximisation.

The mean of period ``t`` is

    mu_t = exp(x_t' beta + offset_t) * sum_j w_tj * exp(a_tj' gamma)

where ``x_t`` holds the log-linear columns (intercept, trend, seasonality, exogenous
and autoregressive columns, pulses, ramps), ``gamma`` the step effects, and the sum
runs over the sub-intervals ``j`` of period ``t`` (weights ``w_tj``, active steps
``a_tj``). When every step covers whole periods the sum has one term with weight 1
and the model is the usual log-linear GLM; otherwise it is non-linear in ``gamma``.

Counts are Poisson or negative binomial NB2 (variance ``mu + mu^2 / theta``,
``alpha = 1 / theta``). The regression parameters are fitted by Fisher scoring on
the exact likelihood: each step solves ``(D'WD) delta = D'r`` with ``D`` the
derivative of ``log mu`` (equal to the design matrix in the GLM case, so the
iteration is IRLS there), ``W`` the working weights and ``r`` the score residuals,
and is halved until the log-likelihood increases. ``theta`` is fitted by Newton's
method on ``log theta`` given the means, alternating with the regression step until
the log-likelihood is stable (the scheme of ``MASS::glm.nb``). Standard errors come
from the expected information ``D'WD`` with ``theta`` held at its estimate, as
``MASS::glm.nb`` reports them.

The maximum-likelihood ``theta`` is biased upwards in short series (too little
overdispersion), which makes those standard errors too small. For intervals the
toolkit therefore also computes the Cox–Reid adjusted estimate of ``theta``
(:func:`fit_theta_adjusted`) and the information at that value.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from ..errors import ModelError

THETA_BOUNDS = (1e-4, 1e8)


class NotIdentified(ModelError):
    """The estimate of one parameter runs off to infinity (its standard error explodes)."""

    def __init__(self, position: int) -> None:
        self.position = position
        super().__init__(f"parameter {position} is not identified")


@dataclass(frozen=True)
class Problem:
    """Data of one fit: counts, log-linear design, step segments and offset."""

    y: np.ndarray
    X: np.ndarray
    seg_weight: np.ndarray
    seg_active: np.ndarray
    offset: np.ndarray

    @property
    def n_params(self) -> int:
        return self.X.shape[1] + self.seg_active.shape[2]


def mean_and_derivative(prob: Problem, params: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``log mu`` and its derivative ``D`` (n × k) with respect to ``params``."""
    p = prob.X.shape[1]
    beta, gamma = params[:p], params[p:]
    eta = prob.X @ beta + prob.offset
    if gamma.size == 0:
        return eta, prob.X
    lin = prob.seg_active @ gamma                           # (n, J)
    m = np.max(np.where(prob.seg_weight > 0, lin, -np.inf), axis=1, keepdims=True)
    e = prob.seg_weight * np.exp(lin - m)                   # (n, J)
    tot = e.sum(axis=1, keepdims=True)
    log_m = np.log(tot[:, 0]) + m[:, 0]
    g = np.einsum("tj,tjk->tk", e, prob.seg_active) / tot   # (n, K)
    return eta + log_m, np.hstack([prob.X, g])


def loglik(y: np.ndarray, mu: np.ndarray, theta: float | None) -> float:
    """Log-likelihood (with the ``log y!`` term); ``theta=None`` means Poisson."""
    if theta is None:
        return float(np.sum(special.xlogy(y, mu) - mu - special.gammaln(y + 1)))
    return float(np.sum(special.gammaln(y + theta) - special.gammaln(theta) - special.gammaln(y + 1)
                        + theta * np.log(theta) + special.xlogy(y, mu)
                        - (theta + y) * np.log(theta + mu)))


def working(y: np.ndarray, mu: np.ndarray, theta: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Score residuals ``d l / d log mu`` and expected-information weights."""
    if theta is None:
        return y - mu, mu
    k = theta / (theta + mu)
    return (y - mu) * k, mu * k


def information(prob: Problem, params: np.ndarray, theta: float | None) -> np.ndarray:
    """Expected information ``D'WD`` of the regression parameters at fixed ``theta``."""
    eta, d = mean_and_derivative(prob, params)
    _, w = working(prob.y, np.exp(eta), theta)
    return d.T @ (w[:, None] * d)


def _solve(info: np.ndarray, score: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.solve(info, score)
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(info, score, rcond=None)[0]


def fit_regression(prob: Problem, theta: float | None, start: np.ndarray, *,
                   max_iter: int = 200, tol: float = 1e-12) -> tuple[np.ndarray, float, int, bool]:
    """Maximise the likelihood over the regression parameters at fixed ``theta``.

    Fisher scoring with step halving; if it has not converged after ``max_iter``
    steps, quasi-Newton (``scipy.optimize``, BFGS with the analytic score) takes over.

    Returns
    -------
    params, loglik, iterations, converged
    """
    params = start.astype(float).copy()
    eta, d = mean_and_derivative(prob, params)
    ll = loglik(prob.y, np.exp(eta), theta)
    for it in range(1, max_iter + 1):
        mu = np.exp(eta)
        r, w = working(prob.y, mu, theta)
        score = d.T @ r
        info = d.T @ (w[:, None] * d)
        delta = _solve(info, score)
        decrement = float(score @ delta)
        t = 1.0
        while True:
            cand = params + t * delta
            eta_c, d_c = mean_and_derivative(prob, cand)
            ok = np.all(np.isfinite(eta_c)) and eta_c.max() < 700
            ll_c = loglik(prob.y, np.exp(eta_c), theta) if ok else -np.inf
            if np.isfinite(ll_c) and ll_c >= ll - 1e-12 * (abs(ll) + 1.0):
                break
            t /= 2.0
            if t < 1e-10:
                ll_c = ll
                cand, eta_c, d_c = params, eta, d
                break
        change = abs(ll_c - ll)
        params, eta, d, ll = cand, eta_c, d_c, ll_c
        if decrement < tol * (abs(ll) + 1.0) or (change < 1e-15 * (abs(ll) + 1.0) and t < 1.0):
            return params, ll, it, True
        if np.max(np.abs(params)) > 1e3:
            break
    params, ll, ok = _quasi_newton(prob, theta, params)
    return params, ll, max_iter, ok


def _quasi_newton(prob: Problem, theta: float | None, start: np.ndarray) -> tuple[np.ndarray, float, bool]:
    """BFGS on the negative log-likelihood with its analytic gradient."""

    def objective(p: np.ndarray) -> tuple[float, np.ndarray]:
        eta, d = mean_and_derivative(prob, p)
        if not np.all(np.isfinite(eta)) or eta.max() > 700:
            return np.inf, np.zeros_like(p)
        mu = np.exp(eta)
        r, _ = working(prob.y, mu, theta)
        return -loglik(prob.y, mu, theta), -(d.T @ r)

    res = optimize.minimize(objective, start, jac=True, method="BFGS", options={"gtol": 1e-8, "maxiter": 10000})
    return res.x, -float(res.fun), bool(res.success)


def theta_score(y: np.ndarray, mu: np.ndarray, theta: float) -> tuple[float, float]:
    """First and second derivative of the NB2 log-likelihood with respect to ``theta``."""
    s = np.sum(special.digamma(y + theta) - special.digamma(theta) + np.log(theta) + 1.0
               - np.log(theta + mu) - (y + theta) / (theta + mu))
    h = np.sum(special.polygamma(1, y + theta) - special.polygamma(1, theta) + 1.0 / theta
               - 2.0 / (theta + mu) + (y + theta) / (theta + mu) ** 2)
    return float(s), float(h)


def fit_theta(y: np.ndarray, mu: np.ndarray, start: float, *, max_iter: int = 100) -> float:
    """Maximum-likelihood ``theta`` given the means (Newton on ``log theta``, safeguarded)."""
    lo, hi = np.log(THETA_BOUNDS[0]), np.log(THETA_BOUNDS[1])
    phi = float(np.clip(np.log(start), lo, hi))
    ll = loglik(y, mu, np.exp(phi))
    for _ in range(max_iter):
        th = np.exp(phi)
        s, h = theta_score(y, mu, th)
        g = th * s                      # d l / d phi
        hh = th * s + th * th * h       # d2 l / d phi2
        step = -g / hh if hh < 0 else np.sign(g) * 1.0
        t = 1.0
        while True:
            cand = float(np.clip(phi + t * step, lo, hi))
            ll_c = loglik(y, mu, np.exp(cand))
            if ll_c >= ll - 1e-13 * (abs(ll) + 1):
                break
            t /= 2
            if t < 1e-8:
                cand, ll_c = phi, ll
                break
        done = abs(cand - phi) < 1e-12
        phi, ll = cand, ll_c
        if done or phi in (lo, hi) and abs(g) < 1e-8:
            break
    return float(np.exp(phi))


def fit_theta_adjusted(prob: Problem, params: np.ndarray, theta: float) -> float:
    """Cox–Reid adjusted profile-likelihood estimate of ``theta``.

    Maximises ``l(beta_theta, theta) - log det(D'W(theta)D) / 2`` where ``beta_theta``
    maximises the likelihood at ``theta``. The adjustment accounts for the regression
    parameters estimated alongside ``theta`` (as REML does for a variance), removing
    most of the small-sample upward bias of the maximum-likelihood ``theta`` (Cox &
    Reid 1987; McCarthy, Chen & Smyth 2012).
    """
    state = {"params": params}

    def neg_apl(log_theta: float) -> float:
        th = float(np.exp(log_theta))
        p, ll, _, _ = fit_regression(prob, th, state["params"])
        state["params"] = p
        _, logdet = np.linalg.slogdet(information(prob, p, th))
        return -(ll - 0.5 * logdet)

    lo, hi = np.log(THETA_BOUNDS[0]), np.log(THETA_BOUNDS[1])
    centre = float(np.clip(np.log(theta), lo, hi))
    res = optimize.minimize_scalar(neg_apl, bounds=(max(lo, centre - 8.0), min(hi, centre + 4.0)),
                                   method="bounded", options={"xatol": 1e-6})
    return float(np.exp(res.x))


@dataclass(frozen=True)
class FitOutput:
    params: np.ndarray
    cov: np.ndarray
    theta: float | None
    llf: float
    mu: np.ndarray
    iterations: int
    converged: bool
    theta_at_bound: bool
    theta_adj: float | None = None
    cov_adj: np.ndarray | None = None
    se_theta: float | None = None
    se_log_theta_adj: float | None = None


def theta_standard_errors(y: np.ndarray, mu: np.ndarray, theta: float) -> tuple[float, float]:
    """Standard errors of ``theta`` and of ``log theta`` from the observed information in ``theta``."""
    s, h = theta_score(y, mu, theta)
    info = -h
    info_log = -(theta * s + theta * theta * h)
    se = 1.0 / np.sqrt(info) if info > 0 else np.nan
    se_log = 1.0 / np.sqrt(info_log) if info_log > 0 else np.nan
    return float(se), float(se_log)


def fit_problem(prob: Problem, family: str, *, start: np.ndarray | None = None,
                max_outer: int = 200) -> FitOutput:
    """Fit a Poisson (``family="poisson"``) or NB2 (``"negbin"``) model to ``prob``."""
    y = prob.y
    if start is None:
        start = np.zeros(prob.n_params)
        # intercept is the first log-linear column by construction
        start[0] = np.log(max(y.mean(), 0.5)) - float(np.mean(prob.offset))
    params, ll, iters, converged = fit_regression(prob, None, start)
    theta: float | None = None
    at_bound = False
    if family == "negbin":
        eta, _ = mean_and_derivative(prob, params)
        mu = np.exp(eta)
        excess = float(np.sum(((y - mu) ** 2 - y) / mu ** 2)) / len(y)
        theta = 1.0 / excess if excess > 1e-3 else 1e3
        ll_old = -np.inf
        converged = False
        for outer in range(max_outer):
            theta = fit_theta(y, np.exp(eta), theta)
            params_new, ll, it, ok = fit_regression(prob, theta, params)
            iters += it
            dp = float(np.max(np.abs(params_new - params))) if params.size else 0.0
            params = params_new
            eta, _ = mean_and_derivative(prob, params)
            if abs(ll - ll_old) < 1e-13 * (abs(ll) + 1.0) and dp < 1e-10:
                converged = ok
                break
            ll_old = ll
        theta = fit_theta(y, np.exp(eta), theta)
        ll = loglik(y, np.exp(eta), theta)
        at_bound = theta >= THETA_BOUNDS[1] * 0.999
    eta, _ = mean_and_derivative(prob, params)
    info = information(prob, params, theta)
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError as exc:
        raise ModelError("the information matrix is singular: the design is collinear") from exc
    if not np.all(np.isfinite(params)) or np.any(~np.isfinite(np.diag(cov))) or np.any(np.diag(cov) > 1e4):
        bad = int(np.argmax(np.where(np.isfinite(np.diag(cov)), np.diag(cov), np.inf)))
        raise NotIdentified(bad)
    theta_adj, cov_adj = theta, cov
    se_theta = se_log_adj = None
    if theta is not None:
        theta_adj = fit_theta_adjusted(prob, params, theta)
        cov_adj = np.linalg.inv(information(prob, params, theta_adj))
        se_theta = theta_standard_errors(y, np.exp(eta), theta)[0]
        p_adj, _, _, _ = fit_regression(prob, theta_adj, params)
        se_log_adj = theta_standard_errors(y, np.exp(mean_and_derivative(prob, p_adj)[0]), theta_adj)[1]
    return FitOutput(params, cov, theta, ll, np.exp(eta), iters, converged, at_bound, theta_adj, cov_adj,
                     se_theta, se_log_adj)
