"""Planted breaks are recovered; stationary series give few false alarms; intervals cover.

These are small versions of the simulations in ``bench/bench_changepoint.py``.
"""
from __future__ import annotations

import numpy as np
import pytest

from analysis.changepoint import detect_changepoints


def f1_with_margin(found, true, margin):
    """F1 score where a found break within ``margin`` of an unmatched true break is a hit."""
    found, true = sorted(found), sorted(true)
    used = set()
    tp = 0
    for f in found:
        cands = [t for t in true if abs(t - f) <= margin and t not in used]
        if cands:
            used.add(min(cands, key=lambda t: abs(t - f)))
            tp += 1
    if not found and not true:
        return 1.0
    prec = tp / len(found) if found else 0.0
    rec = tp / len(true) if true else 0.0
    return 0.0 if tp == 0 else 2 * prec * rec / (prec + rec)


def hausdorff(found, true):
    if not found or not true:
        return np.inf
    f, t = np.array(found), np.array(true)
    d = np.abs(f[:, None] - t[None, :])
    return float(max(d.min(axis=1).max(), d.min(axis=0).max()))


def test_f1_and_hausdorff_scores():
    assert f1_with_margin([10, 31], [10, 30], 1) == 1.0
    assert f1_with_margin([10], [10, 30], 1) == pytest.approx(2 / 3)
    assert hausdorff([10, 31], [10, 30]) == 1.0


@pytest.mark.parametrize("cost", ["poisson", "negbin"])
def test_planted_breaks_are_recovered(cost):
    rng = np.random.default_rng(2024)
    true = [40, 90, 130]
    levels = [4.0, 12.0, 5.0, 15.0]
    n = 180
    mu = np.repeat(levels, np.diff([0, *true, n]))
    f1s, hds = [], []
    for _ in range(40):
        if cost == "poisson":
            y = rng.poisson(mu)
        else:
            r = 8.0
            y = rng.negative_binomial(r, r / (r + mu))
        res = detect_changepoints(y, cost=cost)
        f1s.append(f1_with_margin(res.positions, true, margin=3))
        hds.append(hausdorff(res.positions, true))
    assert np.mean(f1s) >= 0.9
    assert np.median(hds) <= 2


def test_false_alarms_at_default_penalty_poisson():
    rng = np.random.default_rng(7)
    for lam in (1.0, 8.0, 50.0):
        for n in (60, 240):
            alarms = sum(detect_changepoints(rng.poisson(lam, n)).n_breaks > 0 for _ in range(100))
            assert alarms / 100 <= 0.05, (lam, n)


def test_false_alarms_at_default_penalty_negbin():
    rng = np.random.default_rng(8)
    for lam, r in ((3.0, 2.0), (20.0, 4.0)):
        for n in (60, 240):
            alarms = sum(detect_changepoints(rng.negative_binomial(r, r / (r + lam), n), cost="negbin").n_breaks > 0
                         for _ in range(100))
            assert alarms / 100 <= 0.05, (lam, r, n)


def test_poisson_cost_overreacts_to_overdispersion_negbin_does_not():
    rng = np.random.default_rng(9)
    more = 0
    for _ in range(30):
        y = rng.negative_binomial(1.5, 1.5 / (1.5 + 6.0), 120)
        more += (detect_changepoints(y, cost="poisson", pulses=False, dependence=False).n_breaks
                 > detect_changepoints(y, cost="negbin", pulses=False, dependence=False).n_breaks)
    assert more >= 20


def test_conf_int_coverage_small_design():
    """n = 120, break at 60, rates 5/sqrt(2) and 5*sqrt(2) (ratio 2), 100 series."""
    rng = np.random.default_rng(1234)
    lo, hi = 5 / np.sqrt(2), 5 * np.sqrt(2)
    hits = 0
    N = 100
    for _ in range(N):
        y = np.concatenate([rng.poisson(lo, 60), rng.poisson(hi, 60)])
        ci = detect_changepoints(y, n_breaks=1).conf_int(n_boot=299, rng=rng)
        hits += ci.loc[0, "lower_position"] <= 60 <= ci.loc[0, "upper_position"]
    # nominal 95%; with 100 series a binomial 99% lower bound is about 0.89
    assert hits / N >= 0.89


def test_conf_int_is_deterministic_and_lazy():
    rng = np.random.default_rng(5)
    y = np.concatenate([rng.poisson(3, 50), rng.poisson(9, 50)])
    res = detect_changepoints(y)
    assert res._cache == {}
    a = res.conf_int()
    b = res.conf_int()
    c = detect_changepoints(y).conf_int(rng=None)
    assert a.equals(b) and a.equals(c)
    assert a.attrs["seed"] == 20240601
    d1 = res.conf_int(rng=3, n_boot=199)
    d2 = res.conf_int(rng=np.random.SeedSequence(3), n_boot=199)
    assert d1[["lower_position", "upper_position"]].equals(d2[["lower_position", "upper_position"]])
    # a generator gives the seed: reproducible from its state, and it advances
    g1 = res.conf_int(rng=np.random.default_rng(4), n_boot=199)
    g2 = res.conf_int(rng=np.random.default_rng(4), n_boot=199)
    assert g1.equals(g2) and g1.attrs["seed"] == g2.attrs["seed"]
    row = a.iloc[0]
    assert row["lower_position"] <= row["position"] <= row["upper_position"]
