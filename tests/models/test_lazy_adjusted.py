"""The Cox–Reid adjusted dispersion of an NB2 fit is computed on first use, with the numbers of an eager computation."""
from __future__ import annotations

import dataclasses
import pickle

import numpy as np
import pandas as pd
import pytest

from analysis.models import fit_count_model, step
from analysis.models.likelihood import (
    Problem,
    fit_problem,
    fit_regression,
    fit_theta_adjusted,
    information,
    mean_and_derivative,
    theta_standard_errors,
)


def simulate(n=120, *, theta=5.0, seed=3):
    rng = np.random.default_rng(seed)
    idx = pd.period_range("2010-01", periods=n, freq="M")
    t = np.arange(n)
    mu = 8.0 * np.exp(0.04 * t / 12 + 0.3 * np.sin(2 * np.pi * t / 12) + 0.4 * (t >= n // 2))
    return pd.Series(rng.poisson(rng.gamma(theta, mu / theta)), index=idx), idx[n // 2]


def reference_problem(y: pd.Series, at: pd.Period) -> Problem:
    """The model's design written out by hand: intercept, trend in years, month dummies, the step."""
    n = len(y)
    t = np.arange(n)
    X = np.column_stack([np.ones(n), t / 12] + [(y.index.month == m).astype(float) for m in range(2, 13)])
    active = (y.index >= at).astype(float).reshape(n, 1, 1)
    return Problem(y.to_numpy(float), X, np.ones((n, 1)), active, np.zeros(n))


def reference_adjustment(prob: Problem, params: np.ndarray, theta: float) -> tuple[float, np.ndarray, float]:
    """Adjusted theta, covariance at it and se of its log, from the likelihood functions called directly."""
    theta_adj = fit_theta_adjusted(prob, params, theta)
    cov = np.linalg.inv(information(prob, params, theta_adj))
    p_adj = fit_regression(prob, theta_adj, params)[0]
    mu_adj = np.exp(mean_and_derivative(prob, p_adj)[0])
    return theta_adj, cov, theta_standard_errors(prob.counts, mu_adj, theta_adj)[1]


@pytest.fixture(scope="module")
def series():
    return simulate()


def _fit(series):
    y, at = series
    return fit_count_model(y, family="negbin", interventions={"law": step(at)})


def test_adjustment_is_deferred_until_first_read(series):
    res = _fit(series)
    assert "_pending_adjustment" in res.__dict__
    _ = res.params, res.bse, res.theta, res.llf, res.diagnostics, res.fitted, res.se_theta
    assert "_pending_adjustment" in res.__dict__
    theta_adj = res.theta_adjusted
    assert "_pending_adjustment" not in res.__dict__
    assert res.theta_adjusted is theta_adj           # kept, not recomputed
    assert res.cov_params_adjusted is res.cov_params_adjusted


def test_lazy_values_equal_the_likelihood_functions_called_directly(series):
    y, at = series
    res = _fit(series)
    prob = reference_problem(y, at)
    theta_adj, cov, se_log = reference_adjustment(prob, res.params.to_numpy(), res.theta)
    np.testing.assert_allclose(res.theta_adjusted, theta_adj, rtol=1e-9)
    np.testing.assert_allclose(res.cov_params_adjusted.to_numpy(), cov, rtol=1e-9)
    np.testing.assert_allclose(res.meta["se_log_theta_adjusted"], se_log, rtol=1e-9)
    assert res.se_log_theta_adjusted == res.meta["se_log_theta_adjusted"]
    assert list(res.cov_params_adjusted.index) == list(res.params.index)
    assert list(res.cov_params_adjusted.columns) == list(res.params.index)
    # and the eager path of fit_problem gives the same numbers
    eager = fit_problem(prob, "negbin")
    np.testing.assert_allclose(res.theta_adjusted, eager.theta_adj, rtol=1e-9)
    np.testing.assert_allclose(res.cov_params_adjusted.to_numpy(), eager.cov_adj, rtol=1e-9)
    np.testing.assert_allclose(res.meta["se_log_theta_adjusted"], eager.se_log_theta_adj, rtol=1e-9)
    np.testing.assert_allclose(res.se_theta, eager.se_theta, rtol=1e-9)


@pytest.mark.parametrize("first", ["theta_adjusted", "cov_params_adjusted", "meta", "bse_adjusted", "conf_int",
                                   "to_dict", "summary"])
def test_any_first_read_gives_the_same_values(series, first):
    ref = _fit(series)
    expected = (ref.theta_adjusted, ref.cov_params_adjusted.to_numpy(), ref.meta["se_log_theta_adjusted"])
    res = _fit(series)
    value = getattr(res, first)
    if callable(value):
        value()
    assert "_pending_adjustment" not in res.__dict__
    assert res.theta_adjusted == expected[0]
    np.testing.assert_array_equal(res.cov_params_adjusted.to_numpy(), expected[1])
    assert res.meta["se_log_theta_adjusted"] == expected[2]


def test_meta_keeps_its_keys_and_their_order(series):
    res = _fit(series)
    keys = list(res.meta)
    assert keys.index("se_log_theta_adjusted") == keys.index("se_theta") + 1
    assert res.to_dict()["meta"]["se_log_theta_adjusted"] == res.meta["se_log_theta_adjusted"]
    assert res.meta["se_log_theta_adjusted"] is not None


def test_pickle_copy_and_replace_before_the_first_read(series):
    res = _fit(series)
    copy = pickle.loads(pickle.dumps(res))
    other = dataclasses.replace(_fit(series), llf=res.llf)
    assert copy.theta_adjusted == res.theta_adjusted == other.theta_adjusted
    np.testing.assert_array_equal(copy.cov_params_adjusted.to_numpy(), res.cov_params_adjusted.to_numpy())


def test_fields_stay_frozen(series):
    res = _fit(series)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.theta_adjusted = 1.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.meta = {}


def test_poisson_has_nothing_to_defer(series):
    y, at = series
    res = fit_count_model(y, family="poisson", interventions={"law": step(at)})
    assert "_pending_adjustment" not in res.__dict__
    assert res.theta_adjusted is None and res.meta["se_log_theta_adjusted"] is None
    np.testing.assert_array_equal(res.cov_params_adjusted.to_numpy(), res.cov_params.to_numpy())


def test_pulse_search_defers_the_adjustment_of_the_final_design():
    y, at = simulate(seed=11)
    y = y.copy()
    y.iloc[30] += 60                                  # a month of mass listing
    res = fit_count_model(y, family="negbin", interventions={"law": step(at)}, pulses="auto")
    assert res.pulses, "the planted outlier should get a term"
    assert "_pending_adjustment" in res.__dict__
    n = len(y)
    t = np.arange(n)
    cols = [np.ones(n), t / 12] + [(y.index.month == m).astype(float) for m in range(2, 13)]
    cols += [(y.index == p).astype(float) for p in res.pulses]
    prob = Problem(y.to_numpy(float), np.column_stack(cols), np.ones((n, 1)),
                   (y.index >= at).astype(float).reshape(n, 1, 1), np.zeros(n))
    names = list(res.params.index)
    order = [names.index(c) for c in ["const", "trend"] + [f"month_{m:02d}" for m in range(2, 13)]
             + [f"pulse_{p}" for p in res.pulses] + ["law"]]
    params = res.params.to_numpy()[order]
    theta_adj, cov, se_log = reference_adjustment(prob, params, res.theta)
    np.testing.assert_allclose(res.theta_adjusted, theta_adj, rtol=1e-9)
    np.testing.assert_allclose(res.cov_params_adjusted.to_numpy()[np.ix_(order, order)], cov, rtol=1e-9)
    np.testing.assert_allclose(res.meta["se_log_theta_adjusted"], se_log, rtol=1e-9)


def test_concurrent_first_reads_agree(series):
    from concurrent.futures import ThreadPoolExecutor

    expected = _fit(series).theta_adjusted
    res = _fit(series)
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda _: (res.theta_adjusted, res.meta["se_log_theta_adjusted"]), range(8)))
    assert {g[0] for g in got} == {expected}
    assert len({g[1] for g in got}) == 1 and got[0][1] is not None
