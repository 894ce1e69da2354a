"""The report's calls into the model layer: tidy records, refusals become messages."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.report import analyses as A


def _planted(n=60, at=30, lo=2.0, hi=12.0, seed=3):
    rng = np.random.default_rng(seed)
    lam = np.where(np.arange(n) < at, lo, hi)
    return pd.Series(rng.poisson(lam).astype(float), index=pd.period_range("2018-01", periods=n, freq="M"))


def test_planted_break_is_found_with_a_period_interval():
    y = _planted()
    bf = A.detect_breaks("x", y, cost="negbin", method="pelt", penalty="mbic", min_size=3, alpha=0.05,
                         draws=19, seed=1)
    assert bf.message == ""
    assert [str(b) for b in bf.breaks] == [str(y.index[30])]
    lo, hi = bf.intervals[0]
    assert isinstance(lo, pd.Period) and lo <= bf.breaks[0] <= hi


def test_effect_of_a_planted_step():
    y = _planted(lo=3.0, hi=9.0, n=72, at=36)
    mf = A.fit_model("x", y, family="negbin", trend=None, seasonality=None,
                     interventions=[("law", str(y.index[36].start_time.date()), "step", 0)], exog=None, ar=0,
                     alpha=0.05, n_sim=50, seed=1)
    assert mf.message == "" and len(mf.effects) == 1
    e = mf.effects[0]
    assert e.lower < 3.0 < e.upper  # true rate ratio 3
    assert e.pvalue < 0.001
    assert e.excess is not None and e.excess > 0


def test_effect_pvalue_is_the_models_adjusted_pvalue():
    y = _planted(lo=3.0, hi=5.0, n=72, at=36, seed=8)
    mf = A.fit_model("x", y, family="negbin", trend="linear", seasonality=None,
                     interventions=[("law", str(y.index[36].start_time.date()), "step", 0)], exog=None, ar=0,
                     alpha=0.05, n_sim=50, seed=1)
    (e,) = mf.effects
    assert e.pvalue == mf.result.pvalues_adjusted["law"]
    # an independent check: t statistic on the Cox-Reid standard error, df_resid degrees of freedom
    from scipy import stats

    t = mf.result.params["law"] / mf.result.bse_adjusted["law"]
    assert e.pvalue == pytest.approx(2 * stats.t.sf(abs(t), mf.result.df_resid), rel=1e-12)
    # the interval excludes 1 exactly when p < 0.05
    assert (e.lower > 1 or e.upper < 1) == (e.pvalue < 0.05)


def test_ar_model_effect_and_recursive_excess():
    # AR(1) count process on the log scale with a planted step of log(2) at month 60
    rng = np.random.default_rng(1)
    n, at, phi, gamma = 120, 60, 0.5, np.log(2.0)
    y = np.zeros(n)
    for t in range(n):
        lag = np.log1p(y[t - 1]) if t else np.log1p(4.0)
        y[t] = rng.poisson(np.exp(0.8 + phi * lag + gamma * (t >= at)))
    s = pd.Series(y, index=pd.period_range("2015-01", periods=n, freq="M"))
    mf = A.fit_model("x", s, family="poisson", trend=None, seasonality=None,
                     interventions=[("law", "2020-01-01", "step", 0)], exog=None, ar=1, alpha=0.05,
                     n_sim=200, seed=3)
    assert mf.message == "" and mf.result.spec.ar == 1
    (e,) = mf.effects
    assert e.lower < 2.0 < e.upper                    # immediate multiplier exp(gamma) = 2
    cf = mf.result.counterfactual(["law"], alpha=0.05, n_sim=200, rng=3)
    assert (e.excess, e.excess_lower, e.excess_upper) == cf.total_excess
    # the recursive excess carries the step through the lag: larger than the immediate effect alone
    fitted = mf.result.fitted.loc[s.index[at]:]
    immediate_only = float((fitted - fitted / e.rate_ratio).sum())
    assert e.excess > immediate_only


def test_refusal_becomes_a_message():
    idx = pd.period_range("2022", periods=3, freq="Y")
    y = pd.Series([14.0, 59.0, 82.0], index=idx)
    mf = A.fit_model("207.3", y, family="negbin", trend="linear", seasonality=None,
                     interventions=[("law", "2023-01-01", "step", 0)], exog=None, ar=0, alpha=0.05)
    assert mf.result is None and mf.message


def test_bayesian_posterior_peaks_at_the_planted_break():
    y = _planted()
    bayes = A.bayes_breaks("x", y, max_breaks=1)
    assert bayes.break_probability.idxmax() == y.index[30]
    assert bayes.n_breaks_mode == 1


def test_bad_intervention_date_becomes_a_message():
    y = _planted()
    mf = A.fit_model("x", y, family="negbin", trend=None, seasonality=None,
                     interventions=[("law", "not a date", "step", 0)], exog=None, ar=0, alpha=0.05)
    assert mf.result is None and mf.message
