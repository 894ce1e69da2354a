"""fit_count_model: agreement with independent fits, the exact partial-period mean, errors."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import optimize, special

from analysis.errors import ModelError
from analysis.models import TestResult, fit_count_model, pulse, ramp, step, steps_from_breaks


def simulate(n=96, *, start="2012-01", gamma=0.5, step_at=48, theta=None, seed=0, base=10.0):
    rng = np.random.default_rng(seed)
    idx = pd.period_range(start, periods=n, freq="M")
    t = np.arange(n)
    mu = base * np.exp(0.05 * t / 12 + 0.3 * np.cos(2 * np.pi * t / 12) + gamma * (t >= step_at))
    y = rng.poisson(mu) if theta is None else rng.poisson(rng.gamma(theta, mu / theta))
    return pd.Series(y, index=idx), idx[step_at]


# ------------------------------------------------------------------ independent implementations

def test_whole_period_steps_reduce_to_statsmodels_glm():
    y, at = simulate(seed=1)
    res = fit_count_model(y, family="poisson", interventions={"law": step(at)})
    X = pd.DataFrame({"const": 1.0, "trend": np.arange(len(y)) / 12}, index=y.index)
    for m in range(2, 13):
        X[f"month_{m:02d}"] = (y.index.month == m).astype(float)
    X["law"] = (y.index >= at).astype(float)
    ref = sm.GLM(y.to_numpy(), X.to_numpy(), family=sm.families.Poisson()).fit(tol=1e-13)
    np.testing.assert_allclose(res.params[X.columns], ref.params, rtol=1e-7)
    np.testing.assert_allclose(res.bse[X.columns], ref.bse, rtol=1e-6)
    np.testing.assert_allclose(res.llf, ref.llf, rtol=1e-10)


def test_negbin_matches_statsmodels_discrete_mle():
    y, at = simulate(seed=2, theta=4.0)
    res = fit_count_model(y, family="negbin", seasonality=None, interventions={"law": step(at)})
    X = np.column_stack([np.ones(len(y)), np.arange(len(y)) / 12, (y.index >= at).astype(float)])
    ref = sm.NegativeBinomial(y.to_numpy(), X, loglike_method="nb2").fit(disp=0, method="newton", maxiter=200,
                                                                          tol=1e-12)
    np.testing.assert_allclose(res.params.to_numpy(), ref.params[:3], rtol=1e-5)
    np.testing.assert_allclose(res.alpha, ref.params[3], rtol=1e-4)
    np.testing.assert_allclose(res.llf, ref.llf, rtol=1e-9)
    assert res.theta == pytest.approx(1 / res.alpha)


def _direct_nll(par, y, X, f, theta):
    beta, gamma = par[:-1], par[-1]
    mu = np.exp(X @ beta) * ((1 - f) + f * np.exp(gamma))
    return -np.sum(special.gammaln(y + theta) - special.gammaln(theta) + theta * np.log(theta)
                   + y * np.log(mu) - (y + theta) * np.log(theta + mu))


def test_fractional_step_is_the_exact_aggregated_mean():
    # annual counts; the law covers 306/365 of 2015 (in force 1 March 2015)
    rng = np.random.default_rng(3)
    idx = pd.period_range("2005", "2024", freq="Y")
    f = np.where(idx.year < 2015, 0.0, np.where(idx.year == 2015, 306 / 365, 1.0))
    t = np.arange(len(idx), dtype=float)
    mu = 80 * np.exp(0.02 * t) * ((1 - f) + f * np.exp(0.6))
    y = pd.Series(rng.poisson(rng.gamma(50, mu / 50)), index=idx)
    res = fit_count_model(y, family="negbin", interventions={"law": step("2015-03-01")})
    X = np.column_stack([np.ones(len(y)), t])
    # independent: general-purpose optimiser on the direct likelihood at the fitted theta
    # (gradient by the chain rule on the direct mean; restarted until it stops moving)
    def grad(par, y, X, f, theta):
        beta, gamma = par[:-1], par[-1]
        m = (1 - f) + f * np.exp(gamma)
        mu = np.exp(X @ beta) * m
        r = (y - mu) * theta / (theta + mu)
        return -np.concatenate([X.T @ r, [np.sum(r * f * np.exp(gamma) / m)]])

    x0 = np.zeros(3) + [np.log(y.mean()), 0, 0]
    for _ in range(3):
        opt = optimize.minimize(_direct_nll, x0, jac=grad, args=(y.to_numpy(float), X, f, res.theta),
                                method="BFGS", options={"gtol": 1e-10})
        x0 = opt.x
    np.testing.assert_allclose(res.params.to_numpy(), opt.x, rtol=1e-5, atol=1e-7)
    # the log-linear shortcut (f as a covariate) is a different model and gives another answer
    shortcut = sm.GLM(y.to_numpy(), np.column_stack([X, f]), family=sm.families.Poisson()).fit()
    assert abs(shortcut.params[2] - res.params["law"]) > 1e-4
    assert any("share of the period" in n for n in res.meta["notes"])


def test_gradient_of_log_mean_matches_finite_differences():
    from analysis.models.likelihood import Problem, mean_and_derivative
    rng = np.random.default_rng(4)
    n = 10
    w = np.zeros((n, 3))
    w[:, 0] = 1.0
    w[4] = [0.2, 0.5, 0.3]
    act = np.zeros((n, 3, 2))
    act[5:, 0, :] = 1
    act[4, 1, 0] = 1
    act[4, 2, :] = 1
    prob = Problem(np.ones(n), rng.normal(size=(n, 2)), w, act, np.zeros(n))
    p = np.array([0.1, -0.2, 0.7, -0.4])
    eta, d = mean_and_derivative(prob, p)
    num = np.column_stack([(mean_and_derivative(prob, p + h)[0] - mean_and_derivative(prob, p - h)[0]) / 2e-6
                           for h in np.eye(4) * 1e-6])
    np.testing.assert_allclose(d, num, rtol=1e-6, atol=1e-9)
    assert eta[4] == pytest.approx(prob.X[4] @ p[:2] + np.log(0.2 + 0.5 * np.exp(0.7) + 0.3 * np.exp(0.3)))
    from analysis.models.likelihood import log_mean
    np.testing.assert_array_equal(log_mean(prob, p), eta)
    glm = Problem(np.ones(n), rng.normal(size=(n, 2)), w[:, :1], act[:, :1, :], np.zeros(n))
    np.testing.assert_array_equal(log_mean(glm, p), mean_and_derivative(glm, p)[0])
    # many parameter vectors at once: the period-by-period sum of exp written out for period 4
    from analysis.models.likelihood import log_means
    draws = p + rng.normal(scale=0.3, size=(7, 4))
    for pr in (prob, glm):
        np.testing.assert_allclose(log_means(pr, draws), np.array([log_mean(pr, q) for q in draws]), rtol=1e-13,
                                   atol=1e-13)
    direct = [d[:2] @ prob.X[4] + np.log(0.2 + 0.5 * np.exp(d[2]) + 0.3 * np.exp(d[2] + d[3])) for d in draws]
    np.testing.assert_allclose(log_means(prob, draws)[:, 4], direct, rtol=1e-13)


def test_effect_is_recovered_and_counterfactual_removes_it():
    y, at = simulate(seed=5, gamma=0.7)
    res = fit_count_model(y, family="poisson", interventions={"law": step(at)})
    lo, hi = res.conf_int().loc["law"]
    assert lo < 0.7 < hi
    cf = res.counterfactual(rng=1, n_sim=500)
    fr = cf.frame
    after = fr.index >= at
    np.testing.assert_allclose(fr.loc[after, "counterfactual"], fr.loc[after, "fitted"] / np.exp(res.params["law"]))
    assert fr.loc[~after, "excess"].isna().all()
    np.testing.assert_allclose(fr["cum_excess"].iloc[-1], (fr.loc[after, "observed"] - fr.loc[after, "counterfactual"]).sum())
    tot, lo, hi = cf.total_excess
    assert lo < tot < hi and lo > 0
    assert cf.start == at
    assert "excess" in cf.summary()


def test_ramp_and_pulse_effects_are_recovered():
    rng = np.random.default_rng(6)
    idx = pd.period_range("2010-01", periods=120, freq="M")
    t = np.arange(120)
    mu = 20 * np.exp(0.3 * np.maximum(0, t - 60) / 12 + 1.0 * (t == 30))
    y = pd.Series(rng.poisson(mu), index=idx)
    res = fit_count_model(y, family="poisson", seasonality=None,
                          interventions={"slope": ramp(idx[60]), "spike": pulse(idx[30])})
    ci = res.conf_int(0.001)
    assert ci.loc["slope", "lower"] < 0.3 < ci.loc["slope", "upper"]
    assert ci.loc["spike", "lower"] < 1.0 < ci.loc["spike", "upper"]
    frame = res.to_frame()
    assert frame.set_index("term").loc[["slope", "spike"], "kind"].tolist() == ["ramp", "pulse"]


# ------------------------------------------------------------------ result object

def test_result_api():
    y, at = simulate(seed=7, theta=5.0)
    fridays = pd.Series([sum(1 for d in pd.date_range(p.start_time, p.end_time.normalize()) if d.weekday() == 4)
                         for p in y.index], index=y.index, name="fridays")
    res = fit_count_model(y, interventions={"law": step(at)}, exog=fridays, seasonality="fourier",
                          fourier_order=2)
    assert list(res.params.index) == ["const", "trend", "sin_1", "cos_1", "sin_2", "cos_2", "fridays", "law"]
    assert res.theta > 0 and res.alpha == pytest.approx(1 / res.theta)
    assert res.aic == pytest.approx(-2 * res.llf + 2 * 9)
    assert res.bic == pytest.approx(-2 * res.llf + np.log(96) * 9)
    rr = res.rate_ratios()
    np.testing.assert_allclose(rr["rate_ratio"], np.exp(res.params))
    assert (rr["lower"] < rr["rate_ratio"]).all() and (rr["rate_ratio"] < rr["upper"]).all()
    ci90, ci95 = res.conf_int(0.10), res.conf_int(0.05)
    assert (ci95["lower"] < ci90["lower"]).all()
    assert set(res.to_frame().columns) >= {"term", "coef", "se", "pvalue", "rate_ratio", "rr_lower", "rr_upper"}
    text = res.summary()
    for word in ("law", "theta", "Cameron-Trivedi", "Ljung-Box"):
        assert word in text
    assert "<table>" in res._repr_html_()
    json.dumps(res.to_dict())
    assert res.meta["options"]["family"] == "negbin" and len(res.meta["input_sha256"]) == 64
    for d in res.diagnostics.values():
        assert isinstance(d, TestResult) and 0 <= d.pvalue <= 1 and d.null
    np.testing.assert_allclose(res.tvalues, res.params / res.bse)
    assert 0 < res.pvalues["law"] < 1
    # forecasts need the future exogenous values
    with pytest.raises(ModelError, match="exog"):
        res.predict(horizon=3)
    fut = pd.Series([4, 5, 4], index=pd.period_range(y.index[-1] + 1, periods=3, freq="M"), name="fridays")
    pred = res.predict(horizon=3, exog=fut, rng=0, n_sim=400)
    assert len(pred) == 99 and pred["observed"].iloc[-3:].isna().all()
    np.testing.assert_allclose(pred["mean"].iloc[:96], res.fitted)
    assert (pred["lower"] <= pred["mean"]).all() and (pred["mean"] <= pred["upper"]).all()
    assert (pred["mean_lower"] <= pred["mean"]).all()


def test_summary_warns_when_steps_come_from_breaks():
    y, at = simulate(seed=8)
    res = fit_count_model(y, family="poisson", interventions=steps_from_breaks([at]))
    assert "break_1" in res.params.index
    assert "estimated from the same data" in res.summary()
    assert res.meta["warnings"]


def test_ar_model_simulates_counterfactual_recursively():
    rng = np.random.default_rng(9)
    n = 150
    idx = pd.period_range("2008-01", periods=n, freq="M")
    y = np.zeros(n)
    y[0] = 10
    for t in range(1, n):
        y[t] = rng.poisson(np.exp(1.0 + 0.5 * np.log1p(y[t - 1]) + 0.5 * (t >= 75)))
    s = pd.Series(y, index=idx)
    res = fit_count_model(s, family="poisson", trend=None, seasonality=None, ar=1,
                          interventions={"law": step(idx[75])})
    assert res.nobs == n - 1 and "ar_1" in res.params.index
    ci = res.conf_int(0.01)
    assert ci.loc["ar_1", "lower"] < 0.5 < ci.loc["ar_1", "upper"]
    cf = res.counterfactual(rng=0, n_sim=500)
    # the long-run effect of the step includes the feedback through the lag
    ratio = (cf.frame["fitted"].iloc[-40:] / cf.frame["counterfactual"].iloc[-40:]).mean()
    assert ratio > np.exp(res.params["law"]) * 1.05
    pred = res.predict(horizon=6, rng=0, n_sim=400)
    assert pred["mean"].iloc[-6:].notna().all() and pred["mean"].iloc[0:1].isna().all()


def test_overdispersion_and_autocorrelation_diagnostics():
    y, at = simulate(seed=10)
    pois = fit_count_model(y, family="poisson", interventions={"law": step(at)})
    yn, _ = simulate(seed=10, theta=2.0)
    nb = fit_count_model(yn, family="negbin", interventions={"law": step(at)})
    assert pois.diagnostics["overdispersion"].pvalue > 0.01
    assert nb.diagnostics["overdispersion"].pvalue < 1e-4
    assert nb.diagnostics["overdispersion_lr"].pvalue < 1e-4
    # Cameron-Trivedi against an OLS fit of the auxiliary regression
    mu = pois.fitted.to_numpy()
    z = ((y.to_numpy() - mu) ** 2 - y.to_numpy()) / mu
    ols = sm.OLS(z, mu).fit()
    assert pois.diagnostics["overdispersion"].stat == pytest.approx(ols.tvalues[0], rel=1e-10)
    # Ljung-Box against statsmodels
    from statsmodels.stats.diagnostic import acorr_ljungbox
    r = (y.to_numpy() - mu) / np.sqrt(mu)
    lb = acorr_ljungbox(r, lags=[12])
    assert pois.diagnostics["ljung_box"].stat == pytest.approx(float(lb["lb_stat"].iloc[0]), rel=1e-10)
    assert pois.diagnostics["ljung_box"].df == 12


# ------------------------------------------------------------------ errors

def _months(vals):
    return pd.Series(vals, index=pd.period_range("2015-01", periods=len(vals), freq="M"))


@pytest.mark.parametrize("vals, match", [
    ([1, 2, -1, 4, 5, 6, 7, 8, 9, 10], "negative"),
    ([1, 2, 2.5, 4, 5, 6, 7, 8, 9, 10], "non-integer"),
    ([1, 2, np.nan, 4, 5, 6, 7, 8, 9, 10], "missing"),
    ([0] * 12, "zero"),
])
def test_bad_counts(vals, match):
    with pytest.raises(ModelError, match=match):
        fit_count_model(_months(vals), seasonality=None)


def test_bad_index_and_options():
    with pytest.raises(ModelError, match="PeriodIndex"):
        fit_count_model(pd.Series(range(20)))
    y = _months(list(range(1, 21)))
    with pytest.raises(ModelError, match="regular"):
        fit_count_model(y.drop(y.index[5]), seasonality=None)
    with pytest.raises(ModelError, match="family"):
        fit_count_model(y, family="gaussian")
    with pytest.raises(ModelError, match="ar"):
        fit_count_model(y, ar=-1)


def test_too_short_series_are_refused_with_advice():
    y = pd.Series([12, 30, 41], index=pd.period_range("2022", periods=3, freq="Y"))
    with pytest.raises(ModelError, match="too short to model.*Describe"):
        fit_count_model(y)
    with pytest.raises(ModelError, match="too short"):
        fit_count_model(_months(list(range(1, 15))))  # 14 months, 13 parameters with month dummies


def test_collinear_designs_are_refused():
    y, at = simulate(seed=11)
    with pytest.raises(ModelError, match="collinear"):
        fit_count_model(y, interventions={"a": step(at), "b": step(at + 1)})
    dup = pd.DataFrame({"x1": np.arange(96.0), "x2": 2 * np.arange(96.0)}, index=y.index)
    with pytest.raises(ModelError, match="collinear"):
        fit_count_model(y, exog=dup)


def test_intervention_too_close_to_the_end():
    y, _ = simulate(seed=12)
    with pytest.raises(ModelError, match="at least 3 on each side"):
        fit_count_model(y, interventions={"late": step(y.index[-2])})


def test_interval_methods():
    from scipy import stats
    y, at = simulate(seed=13, theta=6.0)
    res = fit_count_model(y, interventions={"law": step(at)})
    wald = res.conf_int(0.05, method="wald")
    np.testing.assert_allclose(wald["upper"] - res.params, stats.norm.ppf(0.975) * res.bse)
    adj = res.conf_int(0.05)
    np.testing.assert_allclose(adj["upper"] - res.params, stats.t.ppf(0.975, 96 - 15) * res.bse_adjusted)
    assert res.df_resid == 96 - 15
    # the adjusted theta corrects the upward small-sample bias of the ML theta: smaller, wider intervals
    assert res.theta_adjusted < res.theta
    assert (res.bse_adjusted > res.bse).all()
    pois = fit_count_model(y, family="poisson", interventions={"law": step(at)})
    pd.testing.assert_frame_equal(pois.conf_int(), pois.conf_int(method="wald"))
    with pytest.raises(ModelError, match="method"):
        res.conf_int(method="profile")


def test_effect_on_all_zero_side_is_not_identified():
    rng = np.random.default_rng(14)
    idx = pd.period_range("2015-01", periods=48, freq="M")
    y = pd.Series(np.r_[np.zeros(24), rng.poisson(5, 24)], index=idx)
    with pytest.raises(ModelError, match="'law' is not identified"):
        fit_count_model(y, family="poisson", seasonality=None, interventions={"law": step(idx[24])})


def test_exposure_is_an_offset_like_glm():
    y, at = simulate(seed=15)
    days = pd.Series(y.index.days_in_month.to_numpy(float), index=y.index)
    res = fit_count_model(y, family="poisson", seasonality=None, exposure=days, interventions={"law": step(at)})
    X = np.column_stack([np.ones(len(y)), np.arange(len(y)) / 12, (y.index >= at).astype(float)])
    ref = sm.GLM(y.to_numpy(), X, family=sm.families.Poisson(), offset=np.log(days.to_numpy())).fit(tol=1e-13)
    np.testing.assert_allclose(res.params.to_numpy(), ref.params, rtol=1e-7)
    with pytest.raises(ModelError, match="exposure"):
        res.predict(horizon=2)
    fut = pd.Series([31.0, 28.0], index=pd.period_range(y.index[-1] + 1, periods=2, freq="M"))
    pred = res.predict(horizon=2, exposure=fut, rng=0, n_sim=200)
    assert pred["mean"].iloc[-1] == pytest.approx(
        np.exp(res.params["const"] + res.params["trend"] * 97 / 12 + res.params["law"]) * 28.0)
    with pytest.raises(ModelError, match="positive"):
        fit_count_model(y, exposure=days * 0)


def test_adjusted_pvalues_agree_with_adjusted_intervals():
    y, at = simulate(seed=16, theta=3.0, gamma=0.35)
    res = fit_count_model(y, interventions={"law": step(at)})
    for level in (0.05, 0.10, 0.20):
        ci = res.conf_int(level)
        excludes = (ci["lower"] > 0) | (ci["upper"] < 0)
        assert (excludes == (res.pvalues_adjusted < level)).all()
    frame = res.to_frame()
    np.testing.assert_allclose(frame["pvalue_adjusted"], res.pvalues_adjusted)
    assert "pvalue_adjusted" in res.summary()


def test_intervention_names_must_not_clash_with_design_terms():
    y, at = simulate(seed=17)
    with pytest.raises(ModelError, match="used twice"):
        fit_count_model(y, interventions={"trend": step(at)})
