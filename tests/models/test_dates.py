"""Dates without wrap-around, and one index rule.

The reference placement is computed with Python's ``datetime.date`` (proleptic Gregorian,
years 1-9999), independently of pandas and numpy datetimes; the reference fit is
statsmodels' GLM on a design built from that placement.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysis.models import fit_count_model, step, steps_from_breaks
from analysis.models.interventions import encode_interventions, period_bounds


def _month_fraction(year: int, month: int, start: dt.date) -> float:
    first = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    if start <= first:
        return 1.0
    if start >= nxt:
        return 0.0
    return (nxt - start).days / (nxt - first).days


def test_step_shares_from_1600_to_2400_match_calendar_arithmetic():
    idx = pd.period_range("1600-01", "2400-12", freq="M")
    starts = {"early": dt.date(1650, 3, 17), "leap": dt.date(2000, 2, 10), "late": dt.date(2300, 11, 5)}
    enc = encode_interventions(idx, {k: step(v) for k, v in starts.items()})
    for j, (name, d) in enumerate(starts.items()):
        ref = np.array([_month_fraction(p.year, p.month, d) for p in idx])
        np.testing.assert_allclose(enc.fraction[:, j], ref, rtol=0, atol=1e-15)
    lo, hi = period_bounds(idx)
    base = dt.date(1970, 1, 1)
    assert lo[0] == (dt.date(1600, 1, 1) - base).days and hi[-1] == (dt.date(2401, 1, 1) - base).days


def test_a_partial_month_step_in_1790_is_fitted_as_the_exact_aggregated_mean():
    from scipy import optimize

    rng = np.random.default_rng(11)
    idx = pd.period_range("1600-01", "2400-12", freq="M")
    n = len(idx)
    law = dt.date(1790, 7, 14)                    # covers 18 of the 31 days of July 1790
    f = np.array([_month_fraction(p.year, p.month, law) for p in idx])
    t = np.arange(n) / 12
    mu = np.exp(1.5 + 0.0005 * t) * ((1 - f) + f * np.exp(0.4))
    y = pd.Series(rng.poisson(mu), index=idx)
    res = fit_count_model(y, family="poisson", seasonality=None, interventions={"law": step(law)})
    assert res.converged
    yy = y.to_numpy(float)
    tc = t / 100.0                                   # trend per century keeps the optimiser well scaled

    def nll(par):
        m = np.exp(par[0] + par[1] * tc) * ((1 - f) + f * np.exp(par[2]))
        return -np.sum(yy * np.log(m) - m)

    def grad(par):
        m = np.exp(par[0] + par[1] * tc) * ((1 - f) + f * np.exp(par[2]))
        r = yy - m
        share = f * np.exp(par[2]) / ((1 - f) + f * np.exp(par[2]))
        return -np.array([r.sum(), (r * tc).sum(), (r * share).sum()])

    x = np.array([np.log(yy.mean()), 0.0, 0.1])
    for _ in range(6):
        x = optimize.minimize(nll, x, jac=grad, method="BFGS", options={"gtol": 1e-8}).x
    np.testing.assert_allclose(res.params.to_numpy(), [x[0], x[1] / 100.0, x[2]], rtol=1e-6, atol=1e-9)


def test_whole_month_design_over_800_years_equals_statsmodels():
    rng = np.random.default_rng(12)
    idx = pd.period_range("1600-01", "2400-12", freq="M")
    n = len(idx)
    t = np.arange(n) / 12
    f = np.array([_month_fraction(p.year, p.month, dt.date(1800, 1, 1)) for p in idx])
    g = np.array([_month_fraction(p.year, p.month, dt.date(2262, 5, 1)) for p in idx])  # beyond the ns range
    y = pd.Series(rng.poisson(np.exp(1.0 + 0.001 * t + 0.3 * f - 0.2 * g)), index=idx)
    res = fit_count_model(y, family="poisson", seasonality=None,
                          interventions={"a": step("1800-01-01"), "b": step("2262-05-01")})
    X = np.column_stack([np.ones(n), t, f, g])
    ref = sm.GLM(y.to_numpy(), X, family=sm.families.Poisson()).fit(tol=1e-13)
    np.testing.assert_allclose(res.params.to_numpy(), ref.params, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(res.llf, ref.llf, rtol=1e-12)


@pytest.mark.parametrize("kind", ["period", "month_start", "month_end"])
def test_period_and_datetime_indexes_give_the_same_fit(kind):
    rng = np.random.default_rng(3)
    per = pd.period_range("2015-01", periods=72, freq="M")
    y = rng.poisson(8 * np.exp(0.5 * (np.arange(72) >= 36)))
    index = {"period": per, "month_start": per.to_timestamp(how="start"),
             "month_end": per.to_timestamp(how="end").normalize()}[kind]
    ref = fit_count_model(pd.Series(y, index=per), interventions={"law": step("2018-01-15")})
    res = fit_count_model(pd.Series(y, index=index), interventions={"law": step("2018-01-15")})
    np.testing.assert_allclose(res.params, ref.params, rtol=1e-12)
    assert isinstance(res.fitted.index, pd.PeriodIndex)
    # a break read from a month-end timestamp is the whole month, as the month's Period
    a = fit_count_model(pd.Series(y, index=index), interventions=steps_from_breaks([pd.Timestamp("2018-01-31")]))
    b = fit_count_model(pd.Series(y, index=per), interventions=steps_from_breaks([pd.Period("2018-01", "M")]))
    np.testing.assert_allclose(a.params, b.params, rtol=1e-12)
    enc = encode_interventions(per, steps_from_breaks([pd.Timestamp("2018-01-31")]))
    assert enc.fraction[per.get_loc(pd.Period("2018-01", "M")), 0] == 1.0
    # step(date) keeps its fractional coverage of the containing period
    enc = encode_interventions(per, {"law": step("2018-01-31")})
    assert enc.fraction[per.get_loc(pd.Period("2018-01", "M")), 0] == pytest.approx(1 / 31)
