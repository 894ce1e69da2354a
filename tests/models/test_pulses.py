"""Outlier pulses in the count regression: the shared rule, masking, additive outliers."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from analysis.changepoint.pulses import find_pulses, pulse_penalty
from analysis.errors import AnalysisWarning
from analysis.models import fit_count_model, step


def december_spikes(seed=0, n=144, theta=20.0):
    """Monthly counts with no seasonality, a step, and two one-month mass listings in December."""
    rng = np.random.default_rng(seed)
    idx = pd.period_range("2012-01", periods=n, freq="M")
    t = np.arange(n)
    mu = 6.0 * np.exp(0.4 * (t >= 96))
    y = rng.poisson(rng.gamma(theta, mu / theta)).astype(float)
    spikes = [pd.Period("2015-12", "M"), pd.Period("2018-12", "M")]
    for p in spikes:
        y[idx.get_loc(p)] += 45
    return pd.Series(y, index=idx), idx[96], spikes


def test_plain_call_is_the_glm_and_warns_about_outliers():
    y, at, spikes = december_spikes()
    with pytest.warns(AnalysisWarning, match="one-period outlier"):
        res = fit_count_model(y, interventions={"law": step(at)})
    assert res.pulses == [] and res.meta["options"]["pulses"] == "none"
    # the month-12 effect absorbs part of the spikes (masking), but the rule still flags outliers
    assert set(res.meta["pulses"]["detected_not_modelled"]) & {str(p) for p in spikes}
    assert any("pulses='auto'" in w for w in res.meta["warnings"])


def test_auto_finds_the_outliers_and_month_effects_do_not_absorb_them():
    y, at, spikes = december_spikes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        plain = fit_count_model(y, interventions={"law": step(at)})
    res = fit_count_model(y, interventions={"law": step(at)}, pulses="auto")
    assert set(spikes) <= set(res.pulses)
    # the December effect was inflated by the spikes; with them as outliers it is near zero
    assert plain.params["month_12"] > 0.5
    assert abs(res.params["month_12"]) < 0.35
    # the fitted December means of the other years track the data
    other = [p for p in y.index if p.month == 12 and p not in spikes]
    err_plain = np.mean(np.abs(plain.fitted[other] - y[other]))
    err_auto = np.mean(np.abs(res.fitted[other] - y[other]))
    assert err_auto < err_plain
    # the rule is the shared one: at the final fit no period outside the set exceeds 3 log n from the
    # pulse-free mean (the pulse periods' own fitted means equal their counts)
    assert res.meta["pulses"]["rule"].endswith(f"{pulse_penalty(len(y)):.2f}")
    free = res.fitted.copy()
    for p in res.pulses:
        free[p] = res.fitted[p] / np.exp(res.params[f"pulse_{p}"])
    flagged = set(res.fitted.index[find_pulses(y.to_numpy(), free.to_numpy(), res.theta)])
    assert flagged == set(res.pulses)
    # an explicit list gives the same fit
    given = fit_count_model(y, interventions={"law": step(at)}, pulses=res.pulses)
    np.testing.assert_allclose(given.params, res.params, rtol=1e-8)
    assert given.meta["options"]["pulses"] == [str(p) for p in sorted(res.pulses)]


def test_counterfactual_keeps_the_outliers_and_removes_the_law():
    y, at, spikes = december_spikes(seed=1)
    res = fit_count_model(y, interventions={"law": step(at)}, pulses="auto")
    cf = res.counterfactual(n_sim=200, rng=0)
    assert cf.removed == ("law",)
    assert res.interventions == ["law"] and all(n.startswith("pulse_") for n in res.spec.pulses)
    assert res.to_frame().set_index("term").loc[f"pulse_{spikes[0]}", "kind"] == "outlier"


def test_outlier_lags_carry_the_pulse_free_mean():
    rng = np.random.default_rng(5)
    n = 120
    idx = pd.period_range("2010-01", periods=n, freq="M")
    y = np.zeros(n)
    y[0] = 10
    for t in range(1, n):
        y[t] = rng.poisson(np.exp(1.2 + 0.5 * np.log1p(y[t - 1])))
    spike = 60
    y[spike] += 120
    s = pd.Series(y, index=idx)
    res = fit_count_model(s, family="negbin", trend=None, seasonality=None, ar=1, pulses="auto")
    assert idx[spike] in res.pulses
    clean = res.meta["clean_lags"][str(idx[spike])]
    assert clean < 40                               # the regime level, not the 120-plus count
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        plain = fit_count_model(s, family="negbin", trend=None, seasonality=None, ar=1)
    nxt = idx[spike + 1]
    assert abs(res.fitted[nxt] - y[spike + 1]) < abs(plain.fitted[nxt] - y[spike + 1])
    # the lag column of the following month holds log(1 + clean value)
    pred = res.predict(n_sim=100, rng=0)
    assert pred.loc[nxt, "mean"] == pytest.approx(res.fitted[nxt])


def test_zero_count_outliers_get_no_term():
    rng = np.random.default_rng(2)
    idx = pd.period_range("2010-01", periods=96, freq="M")
    y = rng.poisson(60, 96).astype(float)
    y[40] = 0
    res = fit_count_model(pd.Series(y, index=idx), family="poisson", trend=None, seasonality=None, pulses="auto")
    assert idx[40] not in res.pulses
    assert str(idx[40]) in res.meta["pulses"].get("zero_count_outliers", [])
