"""Nowcast on simulated registries with planted delays: visibility, back-test coverage, bounded estimates."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from synthetic_vintages import release

from analysis.vintages.history import build_history
from analysis.vintages.nowcast import (
    STATUS_ESTIMATED,
    STATUS_TOO_EARLY,
    backtest_nowcast,
    delay_sample,
    nowcast_counts,
    nowcast_monthly,
    rate_prior,
)

START = dt.date(2022, 1, 1)


def simulated(rng_seed=7, days=600, rate=1.5, mean_delay=9.0):
    """Daily Poisson decisions, geometric delays, a release every 7 days (the truth is known)."""
    rng = np.random.default_rng(rng_seed)
    decided, shown = [], []
    for k in range(days):
        n = rng.poisson(rate)
        for _ in range(n):
            decided.append(START + dt.timedelta(days=k))
            shown.append(START + dt.timedelta(days=k + int(rng.geometric(1 / mean_delay)) - 1))
    releases = []
    ids = np.arange(1, len(decided) + 1)
    for r in range(7, days + 120, 7):
        day = START + dt.timedelta(days=r)
        rows = [dict(id=int(i), name=f"Условный {i}", **{"in": d}) for i, d, s in zip(ids, decided, shown)
                if s <= day and d <= day]
        releases.append(release(f"r{r:04d}", day, rows))
    return releases, mean_delay


def test_visibility_curve_matches_the_planted_delays():
    rel, mean_delay = simulated()
    h = build_history(rel, registry="foreign_agents")
    s = rel[60].vintage.release_date
    ds = delay_sample(h, snapshot_date=s)
    f = ds.cdf()
    p = 1 / mean_delay
    truth = 1 - (1 - p) ** (np.arange(len(f)) + 1)   # P(geometric - 1 <= k)
    ages = np.unique(ds.ages)
    err = np.abs(f[ages] - truth[ages])
    # about 80 pairs per age: a binomial share has a standard error up to 0.056
    assert err.mean() < 0.04 and err.max() < 0.2


def test_backtest_coverage_is_near_nominal_on_a_poisson_registry():
    rel, _ = simulated()
    h = build_history(rel, registry="foreign_agents")
    bt = backtest_nowcast(h, n_draws=300, rng=3)
    assert len(bt.frame) >= 90
    assert 0.8 <= bt.coverage <= 1.0, bt.summary()
    by = bt.coverage_by_month().set_index("months_before")
    # the raw count of the running month is biased low; the nowcast removes most of it
    assert by.loc[0, "mean_abs_nowcast_error"] < by.loc[0, "mean_abs_raw_error"]
    assert "coverage" in bt.summary() and bt.to_dict()["kind"] == "nowcast_backtest"


def test_nowcast_is_reproducible_and_keeps_the_raw_count_as_the_floor():
    rel, _ = simulated(days=300)
    h = build_history(rel, registry="foreign_agents")
    a = nowcast_monthly(h, rng=11, n_draws=300).to_frame()
    b = nowcast_monthly(h, rng=11, n_draws=300).to_frame()
    assert a.equals(b)
    assert (a["lower"] >= a["observed"]).all() and (a["upper"] >= a["estimate"]).all()
    res = nowcast_monthly(h, rng=11, n_draws=300)
    assert res.meta["seed"] == 11 and set(res.meta) >= {"package_version", "options", "input_sha256", "seed"}


def test_no_delay_means_no_correction():
    rel, _ = simulated(days=300, mean_delay=1.0)   # geometric with p=1: shown the day it is decided
    h = build_history(rel, registry="foreign_agents")
    s = rel[-1].vintage.release_date
    n = nowcast_counts(rel[-1].frame, snapshot_date=s, delays=delay_sample(h, snapshot_date=s), rng=0,
                       n_draws=200).to_frame()
    assert (n["estimate"] == n["observed"]).all() and (n["upper"] == n["observed"]).all()


def thinned(rng_seed=5, days=420, rate=2.0, min_delay=4, mean_extra=3.0, every=7):
    """Planted thinning: every entry shows up ``min_delay`` + geometric days after its decision.

    At a release less than ``min_delay`` days into a month none of that month's entries is
    visible yet (visible share 0): the case where a ratio estimate O / P has no bound.
    """
    rng = np.random.default_rng(rng_seed)
    decided, shown = [], []
    for k in range(days):
        for _ in range(rng.poisson(rate)):
            decided.append(START + dt.timedelta(days=k))
            shown.append(START + dt.timedelta(days=k + min_delay + int(rng.geometric(1 / mean_extra)) - 1))
    releases = []
    for r in range(every, days + 90, every):
        day = START + dt.timedelta(days=r)
        rows = [dict(id=i + 1, name=f"Условный {i + 1}", **{"in": d}) for i, (d, s) in enumerate(zip(decided, shown))
                if s <= day]
        releases.append(release(f"r{r:04d}", day, rows))
    monthly = pd.Series(1, index=pd.PeriodIndex(pd.DatetimeIndex(decided), freq="M")).groupby(level=0).sum()
    return releases, monthly


def test_a_month_with_nothing_visible_yet_is_too_early_not_a_number():
    rel, monthly = thinned(every=1)
    h = build_history(rel, registry="foreign_agents")
    # the second day of a month: every entry of that month is still hidden
    s = next(lv.vintage.release_date for lv in rel if lv.vintage.release_date.day == 2
             and lv.vintage.release_date > START + dt.timedelta(days=200))
    lv = next(lv for lv in rel if lv.vintage.release_date == s)
    cut = [x for x in rel if x.vintage.release_date <= s]
    hc = build_history(cut, registry="foreign_agents")
    ds = delay_sample(hc, snapshot_date=s)
    assert ds.cdf()[:3].max() == 0.0          # the planted minimum delay, learnt from the releases
    res = nowcast_counts(lv.frame, snapshot_date=s, delays=ds, rng=1, n_draws=400)
    f = res.to_frame().set_index("month")
    running = str(pd.Period(s, freq="M"))
    assert f.loc[running, "status"] == STATUS_TOO_EARLY and pd.isna(f.loc[running, "estimate"])
    assert "too early" in res.summary()
    # forced to estimate anyway, the prior from past months bounds it: no explosion
    forced = nowcast_counts(lv.frame, snapshot_date=s, delays=ds, rng=1, n_draws=400,
                            min_visible_share=0.0).to_frame().set_index("month")
    assert forced.loc[running, "status"] == STATUS_ESTIMATED
    assert forced.loc[running, "upper"] <= monthly.max()   # two days of a month, at most a month's count
    fig_ax = res.plot()
    assert fig_ax is not None


def test_backtest_on_planted_thinning_covers_and_stays_bounded():
    """Weekly releases, 4-day minimum delay: the old ratio estimate had no bound at early cutoffs."""
    rel, monthly = thinned()
    h = build_history(rel, registry="foreign_agents")
    bt = backtest_nowcast(h, n_draws=400, rng=2)
    est = bt.estimated
    assert len(est) >= 90 and (bt.frame["status"] == STATUS_TOO_EARLY).any()
    assert 0.8 <= bt.coverage <= 1.0, bt.summary()
    # stated bound: no interval wider than the largest planted monthly count
    assert bt.max_width <= monthly.max(), bt.summary()
    by = bt.coverage_by_month().set_index("months_before")
    assert by.loc[0, "mean_abs_nowcast_error"] < by.loc[0, "mean_abs_raw_error"]
    assert by["n"].sum() + by["n_too_early"].sum() == len(bt.frame)
    assert bt.to_dict()["max_width"] == bt.max_width


def test_rate_prior_recovers_a_planted_daily_rate():
    rng = np.random.default_rng(4)
    days = pd.date_range("2021-01-01", "2022-12-31", freq="D")
    counts = rng.poisson(3.0, len(days))
    ev = pd.DataFrame({"included_on": np.repeat(days.to_numpy(), counts)})
    p = rate_prior(ev, before=pd.Period("2023-01", freq="M"), n_months=12)
    assert len(p.months) == 12
    assert abs(p.shape / p.rate - 3.0) < 0.15          # prior mean = the planted rate
    assert p.rate <= 31                                 # weighs at most one month of days
    assert rate_prior(ev.iloc[:0], before=pd.Period("2023-01", freq="M")).months == ()
