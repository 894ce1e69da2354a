"""The compiled scoring iterations of the count models against independent references.

* Poisson and NB2 at a fixed ``theta``: statsmodels' GLM (IRLS) on the same design.
* NB2 with ``theta`` estimated: statsmodels' ``NegativeBinomial`` (Newton on the exact
  likelihood, its own code), and the log-likelihood against ``scipy.stats.nbinom``.
* When the iterations are cut short, the fallback (quasi-Newton) reaches the same maximum.
"""
from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from analysis.models import _glm_kernel as G
from analysis.models.likelihood import Problem, fit_negbin, fit_regression


def _design(seed, n=150, theta=6.0):
    rng = np.random.default_rng(seed)
    t = np.arange(n) / n
    month = np.arange(n) % 12
    X = np.column_stack([np.ones(n), t] + [(month == j).astype(float) for j in range(1, 12)]
                        + [(np.arange(n) >= n // 2).astype(float)])
    beta = np.r_[1.6, 0.4, 0.3 * np.sin(np.arange(1, 12)), 0.7]
    mu = np.exp(X @ beta)
    y = rng.negative_binomial(theta, theta / (theta + mu)).astype(float)
    prob = Problem(y, X, np.ones((n, 1)), np.zeros((n, 1, 0)), np.zeros(n))
    return prob, X, y


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("theta", [None, 0.8, 7.5])
def test_fixed_theta_matches_statsmodels_glm(seed, theta):
    prob, X, y = _design(seed)
    params, ll, _it, ok = fit_regression(prob, theta, np.zeros(X.shape[1]))
    fam = sm.families.Poisson() if theta is None else sm.families.NegativeBinomial(alpha=1.0 / theta)
    ref = sm.GLM(y, X, family=fam).fit(method="newton", tol=1e-14, maxiter=200)
    assert ok
    # both stop where the predicted gain is below ~1e-12 of the log-likelihood: parameters agree
    # to ~1e-5 in the flattest directions, the log-likelihood to rounding
    np.testing.assert_allclose(params, ref.params, rtol=2e-5, atol=2e-6)
    assert ll == pytest.approx(ref.llf, rel=1e-11)
    mu = np.exp(X @ params)
    w = 1.0 if theta is None else theta / (theta + mu)
    score = X.T @ ((y - mu) * w)
    info = X.T @ ((mu * w)[:, None] * X)
    assert float(score @ np.linalg.solve(info, score)) < 1e-12 * (abs(ll) + 1.0)


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_joint_fit_matches_statsmodels_negative_binomial(seed):
    prob, X, y = _design(seed)
    params, theta, ll, _it, ok = fit_negbin(prob, np.zeros(X.shape[1]), 1.0)
    ref = sm.NegativeBinomial(y, X, loglike_method="nb2").fit(method="newton", maxiter=200, tol=1e-14, disp=0)
    assert ok
    np.testing.assert_allclose(params, ref.params[:-1], rtol=1e-6, atol=1e-7)
    assert 1.0 / theta == pytest.approx(ref.params[-1], rel=1e-6)
    mu = np.exp(X @ params)
    exact = stats.nbinom.logpmf(y, theta, theta / (theta + mu)).sum()
    assert ll == pytest.approx(exact, rel=1e-12)
    assert ll >= ref.llf - 1e-9


def test_iterations_cut_short_fall_back_to_the_same_maximum():
    prob, X, y = _design(7)
    full = fit_regression(prob, 4.0, np.zeros(X.shape[1]))
    k = prob._kernel
    *_, status = G.scoring(*k[:8], prob.y, prob.counts.values, prob.counts.counts, prob.counts.log_factorial,
                           np.zeros(X.shape[1]), True, np.log(4.0), np.log(1e-4), np.log(1e8), False, 1, 1e-12)
    assert status == 1
    short = fit_regression(prob, 4.0, np.zeros(X.shape[1]), max_iter=1)
    np.testing.assert_allclose(short[0], full[0], rtol=1e-5, atol=1e-6)
    assert short[1] == pytest.approx(full[1], rel=1e-10)
