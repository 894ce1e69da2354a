"""Log-linear INGARCH(1,1): the fit against its exact likelihood maximised by a second optimiser.

No published ``tscount`` output for a log-linear INGARCH(1,1) with these initial values
was available, so the reference is the conditional likelihood written out here as a plain
loop (``nu_1 = log(1 + y_1)``, periods 2..n), maximised by scipy's BFGS with numerical
gradients from a perturbed start, restarted until it stops moving — an implementation that
shares no code with the toolkit's filter-based Newton iterations.
"""
from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, special

from analysis.errors import ModelError
from analysis.models import fit_ingarch, step


def simulate(n=240, *, const=0.5, b=0.35, a=0.35, gamma=0.4, at=150, theta=None, seed=0, trend=0.0):
    rng = np.random.default_rng(seed)
    idx = pd.period_range("2004-01", periods=n, freq="M")
    y = np.zeros(n)
    y[0] = 4
    nu = math.log1p(y[0])
    for t in range(1, n):
        nu = const + trend * (t - 1) / 12 + gamma * (t >= at) + b * math.log1p(y[t - 1]) + a * nu
        mu = math.exp(nu)
        y[t] = rng.poisson(mu) if theta is None else rng.poisson(rng.gamma(theta, mu / theta))
    return pd.Series(y, index=idx), idx[at]


def loop_nll(par, y, X, theta_free):
    """Negative conditional log-likelihood by a plain loop; par = [beta..., b, a, (log theta)]."""
    k = X.shape[1]
    beta, b, a = par[:k], par[k], par[k + 1]
    if not (abs(a) < 1 and abs(b) < 1 and abs(a + b) < 1):
        return 1e12
    theta = math.exp(par[k + 2]) if theta_free else None
    nu_prev = math.log1p(y[0])
    total = 0.0
    for t in range(1, len(y)):
        nu = float(X[t - 1] @ beta) + b * math.log1p(y[t - 1]) + a * nu_prev
        mu = math.exp(nu)
        if theta is None:
            total += y[t] * nu - mu - special.gammaln(y[t] + 1)
        else:
            total += (special.gammaln(y[t] + theta) - special.gammaln(theta) - special.gammaln(y[t] + 1)
                      + theta * math.log(theta) + y[t] * nu - (theta + y[t]) * math.log(theta + mu))
        nu_prev = nu
    return -total


def second_optimiser(y, X, start, theta_free):
    x = np.asarray(start, float)
    res = None
    for _ in range(6):
        res = optimize.minimize(loop_nll, x, args=(y, X, theta_free), method="BFGS", options={"gtol": 1e-9})
        if np.max(np.abs(res.x - x)) < 1e-10:
            break
        x = res.x
    return res


@pytest.mark.parametrize("family", ["poisson", "negbin"])
def test_ingarch_equals_its_exact_likelihood_maximised_by_a_second_optimiser(family):
    y, at = simulate(n=200, theta=8.0 if family == "negbin" else None, seed=3, trend=0.05)
    res = fit_ingarch(y, family=family, seasonality=None, interventions={"law": step(at)})
    assert list(res.params.index) == ["const", "trend", "law", "ingarch_b", "ingarch_a"]
    t = np.arange(1, len(y))
    X = np.column_stack([np.ones(len(t)), (t - 1) / 12, (t >= 150).astype(float)])
    start = np.concatenate([res.params.to_numpy() * 0.9, [np.log(res.theta)] if family == "negbin" else []])
    ref = second_optimiser(y.to_numpy(float), X, start, family == "negbin")
    np.testing.assert_allclose(-ref.fun, res.llf, rtol=1e-9)
    np.testing.assert_allclose(res.params.to_numpy(), ref.x[:5], rtol=2e-5, atol=2e-6)
    if family == "negbin":
        np.testing.assert_allclose(res.theta, math.exp(ref.x[5]), rtol=1e-4)
    assert res.nobs == len(y) - 1 and res.fitted.index[0] == y.index[1]


def test_standard_errors_are_the_inverse_conditional_information():
    y, at = simulate(seed=4)
    res = fit_ingarch(y, family="poisson", trend=None, seasonality=None, interventions={"law": step(at)})
    t = np.arange(1, len(y))
    X = np.column_stack([np.ones(len(t)), (t >= 150).astype(float)])
    # observed information of the loop likelihood by central differences; for Poisson the expected and
    # observed information agree in expectation, so the two SE sets agree to a few per cent
    p = res.params.to_numpy()
    h = 1e-4
    H = np.zeros((4, 4))
    for i in range(4):
        for j in range(4):
            e_i, e_j = np.eye(4)[i] * h, np.eye(4)[j] * h
            H[i, j] = (loop_nll(p + e_i + e_j, y.to_numpy(float), X, False) - loop_nll(p + e_i - e_j, y.to_numpy(float), X, False)
                       - loop_nll(p - e_i + e_j, y.to_numpy(float), X, False) + loop_nll(p - e_i - e_j, y.to_numpy(float), X, False)) / (4 * h * h)
    se_obs = np.sqrt(np.diag(np.linalg.inv(H)))
    np.testing.assert_allclose(res.bse.to_numpy(), se_obs, rtol=0.15)


def test_long_run_effect_and_its_delta_method_interval():
    y, at = simulate(seed=5, b=0.3, a=0.3, gamma=0.3)
    res = fit_ingarch(y, family="poisson", trend=None, seasonality=None, interventions={"law": step(at)}, n_boot=0)
    lr = res.long_run(method="delta")
    assert lr.at["law", "upper"] - lr.at["law", "long_run"] == pytest.approx(
        lr.at["law", "long_run"] - lr.at["law", "lower"])
    rho = res.params["ingarch_a"] + res.params["ingarch_b"]
    assert lr.at["law", "status"] == ""
    assert lr.at["law", "long_run"] == pytest.approx(res.params["law"] / (1 - rho))
    # delta-method standard error against a finite-difference gradient of g = gamma / (1 - a - b)
    names = list(res.params.index)
    p = res.params.to_numpy()

    def g(v):
        return v[names.index("law")] / (1 - v[names.index("ingarch_a")] - v[names.index("ingarch_b")])

    grad = np.array([(g(p + e) - g(p - e)) / 2e-7 for e in np.eye(len(p)) * 1e-7])
    se = float(np.sqrt(grad @ res.cov_params.to_numpy() @ grad))
    assert lr.at["law", "se"] == pytest.approx(se, rel=1e-5)
    assert lr.at["law", "rr_lower"] < lr.at["law", "rate_ratio"] < lr.at["law", "rr_upper"]
    pers = res.persistence()
    assert pers.stationary and not pers.near_unit_root and pers.lower < rho < pers.upper


@pytest.mark.parametrize(("family", "seed", "b", "a"), [("poisson", 5, 0.3, 0.3), ("negbin", 8, 0.45, 0.4)])
def test_long_run_fieller_interval_inverts_the_wald_test_of_the_linear_hypothesis(family, seed, b, a):
    # Fieller's interval is {L : gamma - L (1 - a - b) = 0 is not rejected}; check each end by the Wald test of
    # that linear hypothesis, written from the full covariance matrix (a contrast vector), and check that
    # values just inside and just outside are (not) rejected
    y, at = simulate(seed=seed, b=b, a=a, gamma=0.3, theta=None if family == "poisson" else 10.0)
    res = fit_ingarch(y, family=family, trend=None, seasonality=None, interventions={"law": step(at)}, n_boot=0)
    lr = res.long_run()
    assert lr.at["law", "status"] == ""
    names = list(res.params.index)
    p, cov = res.params.to_numpy(), res.cov_params.to_numpy()
    q = 1.959963984540054 if family == "poisson" else float(__import__("scipy").stats.t.ppf(0.975, res.df_resid))

    def wald(L):
        c = np.zeros(len(p))
        c[names.index("law")] = 1.0
        c[names.index("ingarch_a")] = c[names.index("ingarch_b")] = L
        return float((c @ p - L) / np.sqrt(c @ cov @ c))

    lo, hi = lr.at["law", "lower"], lr.at["law", "upper"]
    assert wald(lo) == pytest.approx(q, rel=1e-9) and wald(hi) == pytest.approx(-q, rel=1e-9)
    assert abs(wald(lo + 1e-6)) < q < abs(wald(lo - 1e-6))
    assert abs(wald(hi - 1e-6)) < q < abs(wald(hi + 1e-6))
    # the point estimate is inside; the interval is longer on the far side of zero (the ratio's skew)
    est = lr.at["law", "long_run"]
    assert lo < est < hi and (hi - est) > (est - lo)
    assert lr.at["law", "rr_lower"] == pytest.approx(np.exp(lo)) and lr.at["law", "rr_upper"] == pytest.approx(np.exp(hi))
    delta = res.long_run(method="delta")
    assert delta.at["law", "long_run"] == est and delta.at["law", "se"] == lr.at["law", "se"]


def test_fieller_is_bounded_exactly_when_the_persistence_interval_stays_below_one():
    from analysis.models.dynamics import fieller_interval

    rng = np.random.default_rng(0)
    for _ in range(2000):
        g, d = rng.normal(0.3, 0.3), rng.uniform(0.01, 0.6)
        s_g, s_d, r = rng.uniform(0.02, 0.3), rng.uniform(0.01, 0.3), rng.uniform(-0.9, 0.9)
        q = 1.96
        out = fieller_interval(g, d, s_g ** 2, r * s_g * s_d, s_d ** 2, quantile=q)
        assert (out is not None) == (1 - d + q * s_d < 1)
        if out is not None:
            lo, hi = out
            assert lo <= g / d <= hi
            for L in (lo, hi):       # on the boundary the Wald statistic of g - L d equals q
                assert abs(g - L * d) / math.sqrt(s_g ** 2 - 2 * L * r * s_g * s_d + L * L * s_d ** 2) == \
                    pytest.approx(q, rel=1e-7)
    with pytest.raises(ModelError, match="method must be"):
        fit_ingarch(simulate(seed=5)[0], family="poisson", seasonality=None, n_boot=0).long_run(method="profile")


def test_near_unit_root_refuses_the_long_run_with_the_reason():
    y, at = simulate(n=80, seed=6, b=0.6, a=0.395, const=0.02, gamma=0.02, at=50)
    res = fit_ingarch(y, family="poisson", trend=None, seasonality=None, interventions={"law": step(at)}, n_boot=19)
    pers = res.persistence()
    assert pers.near_unit_root and pers.reason
    lr = res.long_run()
    assert "unit root" in lr.at["law", "status"] or "stationary" in lr.at["law", "status"]
    assert np.isnan(lr.at["law", "rate_ratio"])
    assert "Persistence" in res.summary()


def test_counterfactual_results_api_and_informative_flag():
    y, at = simulate(seed=7, theta=10.0)
    res = fit_ingarch(y, seasonality=None, interventions={"law": step(at)}, n_boot=19)
    cf = res.counterfactual(n_sim=300, rng=3)
    assert cf.start == at and cf.meta["seed"] == 3 and cf.meta["package_version"]
    tot, lo, hi = cf.total_excess
    assert lo < tot < hi
    assert cf.informative == (hi - lo <= cf.frame.loc[at:, "observed"].sum())
    json.dumps(cf.to_dict())
    json.dumps(res.to_dict())
    assert res.kind == "ingarch" and res.meta["options"]["model"].startswith("INGARCH")
    pred = res.predict(n_sim=200, rng=1)
    assert (pred["lower"].iloc[1:] <= pred["upper"].iloc[1:]).all()
    with pytest.raises(ModelError, match="forecasts"):
        res.predict(horizon=3)


def test_outlier_pulse_enters_externally_and_does_not_propagate():
    y, at = simulate(seed=8, b=0.4, a=0.4, const=0.4, gamma=0.0, at=120)
    y = y.copy()
    spike = y.index[60]
    y[spike] = y[spike] + 80
    res = fit_ingarch(y, family="negbin", trend=None, seasonality=None, pulses="auto")
    assert spike in res.pulses
    nxt = y.index[61]
    plain = fit_ingarch(y, family="negbin", trend=None, seasonality=None)
    # without the pulse term the spike drives the next month's mean up through both lags
    assert res.fitted[nxt] < plain.fitted[nxt]
    assert abs(res.fitted[nxt] - y.iloc[62:80].mean()) < abs(plain.fitted[nxt] - y.iloc[62:80].mean())


def test_bootstrap_t_intervals_are_seeded_at_construction_and_match_their_pvalues():
    y, at = simulate(n=160, seed=9, theta=10.0)
    res = fit_ingarch(y, seasonality=None, interventions={"law": step(at)}, n_boot=39, rng=5)
    assert res.meta["seed"] == 5 and res.meta["options"]["n_boot"] == 39
    meta_before = dict(res.meta)
    ci = res.conf_int()
    wald = res.conf_int(method="adjusted")
    assert not np.allclose(ci.loc["law"], wald.loc["law"])
    np.testing.assert_allclose(ci.drop(index="law"), wald.drop(index="law"))
    assert res.meta == meta_before                     # the bootstrap does not change meta
    # the equal-tailed bootstrap p-value and the interval agree about zero
    p = res.pvalues_adjusted["law"]
    assert (p < 0.05) == (ci.at["law", "lower"] > 0 or ci.at["law", "upper"] < 0)
    again = fit_ingarch(y, seasonality=None, interventions={"law": step(at)}, n_boot=39, rng=5)
    np.testing.assert_allclose(again.conf_int().loc["law"], ci.loc["law"])
    assert len(res.bootstrap()) >= 30
    no_boot = fit_ingarch(y, seasonality=None, interventions={"law": step(at)}, n_boot=0)
    np.testing.assert_allclose(no_boot.conf_int(), wald)
