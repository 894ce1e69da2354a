"""Simulation at the Poisson limit of NB2: no overflow, Poisson moments."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from analysis.models import fit_count_model, step
from analysis.models.simulate import POISSON_THETA, draw_counts, draw_theta


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.mark.parametrize("theta", [np.inf, 1e12, 1e300])
def test_huge_theta_draws_poisson_counts(theta):
    rng = np.random.default_rng(11)
    mu = np.full((20_000, 3), 25.0)
    y = draw_counts(mu, theta, rng)
    # Poisson(25): mean 25, variance 25; Monte Carlo sd of the mean 0.035, of the variance ~0.25
    assert abs(y.mean() - 25.0) < 0.15
    assert abs(y.var() - 25.0) < 1.0


def test_per_draw_theta_mixes_nb2_and_poisson_rows():
    rng = np.random.default_rng(12)
    theta = np.tile([2.0, np.inf], 20_000)          # one theta per row of mu
    mu = np.full((40_000, 2), 10.0)
    y = draw_counts(mu, theta, rng)
    nb, po = y[0::2], y[1::2]
    assert abs(nb.mean() - 10.0) < 0.15 and abs(po.mean() - 10.0) < 0.1
    assert abs(nb.var() - (10.0 + 10.0 ** 2 / 2.0)) < 2.0  # NB2: mu + mu^2/theta = 60
    assert abs(po.var() - 10.0) < 0.5


def test_finite_theta_keeps_the_nb2_stream():
    mu = np.full((5, 4), 7.0)
    a = draw_counts(mu, 3.0, np.random.default_rng(5))
    rng = np.random.default_rng(5)
    b = rng.poisson(rng.gamma(3.0, mu / 3.0)).astype(float)
    np.testing.assert_array_equal(a, b)


def test_theta_draws_at_the_boundary_are_infinite():
    rng = np.random.default_rng(0)
    assert np.all(np.isinf(draw_theta(3e7 * POISSON_THETA, 951.6, 100, rng)))
    assert np.all(np.isinf(draw_theta(np.inf, None, 10, rng)))
    d = draw_theta(1e5, 150.0, 1000, rng)           # moderate estimate, absurd standard error
    assert np.all(d > 0) and np.isinf(d).any() and np.isfinite(d).any()


def test_underdispersed_series_counterfactual_without_warnings():
    # counts alternate 24/26 (variance 1 < mean): NB2 theta runs to its upper bound
    idx = pd.period_range("2015-01", periods=96, freq="M")
    y = pd.Series(np.where(np.arange(96) % 2, 24.0, 26.0) + np.where(np.arange(96) >= 48, 10.0, 0.0), index=idx)
    res = fit_count_model(y, family="negbin", trend=None, seasonality=None,
                          interventions={"law": step("2019-01-01")})
    assert res.theta_adjusted > POISSON_THETA
    cf = res.counterfactual("law", n_sim=400, rng=0)
    total, lo, hi = cf.total_excess
    # the step adds 10 a month over 48 months. The counterfactual total is 48 x 25 = 1200:
    # Poisson noise (variance 1200) plus the intercept's uncertainty (se sqrt(1/1200) on the
    # log scale, i.e. sd 1200 * sqrt(1/1200) on the total): variance 2400, 95% width 2 * 1.96 * 49
    assert total == pytest.approx(480.0, abs=1e-6)
    assert lo < 480.0 < hi
    assert hi - lo == pytest.approx(2 * 1.96 * np.sqrt(2 * 1200.0), rel=0.15)
