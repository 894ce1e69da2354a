"""Exact likelihood of the count model and its maximisation.

The mean of period ``t`` is

    mu_t = exp(x_t' beta + offset_t) * sum_j w_tj * exp(a_tj' gamma)

where ``x_t`` holds the log-linear columns (intercept, trend, seasonality, exogenous
and autoregressive columns, pulses, ramps), ``gamma`` the step effects, and the sum
runs over the sub-intervals ``j`` of period ``t`` (weights ``w_tj``, active steps
``a_tj``). When every step covers whole periods the sum has one term with weight 1
and the model is the usual log-linear GLM; otherwise it is non-linear in ``gamma``.

Counts are Poisson or negative binomial NB2 (variance ``mu + mu^2 / theta``,
``alpha = 1 / theta``). The Poisson fit is Fisher scoring on the exact likelihood: each
step solves ``(D'WD) delta = D'r`` with ``D`` the derivative of ``log mu`` (the design
matrix in the GLM case, so the iteration is IRLS there), ``W`` the working weights and
``r`` the score residuals, and is halved until the log-likelihood increases. The NB2 fit
starts from the Poisson estimate and a moment estimate of ``theta`` and updates the
regression parameters (Fisher scoring) and ``log theta`` (Newton's method) *jointly* in
each step; the two blocks are orthogonal in the expected information, so the joint step
converges as fast as Newton's method and reaches the maximum that ``MASS::glm.nb``'s
alternation reaches. Standard errors come from the expected information ``D'WD`` with
``theta`` held at its estimate, as ``MASS::glm.nb`` reports them.

The maximum-likelihood ``theta`` is biased upwards in short series (too little
overdispersion), which makes those standard errors too small. For intervals the
toolkit therefore also computes the Cox–Reid adjusted estimate of ``theta``
(:func:`fit_theta_adjusted`) and the information at that value
(:func:`adjusted_dispersion`; the count-model results compute it on first use).

Numerical notes: terms of the likelihood in ``theta`` alone (``log Gamma(y + theta)``,
its derivatives) are evaluated once per distinct count, which makes long series cheap.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import optimize, special

from ..errors import ModelError

THETA_BOUNDS = (1e-4, 1e8)

#: ``np.sum`` of a 1-d array without its dispatch layers: the same pairwise summation, the same bits.
_sum = np.add.reduce


class NotIdentified(ModelError):
    """The estimate of one parameter runs off to infinity (its standard error explodes)."""

    def __init__(self, position: int) -> None:
        self.position = position
        super().__init__(f"parameter {position} is not identified")


class Counts:
    """Counts with the quantities the likelihood needs precomputed (distinct values, ``log y!``)."""

    def __init__(self, y: np.ndarray) -> None:
        self.y = np.asarray(y, dtype=float)
        self.n = self.y.size
        self.values, inverse, self.counts = np.unique(self.y, return_inverse=True, return_counts=True)
        self.inverse = inverse.reshape(-1)
        self.counts = self.counts.astype(float)
        self.log_factorial = float(np.sum(special.gammaln(self.values + 1.0) * self.counts))

    def loglik(self, mu: np.ndarray, theta: float | None) -> float:
        """Log-likelihood (with the ``log y!`` term); ``theta=None`` means Poisson."""
        y = self.y
        if theta is None:
            return float(_sum(special.xlogy(y, mu)) - _sum(mu) - self.log_factorial)
        lg = float(_sum(self.counts * (special.gammaln(self.values + theta) - special.gammaln(theta))))
        return float(lg - self.log_factorial + self.n * theta * np.log(theta) + _sum(special.xlogy(y, mu))
                     - _sum((theta + y) * np.log(theta + mu)))

    def theta_derivatives(self, mu: np.ndarray, theta: float) -> tuple[float, float]:
        """First and second derivative of the NB2 log-likelihood with respect to ``theta``."""
        v, c, y = self.values, self.counts, self.y
        tm = theta + mu
        s = (float(_sum(c * (special.digamma(v + theta) - special.digamma(theta))))
             + self.n * (np.log(theta) + 1.0) - float(_sum(np.log(tm))) - float(_sum((y + theta) / tm)))
        h = (float(_sum(c * (special.zeta(2.0, v + theta) - special.zeta(2.0, theta))))
             + self.n / theta - float(_sum(2.0 / tm)) + float(_sum((y + theta) / tm ** 2)))
        return s, h


@dataclass(frozen=True)
class Problem:
    """Data of one fit: counts, log-linear design, step segments and offset."""

    y: np.ndarray
    X: np.ndarray
    seg_weight: np.ndarray
    seg_active: np.ndarray
    offset: np.ndarray
    counts: Counts = field(init=False, repr=False, compare=False)
    linear_design: np.ndarray | None = field(init=False, repr=False, compare=False)
    _split: tuple | None = field(init=False, repr=False, compare=False)
    _kernel: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "counts", Counts(self.y))
        k = self.seg_active.shape[2]
        lin = None
        split = None
        if self.seg_weight.shape[1] == 1:
            lin = self.X if k == 0 else np.hstack([self.X, self.seg_active[:, 0, :]])
            lin = np.ascontiguousarray(lin, dtype=float)
        else:
            # rows with a single sub-interval are linear; only the few others need the exact sum
            special = np.flatnonzero(np.any(self.seg_weight[:, 1:] > 0, axis=1))
            base = np.ascontiguousarray(np.hstack([self.X, self.seg_active[:, 0, :]]), dtype=float)
            split = (special, base, self.seg_weight[special], self.seg_active[special])
        object.__setattr__(self, "linear_design", lin)
        object.__setattr__(self, "_split", split)
        # the arguments of the compiled log mean (analysis.models._mean_kernel); in a GLM no row is special
        p = self.X.shape[1]
        if split is not None:
            sp, base, sw, sa = split
            kernel = (base, np.ascontiguousarray(self.offset, dtype=float), sp.astype(np.int64),
                      np.ascontiguousarray(self.X[sp], dtype=float),
                      np.ascontiguousarray(self.offset[sp], dtype=float), np.ascontiguousarray(sw, dtype=float),
                      np.ascontiguousarray(sa, dtype=float), p)
        else:
            kernel = (lin, np.ascontiguousarray(self.offset, dtype=float), np.empty(0, dtype=np.int64),
                      np.empty((0, p)), np.empty(0), np.empty((0, 1)), np.empty((0, 1, k)), p)
        object.__setattr__(self, "_kernel", kernel)

    @property
    def n_params(self) -> int:
        return self.X.shape[1] + self.seg_active.shape[2]

    @property
    def is_glm(self) -> bool:
        """True when ``log mu`` is linear in the parameters (every step covers whole periods)."""
        return self.linear_design is not None


def mean_and_derivative(prob: Problem, params: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``log mu`` and its derivative ``D`` (n × k) with respect to ``params``.

    Rows where a step starts inside the period are not log-linear; there the compiled
    :func:`analysis.models._mean_kernel.static_log_mean` evaluates the sum over the
    period's sub-intervals.
    """
    if prob.linear_design is not None:
        return prob.linear_design @ params + prob.offset, prob.linear_design
    return _split_mean(prob, params, True)


def _split_mean(prob: Problem, params: np.ndarray, want_d: bool) -> tuple[np.ndarray, np.ndarray]:
    from ._mean_kernel import static_log_mean

    k = prob._kernel
    n, nk = k[0].shape
    nj = k[5].shape[1]
    eta = np.empty(n)
    d = np.empty((n, nk)) if want_d else np.empty((0, 0))
    static_log_mean(*k[:7], np.ascontiguousarray(params, dtype=float), k[7], want_d, eta, d, np.empty(nj), np.empty(nj))
    return eta, d


def log_mean(prob: Problem, params: np.ndarray) -> np.ndarray:
    """``log mu`` alone: :func:`mean_and_derivative` without the derivative (the same arithmetic)."""
    if prob.linear_design is not None:
        return prob.linear_design @ params + prob.offset
    return _split_mean(prob, params, False)[0]


def log_means(prob: Problem, params: np.ndarray) -> np.ndarray:
    """:func:`log_mean` for each row of ``params`` (S × k) at once → (S × n); for simulated parameter draws."""
    params = np.asarray(params, dtype=float)
    if prob.linear_design is not None:
        return params @ prob.linear_design.T + prob.offset
    p = prob.X.shape[1]
    special, base, sw, sa = prob._split
    eta = params @ base.T + prob.offset
    x_s = params[:, :p] @ prob.X[special].T + prob.offset[special]      # (S, s)
    lin = np.einsum("sjk,dk->dsj", sa, params[:, p:])                    # (S, s, J)
    m = np.max(np.where(sw > 0, lin, -np.inf), axis=2, keepdims=True)
    tot = (sw * np.exp(lin - m)).sum(axis=2)
    eta[:, special] = x_s + np.log(tot) + m[:, :, 0]
    return eta


def loglik(y: np.ndarray, mu: np.ndarray, theta: float | None) -> float:
    """Log-likelihood (with the ``log y!`` term); ``theta=None`` means Poisson."""
    return Counts(y).loglik(mu, theta)


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


def _mean_and_loglik(cnt: Counts, eta: np.ndarray, theta: float | None) -> tuple[np.ndarray | None, float]:
    """The means of a candidate step and their log-likelihood (None and minus infinity if ``eta`` overflows).

    The scoring loops keep the means of the accepted candidate for the next step.
    """
    if not _finite_eta(eta):
        return None, -np.inf
    mu = np.exp(eta)
    return mu, cnt.loglik(mu, theta)


def _finite_eta(eta: np.ndarray) -> bool:
    # every value finite and below 700: NaN propagates into the minimum and the maximum
    return bool(np.isfinite(np.minimum.reduce(eta)) and np.maximum.reduce(eta) < 700)


def fit_regression(prob: Problem, theta: float | None, start: np.ndarray, *,
                   max_iter: int = 200, tol: float = 1e-12) -> tuple[np.ndarray, float, int, bool]:
    """Maximise the likelihood over the regression parameters at fixed ``theta``.

    Fisher scoring with step halving; if it has not converged after ``max_iter``
    steps, quasi-Newton (``scipy.optimize``, BFGS with the analytic score) takes over.

    Returns
    -------
    params, loglik, iterations, converged
    """
    cnt = prob.counts
    nb = theta is not None
    params, _phi, _ll, it, status = _scoring(prob, start, nb, math.log(theta) if nb else 0.0, False, max_iter, tol)
    if status == 0:
        return params, cnt.loglik(np.exp(log_mean(prob, params)), theta), it, True
    params, ll, ok = _quasi_newton(prob, theta, params)
    return params, ll, max_iter, ok


def _scoring(prob: Problem, start: np.ndarray, nb: bool, phi0: float, joint: bool, max_iter: int,
             tol: float) -> tuple[np.ndarray, float, float, int, int]:
    """:func:`analysis.models._glm_kernel.scoring` on a problem's compiled design."""
    from ._glm_kernel import scoring

    k = prob._kernel
    cnt = prob.counts
    lo, hi = np.log(THETA_BOUNDS[0]), np.log(THETA_BOUNDS[1])
    params, phi, ll, it, status = scoring(*k[:8], prob.y, cnt.values, cnt.counts, cnt.log_factorial,
                                          np.ascontiguousarray(start, dtype=float), nb, float(phi0), float(lo),
                                          float(hi), joint, int(max_iter), float(tol))
    return params, float(phi), float(ll), int(it), int(status)


def _quasi_newton(prob: Problem, theta: float | None, start: np.ndarray) -> tuple[np.ndarray, float, bool]:
    """BFGS on the negative log-likelihood with its analytic gradient."""

    def objective(p: np.ndarray) -> tuple[float, np.ndarray]:
        eta, d = mean_and_derivative(prob, p)
        if not _finite_eta(eta):
            return np.inf, np.zeros_like(p)
        mu = np.exp(eta)
        r, _ = working(prob.y, mu, theta)
        return -prob.counts.loglik(mu, theta), -(d.T @ r)

    res = optimize.minimize(objective, start, jac=True, method="BFGS", options={"gtol": 1e-8, "maxiter": 10000})
    return res.x, -float(res.fun), bool(res.success)


def theta_score(y: np.ndarray, mu: np.ndarray, theta: float) -> tuple[float, float]:
    """First and second derivative of the NB2 log-likelihood with respect to ``theta``."""
    return Counts(y).theta_derivatives(mu, theta)


def _theta_step(cnt: Counts, mu: np.ndarray, phi: float, lo: float, hi: float) -> tuple[float, float]:
    """Newton step on ``phi = log theta`` (ascent direction when the curvature is not negative) and the gradient."""
    th = float(np.exp(phi))
    s, h = cnt.theta_derivatives(mu, th)
    g = th * s                      # d l / d phi
    hh = th * s + th * th * h       # d2 l / d phi2
    step = -g / hh if hh < 0 else float(np.sign(g))
    if (phi >= hi and step > 0) or (phi <= lo and step < 0):
        step = 0.0
    return float(step), float(g)


def fit_theta(y: np.ndarray | Counts, mu: np.ndarray, start: float, *, max_iter: int = 100) -> float:
    """Maximum-likelihood ``theta`` given the means (Newton on ``log theta``, safeguarded)."""
    cnt = y if isinstance(y, Counts) else Counts(y)
    lo, hi = np.log(THETA_BOUNDS[0]), np.log(THETA_BOUNDS[1])
    phi = float(np.clip(np.log(start), lo, hi))
    ll = cnt.loglik(mu, np.exp(phi))
    for _ in range(max_iter):
        step, g = _theta_step(cnt, mu, phi, lo, hi)
        t = 1.0
        while True:
            cand = float(np.clip(phi + t * step, lo, hi))
            ll_c = cnt.loglik(mu, np.exp(cand))
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


def fit_negbin(prob: Problem, start: np.ndarray, theta_start: float, *, max_iter: int = 500,
               tol: float = 1e-18) -> tuple[np.ndarray, float, float, int, bool]:
    """Joint maximisation over the regression parameters and ``log theta``.

    Each iteration takes a Fisher-scoring step in the regression parameters and a Newton
    step in ``log theta`` (the blocks are orthogonal in the expected information) and
    halves both until the log-likelihood increases. Close to the maximum, where the
    predicted gain ``decrement`` (score times step) is below the rounding error of the
    log-likelihood itself (a sum of terms as large as ``theta log theta``), the
    log-likelihood cannot rank the candidates, and the full step is taken: there the
    scoring step is safe, and the iterations stop on the decrement, not on a stalled
    line search that would leave the gradient visibly non-zero.

    Returns
    -------
    params, theta, loglik, iterations, converged
    """
    cnt = prob.counts
    params, phi, _ll, it, status = _scoring(prob, start, True, float(np.log(theta_start)), True, max_iter, tol)
    eta = log_mean(prob, params)
    if status == 0:
        theta = float(np.exp(phi))
        return params, theta, cnt.loglik(np.exp(eta), theta), it, True
    # fall back on the alternation of MASS::glm.nb
    theta = float(np.exp(phi))
    ok = False
    ll_old = -np.inf
    for _ in range(200):
        theta = fit_theta(cnt, np.exp(eta), theta)
        params, ll, _, ok = fit_regression(prob, theta, params)
        eta = log_mean(prob, params)
        if abs(ll - ll_old) < 1e-13 * (abs(ll) + 1.0):
            break
        ll_old = ll
    return params, theta, ll, max_iter, ok


def _leverage_trace_terms(d: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cholesky factor of ``D'WD`` and the leverages ``d_t' (D'WD)^{-1} d_t``."""
    info = d.T @ (w[:, None] * d)
    c = np.linalg.cholesky(info)
    z = np.linalg.solve(c, d.T)             # (k, n)
    return c, np.sum(z * z, axis=0)


def _adjusted_profile(prob: Problem, params: np.ndarray, phi: float) -> tuple[float, float, np.ndarray]:
    """Cox–Reid adjusted profile log-likelihood at ``log theta = phi``, its exact derivative, and beta_theta.

    Only for GLM designs (``D = X`` fixed). With ``h_t`` the leverages of ``X'WX``:
    ``d/dtheta [l(beta_theta, theta) - log det(X'WX) / 2] = dl/dtheta
    - sum_t h_t dw_t/dtheta / 2``, where ``dw_t/dtheta`` is the total derivative of the
    working weight ``w = mu theta / (theta + mu)`` through ``theta`` and through
    ``mu(beta_theta)`` (``d beta_theta / d theta`` from the implicit function theorem).
    """
    th = float(np.exp(phi))
    cnt = prob.counts
    p, ll, _, _ = fit_regression(prob, th, params)
    eta, x = mean_and_derivative(prob, p)
    mu = np.exp(eta)
    y = prob.y
    tm = th + mu
    w = mu * th / tm
    c, lev = _leverage_trace_terms(x, w)
    logdet = 2.0 * float(np.sum(np.log(np.diag(c))))
    apl = ll - 0.5 * logdet
    s, _ = cnt.theta_derivatives(mu, th)
    # d beta / d theta = (X' H X)^{-1} X' [(y - mu) mu / (theta + mu)^2], H the observed weights
    hobs = mu * th * (th + y) / tm ** 2
    rhs = x.T @ ((y - mu) * mu / tm ** 2)
    dbeta = _solve(x.T @ (hobs[:, None] * x), rhs)
    dmu = mu * (x @ dbeta)
    dw = mu ** 2 / tm ** 2 + (th ** 2 / tm ** 2) * dmu
    dapl = s - 0.5 * float(np.sum(lev * dw))
    return apl, th * dapl, p


def fit_theta_adjusted(prob: Problem, params: np.ndarray, theta: float) -> float:
    """Cox–Reid adjusted profile-likelihood estimate of ``theta``.

    Maximises ``l(beta_theta, theta) - log det(D'W(theta)D) / 2`` where ``beta_theta``
    maximises the likelihood at ``theta``. The adjustment accounts for the regression
    parameters estimated alongside ``theta`` (as REML does for a variance), removing
    most of the small-sample upward bias of the maximum-likelihood ``theta`` (Cox &
    Reid 1987; McCarthy, Chen & Smyth 2012).

    Notes
    -----
    For GLM designs the maximiser is the root of the exact derivative (see
    :func:`_adjusted_profile`), found by secant iterations with a bracketing fallback;
    otherwise Brent's bounded search on the adjusted profile likelihood itself. Both stop
    when ``log theta`` is known to ``1e-7`` or better.
    """
    lo, hi = np.log(THETA_BOUNDS[0]), np.log(THETA_BOUNDS[1])
    centre = float(np.clip(np.log(theta), lo, hi))
    a_lo, a_hi = max(lo, centre - 8.0), min(hi, centre + 4.0)
    if prob.is_glm:
        try:
            return _adjusted_root(prob, params, centre, a_lo, a_hi)
        except np.linalg.LinAlgError:
            pass
    state = {"params": params}

    def neg_apl(log_theta: float) -> float:
        th = float(np.exp(log_theta))
        p, ll, _, _ = fit_regression(prob, th, state["params"])
        state["params"] = p
        _, logdet = np.linalg.slogdet(information(prob, p, th))
        return -(ll - 0.5 * logdet)

    res = optimize.minimize_scalar(neg_apl, bounds=(a_lo, a_hi), method="bounded", options={"xatol": 1e-7})
    return float(np.exp(res.x))


def _adjusted_root(prob: Problem, params: np.ndarray, centre: float, a_lo: float, a_hi: float) -> float:
    """Root of the derivative of the adjusted profile likelihood in ``log theta``.

    Secant iterations from the maximum-likelihood value (superlinear, a handful of
    evaluations); if they leave the search range or do not settle, a bracketing search
    (expansion, then Illinois regula falsi) finishes the job.
    """
    x0 = centre
    _, g0, p0 = _adjusted_profile(prob, params, x0)
    if g0 == 0.0:
        return float(np.exp(x0))
    x1 = float(np.clip(x0 - 0.1 * np.sign(-g0), a_lo, a_hi))
    _, g1, p1 = _adjusted_profile(prob, p0, x1)
    xa, ga, xb, gb, pb = x0, g0, x1, g1, p1
    for _ in range(30):
        if gb == ga:
            break
        xc = xb - gb * (xb - xa) / (gb - ga)
        if not (a_lo <= xc <= a_hi) or not np.isfinite(xc):
            break
        _, gc, pc = _adjusted_profile(prob, pb, xc)
        if abs(xc - xb) < 1e-9 or gc == 0.0:
            return float(np.exp(xc))
        xa, ga, xb, gb, pb = xb, gb, xc, gc, pc
    return _adjusted_bracketed(prob, params, centre, g0, a_lo, a_hi)


def _adjusted_bracketed(prob: Problem, params: np.ndarray, x0: float, g0: float, a_lo: float, a_hi: float) -> float:
    """Bracket the root of the adjusted profile derivative by expansion, then Illinois regula falsi."""
    direction = -1.0 if g0 < 0 else 1.0
    stepsize = 0.25
    xa, ga, pa = x0, g0, params
    while True:
        xb = float(np.clip(xa + direction * stepsize, a_lo, a_hi))
        _, gb, pb = _adjusted_profile(prob, pa, xb)
        if np.sign(gb) != np.sign(ga) or xb in (a_lo, a_hi):
            break
        xa, ga, pa = xb, gb, pb
        stepsize *= 2.0
    if np.sign(gb) == np.sign(ga):       # no sign change inside the search range: the bound
        return float(np.exp(xb))
    side = 0
    for _ in range(100):
        xc = xb - gb * (xb - xa) / (gb - ga)
        _, gc, pc = _adjusted_profile(prob, pb, xc)
        if abs(xc - xb) < 1e-9 or gc == 0.0:
            return float(np.exp(xc))
        if np.sign(gc) == np.sign(gb):
            xb, gb, pb = xc, gc, pc
            if side == -1:
                ga /= 2.0
            side = -1
        else:
            xa, ga = xb, gb
            xb, gb, pb = xc, gc, pc
            if side == 1:
                ga /= 2.0
            side = 1
        if abs(xb - xa) < 1e-7:
            return float(np.exp(xb))
    return float(np.exp(xb))


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


def theta_standard_errors(y: np.ndarray | Counts, mu: np.ndarray, theta: float) -> tuple[float, float]:
    """Standard errors of ``theta`` and of ``log theta`` from the observed information in ``theta``."""
    cnt = y if isinstance(y, Counts) else Counts(y)
    s, h = cnt.theta_derivatives(mu, theta)
    info = -h
    info_log = -(theta * s + theta * theta * h)
    se = 1.0 / np.sqrt(info) if info > 0 else np.nan
    se_log = 1.0 / np.sqrt(info_log) if info_log > 0 else np.nan
    return float(se), float(se_log)


def default_start(prob: Problem) -> np.ndarray:
    """Start of the scoring: the log of the mean count in the intercept, zeros elsewhere."""
    start = np.zeros(prob.n_params)
    # the intercept is the first log-linear column by construction
    start[0] = np.log(max(prob.y.mean(), 0.5)) - float(np.mean(prob.offset))
    return start


def moment_theta(y: np.ndarray, mu: np.ndarray) -> float:
    """Moment estimate of ``theta`` from Poisson means (the start of the NB2 fit)."""
    excess = float(np.sum(((y - mu) ** 2 - y) / mu ** 2)) / len(y)
    return 1.0 / excess if excess > 1e-3 else 1e3


def fit_problem(prob: Problem, family: str, *, start: np.ndarray | None = None,
                poisson: FitOutput | None = None, adjusted: bool = True) -> FitOutput:
    """Fit a Poisson (``family="poisson"``) or NB2 (``"negbin"``) model to ``prob``.

    For NB2, ``poisson`` may hold the Poisson fit of the same problem; its estimate and
    the moment estimate of ``theta`` from its means start the joint maximisation.
    ``adjusted=False`` skips the Cox–Reid adjusted ``theta`` (used inside iterations
    whose intermediate fits are not reported).
    """
    y = prob.y
    cnt = prob.counts
    theta: float | None = None
    at_bound = False
    if family == "negbin":
        if poisson is None:
            poisson = fit_problem(prob, "poisson", start=start)
        params, theta, ll, iters, converged = fit_negbin(prob, poisson.params, moment_theta(y, poisson.mu))
        at_bound = theta >= THETA_BOUNDS[1] * 0.999
    else:
        params, ll, iters, converged = fit_regression(prob, None, default_start(prob) if start is None else start)
    eta, d = mean_and_derivative(prob, params)
    mu = np.exp(eta)
    _, w = working(y, mu, theta)
    info = d.T @ (w[:, None] * d)
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError as exc:
        raise ModelError("the information matrix is singular: the design is collinear") from exc
    if not np.all(np.isfinite(params)) or np.any(~np.isfinite(np.diag(cov))) or np.any(np.diag(cov) > 1e4):
        bad = int(np.argmax(np.where(np.isfinite(np.diag(cov)), np.diag(cov), np.inf)))
        raise NotIdentified(bad)
    theta_adj, cov_adj = theta, cov
    se_theta = se_log_adj = None
    if theta is not None and adjusted:
        adj = adjusted_dispersion(prob, params, theta)
        theta_adj, cov_adj, se_log_adj = adj.theta, adj.cov, adj.se_log_theta
        se_theta = theta_standard_errors(cnt, mu, theta)[0]
    return FitOutput(params, cov, theta, ll, mu, iters, converged, at_bound, theta_adj, cov_adj,
                     se_theta, se_log_adj)


@dataclass(frozen=True)
class AdjustedDispersion:
    """The Cox–Reid adjusted ``theta`` of an NB2 fit and what the intervals take from it.

    Attributes
    ----------
    theta : float
        Cox–Reid adjusted estimate of ``theta`` (:func:`fit_theta_adjusted`).
    cov : ndarray
        Inverse expected information of the regression parameters at the
        maximum-likelihood estimate, with ``theta`` held at ``theta``.
    se_log_theta : float
        Standard error of ``log theta`` from the observed information at ``theta`` and
        the regression parameters that maximise the likelihood there.
    """

    theta: float
    cov: np.ndarray
    se_log_theta: float


def adjusted_dispersion(prob: Problem, params: np.ndarray, theta: float) -> AdjustedDispersion:
    """Cox–Reid adjusted ``theta``, the covariance at it and the standard error of its log.

    Parameters
    ----------
    prob : Problem
        The fitted problem.
    params : ndarray
        Maximum-likelihood regression parameters of the NB2 fit.
    theta : float
        Maximum-likelihood ``theta`` (the start of the search).

    Returns
    -------
    AdjustedDispersion

    Notes
    -----
    About as costly as the NB2 fit itself (a handful of evaluations of the adjusted
    profile likelihood, each a regression fit at fixed ``theta``), which is why the
    count-model results compute it only when first asked for.
    """
    theta_adj = fit_theta_adjusted(prob, params, theta)
    p_adj, _, _, _ = fit_regression(prob, theta_adj, params)
    cov_adj = np.linalg.inv(information(prob, params, theta_adj))
    se_log_adj = theta_standard_errors(prob.counts, np.exp(log_mean(prob, p_adj)), theta_adj)[1]
    return AdjustedDispersion(theta_adj, cov_adj, se_log_adj)
