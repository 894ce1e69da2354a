"""Nowcast on a simulated registry with a planted delay distribution: visibility and back-test coverage."""
from __future__ import annotations

import datetime as dt

import numpy as np

from synthetic_vintages import release

from analysis.vintages.history import build_history
from analysis.vintages.nowcast import backtest_nowcast, delay_sample, nowcast_counts, nowcast_monthly

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
